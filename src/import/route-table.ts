// What a LiteLLM config serves, name by name: every backend a request for a public name can end
// at (address:port and the model id sent there, with the context limit and the request
// parameters of the deployment that reaches it), following OptiLLM hops with OptiLLM 0.3.12's own
// parser, and how the gateway calls OptiLLM for the name (the entry's timeout and max_retries).
// import compares this table for the input and for what the imported registry compiles to: equal
// rows are names that keep working, the rest are reported.
import { parseOptillmModel } from '../compile/optillm.js';
import { CALL_PARAMS } from '../compile/litellm-router.js';
import type { Target } from './targets.js';
import type { Located } from './sources.js';
import { byString } from '../core/order.js';

export interface TableDeployment {
  name: string;
  target: Target;
  contextLength?: number;
  /** litellm_params as LiteLLM resolved them. */
  params?: Record<string, unknown>;
}

/** Scalar values a deployment sends with every request (a model's request_params). */
export type Sent = Record<string, unknown>;

export interface Leaf {
  backend: string;
  upstream: string;
  contextLength?: number;
  sent?: Sent;
}

/** How the gateway's own entry for a name calls OptiLLM (what LiteLLM applies per entry). */
export interface Hop {
  timeout?: unknown;
  max_retries?: unknown;
}

export type Row = { leaves: Leaf[]; hop?: Hop } | { problem: string };

function sentOf(params: Record<string, unknown> | undefined): Sent | undefined {
  const out = Object.fromEntries(Object.entries(params ?? {}).filter(([k, v]) => !CALL_PARAMS.has(k) && ['string', 'number', 'boolean'].includes(typeof v)));
  return Object.keys(out).length ? out : undefined;
}

export interface RouteTableInput {
  deployments: TableDeployment[];
  aliases: Record<string, string>;
  /** address:port of every OptiLLM proxy. */
  optillm: Set<string>;
  /** Where each public name is written in the input (its first entry, or its alias), for reports. */
  origins?: Map<string, Located>;
}

export function endpointKey(address: string, port: number): string {
  return `${address.includes(':') ? `[${address}]` : address}:${port}`;
}

export function routeTable(input: RouteTableInput): Map<string, Row> {
  const byName = new Map<string, TableDeployment[]>();
  for (const d of input.deployments) byName.set(d.name, [...(byName.get(d.name) ?? []), d]);
  const walk = (name: string, path: string[]): { leaves: Leaf[]; hop?: Hop } | { problem: string } => {
    const real = byName.has(name) ? name : (input.aliases[name] ?? name);
    if (path.includes(real)) return { problem: `loop: ${[...path, real].join(' → ')}` };
    const deps = byName.get(real);
    if (!deps) return { problem: `"${real}" is not served` };
    const leaves: Leaf[] = [];
    let hop: Hop | undefined;
    for (const d of deps) {
      const t = d.target;
      if (t.kind === 'none') return { problem: t.reason };
      const key = endpointKey(t.address, t.port);
      if (!input.optillm.has(key)) {
        leaves.push({ backend: key, upstream: t.upstream, contextLength: d.contextLength, sent: sentOf(d.params) });
        continue;
      }
      hop ??= { timeout: d.params?.timeout, max_retries: d.params?.max_retries };
      const parse = parseOptillmModel(t.upstream, 'auto');
      if (!parse.upstream) return { problem: `OptiLLM gets "${t.upstream}", an empty upstream model` };
      const next = walk(parse.upstream, [...path, real]);
      if ('problem' in next) return next;
      leaves.push(...next.leaves);
    }
    return { leaves: dedupe(leaves), ...(hop && path.length === 0 ? { hop } : {}) };
  };
  const out = new Map<string, Row>();
  for (const name of [...byName.keys(), ...Object.keys(input.aliases)]) if (!out.has(name)) out.set(name, walk(name, []));
  return out;
}

function dedupe(leaves: Leaf[]): Leaf[] {
  const seen = new Map<string, Leaf>();
  for (const l of leaves) seen.set(`${l.backend} ${l.upstream} ${l.contextLength ?? ''}`, l);
  return [...seen.values()].sort(byString((r) => r.backend + r.upstream));
}

export function describeRow(row: Row | undefined): string {
  if (!row) return 'not served';
  if ('problem' in row) return row.problem;
  const hop = row.hop && (row.hop.timeout !== undefined || row.hop.max_retries !== undefined) ? `through OptiLLM (timeout ${row.hop.timeout ?? '-'}, max_retries ${row.hop.max_retries ?? '-'}) to ` : '';
  return hop + row.leaves.map((l) => `${l.backend} ${l.upstream}${l.contextLength ? ` (context ${l.contextLength})` : ''}${l.sent ? ` sending ${JSON.stringify(l.sent)}` : ''}`).join(', ');
}

/** True when `after` states every value `before` states, the same (what `before` leaves open may be anything). */
function keeps(before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): boolean {
  return Object.entries(before ?? {}).every(([k, v]) => v === undefined || after?.[k] === v);
}

/**
 * True when `after` serves a name as `before` did: the same backends and model ids, and wherever
 * `before` states them, the same context limits, request parameters sent to each backend, and
 * timeout and max_retries of the gateway's call to OptiLLM. Two loops or two failures count as
 * the same.
 */
export function sameRow(before: Row | undefined, after: Row | undefined): boolean {
  if (!before || !after) return before === after;
  if ('problem' in before || 'problem' in after) return 'problem' in before && 'problem' in after && before.problem.startsWith('loop') === after.problem.startsWith('loop');
  if (!keeps(before.hop as Record<string, unknown> | undefined, after.hop as Record<string, unknown> | undefined)) return false;
  if (before.leaves.length !== after.leaves.length) {
    const key = (l: Leaf) => `${l.backend} ${l.upstream}`;
    return new Set(before.leaves.map(key)).size === new Set(after.leaves.map(key)).size && sameRow({ leaves: uniq(before.leaves) }, { leaves: uniq(after.leaves) });
  }
  return before.leaves.every((b, i) => {
    const a = after.leaves[i]!;
    return a.backend === b.backend && a.upstream === b.upstream && (b.contextLength === undefined || a.contextLength === b.contextLength) && keeps(b.sent, a.sent);
  });
}

function uniq(leaves: Leaf[]): Leaf[] {
  const m = new Map<string, Leaf>();
  for (const l of leaves) m.set(`${l.backend} ${l.upstream}`, l);
  return [...m.values()].sort(byString((r) => r.backend + r.upstream));
}
