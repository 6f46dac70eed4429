// src/cli/ansi.ts stands in for chalk in the fast path (scripts/build.mjs): for every style
// homelab uses and every colour level, it must give chalk's bytes exactly.
import { Chalk as RealChalk } from 'chalk';
import fc from 'fast-check';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Chalk } from '../src/cli/ansi.js';
import { ROOT } from './helpers.js';

const STYLES = ['red', 'green', 'yellow', 'cyan', 'bold', 'dim'] as const;

// Text with the characters chalk treats specially: line breaks and escape codes already inside.
const text = fc.array(fc.constantFrom('a', 'error', ' ', '\n', '\r\n', '\r', '\u001B[39m', '\u001B[22m', '\u001B[31m', ':', ''), { maxLength: 12 }).map((parts) => parts.join(''));

describe('ansi.ts, chalk without its start-up', () => {
  for (const level of [0, 1, 2, 3] as const) {
    it(`matches chalk at level ${level} for every style`, () => {
      const real = new RealChalk({ level });
      const mine = new Chalk({ level });
      fc.assert(
        fc.property(fc.constantFrom(...STYLES), text, (style, s) => {
          expect(mine[style](s)).toBe(real[style](s));
        }),
        { numRuns: 500 },
      );
    });
  }

  it('covers every chalk method the source calls', () => {
    const used = new Set<string>();
    for (const e of readdirSync(join(ROOT, 'src'), { withFileTypes: true, recursive: true })) {
      const source = e.isFile() && e.name.endsWith('.ts') ? readFileSync(join(e.parentPath, e.name), 'utf8') : '';
      if (!/ChalkInstance|colorFor/.test(source)) continue;
      for (const m of source.matchAll(/\bc\.([a-z][A-Za-z]*)\(/g)) used.add(m[1]!);
    }
    expect(used.size).toBeGreaterThan(0);
    for (const method of used) expect(STYLES as readonly string[]).toContain(method);
  });
});
