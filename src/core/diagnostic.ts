// Diagnostics are data: every check returns them, nothing throws for bad input.
import type { Code } from './codes.js';

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
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function compare(a: Diagnostic, b: Diagnostic): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  const la = a.line ?? 0;
  const lb = b.line ?? 0;
  if (la !== lb) return la - lb;
  if (a.code !== b.code) return a.code < b.code ? -1 : 1;
  if (a.pointer !== b.pointer) return a.pointer < b.pointer ? -1 : 1;
  if (a.message !== b.message) return a.message < b.message ? -1 : 1;
  return 0;
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
