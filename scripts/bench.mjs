// npm run bench: wall time and peak RSS of `homelab compile` and `homelab validate` on the
// shipped registry and on synthetic registries of 1,000 / 10,000 / 50,000 handles (an opt-*
// ensemble every tenth), next to a bare `node -e 0` on the same machine.
// Targets (issue #3): validate(shipped) ≤ 4× node; compile+validate(10k) ≤ 40× node (aim 20×);
// growth 1k→10k ≤ 12×; peak RSS at 10k < 300 MB.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist/cli/homelab.js');
const PRELOAD = join(ROOT, 'scripts/rss-report.mjs');
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000,50000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 3);

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Run a command REPEAT times; median wall ms and max peak RSS (MB). */
function measure(args, { cwd = ROOT, repeat = REPEAT, expectCode = 0 } = {}) {
  const times = [];
  const rssFile = join(mkdtempSync(join(tmpdir(), 'bench-rss-')), 'rss');
  for (let i = 0; i < repeat; i++) {
    const start = process.hrtime.bigint();
    const r = spawnSync(process.execPath, args, { cwd, env: { ...process.env, HOMELAB_BENCH_RSS: rssFile, NO_COLOR: '1' }, encoding: 'utf8', maxBuffer: 1 << 28 });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (r.status !== expectCode) throw new Error(`${args.join(' ')} exited ${r.status}:\n${r.stderr.slice(0, 2000)}`);
  }
  let rss = 0;
  try {
    rss = Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map(Number)) / 1024;
  } catch {
    /* node -e 0 has no preload */
  }
  return { ms: median(times), rss };
}

function synthetic(handles) {
  const dir = mkdtempSync(join(tmpdir(), `bench-${handles}-`));
  const reg = join(dir, 'registry');
  mkdirSync(reg);
  const lines = (xs) => xs.join('\n') + '\n';
  const mlxPorts = Array.from({ length: 20 }, (_, i) => 8100 + i);
  const ovPorts = Array.from({ length: 20 }, (_, i) => 9000 + i);
  writeFileSync(join(reg, 'hosts.yaml'), lines([
    'hosts:',
    '  mini:', '    address: 192.168.1.71', '    os: linux', '    ssh: ops@192.168.1.71', '    storage:', '      - path: /srv/models', '        class: showroom',
    '  studio:', '    address: 192.168.1.72', '    os: macos', '    ssh: ops@192.168.1.72', '    storage:', '      - path: /Users/ops/models', '        class: showroom',
  ]));
  const ep = ['endpoints:',
    '  ep_litellm_4000:', '    service: litellm-gateway', '    kind: litellm', '    host: mini', '    port: 4000', '    bind: 127.0.0.1', '    run: {user: ops, workdir: /srv/litellm}',
    '  ep_optillm_4020:', '    service: optillm-proxy', '    kind: optillm', '    host: mini', '    port: 4020', '    bind: 127.0.0.1', '    run: {user: ops, workdir: /srv/optillm}',
  ];
  const ledger = ['ports:', '  - { host: mini, port: 4000, service: litellm-gateway }', '  - { host: mini, port: 4020, service: optillm-proxy }'];
  for (const p of mlxPorts) {
    ep.push(`  ep_mlx_${p}:`, `    service: mlx-${p}`, '    kind: mlx', '    host: studio', `    port: ${p}`, '    bind: 0.0.0.0', '    lan: {approved: gateway reaches the Studio}');
    ledger.push(`  - { host: studio, port: ${p}, service: mlx-${p} }`);
  }
  for (const p of ovPorts) {
    ep.push(`  ep_ov_${p}:`, `    service: ov-${p}`, '    kind: openvino', '    host: mini', `    port: ${p}`, '    bind: 127.0.0.1', `    run: {user: ops, workdir: /srv/ov-${p}}`);
    ledger.push(`  - { host: mini, port: ${p}, service: ov-${p} }`);
  }
  writeFileSync(join(reg, 'endpoints.yaml'), lines(ep));
  writeFileSync(join(reg, 'ports.lock.yaml'), lines([...ledger, 'reserved: []', 'migrations: []']));
  const models = ['models:'];
  const rows = [];
  const plain = [];
  for (let i = 0; rows.length < handles; i++) {
    if (rows.length % 10 === 9) {
      const a = plain[(i * 7) % plain.length];
      const b = plain[(i * 13 + 1) % plain.length];
      const members = a === b ? [a, plain[(i + 2) % plain.length]] : [a, b];
      rows.push(JSON.stringify({ handle: `opt-ens-${i}`, endpoint: 'ep_optillm_4020', selector: { model: `${['moa', 'bon', 'plansearch', 'self_consistency'][i % 4]}-ens-${i}` }, members }));
      continue;
    }
    const isMlx = i % 2 === 0;
    const id = isMlx ? `mlx-model-${i}-4bit` : `ov-model-${i}-fp16`;
    const port = isMlx ? mlxPorts[i % mlxPorts.length] : ovPorts[i % ovPorts.length];
    models.push(`  ${id}:`, `    endpoint: ${isMlx ? `ep_mlx_${port}` : `ep_ov_${port}`}`, `    upstream: ${isMlx ? `mlx-community/Model-${i}-4bit` : `model-${i}-fp16`}`,
      `    source_path: ${isMlx ? `/Users/ops/models/m${i}` : `/srv/models/m${i}`}`, '    context_length: 131072', '    max_output_tokens: 8192');
    rows.push(JSON.stringify({ handle: id }));
    plain.push(id);
  }
  writeFileSync(join(reg, 'models.yaml'), lines(models));
  writeFileSync(join(reg, 'handles.jsonl'), lines(rows));
  writeFileSync(join(reg, 'settings.yaml'), lines([
    'gateway:', '  endpoint: ep_litellm_4000', '  router_settings: {num_retries: 2, timeout: 600}', '  litellm_settings: {json_logs: true}',
    'secrets:', '  litellm-gateway: {file: /etc/llm/litellm.env, names: [LITELLM_MASTER_KEY, OPTILLM_API_KEY]}', '  optillm-proxy: {file: /etc/llm/optillm.env, names: [OPENAI_API_KEY, OPTILLM_PROXY_KEY]}',
    'optillm:', '  version: 0.3.12', '  endpoint: ep_optillm_4020', '  route_via_optillm: true', '  direct_prefix: direct', '  approach: auto', '  request_timeout: 600',
    'search: {}', 'clients: {}', 'mcp: {}',
  ]));
  return dir;
}

