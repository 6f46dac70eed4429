import { ruleTable } from './table.js';
import { del, set } from './edits.js';
import { editYaml } from '../helpers.js';

ruleTable('env-undefined', [
  {
    name: "the gateway's master key not declared",
    edit: (t) => editYaml(t, 'settings.yaml', (d) => d.setIn(['secrets', 'litellm-gateway', 'names'], ['OPTILLM_API_KEY'])),
    expected: [{ file: 'registry/settings.yaml', pointer: '/secrets/litellm-gateway/names', line: ['litellm-gateway:', 'names:'] }],
  },
  {
    name: "OptiLLM's inbound key not declared",
    edit: set('settings.yaml', ['secrets', 'optillm-proxy', 'names'], ['OPENAI_API_KEY']),
    expected: [{ file: 'registry/settings.yaml', pointer: '/secrets/optillm-proxy/names', line: ['optillm-proxy:', 'names:'] }],
  },
  {
    name: 'no secrets file for OptiLLM at all',
    edit: del('settings.yaml', ['secrets', 'optillm-proxy']),
    // OPENAI_API_KEY (proxy_config.yaml) and OPTILLM_PROXY_KEY (ExecStart), both unresolvable.
    expected: [
      { file: 'registry/settings.yaml', pointer: '/secrets', line: 'secrets:' },
      { file: 'registry/settings.yaml', pointer: '/secrets', line: 'secrets:' },
    ],
  },
  {
    name: 'near miss: an extra declared name nobody reads',
    edit: set('settings.yaml', ['secrets', 'optillm-proxy', 'names'], ['OPENAI_API_KEY', 'OPTILLM_PROXY_KEY', 'HF_TOKEN']),
    expected: [],
  },
]);
