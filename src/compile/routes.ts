// The route model: every name the gateway serves, what each deployment of it calls, and the
// walk of a request through OptiLLM and back. `compile` emits router.yaml from these entries,
// `explain` prints the walk, and the routing rules prove it ends at a backend: one model for all
// three, so what is proven is what is deployed.
import type { Registry } from '../registry/load.js';
import type { Endpoint, Handle, Model } from '../registry/schema.js';
import { isEnsembleRow } from '../registry/schema.js';
import { kindFacts } from '../kinds/index.js';
import { baseUrl, gatewayHost, isActive, LOOPBACK, optillmEndpoint, unreachableFrom } from './mesh.js';
import { parseOptillmModel, type OptillmParse } from './optillm.js';
import { candidatesOf, CAPABILITIES, optillmLosses, type Candidates, type Capability } from './optillm-behaviour.js';

export type Target =
  | {
      kind: 'backend';
      modelId: string;
      endpointId: string;
      /** The model id the backend expects (sent as openai/<upstream>). */
      upstream: string;
      apiBase: string;
      host: string;
      port: number;
      contextLength: number;
      maxOutputTokens: number;
      /** The model's default LiteLLM parameters (models.yaml request_params). */
      requestParams?: Record<string, string | number | boolean>;
    }
  | {
      kind: 'optillm';
      endpointId: string;
      /** The model name the gateway sends to OptiLLM (technique prefix + name to call back). */
      sent: string;
      apiBase: string;
      host: string;
      port: number;
    }
  | { kind: 'missing'; name: string; reason: string };

/** Where in the registry an entry or deployment comes from, for diagnostics. */
export interface Origin {
  file: 'handles.jsonl' | 'settings.yaml';
  pointer: string;
}

export interface Deployment {
  target: Target;
  /** For ensemble groups: the member handle this deployment serves. */
  member?: string;
  origin: Origin;
}

export type EntryRole = 'handle' | 'direct' | 'group';

export interface GatewayEntry {
  name: string;
  role: EntryRole;
  /** The handle whose row produced this entry. */
  handle: string;
  deployments: Deployment[];
  origin: Origin;
  /** For opt-* handles: the selector and the selector env variable stem. */
  selector?: string;
}

export interface RouteModel {
  /** All entries in registry order; a name may appear twice (handle-duplicate reports it). */
  entries: GatewayEntry[];
  /** First entry of each name. */
  byName: Map<string, GatewayEntry>;
  approach: string;
}

/** What the selector means, as a human reads it: `<technique>-<group>`. */
export function splitSelector(selector: string): { technique: string; group: string } {
  const i = selector.indexOf('-');
  return i < 0 ? { technique: selector, group: '' } : { technique: selector.slice(0, i), group: selector.slice(i + 1) };
}

/** How the gateway calls an endpoint: its base URL, and why it cannot call it at all (undefined: it can). */
interface Reach {
  url(ep: Endpoint): string;
  unreachable(ep: Endpoint): string | undefined;
}

function modelTarget(reg: Registry, modelId: string, reach: Reach): Target {
  const model: Model | undefined = reg.models[modelId];
  if (!model) return { kind: 'missing', name: modelId, reason: `no model "${modelId}" in models.yaml` };
  if (!model.endpoint) return { kind: 'missing', name: modelId, reason: `model "${modelId}" has no endpoint` };
  const ep: Endpoint | undefined = reg.endpoints[model.endpoint];
  if (!ep) return { kind: 'missing', name: modelId, reason: `model "${modelId}" names unknown endpoint "${model.endpoint}"` };
  if (!isActive(ep)) {
    return { kind: 'missing', name: modelId, reason: `endpoint ${model.endpoint} of model "${modelId}" is ${ep.state} and receives no routes` };
  }
  const unreachable = reach.unreachable(ep);
  if (unreachable) return { kind: 'missing', name: modelId, reason: `endpoint ${model.endpoint} of model "${modelId}": ${unreachable}` };
  const target: Extract<Target, { kind: 'backend' }> = {
    kind: 'backend',
    modelId,
    endpointId: model.endpoint,
    upstream: model.upstream,
    apiBase: reach.url(ep),
    host: ep.host,
    port: ep.port,
    contextLength: model.context_length,
    maxOutputTokens: model.max_output_tokens,
  };
  // Set, not spread in: a spread is a runtime call for each of 17,000 deployments at 10,000 handles.
  if (model.request_params) target.requestParams = model.request_params;
  return target;
}

function optillmTarget(reg: Registry, endpointId: string, sent: string, reach: Reach): Target {
  const ep = reg.endpoints[endpointId];
  if (!ep) return { kind: 'missing', name: endpointId, reason: `unknown endpoint "${endpointId}"` };
  if (ep.kind !== 'optillm') return { kind: 'missing', name: endpointId, reason: `endpoint "${endpointId}" is ${ep.kind}, not the OptiLLM proxy` };
  if (!isActive(ep)) return { kind: 'missing', name: endpointId, reason: `endpoint "${endpointId}" is ${ep.state}` };
  const unreachable = reach.unreachable(ep);
  if (unreachable) return { kind: 'missing', name: endpointId, reason: `endpoint "${endpointId}": ${unreachable}` };
  return { kind: 'optillm', endpointId, sent, apiBase: reach.url(ep), host: ep.host, port: ep.port };
}

