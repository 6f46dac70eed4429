// The endpoint-kind records (src/kinds/) say what they mean: each fact is checked through the
// consumer that acts on it (the schema, exposure-lan, endpoint-id, service-run, the systemd
// emitter, the deploy plan, health, import), so a wrong fact fails here, not only a changed table.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeTargets } from '../src/app/health.js';
import { compileAll } from '../src/compile/index.js';
import { planDeploy } from '../src/deploy/plan.js';
import { isViaOptillm } from '../src/compile/routes.js';
import { kindOfEndpointRef } from '../src/import/mesh-inputs.js';
import { ENDPOINT_KINDS, isModelKind, KINDS, kindFacts, MODEL_KINDS_IN_WORDS, type EndpointKind } from '../src/kinds/index.js';
import type { Registry } from '../src/registry/load.js';
import { EndpointSchema, type Endpoint } from '../src/registry/schema.js';
import { validateRegistry } from '../src/validate/index.js';
import { load, ROOT, shippedTexts } from './helpers.js';

const shipped = (): Registry => load(shippedTexts());

/** The shipped registry plus one endpoint `ep_probe_7777` of `kind` on the Mini (Linux). */
function withEndpoint(kind: EndpointKind, ep: Partial<Endpoint> = {}): Registry {
  const reg = shipped();
  reg.endpoints = { ...reg.endpoints, ep_probe_7777: { service: 'probe', kind, host: 'mini', port: 7777, bind: '127.0.0.1', ...ep } };
  return reg;
}

const codesAt = (reg: Registry, code: string, pointer: string) => validateRegistry(reg).diagnostics.filter((d) => d.code === code && d.pointer === pointer);

