// Hostile and unusual registry values, class by class (two failing registries and a near miss
// each, asserting code, file, pointer and line), and the defences that hold when a check is
// bypassed: lookups by name never reach prototype members, emitters refuse line breaks, every
// URL the compiler writes parses.
import { describe, expect, it } from 'vitest';
import { compileAll } from '../src/compile/index.js';
import { routerConfig } from '../src/compile/litellm-router.js';
import { buildRouteModel, walkRoute } from '../src/compile/routes.js';
import { InternalError } from '../src/core/errors.js';
import { parseRegistry } from '../src/registry/load.js';
import { explainTree, isRouteSound } from '../src/app/explain.js';
import { diagnose, editHandles, editYaml, lineOf, load, readTexts, ROOT, shippedTexts, type Texts } from './helpers.js';
import { join } from 'node:path';

interface Want {
  code: string;
  file: string;
  pointer: string;
  line: number;
}

interface HostileCase {
  name: string;
  texts: Texts;
  expected: Want[];
}

/** Every case: exactly these diagnostics of the class's codes. */
function table(title: string, codes: string[], cases: HostileCase[]): void {
  describe(title, () => {
    it('has two failing registries and a near miss', () => {
      expect(cases.filter((c) => c.expected.length).length).toBeGreaterThanOrEqual(2);
      expect(cases.filter((c) => !c.expected.length).length).toBeGreaterThanOrEqual(1);
    });
    it.each(cases.map((c) => [c.name, c] as const))('%s', (_n, c) => {
      const got = diagnose(c.texts).filter((d) => codes.includes(d.code)).map((d) => ({ code: d.code, file: d.file, pointer: d.pointer, line: d.line }));
      expect(got).toEqual(c.expected);
    });
  });
}

const shipped = shippedTexts();
const replace = (file: keyof Texts, from: string, to: string): Texts => {
  expect(shipped[file]).toContain(from);
  return { ...shipped, [file]: shipped[file]!.replace(from, to) };
};

