// Registry texts → typed registry + located diagnostics. Pure: the caller reads the files (from
// disk, or from git for `validate --against`), so the same code checks both.
import { CORE_SCHEMA, load as loadYaml, type YAMLException } from 'js-yaml';
import type { z } from 'zod';
import { toPointer, type Diagnostic } from '../core/diagnostic.js';
import { jsonlLocator, lazyYamlLocator, type Locator } from './locate.js';
import { readPlainYaml } from './plain-yaml.js';
import {
  REGISTRY_FILES,
  type Endpoint,
  type Handle,
  type Host,
  type Model,
  type PortsLock,
  type Settings,
} from './schema.js';
import { MAX_ITEMS, MAX_STRING, sanitizeDiagnostics, sanitizeValue } from './sanitize.js';

/** The longest handles.jsonl row: MAX_ITEMS members of 256 characters, with room to spare. */
const MAX_ROW = Math.max(MAX_ITEMS * 256, MAX_STRING * 4);
import { describeIssue } from './zod-issues.js';
import { surelyValid } from './quick-check.js';

export type RegistryFileName = (typeof REGISTRY_FILES)[number]['name'];

export interface SourceFile {
  /** Repo-relative POSIX path, e.g. 'registry/hosts.yaml'. */
  file: string;
  text: string;
  locate: Locator;
}

export interface Registry {
  /** The registry directory as the user named it (POSIX, repo-relative). */
  dir: string;
  sources: Record<RegistryFileName, SourceFile>;
  hosts: Record<string, Host>;
  endpoints: Record<string, Endpoint>;
  models: Record<string, Model>;
  handles: Handle[];
  settings: Settings;
  ports: PortsLock;
}

export interface LoadResult {
  registry?: Registry;
  diagnostics: Diagnostic[];
}

interface Parsed {
  value: unknown;
  locate: Locator;
  diagnostics: Diagnostic[];
  /** Read by js-yaml, which hands an alias over as its anchor's object: one object, several places. */
  mayShare?: boolean;
  /** Read by the plain reader, whose value is already what the sanitizing walk makes of it. */
  isSane?: boolean;
}

/**
 * YAML registry files are read with js-yaml (YAML 1.2 core schema; a duplicated key is an error,
 * never a silent overwrite): ten times faster than building the yaml library's node tree, which
 * is built only when a diagnostic needs a line (see lazyYamlLocator).
 */
/**
 * js-yaml shares an aliased node instead of copying it, so loading is cheap, but every later walk
 * (schema, control characters, rules) visits it once per use: ten nested anchors of ten aliases
 * each are 10^10 values. Count what the walks would see, each shared node once (memoized), and
 * stop counting past the limit. A real registry of 10,000 models is well under a million.
 */
const MAX_EXPANDED_VALUES = 2_000_000;

function expandedSize(value: unknown, memo = new Map<object, number>()): number {
  if (typeof value !== 'object' || value === null) return 1;
  const known = memo.get(value);
  if (known !== undefined) return known;
  // Until counted, a node met again is inside itself (`&l [*l]`): endless, more than any limit.
  memo.set(value, MAX_EXPANDED_VALUES + 1);
  let size = 1;
  if (Array.isArray(value)) {
    for (const child of value) {
      size += expandedSize(child, memo);
      if (size > MAX_EXPANDED_VALUES) break;
    }
  } else {
    // Own enumerable keys, as Object.values gives them, without an array per mapping.
    for (const key in value) {
      if (!Object.prototype.hasOwnProperty.call(value, key)) continue;
      size += expandedSize((value as Record<string, unknown>)[key], memo);
      if (size > MAX_EXPANDED_VALUES) break;
    }
  }
  memo.set(value, size);
  return size;
}

function parseYaml(file: string, text: string): Parsed {
  const locate = lazyYamlLocator(text);
  try {
    // The plain form of a large models.yaml is read without js-yaml (same value; see plain-yaml.ts).
    const plain = readPlainYaml(text);
    const value = plain ?? loadYaml(text, { schema: CORE_SCHEMA, json: false, filename: file });
    // The plain reader takes no anchors or aliases: its value is exactly as large as its text.
    if (plain === undefined && expandedSize(value) > MAX_EXPANDED_VALUES) {
      const anchor = /(?:^|[\s,[{:-])&[^\s,\]}]/m.exec(text);
      const before = anchor ? text.slice(0, anchor.index + anchor[0].length) : '';
      const line = anchor ? before.split('\n').length : 1;
      const col = anchor ? before.length - before.lastIndexOf('\n') - 1 : 1;
      return {
        value: undefined,
        locate,
        diagnostics: [{ code: 'registry-parse', severity: 'error', file, pointer: '', line, col, message: `not valid here: YAML aliases expand this file to more than ${MAX_EXPANDED_VALUES.toLocaleString('en')} values (nested anchors repeat their content each time they are used)`, hint: 'write the values out instead of nesting anchors and aliases' }],
      };
    }
    return { value: value === undefined ? null : value, locate, diagnostics: [], mayShare: plain === undefined, isSane: plain !== undefined };
  } catch (err) {
    const e = err as YAMLException;
    const reason = e.reason ?? e.message;
    const at = yamlErrorAt(text, e, reason);
    return {
      value: undefined,
      locate,
      diagnostics: [{ code: 'registry-parse', severity: 'error', file, pointer: '', line: at.line, col: at.col, message: `not valid YAML: ${at.message}`, hint: at.hint }],
    };
  }
}