describe('one record per endpoint kind', () => {
  it('every kind the schema accepts has its record, named as its key, and the JSON schema lists the same kinds', () => {
    const zodKinds = (EndpointSchema.shape.kind as unknown as { options: string[] }).options;
    expect(zodKinds).toEqual([...ENDPOINT_KINDS]);
    const json = JSON.parse(readFileSync(join(ROOT, 'schemas/endpoints.schema.json'), 'utf8')) as unknown;
    const enums: string[][] = [];
    JSON.stringify(json, (k, v: unknown) => (k === 'kind' && v && typeof v === 'object' && 'enum' in v ? (enums.push((v as { enum: string[] }).enum), v) : v));
    expect(enums).toEqual([[...ENDPOINT_KINDS]]);
    expect(Object.keys(KINDS).sort()).toEqual([...ENDPOINT_KINDS].sort());
    for (const k of ENDPOINT_KINDS) expect(kindFacts(k).name).toBe(k);
  });

  it('src/kinds/ is the ground floor: its files import only each other', () => {
    const dir = join(ROOT, 'src/kinds');
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    expect(files.length).toBe(ENDPOINT_KINDS.length + 2); // a file per kind, types.ts, index.ts
    for (const f of files) {
      const imports = [...readFileSync(join(dir, f), 'utf8').matchAll(/^\s*(?:import|export)\b[^;]*?from\s+'([^']+)'/gm)].map((m) => m[1]!);
      for (const spec of imports) expect(spec, `${f} imports ${spec}`).toMatch(/^\.\/[a-z-]+\.js$/);
    }
    for (const k of ENDPOINT_KINDS) expect(files, k).toContain(`${k}.ts`);
  });

  it('restarts put every backend before the gateway, and the gateway before OptiLLM and Open WebUI (they call it back)', () => {
    const gateway = kindFacts('litellm').restartRank;
    // What the gateway calls: every model-serving kind and the search engine of its search tool.
    for (const k of ENDPOINT_KINDS.filter((k) => isModelKind(k) || k === 'searxng')) expect(kindFacts(k).restartRank, k).toBeLessThan(gateway);
    for (const k of ['optillm', 'open-webui'] as const) expect(kindFacts(k).restartRank, k).toBeGreaterThan(gateway);
    expect(new Set(ENDPOINT_KINDS.map((k) => kindFacts(k).restartRank)).size, 'every kind needs a restartRank of its own').toBe(ENDPOINT_KINDS.length);
    // Through the deploy plan: a first install on the Mini restarts in that order.
    const reg = shipped();
    const plan = planDeploy(reg, compileAll(reg), 'mini', new Map());
    const at = (unit: string) => plan.restarts.indexOf(unit);
    expect(at('ov-server')).toBeGreaterThanOrEqual(0);
    expect(at('ov-server')).toBeLessThan(at('litellm-orch'));
    expect(at('litellm-orch')).toBeLessThan(at('optillm-proxy'));
  });

  it('the loopback-only kinds are exactly those exposure-lan refuses on the LAN even with an approval', () => {
    for (const k of ENDPOINT_KINDS) {
      const found = codesAt(withEndpoint(k, { bind: '0.0.0.0', lan: { approved: 'test' } }), 'exposure-lan', '/endpoints/ep_probe_7777/bind');
      expect(found.length, k).toBe(kindFacts(k).isLoopbackOnly ? 1 : 0);
    }
    // The unauthenticated servers: OptiLLM (bound 0.0.0.0 before 0.3.12 whatever --host said) and SearXNG's API.
    expect(ENDPOINT_KINDS.filter((k) => kindFacts(k).isLoopbackOnly)).toEqual(expect.arrayContaining(['optillm', 'optillm-local', 'searxng']));
    expect(kindFacts('litellm').isLoopbackOnly).toBe(false);
  });

  it('models may point only at the kinds with a handle prefix, and the prefixes never overlap', () => {
    for (const k of ENDPOINT_KINDS) {
      const reg = withEndpoint(k);
      const [id] = Object.keys(reg.models);
      reg.models[id!] = { ...reg.models[id!]!, endpoint: 'ep_probe_7777' };
      expect(codesAt(reg, 'endpoint-id', `/models/${id}/endpoint`).length, k).toBe(isModelKind(k) ? 0 : 1);
    }
    expect([...MODEL_KINDS_IN_WORDS].sort()).toEqual(ENDPOINT_KINDS.filter(isModelKind).sort());
    // import reads a name's kind from its prefix: one prefix must never start another.
    const prefixes = ENDPOINT_KINDS.map((k) => kindFacts(k).handlePrefix).filter((p): p is string => p !== null);
    for (const a of prefixes) {
      expect(a).toMatch(/^[a-z]+-$/);
      for (const b of prefixes) if (a !== b) expect(b.startsWith(a), `${a} / ${b}`).toBe(false);
    }
    // The shipped registry's models carry their kind's prefix.
    const reg = shipped();
    for (const [id, m] of Object.entries(reg.models)) if (m.endpoint) expect(id.startsWith(kindFacts(reg.endpoints[m.endpoint]!.kind).handlePrefix!), id).toBe(true);
  });

  it('only the kinds marked for it have their model handles routed through OptiLLM by the mesh default', () => {
    for (const k of ENDPOINT_KINDS) {
      const reg = withEndpoint(k);
      reg.settings = { ...reg.settings, optillm: { ...reg.settings.optillm, route_via_optillm: true } };
      const [id] = Object.keys(reg.models);
      reg.models[id!] = { ...reg.models[id!]!, endpoint: 'ep_probe_7777' };
      expect(isViaOptillm(reg, id!), k).toBe(kindFacts(k).mayRouteViaOptillm);
      // Only a model can be sent to OptiLLM as a model.
      if (kindFacts(k).mayRouteViaOptillm) expect(isModelKind(k), k).toBe(true);
    }
    expect(kindFacts('mlx').mayRouteViaOptillm).toBe(true);
  });

  it('unit policy: a unit is written unless never; run details are demanded only for always', () => {
    // Its own unit name: the shipped gateway already owns litellm-orch.
    const run = { user: 'svc', workdir: '/srv/probe', unit: 'probe-unit' };
    for (const k of ENDPOINT_KINDS) {
      const unit = kindFacts(k).unit;
      const units = compileAll(withEndpoint(k, { run })).filter((f) => f.host === 'mini' && f.path.endsWith('.service')).map((f) => f.unit);
      expect(units.includes('probe-unit'), k).toBe(unit !== 'never');
      const bare = codesAt(withEndpoint(k), 'service-run', '/endpoints/ep_probe_7777');
      expect(bare.length, k).toBe(unit === 'always' ? 1 : 0);
    }
    // homelab writes units on Linux only: a kind that runs only on macOS never gets one.
    for (const k of ENDPOINT_KINDS) if (kindFacts(k).isMacOnly) expect(kindFacts(k).unit, k).toBe('never');
  });

  it("the gateway's unit keeps its historic name, litellm-orch; other kinds are named after their service", () => {
    const files = compileAll(shipped());
    expect(files.some((f) => f.path === 'mini/systemd/litellm-orch.service')).toBe(true);
    expect(files.some((f) => f.path === 'mini/systemd/optillm-proxy.service')).toBe(true);
    for (const k of ENDPOINT_KINDS) if (k !== 'litellm') expect(kindFacts(k).defaultUnit, k).toBeNull();
  });

  it("each kind's description names its unit", () => {
    const units = compileAll(shipped()).filter((f) => f.path.endsWith('.service'));
    for (const [path, kind] of [['litellm-orch', 'litellm'], ['optillm-proxy', 'optillm'], ['ov-server', 'openvino']] as const) {
      expect(units.find((f) => f.unit === path)!.content).toContain(`Description=${kindFacts(kind).description} (`);
    }
  });

  it("health probes each kind's routes, and never the gateway's /health (a real chat call to every deployment)", () => {
    for (const k of ENDPOINT_KINDS) {
      expect(kindFacts(k).healthPaths.length, k).toBeGreaterThan(0);
      for (const p of kindFacts(k).healthPaths) expect(p).toMatch(/^\/[a-z0-9/]+$/);
    }
    expect(kindFacts('litellm').healthPaths).not.toContain('/health');
    const targets = probeTargets(shipped(), 'mini');
    expect(targets.filter((t) => t.endpoint === 'ep_searxng_8888').map((t) => t.url)).toEqual(['http://127.0.0.1:8888/healthz']);
    expect(targets.filter((t) => t.endpoint === 'ep_litellm_gateway_4000').map((t) => new URL(t.url).pathname)).toEqual(['/health/liveliness', '/v1/models']);
  });

  it('a kind with a runtime env file gets its device there, loaded by its unit', () => {
    const files = compileAll(shipped());
    for (const k of ENDPOINT_KINDS) {
      const env = kindFacts(k).runtimeEnv;
      if (!env) continue;
      const ep = Object.values(shipped().endpoints).find((e) => e.kind === k && e.run?.device)!;
      const unit = files.find((f) => f.path.endsWith(`/systemd/${ep.service}.service`))!;
      const runtime = files.find((f) => f.unit === ep.service && f.path.endsWith('/env') && unit.content.includes(`EnvironmentFile=${f.install}`))!;
      expect(runtime.content).toContain(`${env.deviceVariable}=${ep.run!.device}`);
      expect(unit.content).not.toContain(env.deviceVariable);
    }
  });

  it("import recognises each kind from the seeds' endpoint ids", () => {
    expect(kindOfEndpointRef('ep_mlx_slot_8101')).toEqual({ kind: 'mlx', port: 8101 });
    expect(kindOfEndpointRef('ep_ov_server_9000').kind).toBe('openvino');
    expect(kindOfEndpointRef('ep_openvino_9000').kind).toBe('openvino');
    expect(kindOfEndpointRef('ep_afm_9999').kind).toBe('afm');
    expect(kindOfEndpointRef('ep_optillm_proxy_4020').kind).toBe('optillm');
    expect(kindOfEndpointRef('ep_litellm_4000').kind).toBeUndefined();
    // The seeds name backends' router variables after the backend (MLX_*, OV_*): only model kinds have one.
    for (const k of ENDPOINT_KINDS) if (kindFacts(k).import.envPrefix) expect(isModelKind(k), k).toBe(true);
  });
});
