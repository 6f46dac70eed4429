import type { RuleCode } from '../../core/codes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import { isLoopbackBind } from '../../compile/mesh.js';
import { kindFacts } from '../../kinds/index.js';
import { toPointer } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'exposure-lan';

/** Nothing on the LAN without approval; OptiLLM and SearXNG never on the LAN. */
export const exposureLan: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    for (const [id, ep] of Object.entries(reg.endpoints)) {
      if (isLoopbackBind(ep.bind)) continue;
      const pointer = toPointer(['endpoints', id, 'bind']);
      if (kindFacts(ep.kind).isLoopbackOnly) {
        out.push(at(reg, 'endpoints.yaml', pointer, { code, message: `${ep.service} (${ep.kind}) binds ${ep.bind}: it must listen on loopback only${ep.lan ? ', approval or not' : ''}`, hint: 'set bind: 127.0.0.1; clients reach it through the gateway' }));
      } else if (!ep.lan?.approved) {
        out.push(at(reg, 'endpoints.yaml', pointer, { code, message: `${ep.service} binds ${ep.bind} (LAN) without approval`, hint: 'bind 127.0.0.1, or add lan: {approved: "<why this must be on the LAN>"}' }));
      }
    }
    return out;
  },
};
