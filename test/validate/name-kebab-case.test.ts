import { ruleTable } from './table.js';
import { endpoint, pipe, row, set, ROW } from './edits.js';
import { editYaml } from '../helpers.js';

ruleTable('name-kebab-case', [
  {
    name: 'a model id and its handle with capitals and underscores',
    edit: pipe(
      (t) => ({ ...t, 'models.yaml': t['models.yaml']!.replace('  ov-phi-4-mini-instruct-fp16:', '  ov-Phi_4-mini:'), 'handles.jsonl': t['handles.jsonl']!.replaceAll('"ov-phi-4-mini-instruct-fp16"', '"ov-Phi_4-mini"') }),
    ),
    expected: [
      { file: 'registry/handles.jsonl', pointer: `/${ROW.ovPhi4}/handle`, line: ROW.ovPhi4 + 1 },
      { file: 'registry/models.yaml', pointer: '/models/ov-Phi_4-mini', line: 'ov-Phi_4-mini:' },
    ],
  },
  {
    name: 'a service name in snake case',
    edit: set('endpoints.yaml', ['endpoints', 'ep_searxng_8888', 'service'], 'search_engine'),
    expected: [{ file: 'registry/endpoints.yaml', pointer: '/endpoints/ep_searxng_8888/service', line: 'service: search_engine' }],
  },
  {
    name: 'a selector group with an underscore',
    edit: row(ROW.chat, { selector: { model: 'moa-ens_chat-m' } }),
    expected: [{ file: 'registry/handles.jsonl', pointer: `/${ROW.chat}/selector/model`, line: ROW.chat + 1 }],
  },
  {
    name: 'near miss: an OptiLLM technique slug with an underscore is OptiLLM\'s own',
    edit: row(ROW.chat, { selector: { model: 'self_consistency-ens-chat-balanced-m' } }),
    expected: [],
  },
  {
    name: 'near miss: digits-only pieces are kebab-case',
    edit: pipe(endpoint('ep_searxng_8888', { service: 'searxng-2', kind: 'searxng', host: 'mini', port: 8888, bind: '127.0.0.1' }), (t) => editYaml(t, 'ports.lock.yaml', () => {})),
    expected: [],
  },
]);
