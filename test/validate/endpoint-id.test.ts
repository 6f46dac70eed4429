import { ruleTable } from './table.js';
import { endpoint, set } from './edits.js';

ruleTable('endpoint-id', [
  {
    name: 'an id whose suffix is not its port',
    edit: set('endpoints.yaml', ['endpoints', 'ep_searxng_8888', 'port'], 8889),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_searxng_8888/port', line: 'port: 8889' }],
  },
  {
    name: 'a model on an unknown endpoint',
    edit: set('models.yaml', ['models', 'mlx-gemma-3-27b-it-qat-4bit', 'endpoint'], 'ep_mlx_8199'),
    expected: [{ file: 'registry/models.yaml', pointer: '/models/mlx-gemma-3-27b-it-qat-4bit/endpoint', line: 'endpoint: ep_mlx_8199' }],
  },
  {
    name: 'the gateway setting pointing at OptiLLM',
    edit: set('settings.yaml', ['gateway', 'endpoint'], 'ep_optillm_proxy_4020'),
    expected: [{ file: 'registry/settings.yaml', pointer: '/gateway/endpoint', line: 'endpoint: ep_optillm_proxy_4020' }],
  },
  {
    name: 'an endpoint on an unknown host',
    edit: set('endpoints.yaml', ['endpoints', 'ep_afm_9999', 'host'], 'attic'),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_afm_9999/host', line: 'host: attic' }],
  },
  {
    name: 'near miss: an id that abbreviates the service but ends in its port',
    edit: (t) => ({ ...t, 'endpoints.yaml': t['endpoints.yaml']!.replace('ep_open_webui_3000:', 'ep_webui_3000:') }),
    expected: [],
  },
]);
