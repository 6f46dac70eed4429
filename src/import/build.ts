// A hand-written mesh → a registry (pure). The gateway's config is read as LiteLLM reads it; every
// deployment becomes a backend endpoint + model, an OptiLLM route (call-back or ensemble) or an
// `import-unsupported` report; names the registry cannot take become gateway aliases. The seeds'
// files (handles.jsonl, the Studio registry, OptiLLM's selector env) say what kind each backend is
// and fill in what router.yaml does not hold (source paths, limits).
import { SECRET } from '../core/secrets.js';
import { parseOptillmModel } from '../compile/optillm.js';
import { splitSelector } from '../compile/routes.js';
import { ENDPOINT_KINDS, kindFacts, VIA_OPTILLM_HANDLES, type EndpointKind } from '../kinds/index.js';
import { LitellmSettingsSchema, RouterSettingsSchema } from '../registry/schema.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { CARRIED, carryRetryPolicy, holdsSecret, KEY_PLACEHOLDERS, PASSTHROUGH_BLOCKS, READ_BLOCKS } from './carry.js';
import { CALL_PARAMS } from '../compile/litellm-router.js';
import { EnvRef, readLitellmConfig, resolveEnv, type IncludeRead, type LitellmConfig } from './litellm-config.js';
import { mayHoldSecret } from '../core/secrets.js';
import { handleOfSelectorVar, kindOfEndpointRef, readHandles, readMlxRegistry, type HandleRow, type MlxModel } from './mesh-inputs.js';
import { endpointKey, type RouteTableInput } from './route-table.js';
import { diagAt, isRecord, mlxctlBlocks, parseEnvFile, type EnvVar, type InputFile, type Located, type Path, type Report } from './sources.js';
import { IMPORT_CODES } from '../core/codes.js';
import { isKebab, isLoopbackAddress, kebab, splitApiBase, targetOf, type Target } from './targets.js';
import { findSecrets } from '../core/secrets.js';
import { MLX_EXPERIMENTAL, MLX_TEAM } from '../core/ports.js';
import { byString, compareStrings } from '../core/order.js';

export interface ImportInputs {
  router: InputFile;
  readInclude: (rel: string) => IncludeRead;
  envs: InputFile[];
  handles?: InputFile;
  mlxRegistry?: InputFile;
  optillmEnv?: InputFile;
  /** The router's absolute path on the gateway host, when it is there (…/config/router.yaml gives run.workdir). */
  routerPath?: string;
}

/** The registry import builds, as plain data (the app layer renders and writes it). */
export interface ImportedRegistry {
  hosts: Record<string, unknown>;
  endpoints: Record<string, Record<string, unknown>>;
  models: Record<string, Record<string, unknown>>;
  handles: Record<string, unknown>[];
  settings: Record<string, unknown>;
  ports: Record<string, unknown>;
}

export interface ImportResult {
  registry?: ImportedRegistry;
  diagnostics: Diagnostic[];
  /** Public names of the input the registry cannot serve as they were, with the reason. */
  unsupported: { name: string; reason: string }[];
  /** The input's gateway as a route table input, for the round-trip check. */
  input?: RouteTableInput;
}

export const GATEWAY_HOST = 'gateway';
export const GATEWAY_ID = 'ep_litellm_gateway_4000';
/** Where models whose weights router.yaml does not locate are said to live until the user says. */
export const UNKNOWN_SOURCE = '/var/lib/homelab/import-unknown-source';
const DEFAULT_CONTEXT = 131072;
const SECRET_FILES = { gateway: '/etc/homelab-llm/litellm.secrets.env', optillm: '/etc/optillm-proxy/secrets.env' };

interface Dep {
  name: string;
  at: Located;
  params: Record<string, unknown>;
  info: Record<string, unknown>;
  vars: Map<string, string>;
  target: Target;
  isInMlxBlock: boolean;
}

interface Ep {
  key: string;
  address: string;
  port: number;
  kind?: EndpointKind;
  deps: Dep[];
  id?: string;
  service?: string;
  host?: string;
}

interface Backend {
  key: string;
  ep: Ep;
  upstream: string;
  /** Deployments that reach it directly, best source of limits first. */
  deps: Dep[];
  id?: string;
  isHandle: boolean;
}

const int = (v: unknown): number | undefined => {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n > 0 ? n : undefined;
};

