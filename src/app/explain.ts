// `homelab explain`: the walk of one handle, hop by hop, from the same route model compile emits
// and the routing rules prove.
import { gatewayEndpoint } from '../compile/mesh.js';
import type { RouteNode } from '../compile/routes.js';
import type { Registry } from '../registry/load.js';

export interface ExplainHop {
  hop: 'gateway' | 'optillm' | 'backend' | 'unresolved' | 'loop';
  /** host:port where this hop runs. */
  at?: string;
  /** The model name this hop receives. */
  model: string;
  role?: string;
  technique?: string[];
  operation?: string;
  dropped?: string[];
  /** For OptiLLM: the name it calls the gateway back with. */
  calls?: string;
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
    case 'optillm':
      return {
        hop: 'optillm', at: `${node.host}:${node.port}`, endpoint: node.endpointId, model: node.received,
        technique: node.parse.runs, operation: node.parse.operation, dropped: node.parse.dropped, calls: node.parse.upstream,
        next: [explainTree(reg, node.next)],
      };
    case 'backend':
      return { hop: 'backend', at: `${node.target.host}:${node.target.port}`, endpoint: node.target.endpointId, model: node.target.upstream, member: node.member };
    case 'unresolved':
      return { hop: 'unresolved', model: node.name, reason: node.reason };
    case 'loop':
      return { hop: 'loop', model: node.name, reason: `loop: ${node.cycle.join(' → ')}` };
  }
}

export function isRouteSound(hop: ExplainHop): boolean {
  if (hop.hop === 'unresolved' || hop.hop === 'loop') return false;
  return (hop.next ?? []).every(isRouteSound);
}

function line(hop: ExplainHop): string {
  switch (hop.hop) {
    case 'gateway':
      return `gateway ${hop.at ?? '?'}  "${hop.model}" (${hop.role}, ${hop.next?.length ?? 0} deployment${hop.next?.length === 1 ? '' : 's'})`;
    case 'optillm': {
      const runs = hop.technique?.join(hop.operation === 'OR' ? '|' : '&') ?? 'none';
      const dropped = hop.dropped?.length ? `, drops ${hop.dropped.join(', ')}` : '';
      return `OptiLLM ${hop.at}  receives "${hop.model}", runs ${runs}${dropped}, calls the gateway back with "${hop.calls}"`;
    }
    case 'backend':
      return `backend ${hop.at} (${hop.endpoint})  model "${hop.model}"${hop.member ? ` for member ${hop.member}` : ''}`;
    default:
      return `${hop.hop.toUpperCase()} "${hop.model}": ${hop.reason}`;
  }
}

export function renderExplainText(hop: ExplainHop, depth = 0): string {
  const prefix = depth === 0 ? '' : `${'  '.repeat(depth - 1)}→ `;
  return [prefix + line(hop), ...(hop.next ?? []).map((n) => renderExplainText(n, depth + 1))].join('\n');
}
