import type { RuleCode } from '../../core/codes.js';
import { toPointer, type Diagnostic } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'gateway-alias';

/**
 * settings.yaml gateway.aliases (LiteLLM's model_group_alias): every alias names a gateway model,
 * and no alias hides one. LiteLLM resolves an alias before the model list, so an alias equal to
 * a served name silently reroutes that name.
 */
export const gatewayAlias: Rule = {
  code,
  check({ reg, routes }) {
    const out: Diagnostic[] = [];
    for (const [alias, target] of Object.entries(reg.settings.gateway.aliases ?? {})) {
      if (!routes.byName.has(target)) {
        out.push(at(reg, 'settings.yaml', toPointer(['gateway', 'aliases', alias]), { code, message: `alias "${alias}" names "${target}", which the gateway does not serve`, hint: 'point the alias at a handle from handles.jsonl' }));
      }
      if (routes.byName.has(alias)) {
        out.push(at(reg, 'settings.yaml', toPointer(['gateway', 'aliases', alias]), { code, message: `alias "${alias}" is also a gateway model: LiteLLM would send its requests to "${target}"`, hint: 'remove the alias or rename the handle' }));
      }
    }
    return out;
  },
};