export function importMesh(inputs: ImportInputs): ImportResult {
  const diagnostics: Diagnostic[] = [];
  const report = (at: Parameters<typeof diagAt>[0], r: Report) => diagnostics.push(diagAt(at, r));
  const unsupported: { name: string; reason: string }[] = [];
  const refuse = (dep: Dep, reason: string, hint?: string) => {
    report(dep.at, { code: IMPORT_CODES.unsupported, message: `"${dep.name}": ${reason}; not imported`, hint });
    unsupported.push({ name: dep.name, reason });
  };

  // Env files: later files win, as with several EnvironmentFile= lines. The selector env is read by
  // the gateway too (router.yaml's os.environ/OPTILLM_<HANDLE>_MODEL).
  const env = new Map<string, EnvVar>();
  for (const f of [...inputs.envs, ...(inputs.optillmEnv ? [inputs.optillmEnv] : [])]) {
    const parsed = parseEnvFile(f);
    diagnostics.push(...parsed.diagnostics);
    for (const [k, v] of parsed.vars) env.set(k, v);
  }
  const selectorVars = inputs.optillmEnv ? parseEnvFile(inputs.optillmEnv).vars : new Map<string, EnvVar>();
  const handleRows = inputs.handles ? readHandles(inputs.handles) : { rows: [] as HandleRow[], diagnostics: [] };
  diagnostics.push(...handleRows.diagnostics);
  const mlx = inputs.mlxRegistry ? readMlxRegistry(inputs.mlxRegistry) : { models: [] as MlxModel[], diagnostics: [] };
  diagnostics.push(...mlx.diagnostics);

  const read = readLitellmConfig(inputs.router, inputs.readInclude);
  diagnostics.push(...read.diagnostics);
  if (!read.config || diagnostics.some((d) => d.severity === 'error' && d.code === IMPORT_CODES.parse)) return { diagnostics, unsupported };
  const config = read.config;

  const deps = readDeployments(config, env, report);
  // A model_list LiteLLM cannot iterate is unreadable input: nothing is built from it.
  if (diagnostics.some((d) => d.severity === 'error' && d.code === IMPORT_CODES.parse)) return { diagnostics, unsupported };
  const byName = new Map<string, Dep[]>();
  for (const d of deps) byName.set(d.name, [...(byName.get(d.name) ?? []), d]);

  // Endpoints: one per address:port the deployments call.
  const eps = new Map<string, Ep>();
  for (const d of deps) {
    if (d.target.kind !== 'http') continue;
    const key = endpointKey(d.target.address, d.target.port);
    const ep = eps.get(key) ?? { key, address: d.target.address, port: d.target.port, deps: [] };
    ep.deps.push(d);
    eps.set(key, ep);
  }
  const epOf = (d: Dep): Ep | undefined => (d.target.kind === 'http' ? eps.get(endpointKey(d.target.address, d.target.port)) : undefined);
  const rowsByHandle = new Map(handleRows.rows.map((r) => [r.handle, r]));
  // Strong evidence first (the Studio registry, handles.jsonl endpoint ids, OptiLLM's own
  // selector variables and technique prefixes); a name merely sent back to the gateway counts only
  // where nothing else is known, since mlxctl's backends are sent their own public name.
  for (const ep of eps.values()) ep.kind = declaredKind(ep, rowsByHandle, mlx.models) ?? (optillmEvidence(ep, byName, epOf) === 'strong' ? 'optillm' : undefined);
  // A call-back entry (`direct-mlx-foo`) is known by the public name that OptiLLM calls it for.
  const callerNames = new Map<string, string[]>();
  for (const d of deps) {
    if (epOf(d)?.kind !== 'optillm' || d.target.kind !== 'http') continue;
    const parse = parseOptillmModel(d.target.upstream, 'auto');
    for (const n of [d.target.upstream, parse.upstream]) callerNames.set(n, [...(callerNames.get(n) ?? []), d.name]);
  }
  for (const ep of eps.values()) ep.kind ??= kindOf(ep, callerNames, rowsByHandle) ?? (optillmEvidence(ep, byName, epOf) ? 'optillm' : undefined);
  // Ports of the MLX range on a host that already serves MLX are MLX servers too.
  for (const ep of eps.values()) {
    if (ep.kind || ep.port < MLX_TEAM.from || ep.port > MLX_EXPERIMENTAL.to) continue;
    if ([...eps.values()].some((o) => o.kind === 'mlx' && o.address === ep.address)) ep.kind = 'mlx';
  }

  // Deployments nobody can route: reported once per public name.
  const refused = new Set<string>();
  for (const d of deps) {
    if (refused.has(d.name)) continue;
    const ep = epOf(d);
    const reason = d.target.kind === 'none' ? d.target.reason : !ep?.kind ? `cannot tell what serves ${ep?.key}: homelab routes MLX, OpenVINO and AFM servers and the OptiLLM proxy` : undefined;
    if (!reason) continue;
    refused.add(d.name);
    refuse(d, reason, d.target.kind === 'none' ? undefined : 'name it mlx-*/ov-*/afm-*, or pass --handles / --mlx-registry so import knows the backend');
  }
  const isRoutable = (name: string) => !refused.has(name);

  // OptiLLM routes: a call-back (`<prefix>-<name>` mapped straight to a backend) or a selector
  // whose group is a gateway name with backend deployments (an ensemble).
  const optillmEps = [...eps.values()].filter((e) => e.kind === 'optillm');
  const optillmEp = optillmEps[0];
  const viaOptillm = new Map<string, { prefix: string; direct: string }>();
  const ensembles = new Map<string, { selector: string; group: string; dep: Dep }>();
  const internal = new Set<string>();
  for (const [name, list] of byName) {
    if (!isRoutable(name)) continue;
    const toOptillm = list.filter((d) => epOf(d)?.kind === 'optillm');
    if (!toOptillm.length) continue;
    const dep = toOptillm[0]!;
    if (toOptillm.length !== list.length || toOptillm.length > 1) {
      refuse(dep, 'several deployments of one name that go to OptiLLM (or mix OptiLLM and backends) have no registry form');
      refused.add(name);
      continue;
    }
    let sent = (dep.target as Extract<Target, { kind: 'http' }>).upstream;
    const selectorVar = [...selectorVars.keys()].find((k) => handleOfSelectorVar(k) === name.toLowerCase());
    const fromEnv = selectorVar ? selectorVars.get(selectorVar)!.value.replace(/^openai\//, '') : undefined;
    if (fromEnv && fromEnv !== sent && dep.vars.get('litellm_params/model') !== selectorVar) {
      report(dep.at, { code: IMPORT_CODES.changed, message: `"${name}" sends OptiLLM "${sent}", but ${selectorVar} in ${inputs.optillmEnv!.file} says "${fromEnv}": imported with "${fromEnv}"`, hint: 'homelab writes the selector into the env file router.yaml reads, so the two cannot disagree again' });
      sent = fromEnv;
    }
    const direct = byName.get(sent);
    const isDirect = (l: Dep[] | undefined) => !!l?.length && l.every((x) => epOf(x)?.kind && epOf(x)!.kind !== 'optillm' && isRoutable(x.name));
    if (sent !== name && sent.endsWith(`-${name}`) && direct?.length === 1 && isDirect(direct)) {
      viaOptillm.set(name, { prefix: sent.slice(0, -(name.length + 1)), direct: sent });
      internal.add(sent);
      continue;
    }
    const parse = parseOptillmModel(sent, 'auto');
    if (parse.upstream && parse.upstream !== name && isDirect(byName.get(parse.upstream))) {
      ensembles.set(name, { selector: sent, group: parse.upstream, dep });
      internal.add(parse.upstream);
      continue;
    }
    // Leads nowhere or back to itself: kept as written so validate shows the problem.
    ensembles.set(name, { selector: sent, group: splitSelector(sent).group, dep });
    report(dep.at, { code: IMPORT_CODES.changed, message: `"${name}" sends OptiLLM "${sent}", which OptiLLM calls back as "${parse.upstream}": ${parse.upstream === name ? 'the same name, a loop' : 'a name with no backend deployments'}; imported as an opt-* handle so validate reports it`, hint: 'give the selector a group whose entries go straight to backends' });
  }

  // Backends and their model ids.
  const backends = new Map<string, Backend>();
  const backendOf = (d: Dep): Backend | undefined => {
    const ep = epOf(d);
    if (!ep?.kind || ep.kind === 'optillm' || d.target.kind !== 'http') return undefined;
    const key = `${ep.key} ${d.target.upstream}`;
    let b = backends.get(key);
    if (!b) backends.set(key, (b = { key, ep, upstream: d.target.upstream, deps: [], isHandle: false }));
    return b;
  };
  for (const d of deps) if (isRoutable(d.name)) backendOf(d)?.deps.push(d);

  const taken = new Set<string>();
  const aliases: Record<string, string> = {};
  const candidates = new Map<Backend, string[]>();
  const addCandidate = (b: Backend, name: string) => candidates.set(b, [...(candidates.get(b) ?? []), name]);
  const pools: string[] = [];
  for (const [name, list] of byName) {
    if (!isRoutable(name) || internal.has(name) || ensembles.has(name)) continue;
    const via = viaOptillm.get(name);
    if (via) {
      const b = backendOf(byName.get(via.direct)![0]!)!;
      b.isHandle = true;
      addCandidate(b, name);
      continue;
    }
    const bs = [...new Set(list.map((d) => backendOf(d)!))];
    for (const b of bs) b.isHandle = true;
    if (bs.length === 1) addCandidate(bs[0]!, name);
    else pools.push(name);
  }
  const valid = (id: string, b: Backend) => isKebab(id) && id.startsWith(kindFacts(b.ep.kind!).handlePrefix ?? '\0') && !taken.has(id);
  const sortedBackends = [...backends.values()].sort(byString((b) => b.key));
  for (const b of sortedBackends) {
    const mlxRow = mlx.models.find((m) => m.port === b.ep.port && m.upstream === b.upstream);
    const options = [...(candidates.get(b) ?? []), ...(mlxRow ? [mlxRow.modelId] : [])];
    let id = options.find((o) => valid(o, b));
    if (!id) {
      const prefix = kindFacts(b.ep.kind!).handlePrefix!;
      const base = kebab(b.upstream.split('/').pop()!);
      id = `${prefix}${base.startsWith(prefix) ? base.slice(prefix.length) : base}`;
      if (taken.has(id)) id = `${id}-${b.ep.port}`;
    }
    b.id = id;
    taken.add(id);
    for (const name of candidates.get(b) ?? []) if (name !== id) aliases[name] = id;
  }
  for (const [name, a] of Object.entries(aliases)) {
    const dep = byName.get(name)![0]!;
    report(dep.at, { code: IMPORT_CODES.changed, message: `"${name}" is not a name the registry takes for a ${epOf(byName.get(viaOptillm.get(name)?.direct ?? name)![0]!)?.kind} model (kebab-case, prefix of its backend): the handle is "${a}", "${name}" stays as a gateway alias`, hint: 'clients keep working through settings.yaml gateway.aliases; move them to the handle when you can' });
  }
  for (const name of pools) {
    const list = byName.get(name)!;
    const ids = [...new Set(list.map((d) => backendOf(d)!.id!))];
    aliases[name] = ids[0]!;
    const reason = `${list.length} deployments under one name (a load-balanced pool) have no public registry form: each is its own handle (${ids.join(', ')}) and "${name}" is an alias of ${ids[0]}`;
    report(list[0]!.at, { code: IMPORT_CODES.unsupported, message: `"${name}": ${reason}`, hint: 'for a load-balanced ensemble make an opt-* handle with these members' });
    unsupported.push({ name, reason });
  }

  // Per-deployment parameters the registry cannot carry.
  const requestParams = new Map<Backend, Record<string, string | number | boolean>>();
  // How the gateway calls OptiLLM: one timeout and one retry count for every entry that goes there
  // (compile writes timeout = stream_timeout and num_retries = max_retries, so each pair reads as one value).
  const optillmCalls: Record<'timeout' | 'retries', OptillmCall[]> = { timeout: [], retries: [] };
  for (const d of deps) {
    if (!isRoutable(d.name)) continue;
    const b = backendOf(d);
    for (const [k, v] of Object.entries(d.params)) {
      const at = { src: d.at.src, path: [...d.at.path, 'litellm_params', k] };
      if (k === 'api_key') {
        if (b) checkBackendKey(d, v, env, (r) => report(at, r));
        else if (!(v instanceof EnvRef && v.name === SECRET.gatewayToOptillm)) {
          report(at, { code: IMPORT_CODES.changed, message: `"${d.name}" calls OptiLLM with ${v instanceof EnvRef ? `os.environ/${v.name}` : 'a key written in the config'}; homelab sends os.environ/${SECRET.gatewayToOptillm}`, hint: `put that key in ${SECRET.gatewayToOptillm} in the gateway secrets file (and rotate it if it was written in the config)` });
        }
        continue;
      }
      if (k === 'model' || k === 'api_base') continue;
      if (!b) {
        // The seeds repeat the model's parameters on the entry that goes to OptiLLM; the model keeps them.
        const direct = viaOptillm.get(d.name) ? byName.get(viaOptillm.get(d.name)!.direct)?.[0] : undefined;
        const call = Object.hasOwn(OPTILLM_CALL_PARAMS, k) ? OPTILLM_CALL_PARAMS[k] : undefined;
        if (call) optillmCalls[call].push({ name: d.name, key: k, at, value: v });
        else if (direct?.params[k] !== v) report(at, { code: IMPORT_CODES.unsupported, message: `"${k}" of "${d.name}" (an entry that goes to OptiLLM) is not carried`, hint: 'OptiLLM entries get timeout from settings.yaml optillm.request_timeout; request parameters belong to the model' });
        continue;
      }
      if (holdsSecret(k, v)) {
        report(at, { code: IMPORT_CODES.unsupported, message: `"${k}" of "${d.name}" may hold a secret: not carried (a secret never goes in the registry)`, hint: 'backends of the mesh are called keyless; if this one needs a credential, keep it out of the registry and tell the maintainers' });
        continue;
      }
      if (CALL_PARAMS.has(k) || !['string', 'number', 'boolean'].includes(typeof v)) {
        report(at, { code: IMPORT_CODES.unsupported, message: `"${k}" of "${d.name}" is how LiteLLM calls this deployment, not a request parameter; the registry has no per-deployment ${k}`, hint: 'router_settings holds the gateway-wide timeout and retries' });
        continue;
      }
      const rp = requestParams.get(b) ?? {};
      if (rp[k] === undefined) rp[k] = v as string | number | boolean;
      else if (rp[k] !== v) report(at, { code: IMPORT_CODES.unsupported, message: `"${d.name}" sets ${k}: ${JSON.stringify(v)}, another entry of the same model ${JSON.stringify(rp[k])}; the model keeps the first`, hint: 'a model has one set of request_params' });
      requestParams.set(b, rp);
    }
    for (const k of Object.keys(d.info)) {
      if (!['max_input_tokens', 'max_output_tokens', 'mode', 'id', 'base_model', 'max_tokens'].includes(k)) {
        report({ src: d.at.src, path: [...d.at.path, 'model_info', k] }, { code: IMPORT_CODES.unsupported, message: `model_info.${k} of "${d.name}" is not carried (homelab writes max_input_tokens, max_output_tokens and mode)`, hint: 'LiteLLM only shows it in /model/info' });
      }
    }
  }

  // Hosts.
  const hosts: Record<string, { address: string; os: 'linux' | 'macos'; ssh: string; storage: { path: string; class: 'showroom' }[] }> = {};
  const hostOf = (address: string): string => {
    if (isLoopbackAddress(address)) return GATEWAY_HOST;
    return /^[\d.]+$/.test(address) || address.includes(':') ? `host-${kebab(address)}` : kebab(address.split('.')[0]!) || `host-${kebab(address)}`;
  };
  const ensureHost = (address: string): string => {
    const name = hostOf(address);
    hosts[name] ??= { address: isLoopbackAddress(address) ? '127.0.0.1' : address, os: 'linux', ssh: isLoopbackAddress(address) ? 'localhost' : address, storage: [] };
    return name;
  };
  ensureHost('127.0.0.1');

  // Endpoints.
  const endpoints: Record<string, Record<string, unknown>> = {};
  const usedServices = new Set<string>();
  const addEndpoint = (kind: EndpointKind, base: string, host: string, port: number, bind: string, extra: Record<string, unknown> = {}): string => {
    let service = kindFacts(kind).import.isServicePerPort ? `${base}-${port}` : base;
    if (usedServices.has(`${host}\0${service}`)) service = `${service}-${port}`;
    usedServices.add(`${host}\0${service}`);
    let id = `ep_${base.replace(/-/g, '_')}_${port}`;
    if (endpoints[id]) id = `ep_${service.replace(/-/g, '_')}_${host.replace(/-/g, '_')}_${port}`;
    endpoints[id] = { service, kind, host, port, bind, ...extra };
    return id;
  };
  const run = gatewayRun(inputs.routerPath);
  // LiteLLM listens on 0.0.0.0:4000 unless started otherwise (`litellm --host/--port`).
  const gatewayService = kindFacts('litellm').import.service;
  endpoints[GATEWAY_ID] = { service: gatewayService, kind: 'litellm', host: GATEWAY_HOST, port: 4000, bind: '0.0.0.0', ...(run ? { run } : {}) };
  usedServices.add(`${GATEWAY_HOST}\0${gatewayService}`);
  for (const ep of [...eps.values()].sort(byString((e) => e.key))) {
    if (!ep.kind) continue;
    ep.host = ensureHost(ep.address);
    if (kindFacts(ep.kind).isMacOnly) hosts[ep.host]!.os = 'macos';
    // A backend on another host must listen beyond loopback for the gateway to reach it.
    ep.id = addEndpoint(ep.kind, kindFacts(ep.kind).import.service, ep.host, ep.port, isLoopbackAddress(ep.address) ? '127.0.0.1' : '0.0.0.0');
  }
  // launchd runs the Studio's servers: the host of such a handle's backend is a Mac.
  for (const row of handleRows.rows) {
    if (row.managedBy !== 'launchd') continue;
    for (const ep of eps.values()) if (ep.kind !== 'optillm' && ep.host && ep.deps.some((d) => d.name === row.handle || d.name.endsWith(`-${row.handle}`))) hosts[ep.host]!.os = 'macos';
  }
  let optillmId = optillmEp?.id;
  if (!optillmId) {
    // The registry always names an OptiLLM endpoint; a mesh without one gets a disabled placeholder.
    optillmId = addEndpoint('optillm', kindFacts('optillm').import.service, GATEWAY_HOST, 4020, '127.0.0.1', { state: 'disabled' });
  }

  // Models.
  const models: Record<string, Record<string, unknown>> = {};
  const unknownSource = new Map<string, Backend[]>();
  for (const b of sortedBackends) {
    const mlxRow = mlx.models.find((m) => m.port === b.ep.port && (m.upstream === b.upstream || m.modelId === b.id));
    const info = b.deps.map((d) => d.info);
    const viaInfo = [...viaOptillm.entries()].filter(([, v]) => byName.get(v.direct)?.[0] && backendOf(byName.get(v.direct)![0]!) === b).map(([n]) => byName.get(n)![0]!.info);
    const all = [...info, ...viaInfo];
    const pick = (k: string) => all.map((i) => int(i[k])).find((n) => n !== undefined);
    let context = pick('max_input_tokens') ?? mlxRow?.contextLength;
    const maxTokens = b.deps.map((d) => int(d.params.max_tokens)).find((n) => n !== undefined);
    let maxOut = pick('max_output_tokens') ?? mlxRow?.maxOutputTokens ?? maxTokens;
    const first = b.deps[0]!;
    if (context === undefined) {
      context = DEFAULT_CONTEXT;
      report(first.at, { code: IMPORT_CODES.assumed, message: `"${first.name}" states no model_info.max_input_tokens: ${b.id} gets context_length ${DEFAULT_CONTEXT}`, hint: 'set context_length in models.yaml to what the server really allows' });
    }
    if (maxOut === undefined) {
      maxOut = Math.min(64000, context);
      report(first.at, { code: IMPORT_CODES.assumed, message: `"${first.name}" states no max_output_tokens: ${b.id} gets ${maxOut}`, hint: 'set max_output_tokens in models.yaml' });
    }
    let source = mlxRow?.sourcePath;
    if (!source?.startsWith('/')) {
      source = `${UNKNOWN_SOURCE}/${b.id}`;
      unknownSource.set(b.ep.host!, [...(unknownSource.get(b.ep.host!) ?? []), b]);
    }
    const rp = { ...(mlxRow?.requestParams ?? {}), ...(requestParams.get(b) ?? {}) };
    models[b.id!] = {
      endpoint: b.ep.id,
      upstream: b.upstream,
      source_path: source,
      ...(mlxRow?.cachePath && mlxRow.cachePath !== source ? { cache_path: mlxRow.cachePath } : {}),
      context_length: context,
      max_output_tokens: maxOut,
      ...(Object.keys(rp).length ? { request_params: rp } : {}),
    };
  }
  // Studio models that are downloaded but not served: catalogue rows without endpoint or handle.
  for (const m of mlx.models) {
    if (m.port !== null || models[m.modelId] || !m.sourcePath?.startsWith('/') || !isKebab(m.modelId)) continue;
    models[m.modelId] = { upstream: m.upstream, source_path: m.sourcePath, ...(m.cachePath && m.cachePath !== m.sourcePath ? { cache_path: m.cachePath } : {}), context_length: m.contextLength ?? DEFAULT_CONTEXT, max_output_tokens: m.maxOutputTokens ?? Math.min(64000, m.contextLength ?? DEFAULT_CONTEXT) };
  }
  for (const m of mlx.models) {
    if (m.port === null || Object.values(models).some((row) => row.upstream === m.upstream && endpoints[row.endpoint as string]?.port === m.port)) continue;
    report({ file: inputs.mlxRegistry!.file, line: m.line }, { code: IMPORT_CODES.unsupported, message: `the Studio serves "${m.modelId}" on port ${m.port}, but ${inputs.router.file} has no entry for it; not imported`, hint: 'run `homelab sync-gateway` after import to add the Studio models the gateway lacks' });
  }
  // Storage: the directories the Studio registry names, else a placeholder the user must replace.
  for (const [host, h] of Object.entries(hosts)) {
    const paths = Object.values(models).filter((m) => endpoints[m.endpoint as string]?.host === host && !(m.source_path as string).startsWith(UNKNOWN_SOURCE)).map((m) => m.source_path as string);
    const root = commonDir(paths);
    if (root) h.storage.push({ path: root, class: 'showroom' });
    const unknown = unknownSource.get(host);
    if (unknown?.length) {
      h.storage.push({ path: UNKNOWN_SOURCE, class: 'showroom' });
      // At the first entry that serves one of them: the line an editor jumps to.
      report(unknown[0]!.deps[0]!.at, { code: IMPORT_CODES.assumed, message: `no input says where the weights of ${unknown.length} model(s) on ${host} live (${unknown.map((b) => b.id).join(', ')}): source_path is a placeholder under ${UNKNOWN_SOURCE}`, hint: `set source_path in models.yaml and the storage of ${host} in hosts.yaml (--mlx-registry fills them for MLX models)` });
    }
  }

  // Handles, in the order of the input.
  const handles: Record<string, unknown>[] = [];
  const handleSet = new Set<string>();
  const pushHandle = (row: Record<string, unknown>) => {
    if (handleSet.has(row.handle as string)) return;
    handleSet.add(row.handle as string);
    handles.push(row);
  };
  const prefixes = new Map<string, number>();
  for (const [, v] of viaOptillm) prefixes.set(v.prefix, (prefixes.get(v.prefix) ?? 0) + 1);
  const directPrefix = [...prefixes.entries()].sort((a, b) => b[1] - a[1])[0]?.[0] ?? 'direct';
  // Routing per MLX model: through OptiLLM when the names that reach it go there. The mesh
  // default (route_via_optillm) is the route most MLX handles take; a handle that differs says so
  // with its own "via_optillm". One handle has one route: a name reaching the same model the
  // other way keeps working, by the handle's route, and is reported.
  const how = (v: boolean) => (v ? 'through OptiLLM' : 'straight from the gateway');
  const reachers = new Map<Backend, { name: string; via: boolean }[]>();
  for (const name of byName.keys()) {
    if (!isRoutable(name) || internal.has(name) || ensembles.has(name)) continue;
    const via = viaOptillm.get(name);
    for (const d of byName.get(via?.direct ?? name)!) {
      const b = backendOf(d)!;
      if (kindFacts(b.ep.kind!).mayRouteViaOptillm) reachers.set(b, [...(reachers.get(b) ?? []), { name, via: !!via }]);
    }
  }
  const routeOf = new Map<Backend, boolean>();
  for (const [b, rs] of reachers) {
    const via = rs.find((r) => r.name === b.id)?.via ?? rs.some((r) => r.via);
    routeOf.set(b, via);
    const other = rs.find((x) => x.via === via)!;
    for (const r of rs) {
      if (r.via === via) continue;
      const reason = `reaches ${b.id} ${how(r.via)} while "${other.name}" reaches it ${how(via)}: a handle has one route`;
      report(byName.get(r.name)![0]!.at, { code: IMPORT_CODES.unsupported, message: `"${r.name}" ${reason}; it is imported going ${how(via)}`, hint: 'give the two routes two models in models.yaml if both are needed' });
      unsupported.push({ name: r.name, reason });
    }
  }
  const viaCount = [...routeOf.values()].filter(Boolean).length;
  const routeVia = viaCount > 0 && viaCount >= routeOf.size - viaCount;
  // A selector group is a gateway name OptiLLM calls back: kebab-case, like every registry name.
  // One the registry cannot take is renamed in the selector, and the old name (a public name of
  // the input too) stays an alias of the group.
  const kebabGroup = (ens: { selector: string; group: string; dep: Dep }): string => {
    const group = kebab(ens.group);
    if (isKebab(ens.group) || !group || !ens.selector.endsWith(ens.group) || !byName.has(ens.group) || byName.has(group) || taken.has(group)) return ens.selector;
    if (aliases[ens.group] === undefined) {
      aliases[ens.group] = group;
      report(byName.get(ens.group)![0]!.at, { code: IMPORT_CODES.changed, message: `"${ens.group}" is the group OptiLLM calls back for ${ens.dep.name}, and not a name the registry takes (kebab-case): the group is "${group}", "${ens.group}" stays as a gateway alias`, hint: 'clients keep working through settings.yaml gateway.aliases' });
    }
    return ens.selector.slice(0, -ens.group.length) + group;
  };
  for (const [name] of byName) {
    if (!isRoutable(name) || internal.has(name)) continue;
    const ens = ensembles.get(name);
    if (ens) {
      let handle = name;
      if (!isKebab(name) || !name.startsWith('opt-') || taken.has(name)) {
        handle = `opt-${kebab(name.replace(/^opt-/, ''))}`;
        aliases[name] = handle;
        report(ens.dep.at, { code: IMPORT_CODES.changed, message: `"${name}" goes to OptiLLM: its handle is "${handle}" (opt-*), "${name}" stays as a gateway alias`, hint: 'clients keep working through settings.yaml gateway.aliases' });
      }
      taken.add(handle);
      const members = [...new Set((byName.get(ens.group) ?? []).map((d) => backendOf(d)?.id).filter((m): m is string => !!m))];
      pushHandle({ handle, endpoint: optillmId, selector: { model: kebabGroup(ens) }, members });
      continue;
    }
    const via = viaOptillm.get(name);
    const list = byName.get(via?.direct ?? name)!;
    for (const d of list) {
      const b = backendOf(d)!;
      const route = routeOf.get(b);
      pushHandle({ handle: b.id, ...(route !== undefined && route !== routeVia ? { via_optillm: route } : {}) });
    }
    const isViaAllowed = kindFacts(backendOf(list[0]!)!.ep.kind!).mayRouteViaOptillm;
    if (via && (via.prefix !== directPrefix || !isViaAllowed)) {
      const reason = isViaAllowed ? `its call-back prefix "${via.prefix}" differs from the mesh's "${directPrefix}"` : `the registry routes only ${VIA_OPTILLM_HANDLES} handles through OptiLLM`;
      report(list[0]!.at, { code: IMPORT_CODES.unsupported, message: `"${name}" reaches its backend through OptiLLM, but ${reason}: it is imported going ${isViaAllowed ? `through OptiLLM with the mesh's call-back prefix` : 'straight to its backend'}`, hint: isViaAllowed ? 'settings.yaml optillm.direct_prefix is one prefix for the whole mesh' : 'an ensemble (opt-* handle) is how the registry sends other backends through OptiLLM' });
      unsupported.push({ name, reason });
    }
  }

  // Rows of the other inputs that name something the gateway does not serve: reported, not invented.
  for (const row of handleRows.rows) {
    if (byName.has(row.handle) || handleSet.has(row.handle)) continue;
    report({ file: inputs.handles!.file, line: row.line }, { code: IMPORT_CODES.unsupported, message: `handles.jsonl lists "${row.handle}", which router.yaml does not serve; not imported`, hint: 'a handle is imported from the gateway entry that serves it' });
  }
  for (const [name, v] of selectorVars) {
    const handle = handleOfSelectorVar(name);
    if (!handle || [...byName.keys()].some((n) => n.toLowerCase() === handle) || [...handleSet].includes(handle)) continue;
    report({ file: v.file, line: v.line }, { code: IMPORT_CODES.unsupported, message: `${name} selects "${v.value}" for "${handle}", which router.yaml does not serve; not imported`, hint: `add a model_list entry "${handle}" that goes to OptiLLM with model: os.environ/${name}, then import again` });
  }

  const settings = buildSettings(config, env, report, {
    optillmId,
    hasOptillm: !!optillmEp,
    routeVia,
    directPrefix,
    aliases,
    optillmTimeout: oneOptillmValue(optillmCalls.timeout, 'optillm.request_timeout', (t) => typeof t === 'number' && t > 0, report),
    optillmRetries: oneOptillmValue(optillmCalls.retries, 'optillm.retries', (n) => Number.isInteger(n) && (n as number) >= 0, report),
    // The router's retries of an entry are its num_retries, else the gateway's (max_retries is the OpenAI client's own).
    optillmEntriesWithoutRetries: [...ensembles.values()].map((e) => e.dep).concat([...viaOptillm.keys()].map((n) => byName.get(n)![0]!)).filter((d) => d.params.num_retries === undefined).map((d) => ({ name: d.name, at: d.at })),
    endpointFor: (address, port, kind) => {
      const host = ensureHost(address);
      const existing = Object.entries(endpoints).find(([, e]) => e.host === host && e.port === port);
      if (existing) return existing[0];
      return addEndpoint(kind, kind, host, port, isLoopbackAddress(address) ? '127.0.0.1' : '0.0.0.0');
    },
  });

  const ports = {
    ports: Object.values(endpoints)
      .map((e) => ({ host: e.host, port: e.port, service: e.service }))
      .sort((a, b) => compareStrings(a.host as string, b.host as string) || (a.port as number) - (b.port as number)),
    reserved: [],
    migrations: [],
  };

  const input: RouteTableInput = {
    deployments: deps.map((d) => ({ name: d.name, target: d.target, contextLength: int(d.info.max_input_tokens), params: d.params })),
    aliases: inputAliases(config),
    optillm: new Set(optillmEps.map((e) => e.key)),
    origins: nameOrigins(config, byName),
  };
  return { registry: { hosts, endpoints, models, handles, settings, ports }, diagnostics, unsupported, input };
}

function readDeployments(config: LitellmConfig, env: Map<string, EnvVar>, report: (at: Parameters<typeof diagAt>[0], r: Report) => void): Dep[] {
  const block = config.blocks.get('model_list');
  // An empty `model_list:` is None, which LiteLLM's `if model_list:` skips: no models, no error.
  if (!block || block.at.value === null) return [];
  if (block.kind !== 'list') {
    report(block.at, { code: IMPORT_CODES.parse, severity: 'error', message: 'model_list is not a list (LiteLLM stops at start-up iterating it)', hint: 'model_list: [{model_name, litellm_params}, …]' });
    return [];
  }
  const blocks = new Map(config.sources.map((s) => [s, mlxctlBlocks(s.text)]));
  const out: Dep[] = [];
  for (const item of block.items) {
    const v = item.value;
    // LiteLLM stops at start-up for these; the registry cannot serve what never ran.
    if (!isRecord(v) || v.model_name === undefined || v.model_name === null || !isRecord(v.litellm_params) || v.litellm_params.model === undefined) {
      report(item, { code: IMPORT_CODES.unsupported, severity: 'error', message: 'a model_list entry without model_name, litellm_params or litellm_params.model: LiteLLM refuses to start with it', hint: 'give every entry model_name and litellm_params.model' });
      continue;
    }
    const params = resolveEnv(v.litellm_params, env);
    const info = isRecord(v.model_info) ? resolveEnv(v.model_info, env).value as Record<string, unknown> : {};
    const vars = new Map([...params.vars].map(([k, name]) => [`litellm_params/${k}`, name]));
    const resolved = params.value as Record<string, unknown>;
    const line = lineOfItem(item);
    const ranges = blocks.get(item.src) ?? [];
    for (const k of Object.keys(v)) {
      if (!['model_name', 'litellm_params', 'model_info'].includes(k)) report({ src: item.src, path: [...item.path, k] }, { code: IMPORT_CODES.unsupported, message: `model_list key "${k}" is not carried`, hint: 'homelab writes model_name, litellm_params and model_info' });
    }
    out.push({
      name: String(v.model_name),
      at: item,
      params: resolved,
      info,
      vars,
      target: targetOf(resolved),
      isInMlxBlock: line !== undefined && ranges.some(([a, b]) => line > a && line < b),
    });
  }
  return out;
}

function lineOfItem(item: Located): number | undefined {
  const node = item.src.doc.getIn(item.path, true) as { range?: [number, number, number] } | undefined;
  return node?.range ? item.src.lines.linePos(node.range[0]).line : undefined;
}

/**
 * How sure it is that an endpoint is OptiLLM: `strong` when the model comes from an OptiLLM
 * selector variable, when it is sent a technique-prefixed name that comes back to the gateway, a
 * `<prefix>-<own name>` that comes back, or several different names that all come back (a backend
 * serves one model); `weak` when one name comes back.
 */
function optillmEvidence(ep: Ep, byName: Map<string, Dep[]>, epOf: (d: Dep) => Ep | undefined): 'strong' | 'weak' | undefined {
  const backs = new Set<string>();
  for (const d of ep.deps) {
    if (d.target.kind !== 'http') continue;
    if (/^OPTILLM_.*_MODEL$/.test(d.vars.get('litellm_params/model') ?? '')) return 'strong';
    const isCallBack = (n: string) => n !== d.name && (byName.get(n) ?? []).some((x) => epOf(x) && epOf(x) !== ep);
    const parse = parseOptillmModel(d.target.upstream, 'auto');
    if (!parse.isPassThrough && (isCallBack(parse.upstream) || isCallBack(d.target.upstream))) return 'strong';
    // `mlx-a` sent as `direct-mlx-a`, an entry of its own: the call-back shape of OptiLLM routing.
    if (d.target.upstream.endsWith(`-${d.name}`) && isCallBack(d.target.upstream)) return 'strong';
    if (isCallBack(d.target.upstream)) backs.add(d.target.upstream);
  }
  return backs.size >= 2 ? 'strong' : backs.size === 1 ? 'weak' : undefined;
}

/** The kind the seeds' own files give an endpoint: handles.jsonl endpoint ids, the Studio registry. */
function declaredKind(ep: Ep, rows: Map<string, HandleRow>, mlx: MlxModel[]): EndpointKind | undefined {
  for (const d of ep.deps) {
    const ref = rows.get(d.name)?.endpointRef;
    const k = ref ? kindOfEndpointRef(ref) : undefined;
    if (k?.kind && k.port === ep.port) return k.kind;
  }
  if (mlx.some((m) => m.port === ep.port && ep.deps.some((d) => d.target.kind === 'http' && d.target.upstream === m.upstream))) return 'mlx';
  return undefined;
}

/** What kind of backend listens at an endpoint, from weaker evidence: names and variable names. */
function kindOf(ep: Ep, callerNames: Map<string, string[]>, rows: Map<string, HandleRow>): EndpointKind | undefined {
  const names = ep.deps.flatMap((d) => [d.name, ...(callerNames.get(d.name) ?? [])]);
  for (const n of names) {
    const ref = rows.get(n)?.endpointRef;
    const k = ref ? kindOfEndpointRef(ref) : undefined;
    if (k?.kind && k.kind !== 'optillm' && (k.port === undefined || k.port === ep.port)) return k.kind;
  }
  for (const d of ep.deps) {
    for (const name of d.vars.values()) for (const kind of ENDPOINT_KINDS) if (name.startsWith(kindFacts(kind).import.envPrefix ?? '\0')) return kind;
    if (d.isInMlxBlock) return 'mlx';
  }
  for (const n of names) for (const kind of ENDPOINT_KINDS) if (n.startsWith(kindFacts(kind).handlePrefix ?? '\0')) return kind;
  // mlx-community publishes the MLX conversions mlx_lm and mlx-openai-server load.
  if (ep.deps.some((d) => d.target.kind === 'http' && d.target.upstream.startsWith('mlx-community/'))) return 'mlx';
  return undefined;
}

function checkBackendKey(d: Dep, v: unknown, env: Map<string, EnvVar>, report: (r: Report) => void): void {
  // The value is looked at only to tell a placeholder from a real key; it is never written.
  const value = v instanceof EnvRef ? env.get(v.name)?.value : typeof v === 'string' ? v : undefined;
  if (value !== undefined && KEY_PLACEHOLDERS.has(value)) return;
  const what = v instanceof EnvRef ? `os.environ/${v.name}` : 'a literal key';
  report({ code: IMPORT_CODES.unsupported, message: `"${d.name}" calls its backend with ${what}; homelab calls mesh backends keyless (api_key: none)`, hint: 'backends of the mesh listen on the LAN without keys; if this one needs a key, keep it out of the registry and tell the maintainers' });
}

function inputAliases(config: LitellmConfig): Record<string, string> {
  const rs = config.blocks.get('router_settings');
  const alias = rs && isRecord(rs.at.value) ? rs.at.value.model_group_alias : undefined;
  const out: Record<string, string> = {};
  if (isRecord(alias)) for (const [k, v] of Object.entries(alias)) {
    const target = typeof v === 'string' ? v : isRecord(v) && typeof v.model === 'string' ? v.model : undefined;
    if (target) out[k] = target;
  }
  return out;
}

/** Where each public name is written: its first model_list entry, else its model_group_alias key. */
function nameOrigins(config: LitellmConfig, byName: Map<string, Dep[]>): Map<string, Located> {
  const out = new Map<string, Located>();
  for (const [name, list] of byName) out.set(name, list[0]!.at);
  const rs = config.blocks.get('router_settings');
  const alias = rs && isRecord(rs.at.value) ? rs.at.value.model_group_alias : undefined;
  if (rs && isRecord(alias)) for (const [k, v] of Object.entries(alias)) if (!out.has(k)) out.set(k, { value: v, src: rs.at.src, path: ['router_settings', 'model_group_alias', k] });
  return out;
}

function gatewayRun(routerPath: string | undefined): Record<string, unknown> | undefined {
  const m = routerPath ? /^(\/.+)\/config\/[^/]+\.ya?ml$/.exec(routerPath) : null;
  const user = m ? /^\/(?:home|Users)\/([a-z_][a-z0-9_-]*)\//.exec(m[1]!)?.[1] : undefined;
  return m && user ? { user, workdir: m[1] } : undefined;
}

function commonDir(paths: string[]): string | undefined {
  if (!paths.length) return undefined;
  const split = paths.map((p) => p.split('/').slice(0, -1));
  const first = split[0]!;
  let n = first.length;
  for (const s of split) {
    let i = 0;
    while (i < n && s[i] === first[i]) i++;
    n = i;
  }
  const dir = first.slice(0, n).join('/');
  return dir && dir !== '' ? dir : undefined;
}

interface SettingsContext {
  optillmId: string;
  hasOptillm: boolean;
  routeVia: boolean;
  directPrefix: string;
  aliases: Record<string, string>;
  optillmTimeout?: number;
  optillmRetries?: number;
  /** OptiLLM entries of the input that leave max_retries to the gateway's num_retries. */
  optillmEntriesWithoutRetries: { name: string; at: Located }[];
  endpointFor: (address: string, port: number, kind: EndpointKind) => string;
}

function buildSettings(config: LitellmConfig, env: Map<string, EnvVar>, report: (at: Parameters<typeof diagAt>[0], r: Report) => void, ctx: SettingsContext): Record<string, unknown> {
  const gatewaySecrets = new Set<string>([SECRET.masterKey, ...(ctx.hasOptillm ? [SECRET.gatewayToOptillm] : [])]);
  const router_settings: Record<string, unknown> = {};
  const litellm_settings: Record<string, unknown> = {};
  const aliases = { ...ctx.aliases };
  const passthrough: Record<string, unknown> = {};
  const search: Record<string, unknown> = {};

  const carry = (block: 'router_settings' | 'litellm_settings', target: Record<string, unknown>) => {
    const b = config.blocks.get(block);
    if (!b) return;
    // LiteLLM's RetryPolicy fields are carried; a key it drops is reported where it is written.
    const carryPolicy = (value: unknown, path: Path) => {
      const { policy, drops } = carryRetryPolicy(value);
      for (const d of drops) {
        const where = d.field ? [...path, d.field] : path;
        report({ src: b.at.src, path: where }, { code: IMPORT_CODES.unsupported, message: `${where.join('.')} ${d.message}; not imported`, hint: d.hint });
      }
      return policy;
    };
    const value = resolveEnv(b.at.value, env).value;
    if (!isRecord(value)) {
      report(b.at, { code: IMPORT_CODES.unsupported, message: `${block} is not a mapping; not imported` });
      return;
    }
    for (const [k, v] of Object.entries(value)) {
      const at = { src: b.at.src, path: [block, k] as Path };
      if (block === 'router_settings' && k === 'model_group_alias') {
        if (!isRecord(v)) continue;
        for (const [alias, t] of Object.entries(v)) {
          const target = typeof t === 'string' ? t : isRecord(t) && typeof t.model === 'string' ? t.model : undefined;
          if (!target) continue;
          if (isRecord(t) && t.hidden !== undefined) report({ src: at.src, path: [...at.path, alias, 'hidden'] }, { code: IMPORT_CODES.unsupported, message: `alias "${alias}" is hidden from /v1/models; homelab aliases are listed`, hint: 'remove the alias if it must stay hidden' });
          aliases[alias] = ctx.aliases[target] ?? target;
        }
      } else if (block === 'router_settings' && k === 'retry_policy') {
        const policy = carryPolicy(v, at.path);
        if (policy) target[k] = policy;
      } else if (block === 'router_settings' && k === 'model_group_retry_policy') {
        // Keyed by gateway group: a renamed model is named by its new handle, as in fallbacks.
        if (!isRecord(v)) {
          report(at, { code: IMPORT_CODES.unsupported, message: `${block}.${k} is not a mapping of group → RetryPolicy; not imported` });
          continue;
        }
        const groups: Record<string, unknown> = {};
        for (const [group, p] of Object.entries(v)) {
          const policy = carryPolicy(p, [...at.path, group]);
          if (policy) groups[ctx.aliases[group] ?? group] = policy;
        }
        if (Object.keys(groups).length) target[k] = groups;
      } else if (block === 'litellm_settings' && k === 'callbacks' && Array.isArray(v)) {
        const kept = v.filter((c) => typeof c === 'string' && !c.includes('.'));
        for (const c of v) if (!kept.includes(c)) report(at, { code: IMPORT_CODES.unsupported, message: `callback ${JSON.stringify(c)} is a custom handler (a Python module beside the config) that homelab does not deploy; not imported`, hint: 'deploy the handler yourself and add it back through gateway.passthrough is not possible for litellm_settings: keep it out of the gateway or wait for support' });
        if (kept.length) target[k] = kept;
      } else if (block === 'router_settings' && ['fallbacks', 'context_window_fallbacks', 'default_fallbacks'].includes(k)) {
        // Fallbacks name gateway groups: a renamed model is named by its new handle.
        const rename = (n: unknown) => (typeof n === 'string' ? (ctx.aliases[n] ?? n) : n);
        target[k] = Array.isArray(v) ? v.map((item) => (isRecord(item) ? Object.fromEntries(Object.entries(item).map(([g, ts]) => [rename(g), Array.isArray(ts) ? ts.map(rename) : ts])) : rename(item))) : v;
      } else if (CARRIED[block].has(k)) {
        const schema = (block === 'router_settings' ? CARRIED_SCHEMAS.router : CARRIED_SCHEMAS.litellm)[k];
        if (schema && !schema.safeParse(v).success) report(at, { code: IMPORT_CODES.unsupported, message: `${block}.${k} = ${JSON.stringify(v)} is not a value the registry takes; not imported`, hint: 'see schemas/settings.schema.json' });
        else target[k] = v;
      } else {
        report(at, { code: IMPORT_CODES.unsupported, message: `${block}.${k} is not modelled by the registry; not imported`, hint: block === 'router_settings' ? 'LiteLLM logs and drops unknown router_settings too; check the spelling' : 'litellm_settings keys the registry does not know would need gateway support' });
      }
    }
  };
  carry('router_settings', router_settings);
  carry('litellm_settings', litellm_settings);

  const general = config.blocks.get('general_settings');
  const gs = general && isRecord(general.at.value) ? general.at.value : undefined;
  const mk = gs?.master_key;
  // The master_key line, else the general_settings line, else the top of the config.
  const mkAt = general ? { src: general.at.src, path: (mk === undefined ? ['general_settings'] : ['general_settings', 'master_key']) as Path } : { file: config.sources[0]!.file, line: 1 };
  if (mk === undefined) report(mkAt, { code: IMPORT_CODES.changed, message: `the input has no master_key: anyone who reaches the gateway is let in. The imported gateway requires ${SECRET.masterKey}`, hint: `set ${SECRET.masterKey} in the gateway secrets file on the host` });
  else if (typeof mk === 'string' && mk.startsWith('os.environ/')) {
    const name = mk.slice('os.environ/'.length);
    if (name !== SECRET.masterKey) report(mkAt, { code: IMPORT_CODES.changed, message: `the master key comes from ${name}; homelab reads it from ${SECRET.masterKey}`, hint: `copy the value of ${name} to ${SECRET.masterKey} in the gateway secrets file` });
  } else report(mkAt, { code: IMPORT_CODES.changed, message: 'master_key is written in the config itself: not imported (a secret never goes in the registry)', hint: `move it to ${SECRET.masterKey} in the gateway secrets file on the host, and rotate it` });
  for (const k of Object.keys(gs ?? {})) {
    if (k === 'master_key') continue;
    report({ src: general!.at.src, path: ['general_settings', k] }, { code: IMPORT_CODES.unsupported, message: `general_settings.${k} is not modelled by the registry; not imported`, hint: 'homelab writes general_settings.master_key only' });
  }

  const tools = config.blocks.get('search_tools');
  if (tools?.kind === 'list') {
    for (const item of tools.items) {
      const v = resolveEnv(item.value, env).value;
      const name = isRecord(v) && typeof v.search_tool_name === 'string' ? v.search_tool_name : undefined;
      const lp = isRecord(v) && isRecord(v.litellm_params) ? v.litellm_params : {};
      if (!name || lp.search_provider !== 'searxng') {
        report(item, { code: IMPORT_CODES.unsupported, message: `search tool ${JSON.stringify(name ?? '?')} (provider ${JSON.stringify(lp.search_provider)}) is not a SearXNG of the mesh; not imported`, hint: 'homelab writes SearXNG search tools' });
        continue;
      }
      const base = splitApiBase(lp.api_base, '');
      if ('reason' in base) {
        report(item, { code: IMPORT_CODES.unsupported, message: `search tool "${name}": ${base.reason}; not imported` });
        continue;
      }
      // LiteLLM's SearchTool (litellm/types/search.py): search_tool_name, litellm_params (whose
      // timeout it applies) and search_tool_info (shown by GET /v1/search/tools).
      const tool: Record<string, unknown> = { endpoint: ctx.endpointFor(base.address, base.port, 'searxng') };
      const seconds = (t: unknown) => (typeof t === 'number' && t > 0 ? t : undefined);
      const notCarried = (path: Path, what: string) => report({ src: item.src, path: [...item.path, ...path] }, { code: IMPORT_CODES.unsupported, message: `${what} of search tool "${name}" is not modelled; not imported` });
      if (lp.timeout !== undefined) {
        if (seconds(lp.timeout)) tool.timeout = lp.timeout;
        else notCarried(['litellm_params', 'timeout'], `litellm_params.timeout = ${JSON.stringify(lp.timeout)} (not a number of seconds)`);
      }
      for (const [k, x] of Object.entries(isRecord(v) ? v : {})) {
        if (k === 'search_tool_name' || k === 'litellm_params') continue;
        if (k === 'timeout' && tool.timeout === undefined && seconds(x)) {
          // Beside litellm_params, where the seeds write it, LiteLLM never reads it: the intent is
          // carried, and compile writes it where it applies.
          tool.timeout = x;
          report({ src: item.src, path: [...item.path, k] }, { code: IMPORT_CODES.changed, message: `timeout of search tool "${name}" sits beside litellm_params, where LiteLLM does not read it: carried as search.${name}.timeout, which compile writes in litellm_params, so from now on it applies`, hint: 'remove it if searches must keep running without a timeout' });
        } else if (k === 'search_tool_info' && isRecord(x)) {
          for (const [ik, ix] of Object.entries(x)) {
            if (ik === 'description' && typeof ix === 'string' && ix) tool.description = ix;
            else notCarried([k, ik], `search_tool_info.${ik}`);
          }
        } else notCarried([k], k);
      }
      for (const k of Object.keys(lp)) if (!['search_provider', 'api_base', 'timeout'].includes(k)) notCarried(['litellm_params', k], `litellm_params.${k}`);
      search[name] = tool;
    }
  }

  for (const [key, block] of config.blocks) {
    if (READ_BLOCKS.has(key)) continue;
    if (!PASSTHROUGH_BLOCKS.has(key)) {
      report(block.at, { code: IMPORT_CODES.unsupported, message: key === 'environment_variables' ? 'environment_variables sets variables from the config itself (values that may be secrets): not imported' : `top-level "${key}" is not a LiteLLM block homelab knows; not imported (LiteLLM ignores unknown keys)`, hint: key === 'environment_variables' ? 'put non-secret variables in the env file and secrets in the gateway secrets file' : 'check the spelling against the LiteLLM docs' });
      continue;
    }
    const raw = block.kind === 'list' ? block.items.map((i) => i.value) : block.at.value;
    const leaked = literalSecret(raw);
    if (leaked) {
      report(block.at, { code: IMPORT_CODES.unsupported, message: `"${key}" holds a literal secret at ${leaked}: not carried (a secret never goes in the registry)`, hint: 'reference it as os.environ/NAME, then import again' });
      continue;
    }
    for (const name of envNames(raw)) if (mayHoldSecret(name) || !env.has(name)) gatewaySecrets.add(name);
    passthrough[key] = raw;
    report(block.at, { code: IMPORT_CODES.unsupported, message: `"${key}" is not modelled by the registry: carried verbatim in settings.yaml gateway.passthrough, unchecked`, hint: 'validate reports it as gateway-passthrough until you review it' });
  }

  const gateway: Record<string, unknown> = { endpoint: GATEWAY_ID, router_settings, litellm_settings };
  if (Object.keys(aliases).length) gateway.aliases = Object.fromEntries(Object.entries(aliases).sort(byString(([name]) => name)));
  if (Object.keys(passthrough).length) gateway.passthrough = passthrough;
  const secrets: Record<string, unknown> = { 'litellm-gateway': { file: SECRET_FILES.gateway, names: [...gatewaySecrets].filter((n) => /^[A-Z_][A-Z0-9_]*$/.test(n)).sort() } };
  if (ctx.hasOptillm) secrets['optillm-proxy'] = { file: SECRET_FILES.optillm, names: [SECRET.optillmUpstream, SECRET.optillmInbound] };
  const timeout = ctx.optillmTimeout ?? (typeof router_settings.timeout === 'number' ? router_settings.timeout : 600);
  // compile writes num_retries (optillm.retries, default 0) on every entry that goes to OptiLLM.
  const numRetries = [router_settings.num_retries, litellm_settings.num_retries].find((n) => typeof n === 'number');
  const without = ctx.optillmEntriesWithoutRetries;
  if (without.length && typeof numRetries === 'number' && numRetries !== (ctx.optillmRetries ?? 0)) {
    report(without[0]!.at, { code: IMPORT_CODES.changed, message: `${without.map((d) => `"${d.name}"`).join(', ')} go${without.length === 1 ? 'es' : ''} to OptiLLM without num_retries, so the gateway's num_retries (${numRetries}) applied to ${without.length === 1 ? 'it' : 'them'}; homelab writes num_retries: ${ctx.optillmRetries ?? 0} (settings.yaml optillm.retries) on every OptiLLM entry`, hint: 'OptiLLM never cancels a technique the gateway gave up on: a retry runs it again beside the first; set optillm.retries if you want them back' });
  }
  return {
    gateway,
    secrets,
    optillm: { version: '0.3.12', endpoint: ctx.optillmId, route_via_optillm: ctx.routeVia, direct_prefix: ctx.directPrefix, approach: 'auto', request_timeout: timeout, ...(ctx.optillmRetries !== undefined ? { retries: ctx.optillmRetries } : {}) },
    search,
    clients: {},
    mcp: {},
  };
}

/** One litellm_params value of an entry that goes to OptiLLM: which parameter, of which entry. */
interface OptillmCall {
  name: string;
  key: string;
  at: Parameters<typeof diagAt>[0];
  value: unknown;
}

/** The litellm_params of an entry that goes to OptiLLM that settings.yaml optillm holds. */
const OPTILLM_CALL_PARAMS: Record<string, 'timeout' | 'retries'> = { timeout: 'timeout', stream_timeout: 'timeout', num_retries: 'retries', max_retries: 'retries' };

/**
 * The one value settings.yaml holds for what the input sets per OptiLLM entry: the first valid
 * one. An invalid value, or one that differs from it, is reported at its line.
 */
function oneOptillmValue(calls: OptillmCall[], field: string, valid: (v: unknown) => boolean, report: (at: Parameters<typeof diagAt>[0], r: Report) => void): number | undefined {
  const kept = calls.find((c) => valid(c.value));
  for (const c of calls) {
    if (c === kept || (kept && c.value === kept.value)) continue;
    const key = c.key;
    report(c.at, {
      code: IMPORT_CODES.unsupported,
      message: valid(c.value) ? `${key} ${JSON.stringify(c.value)} of "${c.name}" differs from the ${JSON.stringify(kept!.value)} of "${kept!.name}": settings.yaml ${field} holds one value for every entry that goes to OptiLLM; not imported` : `${key} ${JSON.stringify(c.value)} of "${c.name}" is not a value ${field} takes; not imported`,
      hint: `every OptiLLM entry gets settings.yaml ${field}`,
    });
  }
  return kept?.value as number | undefined;
}

type Check = Record<string, { safeParse: (v: unknown) => { success: boolean } }>;
const CARRIED_SCHEMAS = { router: RouterSettingsSchema.shape as Check, litellm: LitellmSettingsSchema.shape as Check };

/** Every os.environ/NAME a block references. */
function envNames(v: unknown): string[] {
  if (typeof v === 'string') return v.startsWith('os.environ/') ? [v.slice('os.environ/'.length)] : [];
  if (Array.isArray(v)) return v.flatMap(envNames);
  if (isRecord(v)) return Object.values(v).flatMap(envNames);
  return [];
}

/** Fields whose value authenticates without saying KEY or TOKEN: LiteLLM's MCP auth_value, HTTP Authorization headers. */
const AUTH_FIELD = /^auth(?:_value|orization)$/i;

/** The path of a literal secret in a block: a value that looks like a key, or any literal under a secret-named key. */
function literalSecret(v: unknown, path = ''): string | undefined {
  if (Array.isArray(v)) {
    for (const [i, x] of v.entries()) {
      const hit = literalSecret(x, `${path}/${i}`);
      if (hit) return hit;
    }
  } else if (isRecord(v)) {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'string' && (mayHoldSecret(k) || AUTH_FIELD.test(k)) && !x.startsWith('os.environ/') && x !== '') return `${path}/${k}`;
      const hit = literalSecret(x, `${path}/${k}`);
      if (hit) return hit;
    }
  } else if (typeof v === 'string' && findSecrets(v).length) return path || '/';
  return undefined;
}
