import type { RuleCode } from '../../core/codes.js';
import { COMPILED_BLOCKS } from '../../compile/litellm-router.js';
import { toPointer, type Diagnostic } from '../../core/diagnostic.js';
import type { Rule } from '../context.js';
import { at } from '../../registry/at.js';

const code: RuleCode = 'gateway-passthrough';

/**
 * settings.yaml gateway.passthrough copies top-level LiteLLM blocks (guardrails, callback_settings,
 * …) into router.yaml as they are. homelab cannot check what it does not model, so each block is a
 * warning that says so; a block compile writes itself cannot be replaced this way (an error).
 */
export const gatewayPassthrough: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    for (const key of Object.keys(reg.settings.gateway.passthrough ?? {}).sort()) {
      const pointer = toPointer(['gateway', 'passthrough', key]);
      if (COMPILED_BLOCKS.includes(key)) {
        out.push(at(reg, 'settings.yaml', pointer, { code, message: `passthrough block "${key}" is one router.yaml gets from the registry and is ignored`, hint: `express ${key} in the registry (models.yaml, handles.jsonl, settings.yaml gateway) and remove it here` }));
        continue;
      }
      out.push(at(reg, 'settings.yaml', pointer, { code, severity: 'warning', message: `"${key}" is copied into router.yaml unchecked: homelab does not validate it, LiteLLM ignores typos in it`, hint: 'check it against the LiteLLM documentation of this block; accept this warning in settings.yaml accept once reviewed' }));
    }
    return out;
  },
};
