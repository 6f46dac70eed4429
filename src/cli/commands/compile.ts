import { checkRegistry, type CheckResult } from '../../app/check.js';
import { withCompileLock, writeOutputs } from '../../io/outputs.js';
import { hasErrors } from '../../core/diagnostic.js';
import { colorFor, printDiagnostics } from '../report.js';

export interface CompileOptions {
  registry: string;
  out: string;
  check?: boolean;
}

/** Validate, then write every output (holding --out's compile lock); --check writes nothing and lists what would change. */
export async function compileCmd(o: CompileOptions): Promise<number> {
  const onWait = (pid: number) => process.stderr.write(`compile: waiting for another compile (pid ${pid}) writing to ${o.out}…\n`);
  return o.check ? check(o) : withCompileLock(o.out, () => write(o), { onWait });
}

/** Load and validate; drift is what compile fixes, so it is no reason to refuse. */
async function validated(o: CompileOptions): Promise<CheckResult | undefined> {
  const result = await checkRegistry(o.registry, o.out);
  // Accepted trade-offs are validate's to list; compile only counts them.
  const blocking = result.diagnostics.filter((d) => d.code !== 'generated-drift' && d.severity !== 'accepted');
  printDiagnostics(blocking, 'text');
  const accepted = result.diagnostics.filter((d) => d.severity === 'accepted').length;
  if (accepted) process.stderr.write(`compile: ${accepted} accepted trade-off${accepted === 1 ? '' : 's'} (listed by \`homelab validate\`).\n`);
  if (result.registry && !hasErrors(blocking)) return result;
  process.stderr.write('compile: nothing written: fix the errors above.\n');
  return undefined;
}

async function write(o: CompileOptions): Promise<number> {
  const result = await validated(o);
  if (!result) return 1;
  const r = await writeOutputs(o.out, result.files, result.generated!);
  const c = colorFor(process.stdout);
  const dir = result.generated!.dir;
  for (const w of r.warnings) process.stderr.write(`${c.yellow('warning')} ${w}\n`);
  for (const p of r.written) process.stdout.write(`${c.green('wrote')} ${dir}/${p}\n`);
  for (const p of r.removed) process.stdout.write(`${c.yellow('removed')} ${dir}/${p}\n`);
  for (const k of r.kept) process.stdout.write(`${c.yellow('kept')} ${dir}/${k.path}: no longer produced, but ${k.reason}\n`);
  process.stdout.write(`${r.written.length} written, ${r.removed.length} removed, ${r.unchanged} unchanged${r.kept.length ? `, ${r.kept.length} kept` : ''}.\n`);
  return 0;
}

async function check(o: CompileOptions): Promise<number> {
  const result = await validated(o);
  if (!result) return 1;
  const drift = result.diagnostics.filter((d) => d.code === 'generated-drift' && d.severity === 'error');
  const c = colorFor(process.stdout);
  for (const d of drift) process.stdout.write(`${c.yellow('would change')} ${d.file}: ${d.message}\n`);
  process.stdout.write(drift.length ? `${drift.length} file(s) differ from the registry; run \`homelab compile\`.\n` : `${result.files.length} files up to date.\n`);
  return drift.length ? 1 : 0;
}
