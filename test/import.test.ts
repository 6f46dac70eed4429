// homelab import: hand-written meshes in the shapes users write them (test/fixtures/import/<case>/
// input/) become registries (expected/registry/, golden) with the reports expected/diagnostics.txt
// lists; the shipped registry and the compile fixtures survive compile → import → compile with
// every name reaching the same backends; import never throws on arbitrary YAML; LiteLLM's own
// example configs (test/fixtures/import/litellm-docs/, source path on line 1 of each) are read
// and what they cannot give is reported. LiteLLM itself cannot be installed here: the loader
// behaviour these tests rely on is LiteLLM 1.81's ProxyConfig (include, os.environ/) as recorded
// in src/import/litellm-config.ts.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as yamlParse, stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { compileAll } from '../src/compile/index.js';
import { layout } from '../src/compile/layout.js';
import { buildRouteModel } from '../src/compile/routes.js';
import { importMesh, type ImportResult } from '../src/import/build.js';
import { routeTable, sameRow, describeRow } from '../src/import/route-table.js';
import { compareRoutes, compiledTable, renderImported, tableInput } from '../src/import/round-trip.js';
import { quoteEnvValue } from '../src/compile/render.js';
import { parseEnvFile, type EnvVar, type InputFile } from '../src/import/sources.js';
import { splitApiBase } from '../src/import/targets.js';
import { parseRegistry } from '../src/registry/load.js';
import { validateRegistry } from '../src/validate/index.js';
import { load, readTexts, ROOT, runCli, tmpDir } from './helpers.js';

const FIX = join(ROOT, 'test/fixtures/import');
const rel = (p: string) => p.slice(ROOT.length + 1);
const input = (p: string): InputFile | undefined => (existsSync(p) ? { file: rel(p), text: readFileSync(p, 'utf8') } : undefined);

function importCase(name: string): { result: ImportResult; texts: Record<string, string> } {
  const dir = join(FIX, name, 'input');
  const result = importMesh({
    router: input(join(dir, 'router.yaml'))!,
    readInclude: (p) => input(join(dir, p)),
    envs: [input(join(dir, 'env.local'))].filter((x): x is InputFile => !!x),
    handles: input(join(dir, 'handles.jsonl')),
    mlxRegistry: input(join(dir, 'registry.json')),
    optillmEnv: input(join(dir, 'optillm.env')),
  });
  expect(result.registry, JSON.stringify(result.diagnostics, null, 2)).toBeDefined();
  return { result, texts: renderImported(result.registry!, { schemaDir: '../../../../../schemas', source: rel(join(dir, 'router.yaml')) }) };
}

const line = (d: { file: string; line?: number; severity: string; code: string; message: string }) => `${d.file}:${d.line ?? '-'} ${d.severity} ${d.code} ${d.message}`;
const validateOf = (texts: Record<string, string>) => {
  const reg = load(texts, 'registry');
  return validateRegistry(reg).diagnostics;
};

const CASES = readdirSync(FIX).filter((c) => existsSync(join(FIX, c, 'input', 'router.yaml')));

describe('import fixtures (golden registry and reports)', () => {
  it('has the shapes users write', () => {
    expect(CASES).toEqual(expect.arrayContaining(['seeds-mesh', 'pool-alias', 'include-guardrails', 'ov-env']));
  });

  it.each(CASES)('%s', async (name) => {
    const { result, texts } = importCase(name);
    for (const [file, text] of Object.entries(texts)) await expect(text).toMatchFileSnapshot(join(FIX, name, 'expected/registry', file));
    const report = [...result.diagnostics.map(line), '--- validate', ...validateOf(texts).map(line)].join('\n') + '\n';
    await expect(report).toMatchFileSnapshot(join(FIX, name, 'expected/diagnostics.txt'));
    // No value of a secret (or of a literal key in the input) is ever written.
    for (const text of Object.values(texts)) {
      for (const leaked of ['sk-1234', 'hunter2', 'sk-this-is-not-a-placeholder', 'eYVX71']) expect(text).not.toContain(leaked);
    }
  });
});

