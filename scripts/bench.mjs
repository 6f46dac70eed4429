// npm run bench: wall time and peak RSS of the homelab CLI on the shipped registry and on
// synthetic registries of 1,000 and 10,000 handles (BENCH_SIZES=1000,10000,50000 adds more; an
// opt-* ensemble every tenth row), each as a ratio to a bare `node -e 0` run right before it on
// the same machine (interleaved, so a busy machine slows both alike). Timing runs carry no
// preload; peak RSS and CPU time come from one extra run with scripts/rss-report.mjs preloaded
// (CPU time against a preloaded `node -e 0`: a second opinion that a loaded machine skews less).
// Targets (issue #10): validate(shipped) <= 2x node; compile + validate of 10,000 handles <= 20x;
// peak RSS at 10,000 handles <= 250 MB; growth 1,000 -> 10,000 handles <= 10x.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const BIN = join(ROOT, 'dist/cli/homelab.js');
const PRELOAD = join(ROOT, 'scripts/rss-report.mjs');
const SIZES = (process.env.BENCH_SIZES ?? '1000,10000').split(',').map(Number);
const REPEAT = Number(process.env.BENCH_REPEAT ?? 5);
// The cold rows skip the result memo (src/cli/result-cache.ts): they measure the work itself.
const COLD = { HOMELAB_NO_CACHE: '1' };

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function timed(args, { cwd = ROOT, env = {}, expectCode = 0 } = {}) {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd, env: { ...process.env, NO_COLOR: '1', ...env }, encoding: 'utf8', maxBuffer: 1 << 28 });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (r.status !== expectCode) throw new Error(`${args.join(' ')} exited ${r.status}:\n${r.stderr.slice(0, 2000)}`);
  return ms;
}

/** Peak RSS (MB) and CPU time (ms) of one run of the command, read by the preload. */
function usage(args, opts = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-rss-'));
  const file = join(dir, 'rss');
  try {
    timed(['--import', PRELOAD, ...args], { ...opts, env: { ...opts.env, HOMELAB_BENCH_RSS: file } });
    const [rssKb, cpuUs] = readFileSync(file, 'utf8').trim().split(' ').map(Number);
    return { rss: rssKb / 1024, cpu: cpuUs / 1000 };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * REPEAT rounds of: `node -e 0`, then prepare(i) (e.g. a fresh --out directory), then the
 * steps. Per round the steps' total is divided by that round's floor; medians are reported.
 */
function measure(steps, { repeat = REPEAT, prepare = () => ({}) } = {}) {
  const floors = [];
  const totals = [];
  const ratios = [];
  let rss = 0;
  let cpuRatio = 0;
  for (let i = 0; i < repeat; i++) {
    const floor = timed(['-e', '0']);
    const round = prepare(i);
    let total = 0;
    for (const step of steps(round)) total += timed(step.args, step.opts);
    floors.push(floor);
    totals.push(total);
    ratios.push(total / floor);
    if (i === 0) {
      const runs = steps(prepare('rss')).map((step) => usage(step.args, step.opts));
      rss = Math.max(...runs.map((r) => r.rss));
      cpuRatio = runs.reduce((sum, r) => sum + r.cpu, 0) / usage(['-e', '0']).cpu;
    }
  }
  return { floor: median(floors), ms: median(totals), ratio: median(ratios), rss, cpuRatio };
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

// BENCH_SYNTHETIC=N: only write a synthetic registry of N handles and print its directory (to profile).
if (process.env.BENCH_SYNTHETIC) {
  console.log(synthetic(Number(process.env.BENCH_SYNTHETIC)));
  process.exit(0);
}

const rows = [];
const add = (name, r, target) => rows.push({ name, ...r, target });

// The shipped registry, in the repository: validate as a CI job or an editor hook runs it again
// (memo hit), validate after an edit (cold), compile --check (cold), compile into a fresh directory.
timed([BIN, 'validate']); // prime the memo
add('validate, shipped, unchanged since last run', measure(() => [{ args: [BIN, 'validate'] }]), 2);
add('validate, shipped, cold', measure(() => [{ args: [BIN, 'validate'], opts: { env: COLD } }]), 2);
add('compile --check, shipped, cold', measure(() => [{ args: [BIN, 'compile', '--check'], opts: { env: COLD } }]));
const shippedOut = mkdtempSync(join(tmpdir(), 'bench-shipped-'));
try {
  add('compile into a fresh dir, shipped', measure(() => [{ args: [BIN, 'compile', '--out', join(shippedOut, String(Math.random()).slice(2))] }]));
} finally {
  rmSync(shippedOut, { recursive: true, force: true });
}

const bySize = {};
for (const n of SIZES) {
  const dir = synthetic(n);
  const repeat = n >= 50000 ? 1 : REPEAT;
  try {
    // Each round compiles into a fresh directory (every file written), then validates it cold.
    const r = measure(
      (out) => [
        { args: [BIN, 'compile', '--out', out], opts: { cwd: dir } },
        { args: [BIN, 'validate', '--out', out], opts: { cwd: dir, env: COLD } },
      ],
      { repeat, prepare: (i) => `out-${i}` },
    );
    bySize[n] = r;
    add(`compile + validate, ${n.toLocaleString('en')} handles`, r, n === 10000 ? 20 : undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`node ${process.version}, ${REPEAT} rounds each (median); ratio = run / the \`node -e 0\` right before it\n`);
console.log(`${'run'.padEnd(44)} ${'ms'.padStart(7)} ${'node ms'.padStart(8)} ${'× node'.padStart(7)} ${'target'.padStart(7)} ${'peak MB'.padStart(8)} ${'cpu × node'.padStart(11)}`);
for (const r of rows) {
  const target = r.target ? `≤ ${r.target}×` : '';
  console.log(`${r.name.padEnd(44)} ${r.ms.toFixed(0).padStart(7)} ${r.floor.toFixed(0).padStart(8)} ${r.ratio.toFixed(2).padStart(7)} ${target.padStart(7)} ${r.rss.toFixed(0).padStart(8)} ${r.cpuRatio.toFixed(2).padStart(11)}`);
}
if (bySize[1000] && bySize[10000]) {
  console.log(`\ngrowth 1,000 → 10,000 handles: ${(bySize[10000].ms / bySize[1000].ms).toFixed(1)}× (target ≤ 10×)`);
  console.log(`peak RSS at 10,000 handles: ${bySize[10000].rss.toFixed(0)} MB (target ≤ 250 MB)`);
}
if (bySize[10000] && bySize[50000]) console.log(`growth 10,000 → 50,000 handles: ${(bySize[50000].ms / bySize[10000].ms).toFixed(1)}×`);
