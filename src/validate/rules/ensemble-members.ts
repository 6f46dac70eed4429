import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'ensemble-members';

/** An opt-* ensemble has at least two distinct members (no single-model OptiLLM configs). */
export const ensembleMembers: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    reg.handles.forEach((h, i) => {
      if (!h.handle.startsWith('opt-') || !h.members) return;
      const distinct = new Set(h.members);
      if (distinct.size < 2) {
        out.push(at(reg, 'handles.jsonl', `/${i}/members`, { code, message: `ensemble "${h.handle}" has ${distinct.size} distinct member${distinct.size === 1 ? '' : 's'}`, hint: 'an ensemble needs at least two members; for one model use its model handle' }));
      }
      // One warning per member listed more than once, at its first repeat (a Map: a row may be huge).
      const seen = new Map<string, { count: number; firstRepeat: number }>();
      h.members.forEach((m, j) => {
        const s = seen.get(m);
        if (!s) seen.set(m, { count: 1, firstRepeat: -1 });
        else {
          s.count++;
          if (s.firstRepeat < 0) s.firstRepeat = j;
        }
      });
      for (const [m, s] of seen) {
        if (s.count < 2) continue;
        out.push(at(reg, 'handles.jsonl', `/${i}/members/${s.firstRepeat}`, { code, severity: 'warning', message: `member "${m}" is listed ${s.count} times in "${h.handle}" (compiled once)`, hint: 'list each member once' }));
      }
    });
    return out;
  },
};
