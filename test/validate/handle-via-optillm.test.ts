import { row, ROW } from './edits.js';
import { ruleTable } from './table.js';

ruleTable('handle-via-optillm', [
  { name: 'on an ensemble row', edit: row(ROW.chat, { via_optillm: false }), expected: [{ file: 'registry/handles.jsonl', pointer: `/${ROW.chat}/via_optillm`, line: ROW.chat + 1 }] },
  { name: 'on an OpenVINO row', edit: row(ROW.ovPhi4, { via_optillm: true }), expected: [{ file: 'registry/handles.jsonl', pointer: `/${ROW.ovPhi4}/via_optillm`, line: ROW.ovPhi4 + 1 }] },
  { name: 'near miss: on an MLX row, either way', edit: row(ROW.gemma, { via_optillm: false }), expected: [] },
]);
