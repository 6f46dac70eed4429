import { ruleTable } from './table.js';
import { describe, expect, it } from 'vitest';
import { diagnose, editHandles, shippedTexts } from '../helpers.js';
import { row, set, ROW } from './edits.js';

const at = (r: number) => ({ file: 'registry/handles.jsonl', pointer: `/${r}/selector/model`, line: r + 1 });

ruleTable('optillm-selector', [
  { name: 'an unknown technique', edit: row(ROW.chat, { selector: { model: 'mixture-ens-chat-balanced-m' } }), expected: [at(ROW.chat)] },
  { name: 'techniques chained with - (only the first runs)', edit: row(ROW.chat, { selector: { model: 'moa-bon-ens-chat-balanced-m' } }), expected: [at(ROW.chat)] },
  { name: 'a group whose first piece is the router plugin slug', edit: row(ROW.chat, { selector: { model: 'moa-router-chat-balanced-m' } }), expected: [at(ROW.chat)] },
  { name: 'an empty model', edit: row(ROW.chat, { selector: { model: 'moa' } }), expected: [at(ROW.chat)] },
  { name: 'an unknown name inside a combination', edit: row(ROW.chat, { selector: { model: 'moa&best-ens-chat-balanced-m' } }), expected: [at(ROW.chat)] },
  {
    name: "direct_prefix: router (the seeds' scheme)",
    edit: set('settings.yaml', ['optillm', 'direct_prefix'], 'router'),
    expected: [{ file: 'registry/settings.yaml', pointer: '/optillm/direct_prefix', line: 'direct_prefix: router' }],
  },
  {
    name: 'a plugin instead of a technique is a warning',
    edit: row(ROW.chat, { selector: { model: 'privacy-ens-chat-balanced-m' } }),
    expected: [{ ...at(ROW.chat), severity: 'warning' }],
  },
  { name: 'near miss: techniques combined with &', edit: row(ROW.chat, { selector: { model: 'moa&bon-ens-chat-balanced-m' } }), expected: [] },
  { name: 'near miss: a slug later in the group is safe', edit: row(ROW.chat, { selector: { model: 'moa-ens-router-m' } }), expected: [] },
]);

// Every slug of OptiLLM 0.3.12 (server.py known_approaches and each plugin module's SLUG), written
// out here rather than imported, so a slug dropped from src/compile/optillm.ts fails this test.
const TECHNIQUES = ['none', 'mcts', 'bon', 'moa', 'rto', 'z3', 'self_consistency', 'pvg', 'rstar', 'cot_reflection', 'plansearch', 'leap', 're2', 'cepo', 'mars'];
const PLUGINS = ['coc', 'deep_research', 'deepthink', 'executecode', 'genselect', 'json', 'longcepo', 'majority_voting', 'mcp', 'memory', 'privacy', 'proxy', 'readurls', 'router', 'spl', 'web_search'];

ruleTable('optillm-selector', [
  ...[...TECHNIQUES, ...PLUGINS].map((slug) => ({
    name: `a group whose first piece is the ${TECHNIQUES.includes(slug) ? 'technique' : 'plugin'} slug "${slug}"`,
    edit: row(ROW.chat, { selector: { model: `moa-${slug}-chat-balanced-m` } }),
    expected: [at(ROW.chat)],
  })),
  { name: 'near miss: a group that only starts like a slug ("moab-…", "routers-…")', edit: row(ROW.chat, { selector: { model: 'moa-routers-chat-balanced-m' } }), expected: [] },
]);

describe('the hint for chained techniques', () => {
  it('offers, for a group that starts with a slug, a selector that passes', () => {
    const chained = diagnose(editHandles(shippedTexts(), (rows) => rows.map((r, i) => (i === ROW.chat ? { ...r, selector: { model: 'moa-router-chat-balanced-m' } } : r))));
    const hint = chained.find((d) => d.code === 'optillm-selector')!.hint!;
    const suggested = [...hint.matchAll(/"([^"]+)"/g)].map((m) => m[1]!).at(-1)!;
    expect(suggested).toBe('moa-ens-router-chat-balanced-m');
    const fixed = diagnose(editHandles(shippedTexts(), (rows) => rows.map((r, i) => (i === ROW.chat ? { ...r, selector: { model: suggested } } : r))));
    expect(fixed.filter((d) => d.code === 'optillm-selector')).toEqual([]);
  });
});
