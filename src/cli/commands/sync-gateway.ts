import { deploy, isPrepared, observe, prepareSync, writeLocal } from '../../app/sync-gateway.js';
import { renderSyncReport } from '../../app/sync-report.js';
import { DeployInterrupted } from '../../deploy/apply.js';
import { renderPlan } from '../../deploy/plan.js';
import { UsageError } from '../../core/errors.js';
import { confirm } from '../confirm.js';
import { colorFor, printDiagnostics } from '../report.js';

export interface SyncGatewayOptions {
  registry: string;
  out: string;
  mlxRegistry?: string;
  plan?: boolean;
  offline?: boolean;
  yes?: boolean;
  prune?: boolean;
  /** Undefined without a routing flag: the registry's setting stays. */
  routeViaOptillm?: boolean;
  timeout: string;
  deadline: string;
  restartTimeout: string;
  breakLock?: boolean;
  smoke?: boolean;
}

const SIGNALS = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

function seconds(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes seconds, got "${value}"`);
  return n;
}

/** MLX registry → registry → validate → compile → plan → (confirm) → transaction on the host → write locally. */
export async function syncGatewayCmd(o: SyncGatewayOptions): Promise<number> {
  const [verifyS, deadlineS, restartS] = [seconds('--timeout', o.timeout), seconds('--deadline', o.deadline), seconds('--restart-timeout', o.restartTimeout)];
  if (o.offline && !o.plan) throw new UsageError('--offline only plans: use it with --plan');
  const prepared = await prepareSync({ registryDir: o.registry, outDir: o.out, mlxRegistry: o.mlxRegistry, isPrune: !!o.prune, routeViaOptillm: o.routeViaOptillm });
  printDiagnostics(prepared.diagnostics, 'text');
  if (!isPrepared(prepared)) {
    process.stderr.write('sync-gateway: stopped before deploying: fix the errors above.\n');
    return 1;
  }
  const c = colorFor(process.stdout);
  process.stdout.write(renderSyncReport(prepared, c) + '\n\n');
  const observed = await observe(prepared, o.out, !!o.plan, !!o.offline);
  if (observed.note) process.stderr.write(`${c.yellow('note:')} ${observed.note}\n`);
  process.stdout.write(renderPlan(observed.plan, c) + '\n');
  if (o.plan) return 0;
  const isChange = observed.plan.changes.length > 0;
  if (isChange && !o.yes && !(await confirm(`apply to ${observed.plan.host}?`))) {
    process.stdout.write('not applied.\n');
    return 1;
  }
  // From here a signal rolls back instead of killing the process mid-way.
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (!abort.signal.aborted) process.stderr.write(`\n${sig}: rolling back; wait for the account of what is installed\n`);
    abort.abort(sig);
  };
  for (const s of Object.keys(SIGNALS)) process.on(s, onSignal);
  try {
    await deploy(prepared, observed, { verifyTimeoutMs: verifyS * 1000, deadlineS, restartTimeoutS: restartS, breakLock: o.breakLock, isSmoke: o.smoke, signal: abort.signal, log: (line) => process.stderr.write(`  ${line}\n`) });
  } catch (err) {
    if (!(err instanceof DeployInterrupted)) throw err;
    process.stderr.write(`homelab: ${err.message}\n`);
    return SIGNALS[err.signalName as keyof typeof SIGNALS] ?? 130;
  } finally {
    for (const s of Object.keys(SIGNALS)) process.off(s, onSignal);
  }
  for (const w of await writeLocal(prepared, o.registry, o.out)) process.stdout.write(`${c.green('wrote')} ${w}\n`);
  process.stdout.write(isChange ? `${observed.plan.host}: deployed and verified.\n` : `${observed.plan.host}: nothing to change; the gateway serves this lineup (verified).\n`);
  return 0;
}
