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

/** A copy of `value` with null-prototype records, and the issues found on the way. */
export function sanitizeValue(value: unknown, isYaml: boolean): { value: unknown; issues: SanitizeIssue[] } {
  const issues: SanitizeIssue[] = [];
  // Recursion only follows nesting (a few levels in any registry); a long array is a loop, and a
  // scalar child gets its path only when it is reported.
  const walk = (node: unknown, path: (string | number)[]): unknown => {
    if (typeof node === 'string') {
      if (node.length > MAX_STRING) {
        issues.push({ code: 'registry-schema', path, message: `the string is ${node.length.toLocaleString('en')} characters long: at most ${MAX_STRING}`, hint: 'shorten it: no name, path or reason in a registry needs more' });
        return node;
      }
      if (CONTROL.test(node)) {
        issues.push({ code: 'registry-schema', path, message: `the string holds a control character (${describeControl(node)})`, hint: 'remove it: registry strings are single-line text without control characters' });
      }
      return node;
    }
    if (Array.isArray(node)) {
      if (path.length > 0 && node.length > MAX_ITEMS) {
        issues.push({ code: 'registry-schema', path, message: `the list has ${node.length.toLocaleString('en')} items: at most ${MAX_ITEMS}`, hint: 'no ensemble, argument list or storage list needs more; split it' });
        return [];
      }
      const out = new Array<unknown>(node.length);
      for (let i = 0; i < node.length; i++) {
        const item = node[i];
        out[i] = typeof item === 'object' && item !== null ? walk(item, [...path, i]) : typeof item === 'string' && isSuspect(item) ? walk(item, [...path, i]) : item;
      }
      return out;
    }
    if (typeof node === 'object' && node !== null) {
      // Built as {} and given its null prototype after: V8 keeps such an object in fast mode,
      // while Object.create(null) starts a hash-table object that every later walk (schema,
      // rules) reads slower. '__proto__', the one key {} would treat specially, is refused below.
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(node)) {
        const child = (node as Record<string, unknown>)[key];
        if (key === '__proto__') {
          issues.push({ code: 'registry-schema', path: [...path, key], message: 'the key "__proto__" cannot be a name (JavaScript reserves it)', hint: 'rename it: names are kebab-case, e.g. "proto"' });
          continue;
        }
        if (isYaml && key === '<<') {
          issues.push({ code: 'registry-parse', path: [...path, key], message: 'YAML merge keys ("<<: *anchor") are not supported: the registry is read with the YAML 1.2 core schema, where "<<" is an ordinary key', hint: 'write the keys out in full (an anchor and alias without "<<" still work for whole values)' });
          continue;
        }
        if (key.length > MAX_STRING) {
          issues.push({ code: 'registry-schema', path: [...path, key.slice(0, 40)], message: `a key is ${key.length.toLocaleString('en')} characters long: at most ${MAX_STRING}`, hint: 'shorten it' });
          continue;
        }
        if (CONTROL.test(key)) {
          issues.push({ code: 'registry-schema', path: [...path, key], message: `the key ${JSON.stringify(key)} holds a control character (${describeControl(key)})`, hint: 'remove it: keys are names without control characters' });
        }
        out[key] = typeof child === 'object' && child !== null ? walk(child, [...path, key]) : typeof child === 'string' && isSuspect(child) ? walk(child, [...path, key]) : child;
      }
      return Object.setPrototypeOf(out, null) as Record<string, unknown>;
    }
    return node;
  };
  return { value: walk(value, []), issues };
}

export function sanitizeDiagnostics(file: string, issues: SanitizeIssue[], locate: (pointer: string) => { line: number; col: number } | undefined): Diagnostic[] {
  return issues.map((i) => {
    const pointer = toPointer(i.path);
    return { code: i.code, severity: 'error' as const, file, pointer, ...locate(pointer), message: i.message, hint: i.hint };
  });
}
