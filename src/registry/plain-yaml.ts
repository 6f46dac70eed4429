// A reader for the plainest YAML a registry file is written in: nested block mappings of
// `key: value` lines, plain scalars only. models.yaml of 10,000 handles is 54,000 such lines,
// and js-yaml's general reader took a tenth of validate's time on it. Anything else in the text
// (quotes, flow collections, sequences, anchors, tags, comments after a value, a multi-line
// scalar, a tab, a duplicated key, a key without a value, non-ASCII) makes this reader decline,
// and the caller reads the file with js-yaml as before: for what it accepts, the value is the
// one js-yaml (YAML 1.2 core schema) builds, as test/plain-yaml.test.ts checks on random texts.
// It is also already what the sanitizing walk (sanitize.ts) makes of that value: null-prototype
// records, and nothing the walk refuses (a control character, `__proto__`, `<<` or a string over
// MAX_STRING make it decline), so the loader skips the walk for it.
import { MAX_STRING } from './sanitize.js';

/** Plain scalars the core schema reads as null or a boolean; the only non-strings LINE's words can be. */
const NOT_STRING = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE']);

/** Anything but printable ASCII and line feeds: a tab, CR, BOM, control or non-ASCII character. */
const NOT_PLAIN_TEXT = /[^\x20-\x7e\n]/;

interface Open {
  indent: number;
  map: Record<string, unknown>;
}

// Character classes of the one line form `<spaces><key>:` or `<spaces><key>: <value>`, where a
// key is [A-Za-z_][A-Za-z0-9_.-]* and a value is [A-Za-z_/][A-Za-z0-9_./@+-]* or a decimal
// 0 | [1-9][0-9]{0,14}: what else a plain scalar may be (quotes, numbers in other bases, a
// `:` or `#` inside, trailing spaces) is js-yaml's to read.
const isLetter = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95; // A-Z a-z _
const isDigit = (c: number) => c >= 48 && c <= 57;
const isKeyChar = (c: number) => isLetter(c) || isDigit(c) || c === 46 || c === 45; // . -
const isValueChar = (c: number) => isKeyChar(c) || c === 47 || c === 64 || c === 43; // / @ +

/** A mapping as the sanitizing walk leaves it: no prototype, so no name can reach one of its members. */
function record(): Record<string, unknown> {
  return Object.setPrototypeOf({}, null) as Record<string, unknown>;
}

/**
 * The value js-yaml would read from `text` after the sanitizing walk, or undefined when the text
 * is not of this plain form.
 */
export function readPlainYaml(text: string): Record<string, unknown> | undefined {
  if (NOT_PLAIN_TEXT.test(text)) return undefined;
  const root = record();
  const stack: Open[] = [];
  /** A key whose value is the mapping on the next lines. */
  let pending: { parent: Open; key: string } | undefined;
  const n = text.length;
  let i = 0;
  while (i < n) {
    let end = text.indexOf('\n', i);
    if (end < 0) end = n;
    const lineStart = i;
    // No key or value longer than the walk allows (a line holds both).
    if (end - lineStart > MAX_STRING) return undefined;
    while (i < end && text.charCodeAt(i) === 32) i++;
    const indent = i - lineStart;
    // Blank lines and whole-line comments say nothing.
    if (i === end || text.charCodeAt(i) === 35 /* # */) {
      i = end + 1;
      continue;
    }
    const keyStart = i;
    if (!isLetter(text.charCodeAt(i))) return undefined;
    for (i++; i < end && isKeyChar(text.charCodeAt(i)); i++);
    if (i === end || text.charCodeAt(i) !== 58 /* : */) return undefined;
    const key = text.slice(keyStart, i);
    if (NOT_STRING.has(key) || key === '__proto__') return undefined;
    i++;
    let value: string | number | undefined;
    if (i < end) {
      if (text.charCodeAt(i) !== 32 || i + 1 === end) return undefined;
      const valueStart = ++i;
      const c = text.charCodeAt(i);
      if (isDigit(c)) {
        for (i++; i < end && isDigit(text.charCodeAt(i)); i++);
        if (i !== end || (c === 48 && end - valueStart > 1) || end - valueStart > 15) return undefined;
        value = Number(text.slice(valueStart, end));
      } else {
        if (!isLetter(c) && c !== 47) return undefined;
        for (i++; i < end && isValueChar(text.charCodeAt(i)); i++);
        if (i !== end) return undefined;
        value = text.slice(valueStart, end);
        if (NOT_STRING.has(value)) return undefined;
      }
    }
    i = end + 1;
    let open: Open;
    if (pending) {
      // The first line of a nested mapping sets its indentation, deeper than its key's.
      if (indent <= pending.parent.indent) return undefined;
      open = { indent, map: record() };
      pending.parent.map[pending.key] = open.map;
      stack.push(open);
      pending = undefined;
    } else if (stack.length === 0) {
      if (indent !== 0) return undefined;
      open = { indent, map: root };
      stack.push(open);
    } else {
      while (stack.length && stack[stack.length - 1]!.indent > indent) stack.pop();
      if (!stack.length || stack[stack.length - 1]!.indent !== indent) return undefined;
      open = stack[stack.length - 1]!;
    }
    if (Object.prototype.hasOwnProperty.call(open.map, key)) return undefined;
    if (value === undefined) pending = { parent: open, key };
    else open.map[key] = value;
  }
  // A key without a value is null in YAML: left to js-yaml, as is an empty text.
  if (pending || stack.length === 0) return undefined;
  return root;
}
