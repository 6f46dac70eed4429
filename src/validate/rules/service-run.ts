import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { isActive } from '../../compile/mesh.js';
import { kindFacts } from '../../kinds/index.js';
import { toPointer } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'service-run';

/** Every active service homelab writes a unit for has its run details (user, workdir). */
export const serviceRun: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    for (const [id, ep] of Object.entries(reg.endpoints)) {
      if (!isActive(ep) || kindFacts(ep.kind).unit !== 'always' || reg.hosts[ep.host]?.os !== 'linux' || ep.run) continue;
      out.push(at(reg, 'endpoints.yaml', toPointer(['endpoints', id]), { code, message: `${ep.service} (${ep.kind}) is active on ${ep.host} but has no run details, so no unit can be written`, hint: 'add run: {user: <service user>, workdir: <absolute path>}' }));
    }
    return out;
  },
};
