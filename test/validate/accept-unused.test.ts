import { set, pipe } from './edits.js';
import { ruleTable } from './table.js';

const extra = (entry: Record<string, string>) => set('settings.yaml', ['accept', 8], entry);
// An entry is located at its first line ("- code: …"): the first one after the entry before it.
const at8 = { file: 'registry/settings.yaml', pointer: '/accept/8', line: ['target: opt-privacy-fast-s', 'code: ensemble-reach'] as [string, string], severity: 'warning' as const };

ruleTable('accept-unused', [
  {
    name: 'accepting ensemble-reach for plansearch, which draws on every member',
    edit: extra({ code: 'ensemble-reach', target: 'opt-architect-high-xl', reason: 'x' }),
    expected: [at8],
  },
  {
    name: 'a misspelt target',
    edit: extra({ code: 'ensemble-reach', target: 'opt-chat-balanced', reason: 'x' }),
    expected: [at8],
  },
  {
    name: 'the reason went away: chat switched to self_consistency',
    edit: pipe((t) => ({ ...t, 'handles.jsonl': t['handles.jsonl']!.replace('"moa-ens-chat-balanced-m"', '"self_consistency-ens-chat-balanced-m"') })),
    expected: [{ ...at8, pointer: '/accept/2', line: ['target: opt-research-high-xl', 'code: ensemble-reach'] }],
  },
  { name: 'near miss: the shipped registry uses every entry', edit: (t) => t, expected: [] },
]);
