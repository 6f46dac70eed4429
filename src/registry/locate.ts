// Source locations for RFC 6901 pointers: a rule reports a pointer, the loader's locator turns it
// into line and column. Locators work lazily so that a sound registry pays nothing for them.
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node } from 'yaml';
import { parsePointer } from '../core/diagnostic.js';

export interface Position {
  line: number;
  col: number;
}

export type Locator = (pointer: string) => Position | undefined;

// The yaml library (node tree with source ranges) is needed only when a diagnostic asks for a
// line; loading it costs about a tenth of a sound registry's validate, so it is required on first use.
type YamlLib = typeof import('yaml');
let yamlLib: YamlLib | undefined;
function lib(): YamlLib {
  return (yamlLib ??= createRequire(import.meta.url)('yaml') as YamlLib);
}

function keyOf(node: unknown): string | undefined {
  const { isScalar } = lib();
  if (isScalar(node)) return String(node.value);
  return undefined;
}

/**
 * Walk a YAML document along a pointer. Lands on the deepest node that exists, so a missing key
 * points at its parent. A collection value is reported at its key (the line a reader looks at).
 */
function findOffset(doc: Document, segments: string[]): number | undefined {
  const { isCollection, isMap, isPair, isSeq } = lib();
  let node: unknown = doc.contents;
  let offset: number | undefined = (doc.contents as Node | null)?.range?.[0];
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && keyOf(p.key) === seg);
      if (!pair) break;
      const keyStart = (pair.key as Node | null)?.range?.[0];
      const value = pair.value as Node | null;
      if (value && !isCollection(value) && value.range) offset = value.range[0];
      else if (value && isCollection(value) && value.flow && value.range) offset = value.range[0];
      else offset = keyStart ?? offset;
      node = value;
    } else if (isSeq(node)) {
      const index = Number(seg);
      const item = Number.isInteger(index) ? (node.items[index] as Node | undefined) : undefined;
      if (!item) break;
      if (item.range) offset = item.range[0];
      node = item;
    } else {
      break;
    }
  }
  return offset;
}

/** A locator that parses the text into the yaml library's node tree on its first use only. */
export function lazyYamlLocator(text: string): Locator {
  let locate: Locator | undefined;
  return (pointer) => {
    if (!locate) {
      const lineCounter = new (lib().LineCounter)();
      locate = yamlLocator(lib().parseDocument(text, { lineCounter, uniqueKeys: false }), lineCounter);
    }
    return locate(pointer);
  };
}

function yamlLocator(doc: Document, lineCounter: LineCounter): Locator {
  return (pointer) => {
    const offset = findOffset(doc, parsePointer(pointer));
    if (offset === undefined) return undefined;
    return lineCounter.linePos(offset);
  };
}

/**
 * JSONL: pointer /<row>/... — the row is a physical line (blank lines are skipped by the loader,
 * so `rowLines` maps row → line). The column inside the line comes from a small scan of that
 * one JSON text, only when a diagnostic asks for it: linear in the line, however long it is.
 */
export function jsonlLocator(lines: readonly string[], rowLines: readonly number[]): Locator {
  return (pointer) => {
    // A whole row ("/12", what most row rules point at): its first non-blank character, without
    // splitting the pointer (a validate of 10,000 handles locates thousands of these).
    if (ROW_POINTER.test(pointer)) {
      const line = rowLines[Number(pointer.slice(1))];
      return line === undefined ? undefined : { line, col: skipBlanks(lines[line - 1] ?? '', 0) + 1 };
    }
    const [rowSeg, ...rest] = parsePointer(pointer);
    if (rowSeg === undefined) return { line: 1, col: 1 };
    const row = Number(rowSeg);
    const line = rowLines[row];
    if (line === undefined) return undefined;
    const text = lines[line - 1] ?? '';
    return { line, col: jsonValueOffset(text, rest) + 1 };
  };
}

const ROW_POINTER = /^\/(?:0|[1-9][0-9]{0,8})$/;

/** The offset of the first character from `i` on that is no JSON whitespace. */
function skipBlanks(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\r' || text[i] === '\n')) i++;
  return i;
}

/**
 * Offset of the value at `segments` in a JSON text that JSON.parse accepted; where a segment does
 * not exist, the offset of the deepest value that does (a missing key points at its object).
 */
export function jsonValueOffset(text: string, segments: readonly string[]): number {
  let i = 0;
  const ws = () => {
    i = skipBlanks(text, i);
  };
  const skipString = () => {
    for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    i++;
  };
  const skipValue = () => {
    ws();
    const c = text[i];
    if (c === '"') return skipString();
    if (c !== '{' && c !== '[') {
      while (i < text.length && !',}] \t\r\n'.includes(text[i]!)) i++;
      return;
    }
    let depth = 0;
    while (i < text.length) {
      const d = text[i]!;
      if (d === '"') {
        skipString();
        continue;
      }
      if (d === '{' || d === '[') depth++;
      else if (d === '}' || d === ']') {
        depth--;
        if (depth === 0) {
          i++;
          return;
        }
      }
      i++;
    }
  };
  ws();
  let best = i;
  for (const seg of segments) {
    ws();
    if (text[i] === '{') {
      i++;
      let isFound = false;
      for (;;) {
        ws();
        if (text[i] !== '"') break;
        const start = i;
        skipString();
        const key = JSON.parse(text.slice(start, i)) as string;
        ws();
        i++; // ':'
        ws();
        if (key === seg) {
          isFound = true;
          break;
        }
        skipValue();
        ws();
        if (text[i] !== ',') break;
        i++;
      }
      if (!isFound) return best;
    } else if (text[i] === '[') {
      i++;
      const n = Number(seg);
      if (!Number.isInteger(n) || n < 0) return best;
      for (let k = 0; k < n; k++) {
        ws();
        if (text[i] === ']') return best;
        skipValue();
        ws();
        if (text[i] !== ',') return best;
        i++;
      }
      ws();
      if (text[i] === ']') return best;
    } else {
      return best;
    }
    best = i;
  }
  return best;
}
