// Table-driven rule tests (changesets' parse.test.ts shape): each case edits the shipped
// registry as a person would and lists exactly where the rule must fire — file, pointer, line —
// or [] for a near miss that must stay silent. Wording is not asserted.
import { describe, expect, it } from 'vitest';
import { parseRegistry } from '../../src/registry/load.js';
import { validateRegistry } from '../../src/validate/index.js';
import { lineOf, shippedTexts, type Texts } from '../helpers.js';

export interface Expected {
  file: string;
  pointer: string;
  /** The line: a number, a needle whose first line in the edited file is the line, or
   *  [anchor, needle]: the first line with the needle after the first line with the anchor. */
  line: number | string | [string, string];
  severity?: 'error' | 'warning' | 'accepted';
}

export interface Case {
  name: string;
  edit: (t: Texts) => Texts;
  expected: Expected[];
}

function lineAfter(text: string, anchor: string, needle: string): number {
  const lines = text.split('\n');
  const start = lines.findIndex((l) => l.includes(anchor));
  const i = lines.findIndex((l, j) => j >= start && l.includes(needle));
  if (start < 0 || i < 0) throw new Error(`"${needle}" after "${anchor}" not found`);
  return i + 1;
}

export function ruleTable(code: string, cases: Case[]): void {
  describe(`rule ${code}`, () => {
    it('has at least two failing cases and one near miss', () => {
      expect(cases.filter((c) => c.expected.length).length).toBeGreaterThanOrEqual(2);
      expect(cases.filter((c) => !c.expected.length).length).toBeGreaterThanOrEqual(1);
    });

    it.each(cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
      const texts = c.edit(shippedTexts());
      const loaded = parseRegistry(texts, 'registry');
      expect(loaded.diagnostics, 'the edited registry must load').toEqual([]);
      const got = validateRegistry(loaded.registry!).diagnostics.filter((d) => d.code === code);
      const want = c.expected.map((e) => {
        const name = e.file.replace(/^registry\//, '') as keyof Texts;
        const text = texts[name]!;
        const line = typeof e.line === 'number' ? e.line : typeof e.line === 'string' ? lineOf(text, e.line) : lineAfter(text, e.line[0], e.line[1]);
        return { file: e.file, pointer: e.pointer, line, severity: e.severity ?? 'error' };
      });
      expect(got.map((d) => ({ file: d.file, pointer: d.pointer, line: d.line, severity: d.severity }))).toEqual(want);
    });
  });
}
