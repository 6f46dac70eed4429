import { ruleTable } from './table.js';
import { row, ROW } from './edits.js';

const at = { file: 'registry/handles.jsonl', pointer: `/${ROW.chat}/members`, line: ROW.chat + 1 };

ruleTable('ensemble-members', [
  { name: 'a single member', edit: row(ROW.chat, { members: ['mlx-gemma-3-27b-it-qat-4bit'] }), expected: [at] },
  {
    name: 'one member listed twice',
    edit: row(ROW.chat, { members: ['mlx-gemma-3-27b-it-qat-4bit', 'mlx-gemma-3-27b-it-qat-4bit'] }),
    expected: [at, { file: 'registry/handles.jsonl', pointer: `/${ROW.chat}/members/1`, line: ROW.chat + 1, severity: 'warning' }],
  },
  { name: 'no member at all', edit: row(ROW.chat, { members: [] }), expected: [at] },
  { name: 'near miss: three members', edit: row(ROW.chat, { members: ['mlx-gemma-3-27b-it-qat-4bit', 'mlx-mistral-small-3-2-24b-instruct-2506-4bit', 'mlx-llama-3-3-70b-instruct-4bit'] }), expected: [] },
]);
