// Applying a plan to one host as a "commit confirmed" transaction (txn-script.ts runs on the
// host): take the lock, recover an abandoned transaction, check the secrets, upload the
// transaction, start it detached, follow its progress, verify the gateway, confirm. Anything
// else — a failed check, a signal, a lost connection — ends in a rollback: by this client when
// it can reach the host, by the host's own deadline when it cannot. Every sentence of the
// outcome says only what a check proved: "restored" after the host compared digests,
// "verified" after /v1/models listed exactly the expected names.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeployError, RemoteCommandError } from '../core/errors.js';
import type { DeployPlan } from './plan.js';
import {
  acquireLock, discardTxn, portOwner, handRestoreCommand, keysDisagree, listTxns, makeStaging, missingSecrets, prepareTxn, readFiles, releaseLock, remotePath, removeDir, shQuote,
  startTxn, txnDir, txnVerb, upload, type KeyNames, type KeyVerdict, type LockOwner, type Remote, type TxnSummary,
} from './remote.js';
import { TXN_SCRIPT } from './txn-script.js';
import { checkGateway, routerNames, sleep, type CheckResult } from './verify.js';

export interface SecretsNeed {
  unit: string;
  file: string;
  names: string[];
}

export interface ApplyOptions {
  /** Secret names each restarted unit's new files reference, and where they must be defined. */
  secrets: SecretsNeed[];
  /** The gateway↔OptiLLM keys to compare on the host (by digest), when both run there. */
  keys?: KeyNames;
  gatewayUrl: string;
  /** The router.yaml install path (what a recovered transaction's rollback put back is read there). */
  routerInstall: string;
  /** The gateway's unit, for the restart command offered when it serves a stale list. */
  gatewayUnit: string;
  /** The port the gateway binds on its host: its listener must be the unit's process. */
  gatewayPort: number;
  /** The names /v1/models must list before (what a rollback must serve again) and after. */
  oldNames: string[];
  newNames: string[];
  /** How long the gateway may take to list the new names. */
  verifyTimeoutMs: number;
  /** The host rolls back by itself unless confirmed within this many seconds of the start. */
  deadlineS: number;
  /** The longest one systemctl call may take on the host. */
  restartTimeoutS: number;
  key?: string;
  breakLock?: boolean;
  /** Aborted by SIGINT/SIGTERM/SIGHUP: roll back now. */
  signal?: AbortSignal;
  /** A further check after the served list is verified (smoke); a failure rolls back. */
  afterVerify?: () => Promise<CheckResult>;
  log: (line: string) => void;
  /** How often the host's progress is read (ms). */
  pollMs?: number;
  /** For tests: the id of the transaction. */
  txnId?: string;
}

/** A sync stopped by a signal: the message is the account of what is installed; exit 128+n. */
export class DeployInterrupted extends DeployError {
  override name = 'DeployInterrupted';
  constructor(
    readonly signalName: string,
    message: string,
  ) {
    super(message);
  }
}

const TERMINAL = new Set(['rolled-back', 'rollback-failed', 'stale', 'confirmed']);

interface TxnStatus {
  status: string;
  decision: string;
  isAlive: boolean;
  deadline?: number;
  now: number;
  reason: string[];
  stale: string[];
  stillNew: string[];
  restartErrors: string[];
  events: string[];
}

