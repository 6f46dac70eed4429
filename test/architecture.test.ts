// The folders of src/ are floors: a module imports only from its own floor or the ones below.
// The ground floor (core/, kinds/) is the shared vocabulary — diagnostics, pointers, errors, port
// ranges, secret detection, endpoint kinds — and imports nothing of homelab's; cli/ is the top.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../src');

/** Bottom to top. A folder may import from its own floor and every floor below it. */
const FLOORS: string[][] = [['core', 'kinds'], ['registry'], ['compile'], ['validate'], ['io'], ['deploy'], ['import'], ['app'], ['cli']];

function floorOf(folder: string): number {
  const i = FLOORS.findIndex((f) => f.includes(folder));
  if (i < 0) throw new Error(`src/${folder}/ has no floor in test/architecture.test.ts: give it one`);
  return i;
}

function* sources(dir: string): Generator<string> {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* sources(path);
    else if (name.endsWith('.ts')) yield path;
  }
}

interface Edge {
  from: string;
  to: string;
}

/** Every relative import and re-export of every module under src/ (static and dynamic). */
function edges(): Edge[] {
  const out: Edge[] = [];
  for (const file of sources(SRC)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|^import\s+)(['"])(\.{1,2}\/[^'"]+)\1/gm)) {
      out.push({ from: relative(SRC, file), to: relative(SRC, resolve(dirname(file), m[2]!)).replace(/\.js$/, '.ts') });
    }
  }
  return out;
}

const folder = (path: string) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '.');

describe('the floors of src/', () => {
  const all = edges();

  it('finds the imports it judges (the scan is not empty)', () => {
    expect(all.length).toBeGreaterThan(200);
    expect(all).toContainEqual({ from: 'validate/rules/port-range.ts', to: 'core/ports.ts' });
  });

  it('every module lives in a folder with a floor (no loose files at the top of src/)', () => {
    const loose = [...sources(SRC)].map((f) => relative(SRC, f)).filter((f) => folder(f) === '.');
    expect(loose).toEqual([]);
    for (const f of new Set([...sources(SRC)].map((p) => folder(relative(SRC, p))))) expect(() => floorOf(f)).not.toThrow();
  });

  it('no import runs from a lower floor to a higher one', () => {
    const upward = all
      .filter((e) => floorOf(folder(e.from)) < floorOf(folder(e.to)))
      .map((e) => `${e.from} imports ${e.to}`);
    expect(upward).toEqual([]);
  });

  it('the ground floor imports nothing of homelab outside itself', () => {
    const out = all.filter((e) => floorOf(folder(e.from)) === 0 && folder(e.from) !== folder(e.to)).map((e) => `${e.from} imports ${e.to}`);
    expect(out).toEqual([]);
  });

  it('no module reaches into a rule file: what rules share lives on a lower floor', () => {
    const intoRules = all.filter((e) => e.to.startsWith('validate/rules/') && !e.from.startsWith('validate/')).map((e) => `${e.from} imports ${e.to}`);
    expect(intoRules).toEqual([]);
  });

  it('docs/architecture.md describes every floor, in this order', () => {
    const doc = readFileSync(resolve(SRC, '../docs/architecture.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| (\d+) \| `([a-z-]+)\/` \|/gm)].map((m) => [Number(m[1]), m[2]!] as const);
    expect(rows).toEqual(FLOORS.flatMap((folders, i) => folders.map((f) => [i, f] as const)));
  });
});
