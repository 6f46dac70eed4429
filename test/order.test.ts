// Every list homelab writes or reports is sorted by compareStrings: code-unit order (what `<`
// says), the same on every machine and locale, and 0 for equal strings so a stable sort keeps
// their order (a comparator that answers 1 both ways leaves that order to the sort's internals).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byString, compareStrings } from '../src/core/order.js';
import { normalizeDiagnostics, type Diagnostic } from '../src/core/diagnostic.js';

describe('compareStrings', () => {
  it('orders by UTF-16 code unit, not by locale', () => {
    expect(['b', 'B', 'a', 'é', 'z', 'Z', '10', '9'].sort(compareStrings)).toEqual(['10', '9', 'B', 'Z', 'a', 'b', 'z', 'é']);
    expect(compareStrings('mlx-a', 'mlx-a')).toBe(0);
  });

  it('is a consistent comparator: antisymmetric, zero exactly for equal strings, the order of `<` (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        expect(Math.sign(compareStrings(a, b))).toBe(-Math.sign(compareStrings(b, a)) || 0);
        expect(compareStrings(a, b) === 0).toBe(a === b);
        expect(compareStrings(a, b) < 0).toBe(a < b);
      }),
    );
  });

  it('byString keeps items with equal keys in their order (the sort is stable)', () => {
    const items = [{ k: 'b', n: 1 }, { k: 'a', n: 2 }, { k: 'b', n: 3 }, { k: 'a', n: 4 }];
    expect(items.sort(byString((i) => i.k)).map((i) => i.n)).toEqual([2, 4, 1, 3]);
  });
});

describe('the order of diagnostics', () => {
  it('is file, then line, then code, pointer and message, whatever order they came in (property)', () => {
    // A diagnostic's line is where its pointer is in its file (registry/at.ts): one line per pointer.
    const lines: Record<string, number | undefined> = { '': undefined, '/x': 3, '/y': 1, '/z': 3 };
    const diag = fc
      .record({
        code: fc.constantFrom('port-range', 'routing-loop', 'name-kebab-case'),
        file: fc.constantFrom('registry/a.yaml', 'registry/b.yaml'),
        pointer: fc.constantFrom('', '/x', '/y', '/z'),
        message: fc.constantFrom('m1', 'm2'),
      })
      .map((d) => ({ ...d, severity: 'error', line: lines[d.pointer] }) as Diagnostic);
    fc.assert(
      fc.property(fc.array(diag, { maxLength: 12 }), (ds) => {
        const once = normalizeDiagnostics(ds);
        expect(normalizeDiagnostics([...ds].reverse()).map(key)).toEqual(once.map(key));
        for (let i = 1; i < once.length; i++) {
          const [a, b] = [once[i - 1]!, once[i]!];
          const rank = compareStrings(a.file, b.file) || (a.line ?? 0) - (b.line ?? 0) || compareStrings(a.code, b.code) || compareStrings(a.pointer, b.pointer) || compareStrings(a.message, b.message);
          expect(rank).toBeLessThan(0);
        }
      }),
    );
  });
});

const key = (d: Diagnostic) => `${d.file}|${d.line}|${d.code}|${d.pointer}|${d.message}`;
