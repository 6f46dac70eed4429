import { deploy, isPrepared, observe, prepareSync, writeLocal } from '../../app/sync-gateway.js';
import { renderPlan } from '../../deploy/plan.js';
import { UsageError } from '../../errors.js';
import { confirm } from '../confirm.js';
import { colorFor, printDiagnostics } from '../report.js';
import { renderSyncReport } from '../../app/sync-report.js';

export interface SyncGatewayOptions {
  registry: string;
  out: string;
  mlxRegistry?: string;
  plan?: boolean;
  offline?: boolean;
  yes?: boolean;
  prune?: boolean;
  routeViaOptillm?: boolean;
  timeout: string;
}

/** MLX registry → registry → validate → compile → plan → (confirm) → apply over ssh → write locally. */
export async function syncGatewayCmd(o: SyncGatewayOptions): Promise<number> {
  const timeoutS = Number(o.timeout);
  if (!Number.isFinite(timeoutS) || timeoutS <= 0) throw new UsageError(`--timeout takes seconds, got "${o.timeout}"`);
  const prepared = await prepareSync({ registryDir: o.registry, outDir: o.out, mlxRegistry: o.mlxRegistry, isPrune: !!o.prune, routeViaOptillm: o.routeViaOptillm !== false });
  printDiagnostics(prepared.diagnostics, 'text');
  if (!isPrepared(prepared)) {
    process.stderr.write('sync-gateway: stopped before deploying: fix the errors above.\n');
    return 1;
  }
  const c = colorFor(process.stdout);
  process.stdout.write(renderSyncReport(prepared, c) + '\n\n');
  if (o.offline && !o.plan) throw new UsageError('--offline only plans: use it with --plan');
  const observed = await observe(prepared, o.out, !!o.plan, !!o.offline);
  if (observed.note) process.stderr.write(`${c.yellow('note:')} ${observed.note}\n`);
  process.stdout.write(renderPlan(observed.plan, c) + '\n');
  if (o.plan) return 0;
  if (!observed.plan.changes.length && !prepared.changedFiles.length) {
    process.stdout.write('nothing to do: the gateway already runs this lineup.\n');
    return 0;
  }
  if (!o.yes && !(await confirm(`apply to ${observed.plan.host}?`))) {
    process.stdout.write('not applied.\n');
    return 1;
  }
  await deploy(prepared, observed, timeoutS * 1000, (line) => process.stderr.write(`  ${line}\n`));
  for (const w of await writeLocal(prepared, o.registry, o.out)) process.stdout.write(`${c.green('wrote')} ${w}\n`);
  process.stdout.write(`${observed.plan.host}: deployed and verified.\n`);
  return 0;
}