// ---- 2. control characters -------------------------------------------------------------
const newlineApproval = replace('endpoints.yaml', 'approved: chat UI for the household', 'approved: "chat UI\\nExecStartPre=/bin/sh -c evil"');
const nulEnv = editYaml(shipped, 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_ov_server_9000', 'run', 'environment'], { OV_CACHE: 'x\u0000y' }));
const tabHandle = { ...shipped, 'handles.jsonl': shipped['handles.jsonl']!.replace('{"handle":"ov-phi-4-mini-instruct-fp16"}', '{"handle":"ov-phi-4-mini-instruct-fp16\\u2028"}') };
const crKey = editYaml(shipped, 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_ov_server_9000', 'run', 'environment'], { 'OV\rX': '1' }));

table('control characters are registry-schema errors, located', ['registry-schema'], [
  { name: 'a newline in a value (it would add a directive to a unit)', texts: newlineApproval, expected: [{ code: 'registry-schema', file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_open_webui_3000/lan/approved', line: lineOf(newlineApproval['endpoints.yaml']!, 'ExecStartPre') }] },
  { name: 'a NUL in an environment value', texts: nulEnv, expected: [{ code: 'registry-schema', file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_ov_server_9000/run/environment/OV_CACHE', line: lineOf(nulEnv['endpoints.yaml']!, 'OV_CACHE') }] },
  { name: 'a line separator (U+2028, a line break to PyYAML) in a handle', texts: tabHandle, expected: [{ code: 'registry-schema', file: 'registry/handles.jsonl', pointer: '/8/handle', line: 9 }] },
  { name: 'a carriage return in a key', texts: crKey, expected: [{ code: 'registry-schema', file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_ov_server_9000/run/environment/OV\rX', line: lineOf(crKey['endpoints.yaml']!, 'OV\\rX') }] },
  { name: 'near miss: non-ASCII text that is no control character', texts: replace('endpoints.yaml', 'approved: chat UI for the household', 'approved: "chat UI für den Haushalt — ✓"'), expected: [] },
]);

// ---- 8. parsing --------------------------------------------------------------------------
const dupJsonl = { ...shipped, 'handles.jsonl': shipped['handles.jsonl']!.replace('{"handle":"mlx-gemma-3-27b-it-qat-4bit"}', '{"handle":"mlx-gemma-3-27b-it-qat-4bit","handle":"mlx-other"}') };
const dupNested = { ...shipped, 'handles.jsonl': shipped['handles.jsonl']!.replace('"selector":{"model":"moa-ens-chat-balanced-m"}', '"selector":{"model":"moa-ens-chat-balanced-m","model":"bon-x"}') };
const merge = replace('hosts.yaml', '    deploy:\n', '    <<: {dns: other}\n    deploy:\n');
const twoDocs = { ...shipped, 'models.yaml': `${shipped['models.yaml']}---\nmodels: {}\n` };
const leadingMarker = { ...shipped, 'ports.lock.yaml': `---\n${shipped['ports.lock.yaml']}` };

table('parsing: duplicate keys, merge keys, documents', ['registry-parse'], [
  { name: 'a key given twice in one JSONL row', texts: dupJsonl, expected: [{ code: 'registry-parse', file: 'registry/handles.jsonl', pointer: '/3', line: 4 }] },
  { name: 'a key given twice in a nested object of a JSONL row', texts: dupNested, expected: [{ code: 'registry-parse', file: 'registry/handles.jsonl', pointer: '/16', line: 17 }] },
  { name: 'a YAML merge key', texts: merge, expected: [{ code: 'registry-parse', file: 'registry/hosts.yaml', pointer: '/hosts/mini/<<', line: lineOf(merge['hosts.yaml']!, '<<:') }] },
  { name: 'a second YAML document, reported at its ---', texts: twoDocs, expected: [{ code: 'registry-parse', file: 'registry/models.yaml', pointer: '', line: lineOf(twoDocs['models.yaml']!, '---') }] },
  { name: 'near miss: a BOM before the first JSONL row, as YAML accepts it', texts: { ...shipped, 'handles.jsonl': `\uFEFF${shipped['handles.jsonl']}` }, expected: [] },
  { name: 'near miss: one document opened with ---', texts: leadingMarker, expected: [] },
]);

describe('parse messages name what is wrong', () => {
  it('names the duplicated key of a JSONL row and of a YAML mapping', () => {
    expect(diagnose(dupJsonl)[0]!.message).toContain('"handle"');
    const dupYaml = replace('hosts.yaml', '    os: macos\n', '    os: macos\n    os: linux\n');
    expect(diagnose(dupYaml)[0]!.message).toContain('"os"');
  });
  it('says that a merge key is not supported', () => {
    expect(diagnose(merge)[0]!.message).toMatch(/merge key/);
  });
  it('refuses an alias bomb (nested anchors) at once, at its first anchor, instead of walking 10^10 values', () => {
    const levels = ['  - &y0 [a, a, a, a, a, a, a, a, a, a]'];
    for (let i = 1; i <= 10; i++) levels.push(`  - &y${i} [${Array(10).fill(`*y${i - 1}`).join(', ')}]`);
    const bomb = { ...shipped, 'settings.yaml': `${shipped['settings.yaml']!}bomb:\n${levels.join('\n')}\n` };
    const started = Date.now();
    const d = diagnose(bomb);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(d.map((x) => [x.code, x.file, x.line])).toEqual([['registry-parse', 'registry/settings.yaml', lineOf(bomb['settings.yaml']!, '&y0')]]);
    expect(d[0]!.message).toMatch(/aliases expand this file to more than 2,000,000 values/);
  });
  it('near miss: an anchor used a few times loads as usual', () => {
    const reuse = replace('endpoints.yaml', 'approved: Studio MLX backends are reached by the gateway on the Mini', 'approved: &studio Studio MLX backends are reached by the gateway on the Mini');
    expect(diagnose(reuse).filter((x) => x.code === 'registry-parse')).toEqual([]);
  });
});

// ---- 6. addresses ------------------------------------------------------------------------
const badAddress = editYaml(shipped, 'hosts.yaml', (d) => d.setIn(['hosts', 'studio', 'address'], '192.168.1.72/admin'));
const badBind = editYaml(shipped, 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_mlx_8100', 'bind'], '0.0.0.0:8100'));
const ipv6 = editYaml(shipped, 'hosts.yaml', (d) => d.setIn(['hosts', 'studio', 'address'], 'fd00::72'));
// The unspecified address names no host: a gateway calling http://0.0.0.0:8100 reaches itself.
const zeroAddress = editYaml(shipped, 'hosts.yaml', (d) => d.setIn(['hosts', 'studio', 'address'], '0.0.0.0'));
const zeroV6Dns = editYaml(shipped, 'hosts.yaml', (d) => d.setIn(['hosts', 'mini', 'dns'], '0:0::0'));
const loopbackStudio = editYaml(shipped, 'hosts.yaml', (d) => d.setIn(['hosts', 'studio', 'address'], '::1'));
table('addresses that no URL can hold are registry-schema errors', ['registry-schema'], [
  { name: 'a host address with a path', texts: badAddress, expected: [{ code: 'registry-schema', file: 'registry/hosts.yaml', pointer: '/hosts/studio/address', line: lineOf(badAddress['hosts.yaml']!, '/admin') }] },
  { name: 'a bind with a port', texts: badBind, expected: [{ code: 'registry-schema', file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_mlx_8100/bind', line: lineOf(badBind['endpoints.yaml']!, '0.0.0.0:8100') }] },
  { name: 'the unspecified address 0.0.0.0 as a host address', texts: zeroAddress, expected: [{ code: 'registry-schema', file: 'registry/hosts.yaml', pointer: '/hosts/studio/address', line: lineOf(zeroAddress['hosts.yaml']!, '0.0.0.0') }] },
  { name: 'the unspecified IPv6 address as a dns name', texts: zeroV6Dns, expected: [{ code: 'registry-schema', file: 'registry/hosts.yaml', pointer: '/hosts/mini/dns', line: lineOf(zeroV6Dns['hosts.yaml']!, '0:0::0') }] },
  { name: 'near miss: an IPv6 host address', texts: ipv6, expected: [] },
  { name: 'near miss: a loopback host address (a one-machine test mesh)', texts: loopbackStudio, expected: [] },
]);

/** Every http(s) URL in a text. */
function urls(text: string): string[] {
  return [...text.matchAll(/https?:\/\/[^\s"'`<>|)]+/g)].map((m) => m[0]);
}

describe('every URL the compiler writes parses, with the right host', () => {
  const optOn127002 = editYaml(editYaml(ipv6, 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_optillm_proxy_4020', 'bind'], '127.0.0.2')), 'endpoints.yaml', (d) =>
    d.setIn(['endpoints', 'ep_searxng_8888', 'bind'], '::1'),
  );
  const variants: [string, Texts][] = [
    ['shipped', shipped],
    ['minimal-one-host', readTexts(join(ROOT, 'test/fixtures/minimal-one-host/registry'))],
    ['no-optillm-routing', readTexts(join(ROOT, 'test/fixtures/no-optillm-routing/registry'))],
    ['IPv6 studio, OptiLLM on 127.0.0.2, SearXNG on ::1', optOn127002],
  ];
  it.each(variants)('%s', (_n, texts) => {
    const files = compileAll(load(texts));
    let count = 0;
    for (const f of files) {
      for (const u of urls(f.content)) {
        count++;
        const parsed = new URL(u);
        expect(parsed.hostname, `${f.path}: ${u}`).not.toBe('');
      }
    }
    expect(count).toBeGreaterThan(3);
  });

  it('writes an IPv6 address in brackets and calls a service at the loopback address it binds', () => {
    const reg = load(optOn127002);
    const all = compileAll(reg).map((f) => f.content).join('\n');
    expect(all).toContain('http://[fd00::72]:8100/v1');
    expect(all).not.toMatch(/http:\/\/fd00::72/);
    const config = routerConfig(reg, buildRouteModel(reg)) as { model_list: { litellm_params: { api_base: string; model: string } }[] };
    const toOptillm = config.model_list.filter((m) => m.litellm_params.model.startsWith('os.environ/'));
    expect(toOptillm.length).toBeGreaterThan(0);
    for (const m of toOptillm) expect(m.litellm_params.api_base).toBe('http://127.0.0.2:4020/v1');
    expect(all).toContain('SEARXNG_API_BASE="http://[::1]:8888"');
  });

  it.each(['0:0:0:0:0:0:0:0', '::0', '0000::', '::ffff:0:0'])('calls a server bound to the wildcard spelled %s at its host address, never at the wildcard itself', (bind) => {
    const texts = editYaml(shipped, 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_mlx_8103', 'bind'], bind));
    expect(diagnose(texts).filter((x) => x.severity === 'error')).toEqual([]);
    const config = routerConfig(load(texts), buildRouteModel(load(texts))) as { model_list: { litellm_params: { api_base: string; model: string } }[] };
    const bases = config.model_list.filter((m) => m.litellm_params.model === 'openai/mlx-gemma-3-27b-it-qat-4bit').map((m) => m.litellm_params.api_base);
    expect(bases.length).toBeGreaterThan(0);
    // http://[::0]:8103 would connect to the gateway's own machine.
    for (const b of bases) expect(b).toBe('http://192.168.1.72:8103/v1');
  });

  it('points a LAN client at the gateway where it listens (loopback-only gateway: 127.0.0.1, not the LAN address)', () => {
    const files = compileAll(load(readTexts(join(ROOT, 'test/fixtures/minimal-one-host/registry'))));
    expect(files.find((f) => f.path === 'clients/tinyagents.env')!.content).toContain('TINYAGENTS_API_BASE=http://127.0.0.1:4000/v1');
  });
});

// ---- 7. names that are JavaScript prototype members ---------------------------------------
const PROTO_NAMES = ['constructor', '__proto__', 'hasOwnProperty', 'toString'];

describe.each(PROTO_NAMES)('"%s" as a name behaves like any unknown name', (name) => {
  it('as a handle: validate reports it, never resolves it to a prototype member', () => {
    const texts = editHandles(shipped, (rows) => [...rows, { handle: name }]);
    const d = diagnose(texts);
    expect(d.find((x) => x.code === 'handle-model-id' && x.pointer === `/${shipped['handles.jsonl']!.trim().split('\n').length}/handle`)).toBeDefined();
  });

  it('as an ensemble member and as an endpoint reference: routing-unresolved / endpoint-id', () => {
    const texts = editHandles(shipped, (rows) => rows.map((r, i) => (i === 16 ? { ...r, endpoint: name, members: [name, 'mlx-gemma-3-27b-it-qat-4bit'] } : r)));
    const d = diagnose(texts);
    expect(d.some((x) => x.code === 'endpoint-id' && x.pointer === '/16/endpoint')).toBe(true);
    expect(d.some((x) => x.code === 'routing-unresolved' && x.pointer === '/16/members/0')).toBe(true);
  });

  it('as an endpoint\'s host and as a model\'s endpoint', () => {
    const texts = editYaml(editYaml(shipped, 'endpoints.yaml', (doc) => doc.setIn(['endpoints', 'ep_searxng_8888', 'host'], name)), 'models.yaml', (doc) =>
      doc.setIn(['models', 'ov-phi-4-mini-instruct-fp16', 'endpoint'], name),
    );
    const d = diagnose(texts);
    expect(d.some((x) => x.code === 'endpoint-id' && x.pointer === '/endpoints/ep_searxng_8888/host')).toBe(true);
    expect(d.some((x) => x.code === 'endpoint-id' && x.pointer === '/models/ov-phi-4-mini-instruct-fp16/endpoint')).toBe(true);
  });

  it('as a host defined in hosts.yaml: a name like any other (kebab-case or not), never a crash', () => {
    const texts = editYaml(shipped, 'hosts.yaml', (doc) => doc.setIn(['hosts', name], { address: '10.0.0.9', os: 'linux', ssh: 'x@10.0.0.9', storage: [] }));
    const r = parseRegistry(texts, 'registry');
    if (name === '__proto__') {
      expect(r.diagnostics).toEqual([expect.objectContaining({ code: 'registry-schema', pointer: '/hosts/__proto__', line: lineOf(texts['hosts.yaml']!, '__proto__:') })]);
      return;
    }
    expect(r.diagnostics).toEqual([]);
    expect(Object.keys(r.registry!.hosts)).toContain(name);
    const kebab = diagnose(texts).filter((x) => x.code === 'name-kebab-case');
    expect(kebab.map((x) => x.pointer)).toEqual(name === 'constructor' ? [] : [`/hosts/${name}`]);
    expect(() => compileAll(r.registry!)).not.toThrow();
  });

  it('explain of it is an unknown gateway name, and lookups in the loaded registry find nothing', () => {
    const reg = load(shipped);
    const routes = buildRouteModel(reg);
    expect(routes.byName.has(name)).toBe(false);
    expect(reg.hosts[name]).toBeUndefined();
    expect(reg.endpoints[name]).toBeUndefined();
    expect(reg.models[name]).toBeUndefined();
    expect(reg.settings.secrets[name]).toBeUndefined();
    expect(isRouteSound(explainTree(reg, walkRoute(routes, name)))).toBe(false);
  });
});

// ---- 2. emitters refuse line breaks even when validation is bypassed --------------------------
describe('emitters refuse what would start a new line, with validation bypassed', () => {
  const bypass = (edit: (reg: ReturnType<typeof load>) => void) => {
    const reg = load(shipped);
    edit(reg);
    return () => compileAll(reg);
  };
  it.each([
    ['a newline in a unit Environment= value', (reg: ReturnType<typeof load>) => (reg.endpoints.ep_ov_server_9000!.run!.environment = { OV_X: 'a\nExecStartPre=/bin/evil' })],
    ['a newline in a workdir (WorkingDirectory=)', (reg: ReturnType<typeof load>) => (reg.endpoints.ep_ov_server_9000!.run!.workdir = '/srv/ov\nUser=root')],
    ['a trailing backslash in a workdir (continues the unit line)', (reg: ReturnType<typeof load>) => (reg.endpoints.ep_ov_server_9000!.run!.workdir = '/srv/ov\\')],
    ['a newline in an env file value', (reg: ReturnType<typeof load>) => (reg.hosts.mini!.address = '10.0.0.1\nOPENAI_API_KEY=x')],
    ['a newline in a unit name', (reg: ReturnType<typeof load>) => (reg.endpoints.ep_ov_server_9000!.run!.unit = 'ov\n[Service]')],
  ])('%s: InternalError, no file', (_n, edit) => {
    expect(bypass(edit)).toThrow(InternalError);
  });
});

describe('env files: $ and quotes keep their meaning for a shell-like reader', () => {
  it('a value with $, quotes and backslashes reads back unchanged (bash, whose rules systemd EnvironmentFile= follows in double quotes)', async () => {
    const { renderEnv } = await import('../src/compile/render.js');
    const { execFileSync } = await import('node:child_process');
    const { writeFileSync } = await import('node:fs');
    const { tmpDir } = await import('./helpers.js');
    // E_TICK: a backtick inside double quotes is command substitution to bash (systemd keeps it).
    const values = { A_PRICE: 'costs $5 and ${HOME}', B_QUOTED: 'say "hi" \\ back\\slash', C_PLAIN: 'http://127.0.0.1:8888', D_SPACE: 'two words', E_TICK: 'run `echo pwned` now' };
    const file = join(tmpDir(), 'env');
    writeFileSync(file, renderEnv(values));
    const out = execFileSync('bash', ['-c', `set -a; . "${file}"; printf '%s\\0' "$A_PRICE" "$B_QUOTED" "$C_PLAIN" "$D_SPACE" "$E_TICK"`], { encoding: 'utf8', env: { PATH: process.env.PATH, HOME: '/nowhere' } });
    expect(out.split('\0').slice(0, 5)).toEqual(Object.values(values));
  });
});

// ---- 12. pathological sizes are refused at the door (cost measured by npm run bench:pathological) ----
const withMembers = (n: number, name: (i: number) => string) =>
  editHandles(shipped, (rows) => rows.map((r, i) => (i === 16 ? { ...r, members: Array.from({ length: n }, (_, j) => name(j)) } : r)));
const longApproval = replace('endpoints.yaml', 'approved: chat UI for the household', `approved: ${'x'.repeat(5000)}`);
const hugeRow = withMembers(20_000, (j) => `ov-missing-member-${j}`);

table('pathological sizes', ['registry-schema'], [
  { name: 'an ensemble of 1,001 members', texts: withMembers(1001, () => 'ov-phi-4-mini-instruct-fp16'), expected: [{ code: 'registry-schema', file: 'registry/handles.jsonl', pointer: '/16/members', line: 17 }] },
  { name: 'a row of half a megabyte, refused before it is parsed', texts: hugeRow, expected: [{ code: 'registry-schema', file: 'registry/handles.jsonl', pointer: '/16', line: 17 }] },
  { name: 'a 5,000-character string', texts: longApproval, expected: [{ code: 'registry-schema', file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_open_webui_3000/lan/approved', line: lineOf(longApproval['endpoints.yaml']!, 'xxxx') }] },
  { name: 'near miss: an ensemble of exactly 1,000 members', texts: withMembers(1000, (j) => (j % 2 ? 'mlx-gemma-3-27b-it-qat-4bit' : 'mlx-mistral-small-3-2-24b-instruct-2506-4bit')), expected: [] },
]);

describe('a large ensemble costs once per distinct member', () => {
  it('1,000 listings of two members compile to two deployments and one warning per member', () => {
    const texts = withMembers(1000, (j) => (j % 2 ? 'mlx-gemma-3-27b-it-qat-4bit' : 'mlx-mistral-small-3-2-24b-instruct-2506-4bit'));
    const d = diagnose(texts).filter((x) => x.code === 'ensemble-members');
    expect(d.map((x) => [x.pointer, x.severity])).toEqual([['/16/members/2', 'warning'], ['/16/members/3', 'warning']]);
    const routes = buildRouteModel(load(texts));
    expect(routes.entries.find((e) => e.name === 'ens-chat-balanced-m')!.deployments).toHaveLength(2);
  });
});

// ---- YAML anchors: one parsed object at several places ------------------------------------
describe('a refused key under an anchored node is reported at every place the node appears', () => {
  // js-yaml hands an alias over as the same object as its anchor: the sanitizer, which edits the
  // parser's value in place, must still report the key at each place (as a copying walk did).
  const withAliased = (body: string): Texts => ({
    ...shipped,
    'settings.yaml': shipped['settings.yaml']!.replace(/^gateway:\n/m, `gateway:\n  passthrough:\n${body}`),
  });

  it.each([
    ['__proto__', 'registry-schema'],
    ['<<', 'registry-parse'],
  ])('%s', (key, code) => {
    const texts = withAliased(`    guard-a: &x\n      "${key}": 1\n      k: v\n    guard-b: *x\n    guard-c: [*x]\n`);
    const d = parseRegistry(texts, 'registry').diagnostics;
    expect(d.map((x) => [x.code, x.pointer])).toEqual(
      ['/gateway/passthrough/guard-a', '/gateway/passthrough/guard-b', '/gateway/passthrough/guard-c/0'].map((p) => [code, `${p}/${key === '<<' ? '<<' : key}`]),
    );
  });

  it('a list longer than the limit under an alias: at each place, and nothing crashes', () => {
    const long = `[${Array.from({ length: 1001 }, (_, i) => i).join(', ')}]`;
    const texts = withAliased(`    guard-a: &x\n      items: ${long}\n    guard-b: *x\n`);
    const d = parseRegistry(texts, 'registry').diagnostics;
    expect(d.map((x) => x.pointer)).toEqual(['/gateway/passthrough/guard-a/items', '/gateway/passthrough/guard-b/items']);
  });
});

describe('a YAML node that holds itself (an alias inside its own anchor)', () => {
  it('is refused as an endless expansion at its anchor, not as a stack overflow', () => {
    const texts = { ...shipped, 'settings.yaml': shipped['settings.yaml']!.replace(/^gateway:\n/m, 'gateway:\n  passthrough:\n    loop: &l [*l]\n') };
    const d = parseRegistry(texts, 'registry').diagnostics;
    expect(d).toEqual([expect.objectContaining({ code: 'registry-parse', line: lineOf(texts['settings.yaml']!, 'loop: &l') })]);
    expect(d[0]!.message).toMatch(/YAML aliases expand this file to more than/);
    expect(d[0]!.message).not.toMatch(/call stack/);
  });
});