export function parseStatus(text: string): TxnStatus {
  const s: TxnStatus = { status: 'new', decision: '', isAlive: false, now: 0, reason: [], stale: [], stillNew: [], restartErrors: [], events: [] };
  for (const line of text.split('\n')) {
    const sp = line.indexOf(' ');
    const [k, v] = sp < 0 ? [line, ''] : [line.slice(0, sp), line.slice(sp + 1)];
    if (k === 'status') s.status = v;
    else if (k === 'decision') s.decision = v;
    else if (k === 'alive') s.isAlive = v === '1';
    else if (k === 'deadline') s.deadline = v === '-' ? undefined : Number(v);
    else if (k === 'now') s.now = Number(v);
    else if (k === 'reason') s.reason.push(v);
    else if (k === 'stale') s.stale.push(v);
    else if (k === 'still-new') s.stillNew.push(v);
    else if (k === 'restart-errors') s.restartErrors.push(v);
    else if (k === 'event') s.events.push(v);
  }
  return s;
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

function pidAlive(pid: number): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const hhmmss = (epochS: number) => `${new Date(epochS * 1000).toISOString().slice(11, 19)} UTC`;

/** `ps -o etime=` ([[dd-]hh:]mm:ss, POSIX, on Linux and macOS alike) as milliseconds. */
function parseEtime(text: string): number | undefined {
  const m = /^\s*(?:(?:(\d+)-)?(\d+):)?(\d+):(\d+)\s*$/.exec(text);
  if (!m) return undefined;
  const [d, h, min, sec] = [m[1], m[2], m[3], m[4]].map((x) => Number(x ?? 0)) as [number, number, number, number];
  return (((d * 24 + h) * 60 + min) * 60 + sec) * 1000;
}

/** When process `pid` of this machine started (ms since the epoch), or undefined when ps cannot tell. */
function processStart(pid: number): Promise<number | undefined> {
  return new Promise((resolve) => {
    execFile('ps', ['-o', 'etime=', '-p', String(pid)], { timeout: 5000 }, (err, stdout) => {
      const elapsed = err ? undefined : parseEtime(stdout);
      resolve(elapsed === undefined ? undefined : Date.now() - elapsed);
    });
  });
}

/** ps shows whole seconds; a pid reused within this long of the lock is not told apart. */
const START_SLACK_MS = 5000;

/**
 * A lock whose sync is gone: its process is not running here (or its pid now belongs to a
 * program that started after the lock was taken: after a reboot pids are handed out again), or
 * its transaction is over.
 */
export async function lockOwnerGone(owner: LockOwner, txns: TxnSummary[], host: string, now = Date.now()): Promise<string | undefined> {
  if (owner.client === hostname()) {
    if (!pidAlive(owner.pid)) return `process ${owner.pid} is no longer running on ${owner.client}`;
    const [began, taken] = [await processStart(owner.pid), Date.parse(owner.started)];
    if (began !== undefined && Number.isFinite(taken) && began > taken + START_SLACK_MS) {
      return `process ${owner.pid} on ${owner.client} started after the lock was taken: the pid now belongs to another program`;
    }
    return undefined;
  }
  // Another machine's sync: only the host's side can tell.
  const t = txns.find((x) => x.id === owner.txn);
  if (t && TERMINAL.has(t.status)) return `its transaction ${t.id} is over (${t.status})`;
  // A runner that died half-way (killed, host rebooted) never reaches its deadline: nothing ends it.
  if (t && t.status !== 'new' && !t.isAlive) return `its transaction ${t.id} stopped half-way (${t.status}): its runner no longer runs on ${host}`;
  const started = Date.parse(owner.started);
  if ((!t || t.status === 'new') && Number.isFinite(started) && now - started > 30 * 60_000) return `it started no transaction in 30 minutes`;
  return undefined;
}

export const VERDICT_TEXT: Record<KeyVerdict, (k: KeyNames) => string> = {
  inbound: (k) => `${k.optillmInbound} in ${k.optillmFile} differs from ${k.gatewayToOptillm} in ${k.gatewayFile}: OptiLLM would refuse every request of the gateway`,
  upstream: (k) => `${k.optillmUpstream} in ${k.optillmFile} is not the gateway's ${k.masterKey}: the gateway would refuse every call-back of OptiLLM`,
  prefix: (k) =>
    `${k.gatewayToOptillm} in ${k.gatewayFile} starts with sk- but is not a key the gateway accepts: OptiLLM forwards an sk- bearer upstream (optillm/server.py, v0.3.12) and the gateway would refuse it; give it another prefix or make it ${k.masterKey}`,
};

class Txn {
  private offset = 0;
  constructor(
    readonly r: Remote,
    readonly id: string,
    readonly o: ApplyOptions,
  ) {}

  async status(): Promise<TxnStatus> {
    const s = parseStatus(await txnVerb(this.r, this.id, 'status', String(this.offset)));
    this.offset += s.events.length;
    for (const e of s.events) this.o.log(`${this.r.host.name}: ${e}`);
    return s;
  }

  /** Poll until `until` holds; without `honourSignal` a signal does not stop the wait. */
  async waitFor(until: (s: TxnStatus) => boolean, honourSignal: boolean): Promise<TxnStatus> {
    // The runner ends every phase within its own limits; this bound only catches a runner that never ran.
    const limit = Date.now() + (this.o.deadlineS + this.o.restartTimeoutS + 60) * 1000;
    for (;;) {
      if (Date.now() > limit) throw new DeployError(`${this.r.host.name}: transaction ${this.id} made no progress; its state is in ${txnDir(this.r.host, this.id)}`);
      const s = await this.status();
      if (until(s) || (honourSignal && this.o.signal?.aborted)) return s;
      if (!s.isAlive && s.status !== 'new' && !TERMINAL.has(s.status) && s.decision !== '') {
        // The runner is gone mid-way (killed, host rebooted): finish its rollback now.
        await txnVerb(this.r, this.id, 'recover');
      }
      await sleep(this.o.pollMs ?? 300, honourSignal ? this.o.signal : undefined);
    }
  }
}

/** What a finished rollback proves, as the operator's last lines; `ok` when the old list is verified. */
async function accountRollback(txn: Txn, s: TxnStatus, o: ApplyOptions, oldNames = o.oldNames): Promise<{ text: string; isRestored: boolean }> {
  const host = txn.r.host;
  if (s.status === 'rollback-failed') {
    return {
      isRestored: false,
      text: [
        `rollback FAILED on ${host.name}: these files are still the new version:`,
        ...s.stillNew.map((f) => `  ${f}`),
        `restore them by hand: ${handRestoreCommand(host, txn.id)}`,
      ].join('\n'),
      };
  }
  const check = await verifyGateway(txn.r, o, oldNames);
  const restarts = s.restartErrors.length ? ` Restarting after the restore failed: ${s.restartErrors.join('; ')}.` : '';
  if (check.isOk) return { isRestored: true, text: `Rolled back: the previous files are restored (checked by digest on ${host.name}) and the previous config is serving (verified).${restarts}` };
  return {
    isRestored: false,
    text: `The previous files are restored (checked by digest on ${host.name}), but the gateway does not serve the previous list: ${check.reason}.${restarts} Check the units on ${host.name} now.`,
  };
}

/**
 * The served list, then who serves it: a list answered by a process outside the gateway's unit
 * (a stray gateway holding the port while the unit fails to bind) proves nothing about the files
 * installed. Without the signal (a rollback's account) a Ctrl-C does not cut the check short.
 */
async function verifyGateway(r: Remote, o: ApplyOptions, names: string[], signal?: AbortSignal): Promise<CheckResult> {
  const check = await checkGateway({ baseUrl: o.gatewayUrl, names, timeoutMs: o.verifyTimeoutMs, key: o.key, onProgress: o.log, signal });
  if (!check.isOk) return check;
  const owner = await portOwner(r, o.gatewayPort, o.gatewayUnit);
  if (owner.verdict === 'unknown') o.log(`${r.host.name}: could not tell which process answers on port ${o.gatewayPort} (ss and /proc are needed): only the list was checked`);
  if (owner.verdict !== 'foreign') return check;
  const unit = `${o.gatewayUnit}.service${owner.mainPid ? ` (main pid ${owner.mainPid})` : ', which is not running'}`;
  return { isOk: false, reason: `port ${o.gatewayPort} is answered by process ${owner.pid}${owner.command ? ` (${owner.command})` : ''}, not by ${unit}: the list it serves says nothing of the files installed` };
}

function isConnectionLost(err: unknown): boolean {
  return err instanceof RemoteCommandError && (err.exitCode === 255 || err.exitCode === undefined);
}

/**
 * Apply `plan` to the host. Resolves when the new config is verified and confirmed; throws
 * DeployError (exit 1) or DeployInterrupted (a signal) with the account of what is installed.
 */
export async function applyPlan(r: Remote, plan: DeployPlan, o: ApplyOptions): Promise<void> {
  const host = r.host;
  const id = o.txnId ?? `${new Date().toISOString().replace(/[-:.]/g, '')}-${process.pid}`;
  const interrupted = (what: string) => new DeployInterrupted(String(o.signal?.reason ?? 'SIGINT'), `${host.name}: interrupted by ${String(o.signal?.reason ?? 'a signal')}: ${what}`);
  if (o.signal?.aborted) throw interrupted('nothing was changed.');
  const owner: LockOwner = { client: hostname(), pid: process.pid, started: new Date().toISOString(), txn: id };
  let lock = await acquireLock(r, owner);
  if (!lock.isAcquired) {
    const held = lock.owner;
    const who = `${held.client} pid ${held.pid}, since ${held.started}${held.txn ? ` (transaction ${held.txn})` : ''}`;
    const gone = await lockOwnerGone(held, await listTxns(r), host.name);
    if (!gone) {
      throw new DeployError(`${host.name}: another sync holds the deploy lock: ${who}. Nothing was changed.${o.breakLock ? ' --break-lock refused: that sync is still running;' : ''} Wait for it to finish, then run again.`);
    }
    if (!o.breakLock) {
      throw new DeployError(`${host.name}: the deploy lock is held by ${who}, but that sync is gone (${gone}). Nothing was changed. Run again with --break-lock to recover its transaction and take the lock.`);
    }
    o.log(`breaking the lock of ${who}: ${gone}`);
    lock = await acquireLock(r, owner, lock.raw.replace(/\n+$/, ''));
    if (!lock.isAcquired) throw new DeployError(`${host.name}: the deploy lock changed hands while breaking it (now ${lock.owner.client} pid ${lock.owner.pid}). Nothing was changed; run again.`);
  }
  let isLockKept = false;
  try {
    await recoverAbandoned(r, o);
    if (o.signal?.aborted) throw interrupted('nothing was changed.');
    await checkSecrets(r, o);
    if (!plan.changes.length) {
      // Nothing to install, but the claim "already runs this lineup" still needs the check.
      const check = await verifyGateway(r, o, o.newNames, o.signal);
      if (o.signal?.aborted) throw interrupted('nothing was changed.');
      if (!check.isOk) {
        const restart = ['ssh', host.target, ...[...host.systemctl, 'restart', `${o.gatewayUnit}.service`].map(shQuote)].join(' ');
        throw new DeployError(`${host.name}: the installed files are current, but the gateway does not serve what router.yaml lists: ${check.reason}. Nothing was changed. Restart it: ${restart}`);
      }
      return;
    }
    await uploadTxn(r, plan, id, o);
    const txn = new Txn(r, id, o);
    if (o.signal?.aborted) {
      await txnVerb(r, id, 'recover');
      throw interrupted('nothing was installed.');
    }
    await startTxn(r, id);
    const startedAt = Date.now();
    o.log(`${host.name}: transaction ${id} started`);
    let failure: string | undefined;
    /** `failure` came before any signal (a signal then only interrupts the rollback it causes). */
    let isFailureFirst = false;
    const fail = (reason: string, isGenuine = !o.signal?.aborted) => {
      failure = reason;
      isFailureFirst = isGenuine;
    };
    /** The confirmation was sent and its answer lost: the host may have taken it. */
    let isConfirmUnanswered = false;
    let s: TxnStatus;
    try {
      s = await txn.waitFor((x) => x.status === 'applied' || TERMINAL.has(x.status) || x.status === 'rolling-back', true);
      if (s.status === 'stale') {
        throw new DeployError(`${host.name}: the host changed since the plan (${s.stale.join(', ')}); nothing was installed. Run again.`);
      }
      if (s.status === 'applied' && !o.signal?.aborted) {
        const check = await verifyGateway(r, o, o.newNames, o.signal);
        // A check the signal cut short is no failure of its own.
        if (!check.isOk) fail(check.reason);
        else if (o.afterVerify && !o.signal?.aborted) {
          const more = await o.afterVerify();
          // The smoke requests do not stop for a signal: their failure stands.
          if (!more.isOk) fail(more.reason, true);
        }
        if (failure === undefined && !o.signal?.aborted) {
          isConfirmUnanswered = true;
          const decided = (await txnVerb(r, id, 'confirm')).trim();
          isConfirmUnanswered = false;
          if (decided === 'confirmed') {
            // The decision is final on the host (the first `decision` link wins, and the deadline
            // cannot undo it): a connection lost now changes nothing of what is serving.
            await txn.waitFor((x) => x.status === 'confirmed', false).catch((err: unknown) => {
              if (!isConnectionLost(err)) throw err;
              o.log(`${host.name}: confirmed; the connection was lost before the host recorded it (${describe(err)})`);
            });
            return;
          }
          fail(`the host's deadline (${o.deadlineS}s) passed before the confirmation: it rolled back by itself`, true);
        }
      } else if (s.status !== 'applied') {
        // The host failed (or rolls back) unless the signal only stopped the wait.
        fail((await txn.status()).reason.join('; ') || s.reason.join('; ') || 'the transaction failed on the host', s.status === 'rolling-back' || TERMINAL.has(s.status));
      }
    } catch (err) {
      if (err instanceof DeployError) throw err;
      if (!isConnectionLost(err)) throw err;
      // A cut connection, or an ssh the terminal's Ctrl-C reached: try to roll back over a new one.
      fail(`lost the connection during the transaction (${describe(err)})`);
    }
    // Roll back: ask the host now (it may already be doing it), then say what is true. A signal
    // that came first is the cause; one that comes after a failure (the rollback goes on
    // regardless) is told beside that failure.
    const rolledBack = (text: string, sep: string): DeployError => {
      if (!o.signal?.aborted) return new DeployError(`${host.name}: ${failure}.${sep}${text}`);
      if (!isFailureFirst) return interrupted(text);
      const sig = String(o.signal.reason);
      return new DeployInterrupted(sig, `${host.name}: ${failure}.${sep}Interrupted by ${sig} after that failure: ${text}`);
    };
    let after: TxnStatus;
    try {
      await txnVerb(r, id, 'abort');
      after = await txn.waitFor((x) => x.status === 'rolled-back' || x.status === 'rollback-failed' || x.status === 'confirmed', false);
    } catch (err) {
      if (!isConnectionLost(err)) throw err;
      isLockKept = true;
      // A confirmation that reached the host stays; only one that did not is undone at the deadline.
      const msg = isConfirmUnanswered
        ? `The new config was verified and the confirmation was sent but its answer was lost, and ${host.name} cannot be reached (${describe(err)}). Either the host took it and keeps the new config, or it restores the previous files by itself ${await deadlineText(txn, startedAt)}. The lock stays; run \`homelab sync-gateway\` again: it recovers the lock (--break-lock) and shows which config is installed.`
        : `Could not reach ${host.name} to roll back (${describe(err)}). Nothing here can confirm the transaction, so the host restores the previous files by itself ${await deadlineText(txn, startedAt)}. The lock stays until a later sync recovers it.`;
      throw rolledBack(msg, ' ');
    }
    // Only a confirmation sent after the checks passed can have won (its answer was lost).
    if (after.status === 'confirmed') return;
    const account = await accountRollback(txn, after, o);
    throw rolledBack(account.text, '\n');
  } finally {
    if (!isLockKept) {
      await releaseLock(r, owner).then(
        (other) => other && o.log(`warning: the deploy lock on ${host.name} is now held by ${other.client} pid ${other.pid} (since ${other.started}): another sync took it over; left alone`),
        (err: unknown) => o.log(`warning: could not release the lock on ${host.name}: ${describe(err)}`),
      );
    }
  }
}

async function deadlineText(txn: Txn, startedAt: number): Promise<string> {
  // The host's deadline as the host recorded it; when the host cannot be asked, this clock's estimate.
  try {
    const s = await txn.status();
    if (s.deadline) return `at ${hhmmss(s.deadline)} (its deadline)`;
  } catch {
    /* unreachable: estimate */
  }
  return `at about ${hhmmss(Math.round(startedAt / 1000) + txn.o.deadlineS)} (its deadline, ${txn.o.deadlineS}s after the start)`;
}

/** Roll back every transaction a sync left undecided, before anything else happens. */
async function recoverAbandoned(r: Remote, o: ApplyOptions): Promise<void> {
  for (const t of await listTxns(r)) {
    if (TERMINAL.has(t.status) && t.decision !== '-') continue;
    o.log(`${r.host.name}: recovering abandoned transaction ${t.id} (${t.status}): rolling it back`);
    const txn = new Txn(r, t.id, o);
    await txnVerb(r, t.id, 'recover');
    const s = await txn.waitFor((x) => x.status === 'rolled-back' || x.status === 'rollback-failed' || x.status === 'confirmed' || x.status === 'stale', false);
    if (s.status === 'confirmed') continue;
    // What must be served now is the router.yaml the rollback put back.
    const [restored] = await readFiles(r, [remotePath(r.host, o.routerInstall)]);
    const account = await accountRollback(txn, s, o, routerNames(restored?.content));
    throw new DeployError(`${r.host.name}: recovered abandoned transaction ${t.id}. ${account.text}\nNothing of this sync was applied: the host changed since the plan, run again.`);
  }
}

async function checkSecrets(r: Remote, o: ApplyOptions): Promise<void> {
  for (const need of o.secrets) {
    const missing = await missingSecrets(r, need.file, need.names);
    if (missing.length) {
      throw new DeployError(`${r.host.name}: ${need.file} does not define ${missing.join(', ')} (needed by ${need.unit}); nothing was changed. Define the names there (homelab checks names only, never values).`);
    }
  }
  if (o.keys) {
    const k = o.keys;
    const bad = await keysDisagree(r, k);
    if (bad.length) {
      throw new DeployError(`${r.host.name}: the gateway and OptiLLM keys do not agree (compared by digest on ${r.host.name}; no value left it):\n${bad.map((v) => `  ${VERDICT_TEXT[v](k)}`).join('\n')}\nNothing was changed.`);
    }
    o.log(`${r.host.name}: the gateway and OptiLLM keys agree (compared by digest on the host)`);
  }
}

function manifest(r: Remote, plan: DeployPlan, o: ApplyOptions): string {
  const words = (argv: string[]) => argv.map(shQuote).join(' ');
  return [
    `state=${shQuote(r.host.stateDir)}`,
    `systemctl_argv=${shQuote(words(r.host.systemctl))}`,
    `deadline_s=${Math.round(o.deadlineS)}`,
    `restart_timeout=${Math.round(o.restartTimeoutS)}`,
    `keep=${r.host.keepBackups}`,
    `daemon_reload=${plan.isDaemonReload ? 1 : 0}`,
    `units=${shQuote(plan.restarts.join(' '))}`,
    '',
  ].join('\n');
}

async function uploadTxn(r: Remote, plan: DeployPlan, id: string, o: ApplyOptions): Promise<void> {
  const local = await mkdtemp(join(tmpdir(), 'homelab-upload-'));
  let stage: string | undefined;
  try {
    const files = plan.changes.map((c, i) => [`f${i}`, c.mode, c.beforeDigest, remotePath(r.host, c.install)].join('\t')).join('\n') + '\n';
    await Promise.all([
      ...plan.changes.map((c, i) => writeFile(join(local, `f${i}`), c.after)),
      writeFile(join(local, 'txn.sh'), TXN_SCRIPT),
      writeFile(join(local, 'manifest.sh'), manifest(r, plan, o)),
      writeFile(join(local, 'files'), files),
    ]);
    const made = await makeStaging(r);
    stage = made.dir;
    for (const dir of made.removed) o.log(`${r.host.name}: removed ${dir}, the upload directory of a sync that stopped mid-upload`);
    o.log(`uploading ${plan.changes.length} file(s) to ${r.host.name}`);
    await upload(r, [...plan.changes.map((_, i) => join(local, `f${i}`)), join(local, 'txn.sh'), join(local, 'manifest.sh'), join(local, 'files')], stage);
    await prepareTxn(r, stage, id);
  } catch (err) {
    await discardTxn(r, id).catch(() => undefined);
    throw new DeployError(`${r.host.name}: upload failed: ${describe(err)}. Nothing was installed.`);
  } finally {
    await rm(local, { recursive: true, force: true });
    if (stage) await removeDir(r, stage).catch(() => undefined);
  }
}

