import { ruleTable } from './table.js';
import { pipe, set } from './edits.js';
import { editYaml } from '../helpers.js';

const EP = ['endpoints', 'ep_optillm_proxy_4020', 'run'];

ruleTable('optillm-launch', [
  {
    name: "the seeds' --approach proxy",
    edit: set('settings.yaml', ['optillm', 'approach'], 'proxy'),
    expected: [{ file: 'registry/settings.yaml', pointer: '/optillm/approach', line: 'approach: proxy' }],
  },
  {
    name: '--approach auto passed as an extra flag (0.3.12 rejects it)',
    edit: set('endpoints.yaml', [...EP, 'args'], ['--approach', 'auto']),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_optillm_proxy_4020/run/args/0', line: '- --approach' }],
  },
  {
    name: '--approach=moa as one extra argument',
    edit: set('endpoints.yaml', [...EP, 'args'], ['--log', 'debug', '--approach=moa']),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_optillm_proxy_4020/run/args/2', line: '- --approach=moa' }],
  },
  {
    name: '--approach=proxy as one extra argument',
    edit: set('endpoints.yaml', [...EP, 'args'], ['--approach=proxy']),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_optillm_proxy_4020/run/args/0', line: '- --approach=proxy' }],
  },
  {
    name: "OPTILLM_API_KEY in OptiLLM's own secrets (local inference mode)",
    edit: (t) => editYaml(t, 'settings.yaml', (d) => d.setIn(['secrets', 'optillm-proxy', 'names', 1], 'OPTILLM_API_KEY')),
    expected: [{ file: 'registry/settings.yaml', pointer: '/secrets/optillm-proxy/names/1', line: ['optillm-proxy:', '- OPTILLM_API_KEY'] }],
  },
  {
    name: "OPTILLM_API_KEY in OptiLLM's environment",
    edit: set('endpoints.yaml', [...EP, 'environment'], { OPTILLM_API_KEY: 'from-env' }),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_optillm_proxy_4020/run/environment/OPTILLM_API_KEY', line: 'OPTILLM_API_KEY: from-env' }],
  },
  {
    name: 'near miss: other extra flags and environment',
    edit: pipe(set('endpoints.yaml', [...EP, 'args'], ['--log', 'debug']), set('endpoints.yaml', [...EP, 'environment'], { HF_HUB_OFFLINE: '1' })),
    expected: [],
  },
]);
