// Diagnostics are data: every check returns them, nothing throws for bad input.
import type { Code } from './codes.js';
import { compareStrings } from './order.js';

/** `accepted`: a warning that settings.yaml `accept` covers (shown, never failing). */
export type Severity = 'error' | 'warning' | 'accepted';

export interface Diagnostic {
  /** kebab-case: a rule's is the name of its source file; docs/rules.md explains each. */
  code: Code;
  severity: Severity;
  /** Repo-relative POSIX path: 'registry/endpoints.yaml'. */
  file: string;
  /** RFC 6901 pointer into that file: '/endpoints/ep_mlx_8100/port'. */
  pointer: string;
  line?: number;
  col?: number;
  /** The fact, with the offending value. */
  message: string;
  /** The fix. */
  hint?: string;
}

export function escapePointerSegment(segment: string | number): string {
  const s = String(segment);
  // Most segments (names, indexes) hold neither character: no regex run, no copy.
  return s.includes('~') || s.includes('/') ? s.replace(/~/g, '~0').replace(/\//g, '~1') : s;
}

export function toPointer(path: ReadonlyArray<string | number | symbol>): string {
  let pointer = '';
  for (const segment of path) pointer += '/' + escapePointerSegment(String(segment));
  return pointer;
}

export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  // As in escapePointerSegment: a segment without '~' (most) is its own text.
  return pointer
    .slice(1)
    .split('/')
    .map((s) => (s.includes('~') ? s.replace(/~1/g, '/').replace(/~0/g, '~') : s));
}

function compare(a: Diagnostic, b: Diagnostic): number {
  return (
    compareStrings(a.file, b.file) ||
    (a.line ?? 0) - (b.line ?? 0) ||
    compareStrings(a.code, b.code) ||
    compareStrings(a.pointer, b.pointer) ||
    compareStrings(a.message, b.message)
  );
}

/** De-duplicate and sort by file → line → code → pointer (Spectral's order). */
export function normalizeDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  const out: Diagnostic[] = [];
  for (const d of diagnostics) {
    const key = `${d.file}\0${d.pointer}\0${d.code}\0${d.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(d);
  }
  return out.sort(compare);
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
