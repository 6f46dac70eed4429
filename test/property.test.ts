// Property: whatever a person (or a bad merge) does to the registry, validate and compile answer
// with diagnostics or success — never an uncaught exception — and compile never writes when
// there are errors. Mutations: values of every type, deleted, renamed and duplicated keys,
// odd and unicode strings, huge numbers, raw text damage.
import fc from 'fast-check';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { compileCmd } from '../src/cli/commands/compile.js';
import { compileAll } from '../src/compile/index.js';
import { parseRegistry, type RegistryFileName } from '../src/registry/load.js';
import { REGISTRY_FILES } from '../src/registry/schema.js';
import { hasErrors, type Diagnostic } from '../src/core/diagnostic.js';
import { validateRegistry } from '../src/validate/index.js';
import { readTree, ROOT, shippedTexts, tmpDir, type Texts } from './helpers.js';

const RUNS = Number(process.env.HOMELAB_PROPERTY_RUNS ?? 2000);
// 2000 cases take about 40 s on an idle 2-core machine and several times that when it is shared:
// the case count is the check, this limit only guards against a hang.
const PROPERTY_TIMEOUT_MS = 300_000;
const SEED = process.env.HOMELAB_PROPERTY_SEED ? Number(process.env.HOMELAB_PROPERTY_SEED) : 20261123;
const shipped = shippedTexts();
const FILES = REGISTRY_FILES.map((f) => f.name);

const oddString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme' }),
  fc.constantFrom('', ' ', 'yes', 'on', 'null', '~', '0755', '1e3', 'router', 'auto', 'moa', 'moa-bon-x', 'router-mlx-x', '-', '--', 'a&b', 'x|y', '%n', '${X}', '$X', 'sk-abcdefghijklmnopqrstuv', '../../etc/passwd', '/Volumes/Seagate/models/x', '0.0.0.0', '127.0.0.1', 'ep_mlx_8100', 'mini', 'studio', '\u202e', '名前', 'ä-ö', '\n', '"', "'", '#', ': x'),
);
const value: fc.Arbitrary<unknown> = fc.oneof(
  oddString,
  fc.integer(),
  fc.constantFrom(0, -1, 1, 65535, 65536, 8100, 8120, 8139, 8140, 4000, 4020, Number.MAX_SAFE_INTEGER, 1e308, -1e308, 0.5),
  fc.double({ noNaN: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(oddString, { maxLength: 3 }),
  fc.dictionary(oddString, oddString, { maxKeys: 3 }),
);

type Json = Record<string, unknown> | unknown[];

/** Every path to a node of a JSON value (objects and arrays walked). */
function paths(v: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const out: (string | number)[][] = [prefix];
  if (Array.isArray(v)) v.forEach((x, i) => out.push(...paths(x, [...prefix, i])));
  else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) out.push(...paths(x, [...prefix, k]));
  return out;
}

function getParent(root: Json, path: (string | number)[]): [Json, string | number] | undefined {
  if (!path.length) return undefined;
  let node: unknown = root;
  for (const seg of path.slice(0, -1)) node = (node as Record<string | number, unknown>)[seg];
  return [node as Json, path[path.length - 1]!];
}

const mutation = fc.record({
  file: fc.constantFrom(...FILES),
  op: fc.constantFrom('set', 'delete', 'rename', 'duplicate-key', 'add-key', 'text-insert', 'text-dup-line', 'text-delete-line'),
  pick: fc.nat(),
  value,
  key: oddString,
  count: fc.integer({ min: 1, max: 3 }),
});

function parseFile(name: RegistryFileName, text: string): Json {
  return name.endsWith('.jsonl') ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) : parse(text);
}

function render(name: RegistryFileName, data: Json): string {
  return name.endsWith('.jsonl') ? (data as unknown[]).map((r) => JSON.stringify(r)).join('\n') + '\n' : stringify(data);
}

