// A diagnostic at a pointer of a registry file, located to its line and column: the one way every
// check (rules, lock, --against, import's round trip) points a user at the registry.
import type { Code } from '../core/codes.js';
import type { Diagnostic, Severity } from '../core/diagnostic.js';
import type { Registry, RegistryFileName } from './load.js';

export interface At {
  code: Code;
  message: string;
  hint?: string;
  severity?: Severity;
}

export function at(reg: Registry, file: RegistryFileName, pointer: string, d: At): Diagnostic {
  const source = reg.sources[file];
  const pos = source.locate(pointer);
  return { severity: d.severity ?? 'error', file: source.file, pointer, ...pos, code: d.code, message: d.message, hint: d.hint };
}