/** Where a js-yaml error is and what to say: the duplicated key by name, a second document at its `---`. */
function yamlErrorAt(text: string, e: YAMLException, reason: string): { line: number; col: number; message: string; hint: string } {
  const line = (e.mark?.line ?? 0) + 1;
  const col = (e.mark?.column ?? 0) + 1;
  if (/duplicated mapping key/.test(reason)) {
    const rest = (text.split('\n')[line - 1] ?? '').slice(col - 1);
    const key = /^(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([^:#]*?))\s*:/.exec(rest);
    const name = key ? (key[1] ?? key[2] ?? key[3] ?? '').trim() : '';
    return { line, col, message: `the key "${name}" is given twice in one mapping`, hint: `remove or rename the second "${name}"` };
  }
  if (/expected a single document/.test(reason)) {
    const lines = text.split('\n');
    const markers = lines.flatMap((l, i) => (/^(?:---|\.\.\.)(?:\s|$)/.test(l) ? [i] : []));
    const isContent = (l: string) => l.trim() !== '' && !l.trimStart().startsWith('#') && !l.startsWith('%');
    // A leading `---` opens the first document; the marker that starts the second is the one to show.
    const first = markers.find((i) => lines.slice(0, i).some(isContent)) ?? markers[1] ?? markers[0] ?? 0;
    return { line: first + 1, col: 1, message: 'a second YAML document starts here: a registry file holds exactly one document', hint: 'remove the "---" (and merge the documents into one mapping)' };
  }
  return { line, col, message: reason, hint: 'fix the YAML syntax at this position' };
}

function parseJsonl(file: string, text: string): Parsed {
  // A byte-order mark is accepted as the YAML reader accepts it.
  const lines = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).split('\n');
  const rows: unknown[] = [];
  const rowLines: number[] = [];
  const diagnostics: Diagnostic[] = [];
  const fail = (i: number, col: number, message: string, hint: string) =>
    diagnostics.push({ code: 'registry-parse', severity: 'error', file, pointer: toPointer([rows.length]), line: i + 1, col, message, hint });
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    // Refused before JSON.parse: a pathological row (a million members) would cost more time and
    // memory than a registry of 10,000 handles. No sound row comes near this size.
    if (line.length > MAX_ROW) {
      diagnostics.push({ code: 'registry-schema', severity: 'error', file, pointer: toPointer([rows.length]), line: i + 1, col: 1, message: `line ${i + 1} is ${line.length.toLocaleString('en')} characters long: a row holds at most ${MAX_ROW.toLocaleString('en')}`, hint: `split it: an ensemble lists at most ${MAX_ITEMS} members` });
      return;
    }
    let row: unknown;
    try {
      row = JSON.parse(line);
    } catch (err) {
      const detail = err instanceof Error ? err.message : String(err);
      const m = /position (\d+)/.exec(detail);
      fail(i, m ? Number(m[1]) + 1 : 1, `line ${i + 1} is not valid JSON: ${detail}`, 'each line of a .jsonl file is one complete JSON object, e.g. {"handle":"mlx-foo"}');
      return;
    }
    // JSON.parse keeps the last of two equal keys without a word: a typo must not vanish.
    const dup = findDuplicateKey(line);
    if (dup) {
      fail(i, dup.index + 1, `line ${i + 1} gives the key "${dup.key}" twice`, `remove or rename the second "${dup.key}"`);
      return;
    }
    rows.push(row);
    rowLines.push(i + 1);
  });
  return { value: rows, locate: jsonlLocator(lines, rowLines), diagnostics };
}

/**
 * The first key given twice in one object of a JSON text that JSON.parse accepted: one linear
 * pass over the characters with a stack of the keys of each open object.
 */