function apply(texts: Texts, m: fc.RecordValue<typeof mutation.constraints extends never ? never : any>): Texts {
  const name = m.file as RegistryFileName;
  const text = texts[name] ?? '';
  if (m.op.startsWith('text-')) {
    const lines = text.split('\n');
    const i = m.pick % Math.max(1, lines.length);
    if (m.op === 'text-insert') {
      const pos = m.pick % Math.max(1, text.length);
      return { ...texts, [name]: text.slice(0, pos) + String(m.key) + text.slice(pos) };
    }
    if (m.op === 'text-dup-line') lines.splice(i, 0, lines[i] ?? '');
    else lines.splice(i, 1);
    return { ...texts, [name]: lines.join('\n') };
  }
  let data: Json;
  try {
    data = parseFile(name, text);
  } catch {
    return texts;
  }
  if (!data || typeof data !== 'object') return texts;
  const all = paths(data).filter((p) => p.length);
  const path = all[m.pick % Math.max(1, all.length)];
  const parent = path ? getParent(data, path) : undefined;
  if (!parent) return texts;
  const [node, key] = parent;
  const target = node as Record<string | number, unknown>;
  switch (m.op) {
    case 'set':
      target[key] = m.value;
      break;
    case 'delete':
      if (Array.isArray(node)) node.splice(Number(key), 1);
      else delete target[key];
      break;
    case 'rename':
      if (!Array.isArray(node)) {
        target[String(m.key)] = target[key];
        delete target[key];
      }
      break;
    case 'add-key':
      if (!Array.isArray(node)) target[String(m.key)] = m.value;
      else node.push(m.value);
      break;
    case 'duplicate-key': {
      // A duplicated key as text: YAML's unique-keys check must report it, never crash.
      if (Array.isArray(node)) node.push(structuredClone(node[Number(key)]));
      else {
        const rendered = render(name, data);
        const lines = rendered.split('\n');
        const i = lines.findIndex((l) => l.trimStart().startsWith(`${String(key)}:`));
        if (i >= 0) lines.splice(i, 0, lines[i]!);
        return { ...texts, [name]: lines.join('\n') };
      }
      break;
    }
  }
  return { ...texts, [name]: render(name, data) };
}

function isWellFormed(d: Diagnostic): boolean {
  return /^[a-z]+(-[a-z]+)*$/.test(d.code) && (d.severity === 'error' || d.severity === 'warning' || d.severity === 'accepted') && typeof d.file === 'string' && (d.pointer === '' || d.pointer.startsWith('/')) && typeof d.message === 'string' && (d.line === undefined || d.line >= 1) && (d.col === undefined || d.col >= 1);
}

describe('property: random damage to the shipped registry', () => {
  it(`validate and compile never throw (${RUNS} cases)`, () => {
    const outcomes = { unloadable: 0, ruleErrors: 0, sound: 0 };
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
        const texts = ms.reduce(apply, shipped);
        const loaded = parseRegistry(texts, 'registry');
        expect(loaded.diagnostics.every(isWellFormed)).toBe(true);
        if (!loaded.registry) {
          expect(loaded.diagnostics.length).toBeGreaterThan(0);
          outcomes.unloadable++;
          return;
        }
        const { diagnostics, files } = validateRegistry(loaded.registry);
        expect(diagnostics.every(isWellFormed)).toBe(true);
        expect(compileAll(loaded.registry).map((f) => f.content)).toEqual(files.map((f) => f.content));
        outcomes[hasErrors(diagnostics) ? 'ruleErrors' : 'sound']++;
      }),
      { numRuns: RUNS, seed: SEED },
    );
    // The mutations must reach every stage, or the property proves little.
    expect(outcomes.unloadable).toBeGreaterThan(RUNS / 10);
    expect(outcomes.ruleErrors).toBeGreaterThan(RUNS / 20);
    expect(outcomes.sound).toBeGreaterThan(0);
    console.log(`property outcomes: ${JSON.stringify(outcomes)}`);
  }, PROPERTY_TIMEOUT_MS);

  describe('compile writes nothing when validate has errors', () => {
    const out = tmpDir('homelab-prop-');
    const reg = join(out, 'registry');
    const gen = join(out, 'generated');
    const snapshot = () => readTree(gen);
    beforeAll(() => {
      vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
      vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    });
    afterAll(() => vi.restoreAllMocks());

    it(`holds for ${RUNS} random registries`, async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 2 }), async (ms) => {
          const texts = ms.reduce(apply, shipped);
          mkdirSync(reg, { recursive: true });
          for (const name of FILES) writeFileSync(join(reg, name), texts[name] ?? '');
          cpSync(join(ROOT, 'generated'), gen, { recursive: true });
          const before = snapshot();
          const loaded = parseRegistry(texts, 'registry');
          const isBroken = !loaded.registry || hasErrors(validateRegistry(loaded.registry).diagnostics.filter((d) => d.code !== 'generated-drift'));
          const code = await compileCmd({ registry: reg, out: gen });
          expect(code).toBe(isBroken ? 1 : 0);
          if (isBroken) expect(snapshot()).toEqual(before);
        }),
        { numRuns: RUNS, seed: SEED },
      );
    }, PROPERTY_TIMEOUT_MS);
  });
});
