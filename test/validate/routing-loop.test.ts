import { ruleTable } from './table.js';
import { row, set, ROW } from './edits.js';

ruleTable('routing-loop', [
  {
    name: "the seeds' router- call-back prefix: OptiLLM strips the router plugin slug and calls the public handle",
    edit: set('settings.yaml', ['optillm', 'direct_prefix'], 'router'),
    // not row 2: the coder handle sets "via_optillm": false, so no call-back name is built for it
    expected: [0, 1, 3, 4, 5].map((i) => ({ file: 'registry/handles.jsonl', pointer: `/${i}`, line: i + 1 })),
  },
  {
    name: 'an ensemble whose group is its own handle',
    edit: row(ROW.chat, { selector: { model: 'moa-opt-chat-balanced-m' } }),
    expected: [{ file: 'registry/handles.jsonl', pointer: `/${ROW.chat}/selector/model`, line: ROW.chat + 1 }],
  },
  {
    name: 'a selector whose group is an OptiLLM-routed handle (OptiLLM calls mlx-gemma back, which goes to OptiLLM again)',
    edit: row(ROW.chat, { selector: { model: 'moa-mlx-gemma-3-27b-it-qat-4bit' } }),
    expected: [{ file: 'registry/handles.jsonl', pointer: `/${ROW.chat}/selector/model`, line: ROW.chat + 1 }],
  },
  {
    name: 'near miss: a selector whose group is a model handle that goes straight to its backend (OpenVINO)',
    edit: row(ROW.chat, { selector: { model: 'moa-ov-phi-4-mini-instruct-fp16' } }),
    expected: [],
  },
  {
    name: 'a call-back prefix that is a technique slug',
    edit: set('settings.yaml', ['optillm', 'direct_prefix'], 'json'),
    // not row 2: the coder handle sets "via_optillm": false, so no call-back name is built for it
    expected: [0, 1, 3, 4, 5].map((i) => ({ file: 'registry/handles.jsonl', pointer: `/${i}`, line: i + 1 })),
  },
  {
    name: 'near miss: a call-back prefix "mlx" is no slug, so OptiLLM passes mlx-mlx-* back intact',
    edit: set('settings.yaml', ['optillm', 'direct_prefix'], 'mlx'),
    expected: [],
  },
]);