describe('import: the seeds mesh', () => {
  const { result, texts } = importCase('seeds-mesh');
  const reg = load(texts);
  const diags = validateOf(texts);

  it('keeps the seeds\' OptiLLM call-backs and lets validate report their loop', () => {
    expect(reg.settings.optillm).toMatchObject({ route_via_optillm: true, direct_prefix: 'router', endpoint: 'ep_optillm_proxy_4020' });
    const loops = diags.filter((d) => d.code === 'routing-loop').map((d) => d.message);
    expect(loops.join('\n')).toContain('router-mlx-gpt-oss-120b-mxfp4-q8');
    expect(diags.some((d) => d.code === 'optillm-selector' && d.pointer === '/optillm/direct_prefix')).toBe(true);
  });

  it('turns the selector env into an opt-* ensemble with its technique, group and members', () => {
    const opt = reg.handles.find((h) => h.handle === 'opt-chat-balanced-m');
    expect(opt).toEqual({ handle: 'opt-chat-balanced-m', endpoint: 'ep_optillm_proxy_4020', selector: { model: 'moa-ens-chat-balanced-m' }, members: ['mlx-gemma-3-27b-it-qat-4bit', 'ov-qwen2-5-3b-instruct-fp16'] });
  });

  it('reads endpoints, limits and request_params through the env file, the Studio registry and handles.jsonl', () => {
    expect(reg.endpoints.ep_mlx_8100).toMatchObject({ kind: 'mlx', port: 8100, host: 'host-192-168-1-72' });
    expect(reg.endpoints.ep_ov_server_9000).toMatchObject({ kind: 'openvino', host: 'gateway', bind: '127.0.0.1' });
    expect(reg.hosts['host-192-168-1-72']).toMatchObject({ os: 'macos', storage: [{ path: '/Users/thestudio/models/hf/hub', class: 'showroom' }] });
    expect(reg.models['mlx-gpt-oss-120b-mxfp4-q8']).toMatchObject({ upstream: 'mlx-gpt-oss-120b-mxfp4-q8', context_length: 131072, request_params: { reasoning_effort: 'low', max_tokens: 65536 } });
    // port null in registry.json: downloaded, not served: a catalogue row without endpoint or handle.
    expect(reg.models['mlx-deepseek-v3-1-4bit']?.endpoint).toBeUndefined();
    expect(reg.handles.some((h) => h.handle === 'mlx-deepseek-v3-1-4bit')).toBe(false);
    // the seeds write timeout beside litellm_params (LiteLLM's SearchTool has no such key) and the
    // description in search_tool_info: both carried, and compile writes the timeout where it applies
    expect(reg.settings.search['searxng-search']).toEqual({ endpoint: 'ep_searxng_8888', timeout: 10, description: 'Local SearXNG metasearch' });
    const router = yamlParse(compileAll(reg, buildRouteModel(reg)).find((f) => f.path === layout(reg).router.path)!.content);
    expect(router.search_tools).toEqual([{ search_tool_name: 'searxng-search', litellm_params: { search_provider: 'searxng', api_base: 'os.environ/SEARXNG_API_BASE', timeout: 10 }, search_tool_info: { description: 'Local SearXNG metasearch' } }]);
  });

  it("carries the retry policy's LiteLLM fields and reports the key LiteLLM never read", () => {
    // APIConnectionErrorRetries is no RetryPolicy field: pydantic drops it, so it never applied
    expect(reg.settings.gateway.router_settings.retry_policy).toEqual({ TimeoutErrorRetries: 0, RateLimitErrorRetries: 3, InternalServerErrorRetries: 1 });
    const text = readFileSync(join(FIX, 'seeds-mesh/input/router.yaml'), 'utf8').split('\n');
    const dropped = result.diagnostics.filter((d) => d.code === 'import-unsupported' && d.message.startsWith('router_settings.retry_policy.'));
    expect(dropped.map((d) => [d.line, d.message.split(' ')[0]])).toEqual([[text.findIndex((l) => l.includes('APIConnectionErrorRetries')) + 1, 'router_settings.retry_policy.APIConnectionErrorRetries']]);
    expect(dropped[0]!.message).toContain('never applied');
    // opt-chat-balanced-m's timeout is the OptiLLM timeout; no entry set num_retries, so the
    // gateway's num_retries applied: homelab's num_retries 0 is reported as a change
    expect(reg.settings.optillm.request_timeout).toBe(600);
    expect(reg.settings.optillm.retries).toBeUndefined();
    const retries = result.diagnostics.find((d) => d.code === 'import-changed' && d.message.includes('without num_retries'));
    expect(retries?.message).toContain('num_retries (2)');
    // the policy lands in router.yaml as LiteLLM reads it
    const router = yamlParse(compileAll(reg, buildRouteModel(reg)).find((f) => f.path === layout(reg).router.path)!.content);
    expect(router.router_settings.retry_policy).toEqual({ InternalServerErrorRetries: 1, RateLimitErrorRetries: 3, TimeoutErrorRetries: 0 });
  });

  it('validate reports what the seeds\' routing through OptiLLM costs (why those warnings are in the golden report)', () => {
    // the two MLX handles and the ensemble go through OptiLLM, which passes no tools, images, …
    expect(diags.filter((d) => d.code === 'optillm-passthrough').map((d) => /^"([^"]+)"/.exec(d.message)![1]).sort()).toEqual(['mlx-gemma-3-27b-it-qat-4bit', 'mlx-gpt-oss-120b-mxfp4-q8', 'opt-chat-balanced-m']);
    // moa with its default n=3 makes one call: one member of two answers
    expect(diags.find((d) => d.code === 'ensemble-reach')?.message).toContain('"opt-chat-balanced-m"');
  });

  it('keeps the role alias working and reports what the registry cannot carry yet, at its line', () => {
    expect(reg.settings.gateway.aliases).toEqual({ 'jerry-xl': 'mlx-gpt-oss-120b-mxfp4-q8' });
    const text = readFileSync(join(FIX, 'seeds-mesh/input/router.yaml'), 'utf8').split('\n');
    const at = (needle: string) => text.findIndex((l) => l.includes(needle)) + 1;
    const unsupported = result.diagnostics.filter((d) => d.code === 'import-unsupported');
    expect(unsupported.find((d) => d.message.includes('retry_policy'))?.line).toBe(at('APIConnectionErrorRetries:'));
    expect(result.diagnostics.find((d) => d.code === 'import-changed' && d.message.startsWith('timeout of search tool'))?.line).toBe(at('    timeout: 10'));
    // a handles.jsonl row and a selector variable for names the gateway does not serve: reported at their lines
    expect(unsupported.filter((d) => d.file.endsWith('handles.jsonl')).map((d) => d.line)).toEqual([6]);
    expect(unsupported.filter((d) => d.file.endsWith('optillm.env')).map((d) => d.line)).toEqual([3]);
    expect(reg.handles.some((h) => h.handle === 'opt-code-balanced-l')).toBe(false);
    // jerry-xl went straight to the MLX port that mlx-gpt-oss-120b-mxfp4-q8 reaches through
    // OptiLLM: one model, one handle, one route, so jerry-xl (its alias) goes through OptiLLM now.
    expect(result.unsupported.map((u) => u.name)).toEqual(['jerry-xl']);
    expect(result.unsupported[0]!.reason).toContain('a handle has one route');
    expect(reg.handles.every((h) => h.via_optillm === undefined)).toBe(true);
  });
});

