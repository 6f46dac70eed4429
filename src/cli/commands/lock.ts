import { join } from 'node:path';
import { planLock } from '../../app/lock.js';
import { writeFileAtomic } from '../../io/outputs.js';
import { loadRegistry } from '../../registry/read.js';
import { printDiagnostics } from '../report.js';

export interface LockOptions {
  registry: string;
}

/** Append new port assignments to ports.lock.yaml; refuse (and write nothing) on an undeclared move. */
export async function lockCmd(o: LockOptions): Promise<number> {
  const loaded = await loadRegistry(o.registry);
  if (!loaded.registry) {
    printDiagnostics(loaded.diagnostics, 'text');
    return 1;
  }
  const plan = planLock(loaded.registry);
  if (plan.refused.length) {
    printDiagnostics(plan.refused, 'text');
    process.stderr.write('lock: nothing written.\n');
    return 1;
  }
  for (const p of plan.added) process.stdout.write(`locked ${p.host}:${p.port} ${p.service}\n`);
  for (const r of plan.reserved) process.stdout.write(`reserved ${r.host}:${r.port} (${r.reason})\n`);
  if (!plan.added.length && !plan.reserved.length) {
    process.stdout.write('lock: the ledger already holds every port.\n');
    return 0;
  }
  await writeFileAtomic(join(o.registry, 'ports.lock.yaml'), plan.text);
  return 0;
}
