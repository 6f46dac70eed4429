import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { parseOptillmModel } from '../../compile/optillm.js';
import { routeLeaves, type RouteModel } from '../../compile/routes.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'routing-loop';

/** "mlx-foo → OptiLLM (router) → mlx-foo": the cycle, one hop at a time. */
export function describeCycle(routes: RouteModel, cycle: string[]): string {
  const parts = [cycle[0]!];
  for (let i = 1; i < cycle.length; i++) {
    const from = routes.byName.get(cycle[i - 1]!);
    const to = cycle[i]!;
    const hop = from?.deployments
      .map((d) => d.target)
      .find((t) => t.kind === 'optillm' && parseOptillmModel(t.sent, routes.approach).upstream === to);
    if (hop?.kind === 'optillm') {
      const p = parseOptillmModel(hop.sent, routes.approach);
      parts.push(`OptiLLM ${hop.host}:${hop.port} (receives "${hop.sent}", runs ${p.runs.join(p.operation === 'OR' ? '|' : '&')}, calls "${to}")`);
    }
    parts.push(to);
  }
  // A call-back to a name that goes to OptiLLM again (the cycle closes through OptiLLM).
  if (cycle[cycle.length - 1] !== cycle[0]) parts.push('OptiLLM again');
  return parts.join(' → ');
}

/** No path through OptiLLM comes back to an OptiLLM-routed name (proven with OptiLLM's parser). */
export const routingLoop: Rule = {
  code,
  check({ reg, routes, walk }) {
    const out: Diagnostic[] = [];
    for (const e of routes.entries) {
      if (e.role !== 'handle') continue;
      // Sound routes have no loop: no set for them.
      let seen: Set<string> | undefined;
      for (const l of routeLeaves(walk(e.name))) {
        if (l.type !== 'loop') continue;
        const text = describeCycle(routes, l.cycle);
        seen ??= new Set();
        if (seen.has(text)) continue;
        seen.add(text);
        const pointer = e.selector !== undefined ? `${e.origin.pointer}/selector/model` : e.origin.pointer;
        out.push(
          at(reg, e.origin.file, pointer, {
            code,
            message: `routing loop: ${text}`,
            hint: 'OptiLLM strips every leading technique or plugin slug (router, json, moa, …) before calling the gateway back: the name it calls back must start with a piece that is no slug and map straight to a backend (e.g. direct_prefix: direct)',
          }),
        );
      }
    }
    return out;
  },
};