export function findDuplicateKey(json: string): { key: string; index: number } | undefined {
  const stack: (Set<string> | null)[] = [];
  let isKeyNext = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (c === 0x22 /* " */) {
      const start = i;
      let hasEscape = false;
      for (i++; i < json.length && json.charCodeAt(i) !== 0x22; i++) {
        if (json.charCodeAt(i) === 0x5c /* \ */) {
          hasEscape = true;
          i++;
        }
      }
      const keys = stack[stack.length - 1];
      if (isKeyNext && keys) {
        const raw = json.slice(start, i + 1);
        const key = hasEscape ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        if (keys.has(key)) return { key, index: start };
        keys.add(key);
      }
      isKeyNext = false;
    } else if (c === 0x7b /* { */) {
      stack.push(new Set());
      isKeyNext = true;
    } else if (c === 0x5b /* [ */) {
      stack.push(null);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      stack.pop();
    } else if (c === 0x2c /* , */) {
      isKeyNext = stack.length > 0 && stack[stack.length - 1] !== null;
    }
  }
  return undefined;
}

function schemaDiagnostics(file: string, schema: z.ZodType, value: unknown, locate: Locator, isJitless: boolean): Diagnostic[] {
  // Most registries are valid: a yes-only check first, zod (and its issues) for everything else.
  if (surelyValid(schema, value)) return [];
  const result = schema.safeParse(value, { reportInput: true, jitless: isJitless });
  if (result.success) return [];
  const out: Diagnostic[] = [];
  for (const issue of result.error.issues) {
    for (const d of describeIssue(schema, issue)) {
      const pointer = toPointer(d.path);
      const pos = locate(pointer);
      out.push({ code: 'registry-schema', severity: 'error', file, pointer, ...pos, message: d.message, hint: d.hint });
    }
  }
  return out;
}

/**
 * From this size a registry file's schema check uses zod's compiled object parsers. zod builds
 * one per object schema on first use (new Function, which V8's code cache does not keep); on a
 * file of a few hundred values that costs more than it saves (the shipped registry validates
 * ~20 ms sooner without them, `npm run bench`). The result is the same either way.
 */
const JIT_FROM_CHARS = 1_000_000;

/**
 * Parse and schema-check every registry file. `texts` maps a file name to its text, or undefined
 * when the file does not exist. The registry is returned only when every file parsed and passed
 * its schema: rules run on typed data, never on half-checked input.
 */
export function parseRegistry(texts: Partial<Record<RegistryFileName, string>>, dir: string): LoadResult {
  const diagnostics: Diagnostic[] = [];
  const values: Partial<Record<RegistryFileName, unknown>> = {};
  const sources: Partial<Record<RegistryFileName, SourceFile>> = {};
  for (const spec of REGISTRY_FILES) {
    const file = `${dir}/${spec.name}`;
    const text = texts[spec.name];
    if (text === undefined) {
      diagnostics.push({
        code: 'registry-parse',
        severity: 'error',
        file,
        pointer: '',
        message: `${file} does not exist`,
        hint: `every registry has ${REGISTRY_FILES.map((f) => f.name).join(', ')}; copy the missing one from the shipped registry/`,
      });
      continue;
    }
    const parsed = spec.format === 'jsonl' ? parseJsonl(file, text) : parseYaml(file, text);
    sources[spec.name] = { file, text, locate: parsed.locate };
    if (parsed.diagnostics.length) {
      diagnostics.push(...parsed.diagnostics);
      continue;
    }
    const clean = parsed.isSane ? { value: parsed.value, issues: [] } : sanitizeValue(parsed.value, spec.format === 'yaml', parsed.mayShare);
    // A key holding a control character also fails a key pattern: one diagnostic there, the cause.
    const sane = sanitizeDiagnostics(file, clean.issues, parsed.locate);
    const saneAt = new Set(sane.map((d) => d.pointer));
    const schemaDiags = [
      ...sane,
      ...schemaDiagnostics(file, spec.schema, clean.value, parsed.locate, text.length < JIT_FROM_CHARS).filter((d) => !saneAt.has(d.pointer)),
    ];
    diagnostics.push(...schemaDiags);
    if (!schemaDiags.length) values[spec.name] = clean.value;
  }
  if (diagnostics.length) return { diagnostics };
  const registry: Registry = {
    dir,
    sources: sources as Record<RegistryFileName, SourceFile>,
    hosts: (values['hosts.yaml'] as { hosts: Record<string, Host> }).hosts,
    endpoints: (values['endpoints.yaml'] as { endpoints: Record<string, Endpoint> }).endpoints,
    models: (values['models.yaml'] as { models: Record<string, Model> }).models,
    handles: values['handles.jsonl'] as Handle[],
    settings: values['settings.yaml'] as Settings,
    ports: values['ports.lock.yaml'] as PortsLock,
  };
  return { registry, diagnostics };
}
