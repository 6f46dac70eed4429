import { ruleTable } from './table.js';
import { endpoint, pipe, set } from './edits.js';
import { editYaml } from '../helpers.js';

const movedSearx = set('endpoints.yaml', ['endpoints', 'ep_searxng_8888', 'port'], 8889);

ruleTable('port-immutable', [
  {
    name: 'a port in use that the ledger lists both as assigned and as reserved',
    edit: set('ports.lock.yaml', ['reserved'], [{ host: 'mini', port: 8888, service: 'searxng', reason: 'retired' }]),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_searxng_8888/port', line: 'port: 8888' }],
  },
  {
    name: 'near miss: a reserved port on another host than the assigned one',
    edit: set('ports.lock.yaml', ['reserved'], [{ host: 'studio', port: 8888, service: 'old-search', reason: 'retired' }]),
    expected: [],
  },
  {
    name: 'a port moved without a migration',
    edit: movedSearx,
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_searxng_8888/port', line: 'port: 8889' }],
  },
  {
    name: 'a reserved port reused',
    edit: pipe(
      set('ports.lock.yaml', ['reserved'], [{ host: 'mini', port: 5000, service: 'old-tts', reason: 'retired' }]),
      endpoint('ep_tts_5000', { service: 'tts', kind: 'searxng', host: 'mini', port: 5000, bind: '127.0.0.1' }),
    ),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_tts_5000/port', line: ['ep_tts_5000:', 'port:'] }],
  },
  {
    name: "a port handed to another service",
    edit: set('endpoints.yaml', ['endpoints', 'ep_mlx_8105', 'service'], 'mlx-new'),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_mlx_8105/port', line: ['ep_mlx_8105:', 'port:'] }],
  },
  {
    name: 'near miss: a move with its migration, locked',
    edit: pipe(
      movedSearx,
      (t) => editYaml(t, 'ports.lock.yaml', (d) => {
        d.setIn(['migrations'], [{ service: 'searxng', host: 'mini', from: 8888, to: 8889, reason: 'port clash with a dev server' }]);
        d.setIn(['reserved'], [{ host: 'mini', port: 8888, service: 'searxng', reason: 'migrated' }]);
        (d.get('ports') as { items: unknown[] }).items.push(d.createNode({ host: 'mini', port: 8889, service: 'searxng' }));
      }),
    ),
    expected: [],
  },
]);
