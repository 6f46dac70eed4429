import { del, pipe, row } from './edits.js';
import { editHandles } from '../helpers.js';
import { ruleTable } from './table.js';

const noAccept = del('settings.yaml', ['accept']);
const at = (i: number, severity: 'warning' | 'accepted' = 'warning') => ({ file: 'registry/handles.jsonl', pointer: `/${i}/selector/model`, line: i + 1, severity });
/** Rows 0–11 are the model handles; keep them and the named ensembles, in order. */
const onlyEnsembles = (...handles: string[]) => (t: Parameters<typeof editHandles>[0]) =>
  editHandles(t, (rows) => rows.filter((r) => !String(r.handle).startsWith('opt-') || handles.includes(String(r.handle))));

ruleTable('ensemble-reach', [
  {
    name: 'moa, bon and re2 ensembles of the shipped registry (one call, backends ignore n)',
    edit: noAccept,
    // research moa, code bon, chat moa, route bon, clean bon, summarize moa, privacy re2
    expected: [13, 15, 16, 17, 19, 20, 21].map((i) => at(i)),
  },
  {
    name: 'a self_consistency ensemble switched to moa',
    edit: pipe(noAccept, onlyEnsembles('opt-architect-balanced-l'), row(12, { selector: { model: 'moa-ens-architect-balanced-l' } })),
    expected: [at(12)],
  },
  {
    name: 'accepted for its own target only',
    edit: onlyEnsembles('opt-research-high-xl', 'opt-chat-balanced-m'),
    expected: [at(12, 'accepted'), at(13, 'accepted')],
  },
  {
    name: 'near miss: self_consistency and plansearch make separate calls, each to a member of its own',
    edit: pipe(noAccept, onlyEnsembles('opt-architect-high-xl', 'opt-architect-balanced-l', 'opt-extract-fast-s')),
    expected: [],
  },
  {
    name: 'near miss: moa over a group whose members are one model (ensemble-members reports it)',
    edit: pipe(noAccept, onlyEnsembles('opt-chat-balanced-m'), row(12, { members: ['mlx-gemma-3-27b-it-qat-4bit', 'mlx-gemma-3-27b-it-qat-4bit'] })),
    expected: [],
  },
]);
