// One walk over every parsed registry value, before the schema sees it:
// - every mapping becomes a null-prototype record, so a lookup by name (`hosts[name]`) can never
//   reach a JavaScript prototype member: `constructor`, `toString` or `hasOwnProperty` as a name
//   behave like any other name;
// - a `__proto__` key is refused: zod's record skips it (its value would go unchecked) and
//   assigning it sets a prototype;
// - no key or string may hold a control character: values end up in systemd units, env files
//   and YAML, where a line break starts a new directive;
// - a YAML merge key (`<<`) is named for what it is (the core schema reads it as a plain key);
// - no string is longer than MAX_STRING and no list longer than MAX_ITEMS (the rows of
//   handles.jsonl aside): a pathological row is refused here, before schema and rules spend time
//   and memory on it (a million ensemble members would otherwise cost more than 10,000 handles).
import type { Diagnostic } from '../core/diagnostic.js';
import { toPointer } from '../core/diagnostic.js';

/** C0 controls (tab and line breaks included), DEL, C1 controls (NEL), and the Unicode line and
 *  paragraph separators, which YAML 1.1 readers such as PyYAML treat as line breaks. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/** Longer than any path, name, URL or reason a registry needs (PATH_MAX is 4096). */
export const MAX_STRING = 4096;
/** More members, arguments or storage roots than any mesh has. */
export const MAX_ITEMS = 1000;

export interface SanitizeIssue {
  code: 'registry-parse' | 'registry-schema';
  path: (string | number)[];
  message: string;
  hint: string;
}

function describeControl(text: string): string {
  const i = text.search(CONTROL);
  const c = text.charCodeAt(i);
  const names: Record<number, string> = { 0: 'NUL', 9: 'tab', 10: 'line feed', 13: 'carriage return', 0x85: 'next line', 0x2028: 'line separator', 0x2029: 'paragraph separator' };
  return `U+${c.toString(16).toUpperCase().padStart(4, '0')}${names[c] ? ` ${names[c]}` : ''} at character ${i + 1}`;
}

/** A string the walk must look at closer: too long, or holding a control character. */
function isSuspect(text: string): boolean {
  return text.length > MAX_STRING || CONTROL.test(text);
}

/** Where the walk is: a chain of keys, made into a path only for a value it reports. */
type Trail = { up: Trail; key: string | number } | undefined;

function pathOf(trail: Trail, last?: string | number): (string | number)[] {
  const path: (string | number)[] = last === undefined ? [] : [last];
  for (let t = trail; t; t = t.up) path.push(t.key);
  return path.reverse();
}

/**
 * `value` (a parser's fresh result, changed in place: no copy of a large registry) with
 * null-prototype records and without the keys it refuses, and the issues found on the way.
 * `mayShare`: one object may sit at several places (a YAML alias). The first walk of it changes it,
 * so a later place gets that walk's result and its issues again under its own path, as if the
 * place held a copy.
 */
export function sanitizeValue(value: unknown, isYaml: boolean, mayShare = false): { value: unknown; issues: SanitizeIssue[] } {
  const issues: SanitizeIssue[] = [];
  const string = (text: string, trail: Trail, key?: string | number): void => {
    if (text.length > MAX_STRING) {
      issues.push({ code: 'registry-schema', path: pathOf(trail, key), message: `the string is ${text.length.toLocaleString('en')} characters long: at most ${MAX_STRING}`, hint: 'shorten it: no name, path or reason in a registry needs more' });
    } else if (CONTROL.test(text)) {
      issues.push({ code: 'registry-schema', path: pathOf(trail, key), message: `the string holds a control character (${describeControl(text)})`, hint: 'remove it: registry strings are single-line text without control characters' });
    }
  };
  const seen = mayShare ? new Map<object, { result: unknown; from: number; to: number; depth: number }>() : undefined;
  const depthOf = (trail: Trail) => {
    let n = 0;
    for (let t = trail; t; t = t.up) n++;
    return n;
  };
  const walk = (node: object, trail: Trail): unknown => {
    if (!seen) return walkOnce(node, trail);
    const known = seen.get(node);
    if (known) {
      const prefix = pathOf(trail);
      for (let i = known.from; i < known.to; i++) issues.push({ ...issues[i]!, path: [...prefix, ...issues[i]!.path.slice(known.depth)] });
      return known.result;
    }
    const from = issues.length;
    const result = walkOnce(node, trail);
    seen.set(node, { result, from, to: issues.length, depth: depthOf(trail) });
    return result;
  };
  // Recursion only follows nesting (a few levels in any registry); a long array is a loop.
  const walkOnce = (node: object, trail: Trail): unknown => {
    if (Array.isArray(node)) {
      if (trail !== undefined && node.length > MAX_ITEMS) {
        issues.push({ code: 'registry-schema', path: pathOf(trail), message: `the list has ${node.length.toLocaleString('en')} items: at most ${MAX_ITEMS}`, hint: 'no ensemble, argument list or storage list needs more; split it' });
        return [];
      }
      for (let i = 0; i < node.length; i++) {
        const item: unknown = node[i];
        if (typeof item === 'object' && item !== null) node[i] = walk(item, { up: trail, key: i });
        else if (typeof item === 'string' && isSuspect(item)) string(item, trail, i);
      }
      return node;
    }
    const record = node as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      const child = record[key];
      if (key === '__proto__') {
        issues.push({ code: 'registry-schema', path: pathOf(trail, key), message: 'the key "__proto__" cannot be a name (JavaScript reserves it)', hint: 'rename it: names are kebab-case, e.g. "proto"' });
        delete record[key];
        continue;
      }
      if (isYaml && key === '<<') {
        issues.push({ code: 'registry-parse', path: pathOf(trail, key), message: 'YAML merge keys ("<<: *anchor") are not supported: the registry is read with the YAML 1.2 core schema, where "<<" is an ordinary key', hint: 'write the keys out in full (an anchor and alias without "<<" still work for whole values)' });
        delete record[key];
        continue;
      }
      if (key.length > MAX_STRING) {
        issues.push({ code: 'registry-schema', path: pathOf(trail, key.slice(0, 40)), message: `a key is ${key.length.toLocaleString('en')} characters long: at most ${MAX_STRING}`, hint: 'shorten it' });
        delete record[key];
        continue;
      }
      if (CONTROL.test(key)) {
        issues.push({ code: 'registry-schema', path: pathOf(trail, key), message: `the key ${JSON.stringify(key)} holds a control character (${describeControl(key)})`, hint: 'remove it: keys are names without control characters' });
      }
      if (typeof child === 'object' && child !== null) record[key] = walk(child, { up: trail, key });
      else if (typeof child === 'string' && isSuspect(child)) string(child, trail, key);
    }
    // The parser built each mapping as {}: given its null prototype now, V8 keeps it in fast mode
    // (Object.create(null) would start a hash-table object that every later walk reads slower).
    return Object.setPrototypeOf(record, null) as Record<string, unknown>;
  };
  if (typeof value === 'object' && value !== null) return { value: walk(value, undefined), issues };
  if (typeof value === 'string' && isSuspect(value)) string(value, undefined);
  return { value, issues };
}

export function sanitizeDiagnostics(file: string, issues: SanitizeIssue[], locate: (pointer: string) => { line: number; col: number } | undefined): Diagnostic[] {
  return issues.map((i) => {
    const pointer = toPointer(i.path);
    return { code: i.code, severity: 'error' as const, file, pointer, ...locate(pointer), message: i.message, hint: i.hint };
  });
}
