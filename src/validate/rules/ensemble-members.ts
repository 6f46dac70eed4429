import type { Diagnostic } from '../diagnostic.js';
import { at, type Rule } from '../context.js';

const code = 'ensemble-members';

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
      h.members.forEach((m, j) => {
        if (h.members!.indexOf(m) !== j) out.push(at(reg, 'handles.jsonl', `/${i}/members/${j}`, { code, severity: 'warning', message: `member "${m}" is listed twice in "${h.handle}"`, hint: 'list each member once (LiteLLM would weight it double)' }));
      });
    });
    return out;
  },
};
