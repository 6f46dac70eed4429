import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { storageClass } from '../../compile/mesh.js';
import { isEnsembleRow } from '../../registry/schema.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'exposure-showroom';

/** Only showroom models get handles (or ensemble seats); backroom (the Seagate disk) never does. */
export const exposureShowroom: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    // One lookup per distinct model: an ensemble row may list the same members many times.
    const classes = new Map<string, ReturnType<typeof storageClass>>();
    // The pointer and role are built only for a row it reports.
    const check = (modelId: string, pointer: () => string, role: () => string) => {
      if (!classes.has(modelId)) classes.set(modelId, storageClass(reg, modelId));
      const s = classes.get(modelId);
      if (!s || s.cls === 'showroom') return;
      const path = reg.models[modelId]!.source_path;
      out.push(
        at(reg, 'handles.jsonl', pointer(), {
          code,
          message: s.cls === 'backroom'
            ? `${role()} "${modelId}" is served from backroom storage (${path})`
            : `${role()} "${modelId}" is served from ${path}, which is on no storage root of ${s.host ?? 'its host'}`,
          hint: s.cls === 'backroom'
            ? 'backroom models never receive handles: copy the model to showroom storage first, or delete the row'
            : `move the model under a showroom root of ${s.host ?? 'its host'}, or declare that root in hosts.yaml`,
        }),
      );
    };
    reg.handles.forEach((h, i) => {
      if (!isEnsembleRow(h)) check(h.handle, () => `/${i}/handle`, () => 'handle');
      h.members?.forEach((m, j) => check(m, () => `/${i}/members/${j}`, () => `member of ${h.handle}`));
    });
    return out;
  },
};
