// Source locations for RFC 6901 pointers: a rule reports a pointer, the loader's locator turns it
// into line and column. Locators work lazily so that a sound registry pays nothing for them.
import { createRequire } from 'node:module';
import type { Document, LineCounter, Node } from 'yaml';
import { parsePointer } from '../validate/diagnostic.js';

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
 * so `rowLines` maps row → line). The column inside the line comes from parsing that one line
 * as YAML (JSON is YAML flow), only when a diagnostic asks for it.
 */
export function jsonlLocator(lines: readonly string[], rowLines: readonly number[]): Locator {
  return (pointer) => {
    const [rowSeg, ...rest] = parsePointer(pointer);
    if (rowSeg === undefined) return { line: 1, col: 1 };
    const row = Number(rowSeg);
    const line = rowLines[row];
    if (line === undefined) return undefined;
    const text = lines[line - 1] ?? '';
    // A whole row (the pointer of most handle diagnostics) starts where its line does: no parse.
    if (!rest.length) return { line, col: text.search(/\S|$/) + 1 };
    const lineCounter = new (lib().LineCounter)();
    const doc = lib().parseDocument(text, { lineCounter });
    const offset = doc.errors.length ? undefined : findOffset(doc, rest);
    return { line, col: (offset ?? text.search(/\S|$/)) + 1 };
  };
}
