import { ruleTable } from './table.js';
import { del, set } from './edits.js';

ruleTable('service-run', [
  {
    name: 'the OpenVINO server without run details',
    edit: del('endpoints.yaml', ['endpoints', 'ep_ov_server_9000', 'run']),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_ov_server_9000', line: 'ep_ov_server_9000:' }],
  },
  {
    name: 'the gateway without run details',
    edit: del('endpoints.yaml', ['endpoints', 'ep_litellm_gateway_4000', 'run']),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_litellm_gateway_4000', line: 'ep_litellm_gateway_4000:' }],
  },
  {
    name: 'near miss: a disabled service needs no unit',
    edit: (t) => set('endpoints.yaml', ['endpoints', 'ep_ov_server_9000', 'state'], 'disabled')(del('endpoints.yaml', ['endpoints', 'ep_ov_server_9000', 'run'])(t)),
    expected: [],
  },
]);