describe('import: pools, aliases, includes, guardrails, OpenVINO through env', () => {
  it('a same-name pool becomes one handle per backend, reported; non-kebab names and model_group_alias become aliases', () => {
    const { result, texts } = importCase('pool-alias');
    const reg = load(texts);
    expect(reg.handles.map((h) => h.handle).sort()).toEqual(['mlx-llama-3-2-3b-instruct-4bit', 'mlx-qwen2-5-7b-instruct-4bit']);
    expect(reg.settings.gateway.aliases).toMatchObject({ 'Qwen 7B': 'mlx-qwen2-5-7b-instruct-4bit', qwen: 'mlx-qwen2-5-7b-instruct-4bit', 'chat-pool': 'mlx-qwen2-5-7b-instruct-4bit' });
    expect(result.unsupported.map((u) => u.name).sort()).toEqual(['chat-pool', 'gpt-4o']);
    // fallbacks name the new handles, so they keep pointing at served names
    expect(reg.settings.gateway.router_settings.fallbacks).toEqual([{ 'mlx-qwen2-5-7b-instruct-4bit': ['mlx-qwen2-5-7b-instruct-4bit'] }]);
    expect(reg.models['mlx-llama-3-2-3b-instruct-4bit']?.request_params).toEqual({ temperature: 0.2 });
    // compile writes the aliases as LiteLLM's model_group_alias, so "Qwen 7B" keeps answering
    const router = compileAll(reg, buildRouteModel(reg)).find((f) => f.path === layout(reg).router.path)!.content;
    expect(yamlParse(router).router_settings.model_group_alias).toMatchObject({ 'Qwen 7B': 'mlx-qwen2-5-7b-instruct-4bit', qwen: 'mlx-qwen2-5-7b-instruct-4bit' });
  });

  it('include: files extend model_list, a non-list block replaces the main one (reported), guardrails ride in passthrough', () => {
    const { result, texts } = importCase('include-guardrails');
    const reg = load(texts);
    expect(Object.keys(reg.models).sort()).toEqual(['ov-phi-4-mini-instruct-fp16', 'ov-qwen2-5-1-5b-instruct-fp16']);
    expect(reg.settings.gateway.litellm_settings).toEqual({ json_logs: true });
    expect(result.diagnostics.some((d) => d.code === 'import-changed' && d.message.startsWith('"litellm_settings" here is replaced'))).toBe(true);
    expect(Object.keys(reg.settings.gateway.passthrough ?? {})).toEqual(['guardrails']);
    expect(reg.settings.secrets['litellm-gateway']?.names).toContain('PRESIDIO_ANALYZER_API_BASE');
    const codes = validateOf(texts).map((d) => d.code);
    expect(codes).toContain('gateway-passthrough');
    const messages = result.diagnostics.map((d) => d.message).join('\n');
    for (const needle of ['general_settings.custom_auth', 'environment_variables', 'experimental_block', 'master_key is written in the config itself']) expect(messages).toContain(needle);
    // and compile writes the guardrails block into router.yaml as it was
    const files = compileAll(reg, buildRouteModel(reg));
    expect(files.find((f) => f.path === layout(reg).router.path)?.content).toContain('guardrail: presidio');
  });

  it('OpenVINO entries through env: resolved values, an undefined api_base is reported, never sent to the cloud', () => {
    const { result, texts } = importCase('ov-env');
    const reg = load(texts);
    expect(reg.models['ov-llama-3-2-3b-instruct-fp16']).toMatchObject({ endpoint: 'ep_ov_server_9000', upstream: 'llama-3-2-3b-instruct-fp16', request_params: { max_tokens: 4096 } });
    expect(result.unsupported).toEqual([expect.objectContaining({ name: 'ov-mistral-7b-instruct-v0-3-fp16' })]);
    expect(result.unsupported[0]!.reason).toContain('OV_MISTRAL_7B_API_BASE');
    // Its first line is `export NAME=…`: taken as a shell reads it, and reported, because a unit
    // loading the file with EnvironmentFile= would never have had that variable (systemd drops it).
    expect(reg.models['ov-llama-3-2-3b-instruct-fp16']!.upstream).toBe('llama-3-2-3b-instruct-fp16');
    expect(result.diagnostics).toContainEqual(expect.objectContaining({ code: 'import-parse', severity: 'warning', line: 1, message: expect.stringContaining('OV_LLAMA_3_2_3B_INSTRUCT_FP16_MODEL is set with "export": systemd\'s EnvironmentFile= ignores this line') }));
    expect(result.diagnostics.filter((d) => d.message.includes('"export"'))).toHaveLength(1);
  });
});

