import { ruleTable } from './table.js';
import { addRow, pipe, row, set, ROW } from './edits.js';

ruleTable('handle-model-id', [
  {
    name: 'a model handle that is no model id',
    edit: addRow({ handle: 'mlx-not-a-model' }),
    expected: [{ file: 'registry/handles.jsonl', pointer: '/22/handle', line: 23 }],
  },
  {
    name: 'an ov-* model served by an MLX endpoint',
    edit: set('models.yaml', ['models', 'ov-phi-4-mini-instruct-fp16', 'endpoint'], 'ep_mlx_8104'),
    expected: [
      { file: 'registry/handles.jsonl', pointer: `/${ROW.ovPhi4}/handle`, line: ROW.ovPhi4 + 1 },
      { file: 'registry/models.yaml', pointer: '/models/ov-phi-4-mini-instruct-fp16', line: 'ov-phi-4-mini-instruct-fp16:' },
    ],
  },
  {
    name: 'an opt-* row without members',
    edit: (t) => ({ ...t, 'handles.jsonl': t['handles.jsonl']!.replace(/,"members":\["mlx-gemma-3-27b-it-qat-4bit","mlx-mistral[^\]]*\]/, '') }),
    expected: [{ file: 'registry/handles.jsonl', pointer: `/${ROW.chat}`, line: ROW.chat + 1 }],
  },
  {
    name: 'a selector on a row not named opt-*',
    edit: row(ROW.gemma, { endpoint: 'ep_optillm_proxy_4020', selector: { model: 'moa-ens-g' }, members: ['mlx-gemma-3-27b-it-qat-4bit', 'mlx-llama-3-3-70b-instruct-4bit'] }),
    expected: [{ file: 'registry/handles.jsonl', pointer: `/${ROW.gemma}/handle`, line: ROW.gemma + 1 }],
  },
  {
    name: 'near miss: a model row without a handle (the backroom model) is fine',
    edit: pipe(set('models.yaml', ['models', 'mlx-deepseek-v3-1-4bit', 'context_length'], 65536)),
    expected: [],
  },
]);
