import { checkRegistry } from '../../app/check.js';
import { hasErrors, normalizeDiagnostics } from '../../core/diagnostic.js';
import { printDiagnostics } from '../report.js';
import type { Format } from '../defaults.js';

export interface ValidateOptions {
  registry: string;
  out: string;
  format: Format;
  against?: string;
}

/** Every rule over the registry and generated/; --against also compares ports and handles with a git ref. */
export async function validateCmd(o: ValidateOptions): Promise<number> {
  const result = await checkRegistry(o.registry, o.out);
  let diagnostics = result.diagnostics;
  if (o.against && result.registry) {
    diagnostics = normalizeDiagnostics([...diagnostics, ...(await (await import('../../app/against.js')).compareWithRef(result.registry, o.registry, o.against))]);
  }
  printDiagnostics(diagnostics, o.format);
  if (o.format === 'text' && !diagnostics.length) process.stderr.write('validate: no problems.\n');
  return hasErrors(diagnostics) ? 1 : 0;
}