describe('import: inline cases', () => {
  const run = (text: string, env = '') => importMesh({ router: { file: 'router.yaml', text }, readInclude: () => undefined, envs: [{ file: 'env.local', text: env }] });
  const callBack = (key: string) => `model_list:
  - model_name: mlx-a
    litellm_params:
      model: openai/direct-mlx-a
      api_base: http://127.0.0.1:4020/v1
      api_key: ${key}
  - model_name: direct-mlx-a
    litellm_params:
      model: openai/mlx-community/A-4bit
      api_base: http://192.168.1.72:8100/v1
      api_key: none
`;

  it('an OptiLLM key under another variable (or written in the config) is reported at its line, never copied', () => {
    for (const key of ['os.environ/OPTILLM_KEY', 'sk-abcdefabcdefabcdefabcdef']) {
      const r = run(callBack(key));
      const d = r.diagnostics.find((x) => x.code === 'import-changed' && x.message.includes('calls OptiLLM with'));
      expect(d?.line, key).toBe(6);
      expect(JSON.stringify(r.registry)).not.toContain('abcdefabcdef');
      expect(r.registry!.settings).toMatchObject({ optillm: { route_via_optillm: true, direct_prefix: 'direct' } });
    }
    expect(run(callBack('os.environ/OPTILLM_API_KEY')).diagnostics.filter((x) => x.message.includes('calls OptiLLM with'))).toEqual([]);
  });

  it('reads env values as the gateway\'s systemd unit gets them: escapes undone, an inline # kept and warned about', () => {
    const router = (name: string) => `model_list:
  - model_name: ${name}
    litellm_params:
      model: os.environ/M
      api_base: os.environ/B
      api_key: none
`;
    // What compile writes for a value that needs quoting reads back as that value.
    const quoted = run(router('ov-a'), `M=${quoteEnvValue('openai/a "b" $c')}\nB='http://localhost:9000/v1'\n`);
    expect(quoted.registry!.models['ov-a']).toMatchObject({ endpoint: 'ep_ov_server_9000', upstream: 'a "b" $c' });
    // systemd hands LiteLLM the comment with the URL: that api_base is not the server's, and import says why.
    const commented = run(router('ov-a'), 'M=openai/a\nB=http://localhost:9000/v1   # the OV server\n');
    expect(commented.registry!.models['ov-a']).toBeUndefined();
    expect(commented.diagnostics.map((d) => `${d.file}:${d.line} ${d.code}`)).toEqual(expect.arrayContaining(['env.local:2 import-parse', 'router.yaml:2 import-unsupported']));
    expect(commented.diagnostics.find((d) => d.file === 'env.local')!.message).toContain('part of the value, as systemd reads it');
  });

  /** An MLX handle through OptiLLM (call-back direct-<name>) or straight to its port. */
  const mlx = (name: string, port: number, via: boolean, extra = '') => via
    ? `  - model_name: ${name}
    litellm_params:
      model: openai/direct-${name}
      api_base: http://127.0.0.1:4020/v1
      api_key: os.environ/OPTILLM_API_KEY
${extra}  - model_name: direct-${name}
    litellm_params:
      model: openai/${name}
      api_base: http://192.168.1.72:${port}/v1
      api_key: none
`
    : `  - model_name: ${name}
    litellm_params:
      model: openai/${name}
      api_base: http://192.168.1.72:${port}/v1
      api_key: none
`;
  const served = (r: ImportResult) => {
    const texts = renderImported(r.registry!, { schemaDir: 'schemas', source: 'router.yaml' });
    return { texts, changed: compareRoutes(r.input!, compiledTable(texts)!, new Set(), 'router.yaml') };
  };

  it('an MLX handle routed unlike the rest keeps its route through its own via_optillm, both ways', () => {
    // most go through OptiLLM, mlx-c straight to its port
    const most = run(`model_list:\n${mlx('mlx-a', 8100, true)}${mlx('mlx-b', 8101, true)}${mlx('mlx-c', 8102, false)}`);
    expect(most.registry!.settings).toMatchObject({ optillm: { route_via_optillm: true, direct_prefix: 'direct' } });
    expect(most.registry!.handles).toEqual([{ handle: 'mlx-a' }, { handle: 'mlx-b' }, { handle: 'mlx-c', via_optillm: false }]);
    expect(most.unsupported).toEqual([]);
    expect(served(most).changed).toEqual([]);
    // and the reverse: most go straight, mlx-a through OptiLLM
    const few = run(`model_list:\n${mlx('mlx-a', 8100, true)}${mlx('mlx-b', 8101, false)}${mlx('mlx-c', 8102, false)}`);
    expect(few.registry!.settings).toMatchObject({ optillm: { route_via_optillm: false } });
    expect(few.registry!.handles).toEqual([{ handle: 'mlx-a', via_optillm: true }, { handle: 'mlx-b' }, { handle: 'mlx-c' }]);
    expect(few.unsupported).toEqual([]);
    const { texts, changed } = served(few);
    expect(changed).toEqual([]);
    // compile sends mlx-a through OptiLLM and back by direct-mlx-a, mlx-b straight to its port
    const reg = load(texts);
    const list = yamlParse(compileAll(reg, buildRouteModel(reg)).find((f) => f.path === layout(reg).router.path)!.content).model_list as { model_name: string; litellm_params: { api_base: string } }[];
    expect(Object.fromEntries(list.map((e) => [e.model_name, e.litellm_params.api_base]))).toEqual({ 'mlx-a': 'http://127.0.0.1:4020/v1', 'direct-mlx-a': 'http://192.168.1.72:8100/v1', 'mlx-b': 'http://192.168.1.72:8101/v1', 'mlx-c': 'http://192.168.1.72:8102/v1' });
  });

  it("homelab's own OptiLLM entries (timeout = stream_timeout, num_retries = max_retries) read back as one timeout and one retry count", () => {
    const r = run(`model_list:\n${mlx('mlx-a', 8100, true, '      timeout: 300\n      stream_timeout: 300\n      num_retries: 1\n      max_retries: 1\n')}router_settings:\n  num_retries: 2\n`);
    expect(r.registry!.settings).toMatchObject({ optillm: { request_timeout: 300, retries: 1 } });
    expect(r.diagnostics.filter((d) => /stream_timeout|num_retries/.test(d.message)).map((d) => d.message)).toEqual([]);
    // a stream_timeout that is not the timeout cannot be kept: reported where it stands
    const odd = run(`model_list:\n${mlx('mlx-a', 8100, true, '      timeout: 300\n      stream_timeout: 30\n')}`);
    expect(odd.diagnostics.filter((d) => d.code === 'import-unsupported').map((d) => d.message)).toContain('stream_timeout 30 of "mlx-a" differs from the 300 of "mlx-a": settings.yaml optillm.request_timeout holds one value for every entry that goes to OptiLLM; not imported');
  });

  it("OptiLLM entries' timeout and max_retries become optillm.request_timeout and optillm.retries; a differing one is reported", () => {
    const r = run(`model_list:\n${mlx('mlx-a', 8100, true, '      timeout: 300\n      max_retries: 1\n')}${mlx('mlx-b', 8101, true, '      timeout: 300\n      max_retries: 3\n')}router_settings:\n  num_retries: 2\n`);
    expect(r.registry!.settings).toMatchObject({ optillm: { request_timeout: 300, retries: 1 } });
    const differ = r.diagnostics.filter((d) => d.code === 'import-unsupported' && d.message.startsWith('max_retries'));
    expect(differ.map((d) => [d.line, d.message])).toEqual([[expect.any(Number), 'max_retries 3 of "mlx-b" differs from the 1 of "mlx-a": settings.yaml optillm.retries holds one value for every entry that goes to OptiLLM; not imported']]);
    // max_retries is only the OpenAI client's count: with no num_retries on the entries the router
    // re-sent them router_settings.num_retries (2) times, which homelab's num_retries: 1 changes
    expect(r.diagnostics.filter((d) => d.message.includes('without num_retries')).map((d) => d.message)).toEqual([expect.stringContaining('"mlx-a", "mlx-b" go to OptiLLM without num_retries, so the gateway\'s num_retries (2) applied to them; homelab writes num_retries: 1')]);
    // mlx-b was retried 3 times before and once now: the round trip sees it
    expect(served(r).changed.map((d) => /^"([^"]+)"/.exec(d.message)![1])).toEqual(['mlx-b']);
  });

  it('model_group_retry_policy is carried under the new handle names; keys LiteLLM drops are reported with the field meant', () => {
    const r = run(`model_list:\n${mlx('jerry', 8100, false).replace('openai/jerry', 'openai/mlx-community/D-4bit')}router_settings:\n  model_group_retry_policy:\n    jerry:\n      TimeoutErrorRetries: 0\n      Timeout: 1\n`);
    expect(r.registry!.settings).toMatchObject({ gateway: { aliases: { jerry: 'mlx-d-4bit' }, router_settings: { model_group_retry_policy: { 'mlx-d-4bit': { TimeoutErrorRetries: 0 } } } } });
    const d = r.diagnostics.find((x) => x.message.startsWith('router_settings.model_group_retry_policy.jerry.Timeout '));
    expect(d).toMatchObject({ code: 'import-unsupported', line: 11, hint: 'did you mean TimeoutErrorRetries?' });
  });

  it("a search tool's litellm_params.timeout is carried as it is, without a report", () => {
    const r = run(`search_tools:\n  - search_tool_name: web\n    litellm_params:\n      search_provider: searxng\n      api_base: http://127.0.0.1:8888\n      timeout: 20\n      max_retries: 2\n`);
    expect(r.registry!.settings).toMatchObject({ search: { web: { timeout: 20 } } });
    expect(r.diagnostics.filter((x) => x.message.includes('search tool')).map((x) => x.message)).toEqual(['litellm_params.max_retries of search tool "web" is not modelled; not imported']);
  });

  it('os.environ/ in a list item stays the literal string, as in LiteLLM', () => {
    const r = run(`model_list:
  - model_name: ov-a
    litellm_params:
      model: openai/a
      api_base: http://127.0.0.1:9000/v1
      api_key: none
router_settings:
  default_fallbacks: ["os.environ/FB"]
  timeout: os.environ/TIMEOUT
`, 'FB=ov-a\nTIMEOUT=true\n');
    // a mapping value is resolved ("true" becomes a boolean, which timeout refuses), a list item is not
    expect(r.registry!.settings).toMatchObject({ gateway: { router_settings: { default_fallbacks: ['os.environ/FB'] } } });
    expect(r.diagnostics.some((d) => d.message.startsWith('router_settings.timeout = true'))).toBe(true);
  });
});