/**
 * True when a model handle is routed through OptiLLM: MLX handles only, by the row's
 * `via_optillm` when it sets one, else by the mesh default `route_via_optillm`.
 */
export function isViaOptillm(reg: Registry, handle: string | Handle): boolean {
  const name = typeof handle === 'string' ? handle : handle.handle;
  const epId = reg.models[name]?.endpoint;
  const ep = epId === undefined ? undefined : reg.endpoints[epId];
  if (!ep || !kindFacts(ep.kind).mayRouteViaOptillm) return false;
  // Given a row, no search: buildRouteModel asks once per row, and 50,000 rows must stay linear.
  const row = typeof handle === 'string' ? reg.handles.find((h) => h.handle === handle) : handle;
  return row?.via_optillm ?? reg.settings.optillm.route_via_optillm;
}

export function directName(reg: Registry, handle: string): string {
  return `${reg.settings.optillm.direct_prefix}-${handle}`;
}

/** Each member once, with the index of its first listing. */
function distinctMembers(members: readonly string[]): [string, number][] {
  const first = new Map<string, number>();
  members.forEach((m, i) => {
    if (!first.has(m)) first.set(m, i);
  });
  return [...first];
}

export function buildRouteModel(reg: Registry): RouteModel {
  const from = gatewayHost(reg);
  // Per endpoint, not per deployment (10,000 handles share a few dozen endpoints): one base URL
  // string (the same text baseUrl builds) and one verdict on reachability.
  const urls = new Map<Endpoint, string>();
  const whyUnreachable = new Map<Endpoint, string | undefined>();
  const reach: Reach = {
    url(ep) {
      let u = urls.get(ep);
      if (u === undefined) urls.set(ep, (u = baseUrl(reg, ep, from)));
      return u;
    },
    // Without a gateway nothing calls the backends yet: no host to judge reachability from.
    unreachable(ep) {
      if (from === undefined) return undefined;
      if (!whyUnreachable.has(ep)) whyUnreachable.set(ep, unreachableFrom(reg, ep, from));
      return whyUnreachable.get(ep);
    },
  };
  const entries: GatewayEntry[] = [];
  const optillmId = reg.settings.optillm.endpoint;
  reg.handles.forEach((row, i) => {
    const origin: Origin = { file: 'handles.jsonl', pointer: `/${i}` };
    if (isEnsembleRow(row)) {
      const selector = row.selector?.model ?? '';
      entries.push({
        name: row.handle,
        role: 'handle',
        handle: row.handle,
        selector,
        origin,
        deployments: [{ target: optillmTarget(reg, row.endpoint ?? optillmId, selector, reach), origin: { file: 'handles.jsonl', pointer: `/${i}/selector/model` } }],
      });
      // The group is what the selector means after its technique; the proof then checks that
      // OptiLLM's parser really calls this name back.
      const { group } = splitSelector(selector);
      if (group) {
        entries.push({
          name: group,
          role: 'group',
          handle: row.handle,
          origin: { file: 'handles.jsonl', pointer: `/${i}/selector/model` },
          // One deployment per distinct member: a member listed twice is a warning (ensemble-members), not a weight.
          deployments: distinctMembers(row.members ?? []).map(([member, m]) => ({
            member,
            target: modelTarget(reg, member, reach),
            origin: { file: 'handles.jsonl', pointer: `/${i}/members/${m}` },
          })),
        });
      }
      return;
    }
    if (isViaOptillm(reg, row)) {
      const direct = directName(reg, row.handle);
      entries.push({
        name: row.handle,
        role: 'handle',
        handle: row.handle,
        origin,
        deployments: [{ target: optillmTarget(reg, optillmId, direct, reach), origin }],
      });
      entries.push({
        name: direct,
        role: 'direct',
        handle: row.handle,
        origin: { file: 'settings.yaml', pointer: '/optillm/direct_prefix' },
        deployments: [{ target: modelTarget(reg, row.handle, reach), origin }],
      });
      return;
    }
    entries.push({ name: row.handle, role: 'handle', handle: row.handle, origin, deployments: [{ target: modelTarget(reg, row.handle, reach), origin }] });
  });
  const byName = new Map<string, GatewayEntry>();
  for (const e of entries) if (!byName.has(e.name)) byName.set(e.name, e);
  return { entries, byName, approach: reg.settings.optillm.approach };
}

export type RouteNode =
  | { type: 'gateway'; name: string; role: EntryRole; children: RouteNode[] }
  | {
      type: 'optillm';
      endpointId: string;
      host: string;
      port: number;
      received: string;
      parse: OptillmParse;
      /** What a request loses at this hop (OPTILLM_LOSSES). */
      loses: readonly Capability[];
      next: RouteNode;
    }
  | { type: 'backend'; target: Extract<Target, { kind: 'backend' }>; member?: string }
  | { type: 'unresolved'; name: string; reason: string }
  | { type: 'loop'; name: string; cycle: string[] };

