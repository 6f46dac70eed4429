import { ruleTable } from './table.js';
import { pipe, set } from './edits.js';

const block = (key: string) => ({ file: 'registry/settings.yaml', pointer: `/gateway/passthrough/${key}`, line: `${key}:` });

ruleTable('gateway-passthrough', [
  { name: 'a guardrails block is carried unchecked', edit: set('settings.yaml', ['gateway', 'passthrough'], { guardrails: [{ guardrail_name: 'pii', litellm_params: { guardrail: 'presidio', mode: 'pre_call' } }] }), expected: [{ ...block('guardrails'), severity: 'warning' }] },
  { name: 'a block compile writes cannot be replaced', edit: set('settings.yaml', ['gateway', 'passthrough'], { model_list: [] }), expected: [block('model_list')] },
  {
    name: 'include would make LiteLLM read another file',
    edit: pipe(set('settings.yaml', ['gateway', 'passthrough'], { include: ['other.yaml'], callback_settings: { otel: { message_logging: false } } })),
    expected: [block('include'), { ...block('callback_settings'), severity: 'warning' }],
  },
  { name: 'near miss: an empty passthrough map', edit: set('settings.yaml', ['gateway', 'passthrough'], {}), expected: [] },
]);
