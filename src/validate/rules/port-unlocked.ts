import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { toPointer } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'port-unlocked';

/** Every host:port:service assignment is in the ledger. */
export const portUnlocked: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    const locked = new Set(reg.ports.ports.map((p) => `${p.host}\0${p.port}\0${p.service}`));
    const lockedServices = new Set(reg.ports.ports.map((p) => `${p.host}\0${p.service}`));
    const migrated = new Set(reg.ports.migrations.map((m) => `${m.host}\0${m.to}\0${m.service}`));
    for (const [id, ep] of Object.entries(reg.endpoints)) {
      const key = `${ep.host}\0${ep.port}\0${ep.service}`;
      if (locked.has(key)) continue;
      // A moved port without a migration is port-immutable's to report; a migrated or new one is ours.
      if (lockedServices.has(`${ep.host}\0${ep.service}`) && !migrated.has(key)) continue;
      out.push(at(reg, 'endpoints.yaml', toPointer(['endpoints', id, 'port']), { code, message: `${ep.service} on ${ep.host}:${ep.port} is not in the port ledger`, hint: 'run `homelab lock` and commit ports.lock.yaml' }));
    }
    return out;
  },
};