/** The route table of the router.yaml a registry compiles to, read back with its env files. */
function shippedTable(dir: string) {
  const reg = load(readTexts(dir));
  const routes = buildRouteModel(reg);
  const files = compileAll(reg, routes);
  const lay = layout(reg);
  const text = (p: string) => files.find((f) => f.path === p)!.content;
  const env = new Map<string, EnvVar>();
  for (const p of [lay.envLocal.path, lay.selectorEnv.path]) for (const [k, v] of parseEnvFile({ file: p, text: text(p) }).vars) env.set(k, v);
  const optillm = new Set<string>();
  for (const e of routes.entries) for (const d of e.deployments) if (d.target.kind === 'optillm') {
    const b = splitApiBase(d.target.apiBase, '/v1');
    if (!('reason' in b)) optillm.add(`${b.address}:${b.port}`);
  }
  return { router: text(lay.router.path), envLocal: text(lay.envLocal.path), selectors: text(lay.selectorEnv.path), table: routeTable(tableInput(text(lay.router.path), env, optillm)) };
}

/** Per fixture, the public names the imported gateway cannot serve as the input did. */
const NOT_SERVED_AS_BEFORE: Record<string, string[]> = {
  // went straight to the MLX model another name reaches through OptiLLM (one handle, one route)
  'seeds-mesh': ['jerry-xl'],
  // a pool (and the hidden alias to it) collapses to one member; a cloud model has no registry form
  'pool-alias': ['chat-pool', 'fast', 'gpt-4o'],
  'include-guardrails': [],
  // its api_base variable is defined nowhere: LiteLLM would call api.openai.com
  'ov-env': ['ov-mistral-7b-instruct-v0-3-fp16'],
};

