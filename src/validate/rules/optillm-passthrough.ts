import type { RuleCode } from '../../core/codes.js';
import { routeLosses } from '../../compile/routes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'optillm-passthrough';

/**
 * Every handle whose route passes through OptiLLM loses what OptiLLM 0.3.12 flattens away
 * (OPTILLM_LOSSES): a warning per handle, naming the capabilities, so the trade-off is either
 * undone (an mlx-* row's "via_optillm": false) or accepted in settings.yaml with a reason.
 */
export const optillmPassthrough: Rule = {
  code,
  check({ reg, routes, walk }) {
    const out: Diagnostic[] = [];
    const seen = new Set<string>();
    // routeLosses shares its lists: each list's text is joined once, not once per handle.
    const texts = new Map<readonly string[], { all: string; two: string }>();
    reg.handles.forEach((row, i) => {
      if (seen.has(row.handle) || routes.byName.get(row.handle)?.role !== 'handle') return;
      seen.add(row.handle);
      const lost = routeLosses(walk(row.handle));
      if (!lost.length) return;
      let text = texts.get(lost);
      if (!text) texts.set(lost, (text = { all: lost.join(', '), two: lost.slice(0, 2).join(' or ') }));
      const isModel = row.handle.startsWith('mlx-');
      out.push(at(reg, 'handles.jsonl', `/${i}`, {
        code,
        severity: 'warning',
        message: `"${row.handle}" goes through OptiLLM and loses ${text.all}`,
        hint: isModel
          ? `set "via_optillm": false on this row to reach the model directly, or accept it in settings.yaml (accept: [{code: ${code}, target: ${row.handle}, reason: …}])`
          : `an ensemble always runs in OptiLLM: point clients that need ${text.two} at a model handle, or accept it in settings.yaml (accept: [{code: ${code}, target: ${row.handle}, reason: …}])`,
      }));
    });
    return out;
  },
};
