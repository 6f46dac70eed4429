import { ruleTable } from './table.js';
import { endpoint, set } from './edits.js';

ruleTable('port-conflict', [
  {
    name: 'two MLX servers on one port',
    edit: set('endpoints.yaml', ['endpoints', 'ep_mlx_8101', 'port'], 8100),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_mlx_8101/port', line: ['ep_mlx_8101:', 'port:'] }],
  },
  {
    name: 'a new service on the gateway port',
    edit: endpoint('ep_webhook_4000', { service: 'webhook', kind: 'searxng', host: 'mini', port: 4000, bind: '127.0.0.1' }),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_webhook_4000/port', line: ['ep_webhook_4000:', 'port:'] }],
  },
  {
    name: 'near miss: the same port on another host',
    edit: endpoint('ep_searxng_4000', { service: 'searxng-studio', kind: 'searxng', host: 'studio', port: 4000, bind: '127.0.0.1' }),
    expected: [],
  },
]);
