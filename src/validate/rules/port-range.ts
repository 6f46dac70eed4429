import type { Diagnostic } from '../diagnostic.js';
import { toPointer } from '../diagnostic.js';
import { at, type Rule } from '../context.js';

const code = 'port-range';
/** The MLX team range and the experimental range (seeds: 8100–8119 team, 8120–8139 tests). */
export const MLX_TEAM = { from: 8100, to: 8119 } as const;
export const MLX_EXPERIMENTAL = { from: 8120, to: 8139 } as const;

export function isExperimentalPort(port: number): boolean {
  return port >= MLX_EXPERIMENTAL.from && port <= MLX_EXPERIMENTAL.to;
}

/** MLX servers use 8100–8139; the experimental 8120–8139 never serve an active handle. */
export const portRange: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    for (const [id, ep] of Object.entries(reg.endpoints)) {
      if (ep.kind === 'mlx' && (ep.port < MLX_TEAM.from || ep.port > MLX_EXPERIMENTAL.to)) {
        out.push(at(reg, 'endpoints.yaml', toPointer(['endpoints', id, 'port']), { code, message: `MLX port ${ep.port} of ${id} is outside ${MLX_TEAM.from}–${MLX_EXPERIMENTAL.to}`, hint: `use a free port in the team range ${MLX_TEAM.from}–${MLX_TEAM.to}` }));
      }
    }
    const checkMember = (handle: string, pointer: string) => {
      const epId = reg.models[handle]?.endpoint;
      const ep = epId ? reg.endpoints[epId] : undefined;
      if (ep?.kind === 'mlx' && isExperimentalPort(ep.port)) {
        out.push(at(reg, 'handles.jsonl', pointer, { code, message: `"${handle}" is served from experimental port ${ep.port} (${epId})`, hint: `experimental ports ${MLX_EXPERIMENTAL.from}–${MLX_EXPERIMENTAL.to} get no handles: move the model to the team range ${MLX_TEAM.from}–${MLX_TEAM.to}` }));
      }
    };
    reg.handles.forEach((h, i) => {
      checkMember(h.handle, `/${i}/handle`);
      h.members?.forEach((m, j) => checkMember(m, `/${i}/members/${j}`));
    });
    return out;
  },
};