const node = measure(['-e', '0'], { repeat: 7 });
const rows = [];
const shipped = { compile: measure(['--import', PRELOAD, BIN, 'compile', '--check']), validate: measure(['--import', PRELOAD, BIN, 'validate']) };
rows.push(['shipped (22)', shipped]);
const bySize = {};
for (const n of SIZES) {
  const dir = synthetic(n);
  const repeat = n >= 50000 ? 1 : REPEAT;
  // compile into a fresh directory each time (so every file is written), then validate it.
  const compile = measure(['--import', PRELOAD, BIN, 'compile', '--out', 'out'], { cwd: dir, repeat });
  const validate = measure(['--import', PRELOAD, BIN, 'validate', '--out', 'out'], { cwd: dir, repeat });
  bySize[n] = { compile, validate };
  rows.push([`${n.toLocaleString('en')} handles`, { compile, validate }]);
  rmSync(dir, { recursive: true, force: true });
}

const f = (x) => x.toFixed(0).padStart(7);
console.log(`node -e 0: ${node.ms.toFixed(0)} ms (baseline)\n`);
console.log('registry            compile ms  ×node  RSS MB   validate ms  ×node  RSS MB');
for (const [name, r] of rows) {
  console.log(`${name.padEnd(18)} ${f(r.compile.ms)}   ${(r.compile.ms / node.ms).toFixed(1).padStart(5)} ${f(r.compile.rss)}     ${f(r.validate.ms)}   ${(r.validate.ms / node.ms).toFixed(1).padStart(5)} ${f(r.validate.rss)}`);
}
const growth = (a, b, k) => (bySize[b] && bySize[a] ? (bySize[b][k].ms / bySize[a][k].ms).toFixed(1) : 'n/a');
console.log(`\ngrowth 1k→10k: compile ${growth(1000, 10000, 'compile')}×, validate ${growth(1000, 10000, 'validate')}×; 10k→50k: compile ${growth(10000, 50000, 'compile')}×, validate ${growth(10000, 50000, 'validate')}×`);
if (bySize[10000]) {
  const both = bySize[10000].compile.ms + bySize[10000].validate.ms;
  console.log(`compile + validate at 10k: ${both.toFixed(0)} ms = ${(both / node.ms).toFixed(1)}× node (target ≤ 40×, aim 20×); peak RSS ${Math.max(bySize[10000].compile.rss, bySize[10000].validate.rss).toFixed(0)} MB (target < 300)`);
}
console.log(`validate(shipped): ${(shipped.validate.ms / node.ms).toFixed(1)}× node (target ≤ 4×)`);
