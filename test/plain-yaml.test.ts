// readPlainYaml is a shortcut past js-yaml and the sanitizing walk for the plainest registry texts:
// whatever it accepts must read exactly as js-yaml (YAML 1.2 core schema) reads it after the walk
// (null-prototype records), with nothing for the walk to report; whatever js-yaml refuses or the
// walk reports it must decline, so that those report the error as before.
import fc from 'fast-check';
import { CORE_SCHEMA, load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { readPlainYaml } from '../src/registry/plain-yaml.js';
import { MAX_STRING, sanitizeValue, type SanitizeIssue } from '../src/registry/sanitize.js';
import { shippedTexts } from './helpers.js';

/** js-yaml's value after the sanitizing walk, and what the walk reported: the loader's other path. */
function jsYaml(text: string): { value: unknown; issues: SanitizeIssue[] } | { error: true } {
  try {
    return sanitizeValue(load(text, { schema: CORE_SCHEMA, json: false }), true, true);
  } catch {
    return { error: true };
  }
}

// Pieces of lines, near misses included: keywords, numbers in other bases, quotes, comments,
// indicators, tabs, CR, a BOM, non-ASCII, and keys that repeat.
const KEYS = ['a', 'b', 'models', 'mlx-m-1', 'ep_mlx_8100', 'x.y', '_k', 'null', 'True', 'yes', '__proto__', '1', 'a b', '"q"', '-'];
const VALUES = ['', ' v', ' mlx-community/M-4bit', ' /srv/models', ' 0', ' 7', ' 131072', ' 012', ' 0x1f', ' 1e3', ' 1.5', ' -3', ' null', ' ~', ' FALSE', ' on', ' "s"', " 's'", ' [a]', ' {}', ' a # c', ' a:b', ' http://h:1', ' &x a', ' *x', ' !!str 1', ' v ', ' é', '\tv', ' a\r', ' |', ' @x', ' +1', ' 99999999999999999999'];
const line = fc.oneof(
  fc.record({ indent: fc.integer({ min: 0, max: 6 }), key: fc.constantFrom(...KEYS), value: fc.constantFrom(...VALUES) }).map(({ indent, key, value }) => `${' '.repeat(indent)}${key}:${value}`),
  fc.constantFrom('', '   ', '# note', '  # indented note', '---', '- a', '  - b', 'a', '\ufeffa: 1', '\t'),
);
const doc = fc.array(line, { minLength: 0, maxLength: 12 }).map((lines) => lines.join('\n'));
// Well-formed nested mappings (any indentation step, blank and comment lines between), so that
// acceptance is exercised as often as refusal.
type Tree = { [key: string]: Tree | string };
const scalar = fc.constantFrom('v', '5', '0', '131072', '/p/q', 'mlx-community/M-4bit', 'a.b', 'null', '012', 'x@y+z');
const tree: fc.Arbitrary<Tree> = fc.letrec((tie) => ({
  node: fc.dictionary(fc.constantFrom('a', 'b', 'c', 'ep_x_1', 'mlx-m', 'k.v', '_'), fc.oneof({ weight: 3, arbitrary: scalar }, { weight: 1, arbitrary: tie('node') }), { minKeys: 1, maxKeys: 4 }),
})).node as fc.Arbitrary<Tree>;
function render(t: Tree, indent: number, step: number, noise: string[]): string[] {
  return Object.entries(t).flatMap(([k, v], i) => [
    ...(noise[i % noise.length] ? [noise[i % noise.length]!] : []),
    ...(typeof v === 'string' ? [`${' '.repeat(indent)}${k}: ${v}`] : [`${' '.repeat(indent)}${k}:`, ...render(v, indent + step, step, noise)]),
  ]);
}
const tidy = fc
  .record({ t: tree, step: fc.integer({ min: 1, max: 4 }), noise: fc.array(fc.constantFrom('', '', '', '# c', '   ', '  # d'), { minLength: 1, maxLength: 4 }) })
  .map(({ t, step, noise }) => render(t, 0, step, noise).join('\n') + '\n');

describe('readPlainYaml', () => {
  it('reads what js-yaml reads, or declines (random texts)', () => {
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof(doc, tidy), (text) => {
        const plain = readPlainYaml(text);
        if (plain === undefined) return;
        accepted++;
        expect(jsYaml(text)).toStrictEqual({ value: plain, issues: [] });
      }),
      { numRuns: 4000 },
    );
    // The shortcut is taken, not only declined.
    expect(accepted).toBeGreaterThan(200);
  });

  it('reads the shipped models.yaml and endpoints.yaml as js-yaml does', () => {
    const texts = shippedTexts();
    for (const name of ['models.yaml', 'endpoints.yaml'] as const) {
      const plain = readPlainYaml(texts[name]!);
      if (plain !== undefined) expect(jsYaml(texts[name]!)).toStrictEqual({ value: plain, issues: [] });
    }
  });

  it('reads a models.yaml of the plain form the benchmark writes (the large file it exists for)', () => {
    const rows = Array.from({ length: 50 }, (_, i) => [`  mlx-model-${i}-4bit:`, `    endpoint: ep_mlx_${8100 + (i % 20)}`, `    upstream: mlx-community/Model-${i}-4bit`, `    source_path: /Users/ops/models/m${i}`, '    context_length: 131072', '    max_output_tokens: 8192']);
    const text = ['models:', ...rows.flat()].join('\n') + '\n';
    const plain = readPlainYaml(text);
    expect(plain).toBeDefined();
    expect(jsYaml(text)).toStrictEqual({ value: plain, issues: [] });
    expect((plain as { models: Record<string, { context_length: unknown }> }).models['mlx-model-3-4bit']!.context_length).toBe(131072);
  });

  it('declines what it must leave to js-yaml: a duplicated key, a key without a value, a keyword, a tab', () => {
    expect(readPlainYaml('a: 1\na: 2\n')).toBeUndefined();
    expect(readPlainYaml('a:\nb: 1\n')).toBeUndefined();
    expect(readPlainYaml('a: true\n')).toBeUndefined();
    expect(readPlainYaml('a:\n\tb: 1\n')).toBeUndefined();
    expect(readPlainYaml('a: 1\n  b: 2\n')).toBeUndefined();
    expect(readPlainYaml('')).toBeUndefined();
  });

  it('declines what the sanitizing walk reports, and gives no record a prototype', () => {
    // A string over MAX_STRING is the walk's to report, with its path.
    const long = `a: ${'x'.repeat(MAX_STRING + 1)}\n`;
    expect(readPlainYaml(long)).toBeUndefined();
    expect(jsYaml(long)).toMatchObject({ issues: [{ path: ['a'] }] });
    expect(readPlainYaml(`a: ${'x'.repeat(MAX_STRING - 3)}\n`)).toBeDefined();
    const value = readPlainYaml('constructor:\n  toString: x\n') as Record<string, Record<string, unknown>>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.getPrototypeOf(value.constructor)).toBeNull();
    expect(value.constructor!.hasOwnProperty).toBeUndefined();
  });
});
