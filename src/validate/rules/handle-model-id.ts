import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { kindFacts, MODEL_KINDS_IN_WORDS } from '../../kinds/index.js';
import { toPointer } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';
import { isEnsembleRow } from '../../registry/schema.js';

const code: RuleCode = 'handle-model-id';

/** "a, b or c". */
function inWords(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

/** A model handle is the canonical model id, with the prefix of its backend kind; opt-* rows are ensembles. */
export const handleModelId: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    reg.handles.forEach((h, i) => {
      const p = `/${i}/handle`;
      if (h.handle.startsWith('opt-')) {
        for (const key of ['endpoint', 'selector', 'members'] as const) {
          if (h[key] === undefined) {
            out.push(at(reg, 'handles.jsonl', `/${i}`, { code, message: `opt-* handle "${h.handle}" has no "${key}"`, hint: 'an opt-* row carries "endpoint", "selector": {"model": "<technique>-<group>"} and "members"' }));
          }
        }
        return;
      }
      if (isEnsembleRow(h)) {
        out.push(at(reg, 'handles.jsonl', p, { code, message: `handle "${h.handle}" carries an OptiLLM selector but is not named opt-*`, hint: `rename it to "opt-${h.handle.replace(/^[a-z0-9]+-/, '')}", or drop endpoint/selector/members to make it a model handle` }));
        return;
      }
      const model = reg.models[h.handle];
      if (!model) {
        out.push(at(reg, 'handles.jsonl', p, { code, message: `model handle "${h.handle}" is not a model id in models.yaml`, hint: 'a model handle must equal its canonical model id; add the model to models.yaml or fix the handle' }));
        return;
      }
      const kind = model.endpoint ? reg.endpoints[model.endpoint]?.kind : undefined;
      const prefix = kind ? kindFacts(kind).handlePrefix : null;
      if (kind && !prefix) {
        out.push(at(reg, 'handles.jsonl', p, { code, message: `handle "${h.handle}" is served by a ${kind} endpoint, which serves no models`, hint: `point the model at an ${inWords(MODEL_KINDS_IN_WORDS)} endpoint` }));
      } else if (prefix && !h.handle.startsWith(prefix)) {
        out.push(at(reg, 'handles.jsonl', p, { code, message: `handle "${h.handle}" is served by ${kind} but does not start with "${prefix}"`, hint: `${kind} model ids start with "${prefix}"` }));
      }
    });
    for (const [id, model] of Object.entries(reg.models)) {
      const kind = model.endpoint ? reg.endpoints[model.endpoint]?.kind : undefined;
      const prefix = kind ? kindFacts(kind).handlePrefix : null;
      if (prefix && !id.startsWith(prefix)) {
        out.push(at(reg, 'models.yaml', toPointer(['models', id]), { code, message: `model id "${id}" is served by ${kind} but does not start with "${prefix}"`, hint: `rename it "${prefix}${id.replace(/^[a-z0-9]+-/, '')}"` }));
      }
    }
    return out;
  },
};
