import { ruleTable } from './table.js';
import { endpoint, pipe, set } from './edits.js';
import { editYaml } from '../helpers.js';

ruleTable('port-unlocked', [
  {
    name: 'a new service missing from the ledger',
    edit: endpoint('ep_tts_5000', { service: 'tts', kind: 'searxng', host: 'mini', port: 5000, bind: '127.0.0.1' }),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_tts_5000/port', line: ['ep_tts_5000:', 'port:'] }],
  },
  {
    name: 'a migrated port not yet locked',
    edit: pipe(
      set('endpoints.yaml', ['endpoints', 'ep_searxng_8888', 'port'], 8889),
      set('ports.lock.yaml', ['migrations'], [{ service: 'searxng', host: 'mini', from: 8888, to: 8889, reason: 'clash' }]),
    ),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_searxng_8888/port', line: 'port: 8889' }],
  },
  {
    name: 'near miss: a ledger entry of a removed service stays (the ledger only grows)',
    edit: (t) => editYaml(t, 'endpoints.yaml', (d) => d.deleteIn(['endpoints', 'ep_afm_9999'])),
    expected: [],
  },
]);