/**
 * Walk a request for `name` through the gateway, OptiLLM and back, with OptiLLM 0.3.12's parser
 * deciding every name it calls upstream. Every leaf is a backend, an unresolved name or a loop.
 */
export function walkRoute(model: RouteModel, name: string, path: string[] = []): RouteNode {
  if (path.includes(name)) {
    return { type: 'loop', name, cycle: [...path.slice(path.indexOf(name)), name] };
  }
  const entry = model.byName.get(name);
  if (!entry) return { type: 'unresolved', name, reason: `the gateway has no model named "${name}"` };
  const nextPath = [...path, name];
  const children = entry.deployments.map((d): RouteNode => {
    const t = d.target;
    if (t.kind === 'backend') return { type: 'backend', target: t, member: d.member };
    if (t.kind === 'missing') return { type: 'unresolved', name: t.name, reason: t.reason };
    const parse = parseOptillmModel(t.sent, model.approach);
    const next: RouteNode = parse.upstream
      ? walkCallback(model, parse.upstream, nextPath)
      : { type: 'unresolved', name: '', reason: `OptiLLM parses "${parse.effective}" to an empty upstream model` };
    return { type: 'optillm', endpointId: t.endpointId, host: t.host, port: t.port, received: t.sent, parse, loses: optillmLosses(parse.runs), next };
  });
  if (children.length === 0) children.push({ type: 'unresolved', name, reason: `"${name}" has no deployments` });
  return { type: 'gateway', name, role: entry.role, children };
}

/**
 * OptiLLM calling the gateway back: a name that routes to OptiLLM again is a loop even when it
 * is not yet on this path (a selector whose group is an OptiLLM-routed handle): every path
 * through OptiLLM must come back to a name that goes straight to a backend.
 */
function walkCallback(model: RouteModel, name: string, path: string[]): RouteNode {
  const entry = model.byName.get(name);
  if (entry && !path.includes(name) && entry.deployments.some((d) => d.target.kind === 'optillm')) {
    return { type: 'loop', name, cycle: [...path, name] };
  }
  return walkRoute(model, name, path);
}

/**
 * The name LiteLLM serves a request for `name` under: an old name of gateway.aliases resolves to
 * its target first (router.py _get_model_from_alias), a gateway entry is itself; undefined when
 * the gateway serves no such name.
 */
export function servedName(reg: Registry, routes: RouteModel, name: string): string | undefined {
  const aliases = reg.settings.gateway.aliases ?? {};
  if (Object.hasOwn(aliases, name)) return aliases[name];
  return routes.byName.has(name) ? name : undefined;
}

/** The leaves of a walk, in order. */
export function routeLeaves(node: RouteNode): RouteNode[] {
  // Pushed into one array, not flatMap: two rules ask for the leaves of every handle.
  const out: RouteNode[] = [];
  const visit = (n: RouteNode): void => {
    if (n.type === 'gateway') for (const child of n.children) visit(child);
    else if (n.type === 'optillm') visit(n.next);
    else out.push(n);
  };
  visit(node);
  return out;
}

/** Every capability a request for this walk loses on some path, in the table's order. */
export function routeLosses(node: RouteNode): readonly Capability[] {
  const lost = new Set<Capability>();
  collectLosses(node, lost);
  // Every OptiLLM hop loses every capability today: the common answers are shared, not rebuilt per handle.
  if (lost.size === 0) return NO_LOSSES;
  if (lost.size === CAPABILITIES.length) return CAPABILITIES;
  return CAPABILITIES.filter((c) => lost.has(c));
}

const NO_LOSSES: readonly Capability[] = [];

function collectLosses(n: RouteNode, lost: Set<Capability>): void {
  if (n.type === 'gateway') for (const child of n.children) collectLosses(child, lost);
  else if (n.type === 'optillm') {
    for (const c of n.loses) lost.add(c);
    collectLosses(n.next, lost);
  }
}

/**
 * How many members answer at an OptiLLM hop that calls an ensemble group back: the technique's
 * call pattern against the group's distinct members. Undefined when OptiLLM calls no group.
 */
export function hopCandidates(node: Extract<RouteNode, { type: 'optillm' }>): Candidates | undefined {
  const next = node.next;
  if (next.type !== 'gateway' || next.role !== 'group') return undefined;
  const members = new Set(next.children.flatMap((c) => (c.type === 'backend' && c.member ? [c.member] : []))).size;
  const technique = node.parse.runs.join(node.parse.operation === 'OR' ? '|' : '&');
  return candidatesOf(technique, members);
}

/** OptiLLM's gateway base URL: where OptiLLM calls back (same host → loopback). */
export function gatewayUrlFromOptillm(reg: Registry, gateway: Endpoint): string {
  const opt = optillmEndpoint(reg);
  return baseUrl(reg, gateway, opt?.host ?? LOOPBACK);
}
