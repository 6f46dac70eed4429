import { checkRegistry } from '../../app/check.js';
import { writeOutputs } from '../../io/outputs.js';
import { hasErrors } from '../../validate/diagnostic.js';
import { colorFor, printDiagnostics } from '../report.js';

export interface CompileOptions {
  registry: string;
  out: string;
  check?: boolean;
}

/** Validate, then write every output; --check writes nothing and lists what would change. */
export async function compileCmd(o: CompileOptions): Promise<number> {
  const result = await checkRegistry(o.registry, o.out);
  // Drift is what compile fixes, so it is no reason to refuse writing.
  // Accepted trade-offs are validate's to list; compile only counts them.
  const blocking = result.diagnostics.filter((d) => d.code !== 'generated-drift' && d.severity !== 'accepted');
  printDiagnostics(blocking, 'text');
  const accepted = result.diagnostics.length - blocking.length - result.diagnostics.filter((d) => d.code === 'generated-drift').length;
  if (accepted) process.stderr.write(`compile: ${accepted} accepted trade-off${accepted === 1 ? '' : 's'} (listed by \`homelab validate\`).\n`);
  if (!result.registry || hasErrors(blocking)) {
    process.stderr.write('compile: nothing written: fix the errors above.\n');
    return 1;
  }
  const drift = result.diagnostics.filter((d) => d.code === 'generated-drift');
  const c = colorFor(process.stdout);
  if (o.check) {
    for (const d of drift) process.stdout.write(`${c.yellow('would change')} ${d.file}: ${d.message}\n`);
    process.stdout.write(drift.length ? `${drift.length} file(s) differ from the registry; run \`homelab compile\`.\n` : `${result.files.length} files up to date.\n`);
    return drift.length ? 1 : 0;
  }
  const report = await writeOutputs(o.out, result.files, result.generated!);
  for (const p of report.written) process.stdout.write(`${c.green('wrote')} ${result.generated!.dir}/${p}\n`);
  for (const p of report.removed) process.stdout.write(`${c.yellow('removed')} ${result.generated!.dir}/${p}\n`);
  process.stdout.write(`${report.written.length} written, ${report.removed.length} removed, ${report.unchanged} unchanged.\n`);
  return 0;
}
