import { del, pipe, row, set, ROW } from './edits.js';
import { editHandles } from '../helpers.js';
import { ruleTable } from './table.js';

// The shipped registry accepts these warnings; the tables remove the acceptances to see them.
const noAccept = del('settings.yaml', ['accept']);
const notRouted = set('settings.yaml', ['optillm', 'route_via_optillm'], false);
const OPT_ROWS = [12, 13, 14, 15, 16, 17, 18, 19, 20, 21];
const warn = (i: number) => ({ file: 'registry/handles.jsonl', pointer: `/${i}`, line: i + 1, severity: 'warning' as const });

ruleTable('optillm-passthrough', [
  {
    name: 'every ensemble runs in OptiLLM, even with MLX routing off',
    edit: pipe(noAccept, notRouted),
    expected: OPT_ROWS.map(warn),
  },
  {
    name: 'an MLX row that opts in with "via_optillm": true',
    edit: pipe(noAccept, notRouted, row(ROW.gemma, { via_optillm: true })),
    expected: [ROW.gemma, ...OPT_ROWS].map(warn),
  },
  {
    name: 'the mesh default: every MLX handle but the coder (via_optillm false) and every ensemble',
    edit: noAccept,
    expected: [0, 1, 3, 4, 5, ...OPT_ROWS].map(warn),
  },
  {
    name: 'an accepted trade-off is still reported, as accepted',
    edit: pipe(notRouted, (t) => editHandles(t, (rows) => rows.slice(0, 13))),
    expected: [{ ...warn(12), severity: 'accepted' as const }],
  },
  {
    name: 'near miss: no ensembles and MLX routing off, so nothing goes through OptiLLM',
    edit: pipe(noAccept, notRouted, (t) => editHandles(t, (rows) => rows.filter((r) => !String(r.handle).startsWith('opt-')))),
    expected: [],
  },
]);
