import type { RuleCode } from '../../core/codes.js';
import { kindFacts, VIA_OPTILLM_HANDLES, VIA_OPTILLM_KINDS } from '../../kinds/index.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'handle-via-optillm';

/**
 * `via_optillm` overrides the mesh default for one MLX handle; only mlx-* rows are ever routed
 * through OptiLLM as a model, so on any other row it would be a setting that does nothing.
 */
export const handleViaOptillm: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    reg.handles.forEach((row, i) => {
      if (row.via_optillm === undefined || VIA_OPTILLM_KINDS.some((k) => row.handle.startsWith(kindFacts(k).handlePrefix!))) return;
      out.push(at(reg, 'handles.jsonl', `/${i}/via_optillm`, {
        code,
        message: `"via_optillm" is set on "${row.handle}", but only ${VIA_OPTILLM_HANDLES} handles can be routed through OptiLLM as a model`,
        hint: row.handle.startsWith('opt-') ? 'remove it: an opt-* ensemble always runs in OptiLLM' : 'remove it: this handle always goes straight to its backend',
      }));
    });
    return out;
  },
};
