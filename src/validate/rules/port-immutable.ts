import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { toPointer } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';
import { portStanding } from '../../registry/ledger.js';

const code: RuleCode = 'port-immutable';

/** A service keeps its ledger port unless a migration moves it; a reserved port is never reused. */
export const portImmutable: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    for (const [id, ep] of Object.entries(reg.endpoints)) {
      const pointer = toPointer(['endpoints', id, 'port']);
      const { locked, isCurrent: current, migration, retired, owner: taken } = portStanding(reg.ports, ep);
      // A move from any locked port must be declared as a migration.
      if (!current && locked.length && !migration) {
        const from = locked.map((p) => p.port).join('/');
        out.push(at(reg, 'endpoints.yaml', pointer, { code, message: `port of ${ep.service} on ${ep.host} changed ${from} → ${ep.port}`, hint: `ports are immutable: restore ${from}, or add a migration {service: ${ep.service}, host: ${ep.host}, from: ${locked[0]!.port}, to: ${ep.port}, reason: …} to ports.lock.yaml and run \`homelab lock\`` }));
      }
      // Also when the ledger still lists it as assigned to this very service: a reserved port is retired.
      if (retired) {
        out.push(at(reg, 'endpoints.yaml', pointer, { code, message: current ? `port ${ep.host}:${ep.port} of ${ep.service} is listed both as assigned and as reserved (retired from ${retired.service}): a reserved port is never in use` : `port ${ep.host}:${ep.port} is reserved (retired from ${retired.service}) and is never reused`, hint: current ? `move ${ep.service} to a new port with a migration, or drop the reserved entry if the port was never retired` : 'pick a port that is neither in the ledger nor reserved' }));
      }
      if (taken && !retired) {
        out.push(at(reg, 'endpoints.yaml', pointer, { code, message: `port ${ep.host}:${ep.port} belongs to ${taken.service} in the ledger, not ${ep.service}`, hint: 'a port is never given to another service: pick a new port' }));
      }
    }
    return out;
  },
};
