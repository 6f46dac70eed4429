// `homelab explain`: the walk of one handle, hop by hop, from the same route model compile emits
// and the routing rules prove.
import { gatewayEndpoint } from '../compile/mesh.js';
import { describeCalls, type Candidates, type Capability } from '../compile/optillm-behaviour.js';
import { hopCandidates, routeLosses, servedName, walkRoute, type RouteModel, type RouteNode } from '../compile/routes.js';
import type { Registry } from '../registry/load.js';

export interface ExplainHop {
  hop: 'alias' | 'gateway' | 'optillm' | 'backend' | 'unresolved' | 'loop';
  /** host:port where this hop runs. */
  at?: string;
  /** The model name this hop receives. */
  model: string;
  role?: string;
  technique?: string[];
  operation?: string;
  dropped?: string[];
  /** For OptiLLM: the name it calls the gateway back with; for an alias: the name it resolves to. */
  calls?: string;
  /** For OptiLLM: the capabilities a request loses at this hop. */
  loses?: readonly Capability[];
  /** For OptiLLM calling an ensemble group: how many members can answer one request. */
  candidates?: Candidates;
  endpoint?: string;
  member?: string;
  reason?: string;
  next?: ExplainHop[];
}

export function explainTree(reg: Registry, node: RouteNode): ExplainHop {
  const gw = gatewayEndpoint(reg);
  const gwAt = gw ? `${gw.host}:${gw.port}` : undefined;
  switch (node.type) {
    case 'gateway':
      return { hop: 'gateway', at: gwAt, model: node.name, role: node.role === 'handle' ? 'handle' : `internal ${node.role}`, next: node.children.map((c) => explainTree(reg, c)) };
    case 'optillm': {
      const candidates = hopCandidates(node);
      return {
        hop: 'optillm', at: `${node.host}:${node.port}`, endpoint: node.endpointId, model: node.received,
        technique: node.parse.runs, operation: node.parse.operation, dropped: node.parse.dropped, calls: node.parse.upstream,
        loses: node.loses,
        ...(candidates ? { candidates } : {}),
        next: [explainTree(reg, node.next)],
      };
    }
    case 'backend':
      return { hop: 'backend', at: `${node.target.host}:${node.target.port}`, endpoint: node.target.endpointId, model: node.target.upstream, member: node.member };
    case 'unresolved':
      return { hop: 'unresolved', model: node.name, reason: node.reason };
    case 'loop':
      return { hop: 'loop', model: node.name, reason: `loop: ${node.cycle.join(' → ')}` };
  }
}

/**
 * The route of a name as LiteLLM serves it: an alias (gateway.aliases, written as
 * router_settings.model_group_alias) is resolved to its target before the model list is looked at
 * (litellm/router.py _get_model_from_alias), so it becomes an alias hop in front of the target's
 * walk. Undefined when the gateway serves no such name.
 */
export function explainRoute(reg: Registry, routes: RouteModel, name: string): { tree: ExplainHop; loses: readonly Capability[] } | undefined {
  const target = servedName(reg, routes, name);
  if (target === undefined) return undefined;
  if (!Object.hasOwn(reg.settings.gateway.aliases ?? {}, name)) {
    const walk = walkRoute(routes, name);
    return { tree: explainTree(reg, walk), loses: routeLosses(walk) };
  }
  const walk = walkRoute(routes, target);
  const gw = gatewayEndpoint(reg);
  const shadowed = routes.byName.has(name) ? { reason: `LiteLLM never reaches the gateway entry "${name}": it resolves the alias of that name first (gateway-alias)` } : {};
  const tree: ExplainHop = { hop: 'alias', ...(gw ? { at: `${gw.host}:${gw.port}` } : {}), model: name, calls: target, ...shadowed, next: [explainTree(reg, walk)] };
  return { tree, loses: routeLosses(walk) };
}

export function isRouteSound(hop: ExplainHop): boolean {
  if (hop.hop === 'unresolved' || hop.hop === 'loop') return false;
  return (hop.next ?? []).every(isRouteSound);
}

function candidatesText(c: Candidates): string {
  if (c.members_max === null) return `candidates: ${c.technique}'s calls are not modelled; the group has ${c.members} member${c.members === 1 ? '' : 's'}`;
  return `candidates: ${c.technique} makes ${describeCalls(c)} → answers from at most ${c.members_max} of ${c.members} member${c.members === 1 ? '' : 's'}`;
}

function line(hop: ExplainHop): string {
  switch (hop.hop) {
    case 'gateway':
      return `gateway ${hop.at ?? '?'}  "${hop.model}" (${hop.role}, ${hop.next?.length ?? 0} deployment${hop.next?.length === 1 ? '' : 's'})`;
    case 'optillm': {
      const runs = hop.technique?.join(hop.operation === 'OR' ? '|' : '&') ?? 'none';
      const dropped = hop.dropped?.length ? `, drops ${hop.dropped.join(', ')}` : '';
      const loses = hop.loses?.length ? `\nloses: ${hop.loses.join(', ')}` : '';
      const candidates = hop.candidates ? `\n${candidatesText(hop.candidates)}` : '';
      return `OptiLLM ${hop.at}  receives "${hop.model}", runs ${runs}${dropped}, calls the gateway back with "${hop.calls}"${loses}${candidates}`;
    }
    case 'alias':
      return `alias ${hop.at ?? '?'}  "${hop.model}" → "${hop.calls}" (router_settings.model_group_alias)${hop.reason ? `\n${hop.reason}` : ''}`;
    case 'backend':
      return `backend ${hop.at} (${hop.endpoint})  model "${hop.model}"${hop.member ? ` for member ${hop.member}` : ''}`;
    default:
      return `${hop.hop.toUpperCase()} "${hop.model}": ${hop.reason}`;
  }
}

export function renderExplainText(hop: ExplainHop, depth = 0): string {
  const indent = depth === 0 ? '' : '  '.repeat(depth - 1);
  const [first, ...rest] = line(hop).split('\n');
  const head = [(depth === 0 ? '' : `${indent}→ `) + first, ...rest.map((r) => `${depth === 0 ? '' : `${indent}  `}${r}`)];
  return [...head, ...(hop.next ?? []).map((n) => renderExplainText(n, depth + 1))].join('\n');
}

/** The closing summary of the text output: what the route loses (routeLosses), how many members answer. */
export function renderExplainSummary(hop: ExplainHop, lost: readonly Capability[]): string {
  // A route that loops or leads nowhere serves nothing: claiming what it keeps would mislead.
  if (!isRouteSound(hop)) return 'route is broken: it loops or leads nowhere (see the hop above), so it serves no request';
  const loses = lost.length ? `route loses: ${lost.join(', ')}` : 'route loses: nothing (tools, images, multi-turn, streaming and extra parameters reach the backend)';
  const c = findCandidates(hop);
  const backends = new Set(backendHops(hop).map((b) => `${b.at} ${b.model}`)).size;
  const answers = c
    ? c.members_max === null ? `members answering: not modelled for ${c.technique}` : `members answering one request: at most ${c.members_max} of ${c.members}`
    : backends > 1
      ? `members answering one request: 1 of ${backends} (LiteLLM sends each request to one deployment of the group)`
      : 'members answering one request: 1 (a single model)';
  return `${loses}\n${answers}`;
}

function backendHops(hop: ExplainHop): ExplainHop[] {
  return hop.hop === 'backend' ? [hop] : (hop.next ?? []).flatMap(backendHops);
}

function findCandidates(hop: ExplainHop): Candidates | undefined {
  return hop.candidates ?? (hop.next ?? []).map(findCandidates).find((c) => c !== undefined);
}
