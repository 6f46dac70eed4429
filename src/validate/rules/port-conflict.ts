import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { toPointer } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'port-conflict';

/** No two services share a host:port, whatever their state (a disabled service keeps its port). */
export const portConflict: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    const owner = new Map<string, string>();
    for (const [id, ep] of Object.entries(reg.endpoints)) {
      const key = `${ep.host}:${ep.port}`;
      const first = owner.get(key);
      if (first === undefined) {
        owner.set(key, id);
        continue;
      }
      out.push(at(reg, 'endpoints.yaml', toPointer(['endpoints', id, 'port']), { code, message: `${id} and ${first} both listen on ${key}`, hint: 'give one of them a free port (and lock it with `homelab lock`)' }));
    }
    return out;
  },
};