describe('round trip: compile → import → compile serves every name from the same backends', () => {
  const dirs = ['registry', ...readdirSync(join(ROOT, 'test/fixtures')).filter((c) => existsSync(join(ROOT, 'test/fixtures', c, 'registry'))).map((c) => `test/fixtures/${c}/registry`)];
  it.each(dirs)('%s', (dir) => {
    const before = shippedTable(join(ROOT, dir));
    const result = importMesh({
      router: { file: 'router.yaml', text: before.router },
      readInclude: () => undefined,
      envs: [{ file: 'env.local', text: before.envLocal }],
      optillmEnv: { file: 'optillm.env', text: before.selectors },
    });
    expect(result.unsupported).toEqual([]);
    const texts = renderImported(result.registry!, { schemaDir: 'schemas', source: 'router.yaml' });
    const after = compiledTable(texts)!;
    expect(after).toBeDefined();
    expect(before.table.size).toBeGreaterThan(0);
    for (const [name, row] of before.table) {
      // same backends and model ids, and the same context limits, request parameters and
      // timeout/max_retries of the call to OptiLLM (sameRow compares every one the router states)
      expect(sameRow(row, after.get(name)), `${name}: ${describeRow(row)} → ${describeRow(after.get(name))}`).toBe(true);
      // the context limit is carried wherever the compiled router states one
      if ('leaves' in row) for (const l of row.leaves) expect(l.contextLength).toBeGreaterThan(0);
      // compile writes timeout and max_retries on every entry that goes to OptiLLM: compared, not skipped
      if ('leaves' in row && row.hop) expect(row.hop.timeout !== undefined && row.hop.max_retries !== undefined).toBe(true);
    }
    expect(result.diagnostics.filter((d) => d.code === 'import-changed' && d.message.includes('served differently'))).toEqual([]);
    // gateway-wide settings as LiteLLM reads them: router_settings (retry policies included) and search tools
    const reg = load(texts);
    const router = yamlParse(compileAll(reg, buildRouteModel(reg)).find((f) => f.path === layout(reg).router.path)!.content);
    const shipped = yamlParse(before.router);
    expect(router.router_settings).toEqual(shipped.router_settings);
    expect(router.search_tools).toEqual(shipped.search_tools);
    expect(router.model_list).toEqual(shipped.model_list);
  });

  it.each(CASES)('imported %s: every public name is served as before or listed with its reason', (name) => {
    const { result, texts } = importCase(name);
    const before = routeTable(result.input!);
    const after = compiledTable(texts)!;
    // the same check `homelab import` runs and reports as import-changed
    const changed = compareRoutes(result.input!, after, new Set(result.unsupported.map((u) => u.name)), 'router.yaml');
    const listed = new Set([...result.unsupported.map((u) => u.name), ...changed.map((d) => /^"([^"]+)"/.exec(d.message)![1]!)]);
    const differ: string[] = [];
    for (const [n, row] of before) {
      if (sameRow(row, after.get(n))) continue;
      differ.push(n);
      expect(listed, `${n}: ${describeRow(row)} → ${describeRow(after.get(n))}`).toContain(n);
    }
    // and exactly these, each for the reason its fixture was written to show
    expect(differ.sort()).toEqual(NOT_SERVED_AS_BEFORE[name]);
  });
});

const DOCS = join(FIX, 'litellm-docs');

describe("LiteLLM's example configs", () => {
  const files = readdirSync(DOCS).filter((f) => f.endsWith('.yaml'));
  it('has a handful, each naming its source', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(readFileSync(join(DOCS, f), 'utf8')).toMatch(/^# Source: BerriAI\/litellm /);
  });
  it.each(files)('%s parses and reports what it cannot import', (f) => {
    const text = readFileSync(join(DOCS, f), 'utf8');
    const result = importMesh({ router: { file: f, text }, readInclude: () => undefined, envs: [] });
    expect(result.registry).toBeDefined();
    // cloud providers and keyed deployments are not a home mesh: each public name is listed with a reason
    const names = new Set((((yamlParse(text) as { model_list?: { model_name: string }[] }).model_list) ?? []).map((m) => String(m.model_name)));
    for (const n of names) expect(result.unsupported.map((u) => u.name)).toContain(n);
    expect(result.diagnostics.length).toBeGreaterThan(0);
    // what was written is a registry that loads
    const texts = renderImported(result.registry!, { schemaDir: 'schemas', source: f });
    expect(parseRegistry(texts, 'registry').diagnostics).toEqual([]);
  });
});

describe('import never throws', () => {
  it('on arbitrary YAML', () => {
    fc.assert(
      fc.property(fc.anything({ maxDepth: 4 }), (value) => {
        let text: string;
        try {
          text = stringify(value) ?? '';
        } catch {
          return;
        }
        const r = importMesh({ router: { file: 'router.yaml', text }, readInclude: () => undefined, envs: [] });
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (text) => {
        const r = importMesh({ router: { file: 'router.yaml', text }, readInclude: () => undefined, envs: [{ file: 'env', text }], handles: { file: 'h.jsonl', text }, mlxRegistry: { file: 'r.json', text } });
        expect(Array.isArray(r.diagnostics)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('on model lists users could write, and what it writes always loads', () => {
    const name = fc.constantFrom('mlx-a', 'mlx-b', 'ov-c', 'Alias X', 'pool', 'opt-e', 'router-mlx-a', 'direct-mlx-b', 'ens-x');
    const model = fc.constantFrom('openai/mlx-a', 'openai/mlx-community/B-4bit', 'openai/c-fp16', 'openai/router-mlx-a', 'openai/moa-ens-x', 'openai/direct-mlx-b', 'anthropic/claude', 'gpt-4o', 'os.environ/MODEL_X');
    const base = fc.constantFrom('http://192.168.1.72:8100/v1', 'http://192.168.1.72:8101/v1', 'http://127.0.0.1:9000/v1', 'http://127.0.0.1:4020/v1', 'https://x.example/v1', 'os.environ/BASE_X', undefined);
    const entry = fc.record({ model_name: name, litellm_params: fc.record({ model, api_base: base, max_tokens: fc.option(fc.integer({ min: 1, max: 9999 }), { nil: undefined }) }, { requiredKeys: ['model'] }), model_info: fc.option(fc.record({ max_input_tokens: fc.integer({ min: 1, max: 300000 }) }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 8 }), (list) => {
        const text = stringify({ model_list: list });
        const r = importMesh({ router: { file: 'router.yaml', text }, readInclude: () => undefined, envs: [{ file: 'env', text: 'BASE_X=http://127.0.0.1:4020/v1\nMODEL_X=openai/mlx-a\n' }] });
        expect(r.registry).toBeDefined();
        const texts = renderImported(r.registry!, { schemaDir: 'schemas', source: 'router.yaml' });
        expect(parseRegistry(texts, 'registry').diagnostics).toEqual([]);
        // the self-check import runs on every result never throws either
        const after = compiledTable(texts);
        expect(after).toBeDefined();
        expect(Array.isArray(compareRoutes(r.input!, after!, new Set(), 'router.yaml'))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('homelab import (CLI)', () => {
  const seeds = (f: string) => join(FIX, 'seeds-mesh/input', f);
  const args = ['import', '--router', seeds('router.yaml'), '--env', seeds('env.local'), '--optillm-env', seeds('optillm.env'), '--handles', seeds('handles.jsonl'), '--mlx-registry', seeds('registry.json')];

  it('writes the registry, prints what it could not carry and the problems validate finds; refuses an existing registry', async () => {
    const dir = tmpDir();
    const first = await runCli([...args, '--out', 'reg'], dir);
    expect(first.code).toBe(1); // validate finds the seeds' errors (routing loop, LAN exposure)
    expect(first.stderr).toContain('import-unsupported');
    expect(first.stderr).toContain('routing-loop');
    expect(readdirSync(join(dir, 'reg')).sort()).toEqual(['endpoints.yaml', 'handles.jsonl', 'hosts.yaml', 'models.yaml', 'ports.lock.yaml', 'settings.yaml']);
    const again = await runCli([...args, '--out', 'reg'], dir);
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('--force');
    const forced = await runCli([...args, '--out', 'reg', '--force', '--format', 'json'], dir);
    const doc = JSON.parse(forced.stdout) as { ok: boolean; diagnostics: { code: string }[] };
    expect(doc.ok).toBe(false);
    expect(doc.diagnostics.map((d) => d.code)).toContain('routing-loop');
    const refused = await runCli([...args, '--out', 'reg', '--format', 'json'], dir);
    expect(refused.code).toBe(2);
    expect(JSON.parse(refused.stdout)).toMatchObject({ ok: false, diagnostics: [{ code: 'usage-error', severity: 'error' }] });
  });

  it('an unreadable router is a usage error and writes nothing', async () => {
    const dir = tmpDir();
    const r = await runCli(['import', '--router', 'missing.yaml', '--out', 'reg'], dir);
    expect(r.code).toBe(2);
    expect(existsSync(join(dir, 'reg'))).toBe(false);
    const bad = await runCli(['import', '--router', join(FIX, 'litellm-docs/simple_config.yaml'), '--env', 'nope.env', '--out', 'reg'], dir);
    expect(bad.code).toBe(2);
  });

  it('invalid YAML is reported at its line and nothing is written', async () => {
    const dir = tmpDir();
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'router.yaml'), 'model_list:\n  - model_name: a\n   bad: [\n');
    const r = await runCli(['import', '--router', 'router.yaml', '--out', 'reg'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/router\.yaml:\d+:\d+ error import-parse/);
    expect(existsSync(join(dir, 'reg'))).toBe(false);
    // The same exit status with --format json (it once said 1 there), and one JSON document.
    const json = await runCli(['import', '--router', 'router.yaml', '--out', 'reg', '--format', 'json'], dir);
    expect(json.code).toBe(2);
    expect(JSON.parse(json.stdout).diagnostics[0]).toMatchObject({ code: 'import-parse' });
  });
});
