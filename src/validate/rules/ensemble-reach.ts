import type { RuleCode } from '../../core/codes.js';
import { describeCalls, MULTI_MEMBER_TECHNIQUES } from '../../compile/optillm-behaviour.js';
import { hopCandidates, type RouteNode } from '../../compile/routes.js';
import type { Diagnostic } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'ensemble-reach';

type OptillmHop = Extract<RouteNode, { type: 'optillm' }>;

function optillmHops(node: RouteNode): OptillmHop[] {
  return node.type === 'gateway' ? node.children.filter((c): c is OptillmHop => c.type === 'optillm') : [];
}

/**
 * An opt-* handle whose technique draws every candidate answer from one member (moa, bon, re2:
 * one call, and the mesh's backends ignore n) is one randomly chosen member with extra steps.
 */
export const ensembleReach: Rule = {
  code,
  check({ reg, walk }) {
    const out: Diagnostic[] = [];
    reg.handles.forEach((row, i) => {
      if (row.selector === undefined) return;
      for (const hop of optillmHops(walk(row.handle))) {
        const c = hopCandidates(hop);
        if (!c || c.members_max === null || c.members < 2 || c.members_max >= c.members) continue;
        out.push(at(reg, 'handles.jsonl', `/${i}/selector/model`, {
          code,
          severity: 'warning',
          message: `"${row.handle}": ${c.technique} makes ${describeCalls(c)} for its candidates, so they come from at most ${c.members_max} of its ${c.members} members (picked at random per request)`,
          hint: `techniques that make separate calls draw on several members: ${MULTI_MEMBER_TECHNIQUES.join(', ')}; or accept it in settings.yaml (accept: [{code: ${code}, target: ${row.handle}, reason: …}])`,
        }));
      }
    });
    return out;
  },
};
