import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { toPointer } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';
import { isExperimentalPort, MLX_EXPERIMENTAL, MLX_TEAM } from '../../core/ports.js';

const code: RuleCode = 'port-range';
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
