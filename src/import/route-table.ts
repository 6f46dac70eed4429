// What a LiteLLM config serves, name by name: every backend a request for a public name can end
// at (address:port and the model id sent there, with the context limit of the deployment that
// reaches it), following OptiLLM hops with OptiLLM 0.3.12's own parser. import compares this table
// for the input and for what the imported registry compiles to: equal rows are names that keep
// working, the rest are reported.
import { parseOptillmModel } from '../compile/optillm.js';
import type { Target } from './targets.js';

export interface TableDeployment {
  name: string;
  target: Target;
  contextLength?: number;
}

export interface Leaf {
  backend: string;
  upstream: string;
  contextLength?: number;
}

export type Row = { leaves: Leaf[] } | { problem: string };

export interface RouteTableInput {
  deployments: TableDeployment[];
  aliases: Record<string, string>;
  /** address:port of every OptiLLM proxy. */
  optillm: Set<string>;
}

export function endpointKey(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

export function routeTable(input: RouteTableInput): Map<string, Row> {
  const byName = new Map<string, TableDeployment[]>();
  for (const d of input.deployments) byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
  const walk = (name: string, path: string[]): Row => {
    const real = byName.has(name) ? name : (input.aliases[name] ?? name);
    if (path.includes(real)) return { problem: `loop: ${[...path, real].join(' → ')}` };
    const deps = byName.get(real);
    if (!deps) return { problem: `"${real}" is not served` };
    const leaves: Leaf[] = [];
    for (const d of deps) {
      const t = d.target;
      if (t.kind === 'none') return { problem: t.reason };
      const key = endpointKey(t.address, t.port);
      if (!input.optillm.has(key)) {
        leaves.push({ backend: key, upstream: t.upstream, contextLength: d.contextLength });
        continue;
      }
      const parse = parseOptillmModel(t.upstream, 'auto');
      if (!parse.upstream) return { problem: `OptiLLM gets "${t.upstream}", an empty upstream model` };
      const next = walk(parse.upstream, [...path, real]);
      if ('problem' in next) return next;
      leaves.push(...next.leaves);
    }
    return { leaves: dedupe(leaves) };
  };
  const out = new Map<string, Row>();
  for (const name of [...byName.keys(), ...Object.keys(input.aliases)]) if (!out.has(name)) out.set(name, walk(name, []));
  return out;
}

function dedupe(leaves: Leaf[]): Leaf[] {
  const seen = new Map<string, Leaf>();
  for (const l of leaves) seen.set(`${l.backend} ${l.upstream} ${l.contextLength ?? ''}`, l);
  return [...seen.values()].sort((a, b) => (a.backend + a.upstream < b.backend + b.upstream ? -1 : 1));
}

export function describeRow(row: Row | undefined): string {
  if (!row) return 'not served';
  if ('problem' in row) return row.problem;
  return row.leaves.map((l) => `${l.backend} ${l.upstream}${l.contextLength ? ` (context ${l.contextLength})` : ''}`).join(', ');
}

/**
 * True when `after` serves a name as `before` did: the same backends and model ids, and the same
 * context limits wherever `before` stated one. Two loops or two failures count as the same.
 */
export function sameRow(before: Row | undefined, after: Row | undefined): boolean {
  if (!before || !after) return before === after;
  if ('problem' in before || 'problem' in after) return 'problem' in before && 'problem' in after && before.problem.startsWith('loop') === after.problem.startsWith('loop');
  if (before.leaves.length !== after.leaves.length) {
    const key = (l: Leaf) => `${l.backend} ${l.upstream}`;
    return new Set(before.leaves.map(key)).size === new Set(after.leaves.map(key)).size && sameRow({ leaves: uniq(before.leaves) }, { leaves: uniq(after.leaves) });
  }
  return before.leaves.every((b, i) => {
    const a = after.leaves[i]!;
    return a.backend === b.backend && a.upstream === b.upstream && (b.contextLength === undefined || a.contextLength === b.contextLength);
  });
}

function uniq(leaves: Leaf[]): Leaf[] {
  const m = new Map<string, Leaf>();
  for (const l of leaves) m.set(`${l.backend} ${l.upstream}`, l);
  return [...m.values()].sort((a, b) => (a.backend + a.upstream < b.backend + b.upstream ? -1 : 1));
}
