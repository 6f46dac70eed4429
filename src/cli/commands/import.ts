import { importRegistry, type ImportOptions } from '../../app/import.js';
import { UsageError } from '../../core/errors.js';
import { hasErrors } from '../../core/diagnostic.js';
import { printDiagnostics } from '../report.js';
import type { Format } from '../defaults.js';
import { colorFor } from '../report.js';

/** Read a hand-written mesh, write a registry, then validate it: exit 1 when either finds errors. */
export async function importCmd(o: ImportOptions & { format: Format }): Promise<number> {
  let r: Awaited<ReturnType<typeof importRegistry>>;
  try {
    r = await importRegistry(o);
  } catch (err) {
    // --format json promises one JSON document whatever the exit code.
    if (!(err instanceof UsageError) || o.format === 'text') throw err;
    printDiagnostics([{ code: 'usage-error', severity: 'error', file: '', pointer: '', message: err.message }], o.format);
    return 2;
  }
  const all = [...r.importDiagnostics, ...r.validateDiagnostics];
  if (o.format !== 'text') {
    printDiagnostics(all, o.format);
    // As in text: nothing written (an input that cannot be read) is 2, a written mesh with errors 1.
    return !r.written ? 2 : hasErrors(all) ? 1 : 0;
  }
  const c = colorFor(process.stderr);
  if (r.importDiagnostics.length) process.stderr.write(`${c.bold('import:')} what could not be carried over as it was\n`);
  printDiagnostics(r.importDiagnostics, 'text');
  if (!r.written) {
    process.stderr.write('import: nothing written: fix the errors above.\n');
    return 2;
  }
  process.stdout.write(`${c.green('wrote')} ${r.out}/ (hosts.yaml, endpoints.yaml, models.yaml, handles.jsonl, settings.yaml, ports.lock.yaml)\n`);
  if (r.unsupported.length) process.stdout.write(`${r.unsupported.length} public name(s) not served as before: ${[...new Set(r.unsupported.map((u) => u.name))].join(', ')}\n`);
  process.stderr.write(`${c.bold('validate:')} problems of the imported mesh\n`);
  printDiagnostics(r.validateDiagnostics, 'text');
  if (!r.validateDiagnostics.length) process.stderr.write('validate: no problems.\n');
  return hasErrors(all) ? 1 : 0;
}
