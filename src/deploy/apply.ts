// Applying a plan to one host: lock, check secrets by name, upload to staging, swap each file in
// atomically with a backup, reload, restart in order, verify — and on any failure after the first
// swap, restore the backups, restart again and verify that the previous config is serving.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeployError, RemoteCommandError } from '../errors.js';
import type { DeployPlan, FileChange } from './plan.js';
import {
  acquireLock, daemonReload, makeStaging, missingSecrets, releaseLock, remotePath, removeDir, restartUnit, restore, scp, swapIn,
  type RemoteHost, type SwapItem,
} from './remote.js';
import { checkGateway, routerNames, type CheckResult } from './verify.js';

export interface SecretsNeed {
  unit: string;
  file: string;
  names: string[];
}

export interface ApplyOptions {
  /** Secret names each restarted unit's new files reference, and where they must be defined. */
  secrets: SecretsNeed[];
  gatewayUrl: string;
  /** The router.yaml install path: its names are what the gateway must list. */
  routerInstall: string;
  timeoutMs: number;
  key?: string;
  log: (line: string) => void;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

async function restartAll(host: RemoteHost, plan: DeployPlan, log: (l: string) => void): Promise<void> {
  if (plan.isDaemonReload) {
    log('systemctl daemon-reload');
    await daemonReload(host);
  }
  for (const unit of plan.restarts) {
    log(`restarting ${unit}`);
    await restartUnit(host, unit);
  }
}


/**
 * `currentRouter` is the router.yaml installed now (what the rollback must serve again); the
 * new one is the plan's, or the current one when the plan leaves it alone.
 */
export async function applyPlan(host: RemoteHost, plan: DeployPlan, o: ApplyOptions, currentRouter: string | undefined): Promise<void> {
  if (!plan.changes.length) {
    o.log(`${host.name}: nothing changed, nothing to restart`);
    return;
  }
  const owner = `${hostname()} pid ${process.pid} since ${new Date().toISOString()}`;
  const holder = await acquireLock(host, owner);
  if (holder) throw new DeployError(`${host.name}: another sync holds the deploy lock (${holder}); nothing was changed. If that sync is dead, remove ${host.stateDir}/lock on ${host.name}.`);
  const newRouter = plan.changes.find((c) => c.install === o.routerInstall)?.after ?? currentRouter;
  let stage: string | undefined;
  try {
    for (const need of o.secrets) {
      const missing = await missingSecrets(host, need.file, need.names);
      if (missing.length) {
        throw new DeployError(`${host.name}: ${need.file} does not define ${missing.join(', ')} (needed by ${need.unit}); nothing was changed. Define the names there (homelab checks names only, never values).`);
      }
    }
    const local = await mkdtemp(join(tmpdir(), 'homelab-upload-'));
    const items: SwapItem[] = plan.changes.map((c: FileChange, i) => ({ name: `f${i}`, dest: remotePath(host, c.install), mode: c.mode }));
    try {
      await Promise.all(plan.changes.map((c, i) => writeFile(join(local, `f${i}`), c.after)));
      stage = await makeStaging(host);
      o.log(`uploading ${items.length} file(s) to ${host.name}`);
      await scp(host, items.map((i) => join(local, i.name)), stage);
    } catch (err) {
      throw new DeployError(`${host.name}: upload failed: ${describe(err)}. Nothing was installed: the previous config is serving.`);
    } finally {
      await rm(local, { recursive: true, force: true });
    }
    const backup = `${host.stateDir}/backups/${new Date().toISOString().replace(/[:.]/g, '-')}`;
    let failure: string | undefined;
    try {
      await swapIn(host, stage, backup, items);
      o.log(`installed ${items.length} file(s); backups in ${backup}`);
      await restartAll(host, plan, o.log);
      const check = await checkGateway({ baseUrl: o.gatewayUrl, names: routerNames(newRouter), timeoutMs: o.timeoutMs, key: o.key, onProgress: o.log });
      if (!check.isOk) failure = check.reason;
    } catch (err) {
      failure = describe(err);
    }
    if (failure === undefined) return;
    o.log(`deploy failed: ${failure}`);
    o.log('rolling back: restoring the previous files');
    let rollback: CheckResult;
    try {
      await restore(host, backup, items);
      await restartAll(host, plan, o.log);
      rollback = await checkGateway({ baseUrl: o.gatewayUrl, names: routerNames(currentRouter), timeoutMs: o.timeoutMs, key: o.key, onProgress: o.log });
    } catch (err) {
      rollback = { isOk: false, reason: describe(err) };
    }
    if (rollback.isOk) throw new DeployError(`${host.name}: ${failure}. Rolled back: the previous config is serving (verified).`);
    throw new DeployError(`${host.name}: ${failure}. Rollback restored the previous files but the gateway is not healthy: ${rollback.reason}. Check the units on ${host.name} now.`);
  } finally {
    if (stage) await removeDir(host, stage).catch(() => undefined);
    await releaseLock(host).catch((err: unknown) => {
      if (err instanceof RemoteCommandError) o.log(`warning: could not release the lock on ${host.name}: ${err.message}`);
    });
  }
}
