import { runSyncGateway } from '../../app/sync-gateway.js';
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

function seconds(flag: string, value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`${flag} takes seconds, got "${value}"`);
  return n;
}

/** Flags → the sync pipeline (src/app/sync-gateway.ts), talking to this terminal. */
export async function syncGatewayCmd(o: SyncGatewayOptions): Promise<number> {
  const [verifyS, deadlineS, restartS] = [seconds('--timeout', o.timeout), seconds('--deadline', o.deadline), seconds('--restart-timeout', o.restartTimeout)];
  if (o.offline && !o.plan) throw new UsageError('--offline only plans: use it with --plan');
  return runSyncGateway(
    {
      registryDir: o.registry,
      outDir: o.out,
      mlxRegistry: o.mlxRegistry,
      isPrune: !!o.prune,
      routeViaOptillm: o.routeViaOptillm,
      isPlan: !!o.plan,
      isOffline: !!o.offline,
      isYes: !!o.yes,
      deploy: { verifyTimeoutMs: verifyS * 1000, deadlineS, restartTimeoutS: restartS, breakLock: o.breakLock, isSmoke: o.smoke },
    },
    {
      out: (text) => process.stdout.write(text),
      err: (text) => process.stderr.write(text),
      color: colorFor(process.stdout),
      diagnostics: (ds) => printDiagnostics(ds, 'text'),
      confirm,
    },
  );
}
