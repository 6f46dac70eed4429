// Every fault path of sync-gateway's transaction, in-process and fast: the deploy's argv runs
// here through an injected transport (what sshd would run on the host), against the test host
// of harness.ts whose stand-ins restart for real. Each scenario ends by checking what the host
// installs and what the stand-in gateway serves, not only what was printed.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Chalk } from 'chalk';
import { deploy, isPrepared, observe, prepareSync, runSyncGateway, type DeployOptions } from '../../src/app/sync-gateway.js';
import { DeployInterrupted } from '../../src/deploy/apply.js';
import { DeployError, RemoteCommandError, UsageError } from '../../src/core/errors.js';
import { copyShipped, editYaml, readTexts } from '../helpers.js';
import {
  fault, localTransport, makeHost, MLX_BASE, remoteFile, registryFor, ROUTER, served, stopUnits, systemctlLog, until, withNewModel, writeSecrets,
  type Hook, type TestHost,
} from './harness.js';
import { freePort } from './sshd.js';

const NEW = 'mlx-devstral-small-2507-4bit';
let h: TestHost;
let repo: string;
let baseRouter: string;

type Extra = Partial<DeployOptions> & { hook?: Hook; beforeDeploy?: () => void };

async function prepare(mlx: unknown) {
  const file = join(h.work, `mlx-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(mlx));
  const p = await prepareSync({ registryDir: join(repo, 'registry'), outDir: join(repo, 'generated'), mlxRegistry: file, isPrune: false });
  if (!isPrepared(p)) throw new Error(JSON.stringify(p.diagnostics));
  return p;
}

async function sync(mlx: unknown, o: Extra = {}) {
  const p = await prepare(mlx);
  const transport = localTransport(o.hook);
  const observed = await observe(p, join(repo, 'generated'), false, false, localTransport());
  o.beforeDeploy?.();
  const logs: string[] = [];
  const err = await deploy(p, observed, { verifyTimeoutMs: 4000, deadlineS: 60, restartTimeoutS: 10, pollMs: 100, log: (l) => logs.push(l), transport, ...o }).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  return { err, logs, p, observed };
}

const router = () => readFileSync(remoteFile(h, ROUTER), 'utf8');
const lockHeld = () => existsSync(join(h.state, 'lock'));
const txns = () => (existsSync(join(h.state, 'txn')) ? readdirSync(join(h.state, 'txn')).sort() : []);
const deadPid = () => spawnSync(process.execPath, ['-e', '']).pid!;
const EARLY = '2026-11-23T06:00:00.000Z';
function writeLock(pid: number, txn = 'none', started = EARLY, client = hostname()) {
  rmSync(join(h.state, 'lock'), { recursive: true, force: true });
  writeFileSync(join(h.state, 'lock.owner'), `client=${client}\npid=${pid}\nstarted=${started}\ntxn=${txn}\n`);
  spawnSync('sh', ['-c', `mkdir "$1/lock" && mv "$1/lock.owner" "$1/lock/owner"`, 'sh', h.state]);
}

async function expectBase() {
  expect(router()).toBe(baseRouter);
  expect(await served(h)).not.toContain(NEW);
  expect(lockHeld()).toBe(false);
}

beforeAll(async () => {
  h = makeHost(await freePort());
  writeSecrets(h);
  repo = copyShipped(registryFor(h, 'tester@127.0.0.1', { keep_backups: 3 }));
  const first = await sync(MLX_BASE);
  expect(first.err, first.logs.join('\n')).toBeUndefined();
  baseRouter = router();
}, 60_000);

afterAll(() => stopUnits(h));

describe('sync-gateway transaction faults (in-process transport)', () => {
  it('restarts every unit of the first deploy for real, in order, and confirms after verifying', async () => {
    expect(systemctlLog(h)).toEqual(['daemon-reload', 'restart ov-server.service', 'restart litellm-orch.service', 'restart optillm-proxy.service']);
    for (const unit of ['ov-server', 'optillm-proxy']) expect(() => process.kill(Number(readFileSync(join(h.state, `${unit}.pid`), 'utf8')), 0)).not.toThrow();
    const [id] = txns();
    expect(readFileSync(join(h.state, 'txn', id!, 'status'), 'utf8').trim()).toBe('confirmed');
    expect(lockHeld()).toBe(false);
  });

  it('a gateway that never lists the new model is rolled back, and "verified" is said of the old list only', async () => {
    writeFileSync(join(h.state, 'hide'), `${NEW}\n`);
    const r = await sync(withNewModel());
    rmSync(join(h.state, 'hide'));
    expect(r.err).toBeInstanceOf(DeployError);
    expect(r.err!.message).toContain(`/v1/models lacks 1 of`);
    expect(r.err!.message).toContain('Rolled back: the previous files are restored (checked by digest on mini) and the previous config is serving (verified).');
    await expectBase();
  }, 30_000);

  it('a restart that hangs is reported as a timeout, not as an unreachable host, and rolled back', async () => {
    writeFileSync(join(h.state, 'hang-once'), 'litellm-orch\n');
    const r = await sync(withNewModel(), { restartTimeoutS: 2 });
    expect(r.err!.message).toContain('restart litellm-orch timed out after 2s');
    expect(r.err!.message).not.toMatch(/could not reach|connection/);
    expect(r.err!.message).toContain('(verified)');
    await expectBase();
  }, 30_000);

  it('SIGINT while a restart hangs rolls back at once, releases the lock and says what is installed', async () => {
    writeFileSync(join(h.state, 'hang-once'), 'litellm-orch\n');
    const abort = new AbortController();
    const before = systemctlLog(h).length;
    const running = sync(withNewModel(), { restartTimeoutS: 60, signal: abort.signal });
    await until(() => systemctlLog(h).slice(before).includes('restart litellm-orch.service'));
    const started = Date.now();
    abort.abort('SIGINT');
    const r = await running;
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(r.err).toBeInstanceOf(DeployInterrupted);
    expect((r.err as DeployInterrupted).signalName).toBe('SIGINT');
    expect(r.err!.message).toMatch(/^mini: interrupted by SIGINT: Rolled back: .* \(verified\)\.$/);
    await expectBase();
  }, 40_000);

  it('a signal during the rollback of a failure keeps the failure in the account, beside the interruption', async () => {
    writeFileSync(join(h.state, 'hide'), `${NEW}\n`);
    const abort = new AbortController();
    // The check fails on its own; SIGTERM arrives as the rollback is asked for.
    const hook: Hook = ({ argv }) => {
      if (argv.includes('abort')) abort.abort('SIGTERM');
    };
    const r = await sync(withNewModel(), { verifyTimeoutMs: 2000, signal: abort.signal, hook });
    rmSync(join(h.state, 'hide'));
    expect(abort.signal.aborted).toBe(true);
    expect(r.err).toBeInstanceOf(DeployInterrupted);
    expect((r.err as DeployInterrupted).signalName).toBe('SIGTERM');
    expect(r.err!.message).toMatch(new RegExp(`^mini: .*/v1/models lacks 1 of \\d+ names \\(${NEW}\\)\\.\\nInterrupted by SIGTERM after that failure: Rolled back: .* \\(verified\\)\\.$`));
    await expectBase();
  }, 40_000);

  it('a Ctrl-C that also kills the ssh in flight still rolls back over a new connection', async () => {
    writeFileSync(join(h.state, 'hang-once'), 'litellm-orch\n');
    const abort = new AbortController();
    const before = systemctlLog(h).length;
    let isKilled = false;
    // The terminal's SIGINT reaches the whole process group: the status poll in flight dies.
    const hook: Hook = ({ argv }) => {
      if (abort.signal.aborted && !isKilled && argv.includes('status')) {
        isKilled = true;
        throw fault(argv, 255, 'Killed by signal 2.\n');
      }
    };
    const running = sync(withNewModel(), { restartTimeoutS: 60, signal: abort.signal, hook });
    await until(() => systemctlLog(h).slice(before).includes('restart litellm-orch.service'));
    abort.abort('SIGINT');
    const r = await running;
    expect(isKilled).toBe(true);
    expect(r.err!.message).toMatch(/^mini: interrupted by SIGINT: Rolled back: .* \(verified\)\.$/);
    await expectBase();
  }, 40_000);

  it('a failed restore says "rollback FAILED", lists the files still new and the command to restore by hand', async () => {
    writeFileSync(join(h.state, 'hide'), `${NEW}\n`);
    const hook: Hook = ({ argv }) => {
      if (argv.includes('abort')) for (const t of txns()) rmSync(join(h.state, 'txn', t, 'backup', 'f0'), { force: true });
    };
    const r = await sync(withNewModel(), { hook });
    rmSync(join(h.state, 'hide'));
    expect(r.err!.message).toContain(`rollback FAILED on mini: these files are still the new version:\n  ${remoteFile(h, ROUTER)}`);
    expect(r.err!.message).toMatch(/restore them by hand: ssh tester@127\.0\.0\.1 sh \S+\/txn\.sh rollback \S+/);
    expect(r.err!.message).not.toContain('restored (checked');
    expect(router()).toContain(NEW);
    expect(lockHeld()).toBe(false);
    // Put the base back the ordinary way.
    expect((await sync(MLX_BASE)).err).toBeUndefined();
    await expectBase();
  }, 40_000);

  it('a plan made before another sync applied is refused under the lock: "the host changed since the plan"', async () => {
    const other = { ...structuredClone(MLX_BASE) };
    other.models['other-model-4bit'] = { ...withNewModel().models['devstral-small-2507-4bit'], model_id: 'mlx-other-model-4bit', repo_id: 'mlx-community/other-4bit', cache_path: '/Users/thestudio/models/hf/hub/other' };
    const late = await prepare(withNewModel());
    const lateObserved = await observe(late, join(repo, 'generated'), false, false, localTransport());
    expect((await sync(other)).err).toBeUndefined();
    const afterOther = router();
    const logs: string[] = [];
    const err = await deploy(late, lateObserved, { verifyTimeoutMs: 4000, deadlineS: 60, restartTimeoutS: 10, pollMs: 100, log: (l) => logs.push(l), transport: localTransport() }).catch((e: Error) => e);
    expect(err!.message).toMatch(/^mini: the host changed since the plan \(.*router\.yaml.*\); nothing was installed\. Run again\.$/);
    expect(router()).toBe(afterOther);
    expect(await served(h)).toContain('mlx-other-model-4bit');
    expect(lockHeld()).toBe(false);
    expect((await sync(MLX_BASE)).err).toBeUndefined();
  }, 40_000);

  it('sudo -n refused: says so, changes nothing', async () => {
    const hook: Hook = ({ argv }) => {
      throw fault(argv, 1, 'sudo: a password is required\n');
    };
    const r = await sync(withNewModel(), { hook });
    expect(r.err).toBeInstanceOf(RemoteCommandError);
    expect(r.err!.message).toMatch(/^sudo -n was refused on mini \(sudo: a password is required\): let the deploy user run sh and systemctl there without a password/);
    await expectBase();
  });

  it('a full disk during the upload installs nothing and leaves no transaction behind', async () => {
    const before = txns();
    const hook: Hook = ({ kind, argv }) => {
      if (kind === 'upload') throw fault(argv, 1, 'scp: /tmp/homelab-stage.x/f0: No space left on device\n');
    };
    const r = await sync(withNewModel(), { hook });
    expect(r.err!.message).toBe('mini: upload failed: the disk is full on mini (scp: /tmp/homelab-stage.x/f0: No space left on device). Nothing was installed.');
    expect(txns()).toEqual(before);
    await expectBase();
  });

  it('a lock whose owner lives is refused even with --break-lock; one whose owner is gone needs --break-lock', async () => {
    // A live owner's record: it took the lock after its process started (as every real owner did).
    const since = new Date().toISOString();
    writeLock(process.pid, 'T1', since);
    let r = await sync(withNewModel(), { breakLock: true });
    expect(r.err!.message).toBe(`mini: another sync holds the deploy lock: ${hostname()} pid ${process.pid}, since ${since} (transaction T1). Nothing was changed. --break-lock refused: that sync is still running; Wait for it to finish, then run again.`);
    const pid = deadPid();
    writeLock(pid, 'T1');
    r = await sync(withNewModel());
    expect(r.err!.message).toBe(`mini: the deploy lock is held by ${hostname()} pid ${pid}, since 2026-11-23T06:00:00.000Z (transaction T1), but that sync is gone (process ${pid} is no longer running on ${hostname()}). Nothing was changed. Run again with --break-lock to recover its transaction and take the lock.`);
    expect(router()).toBe(baseRouter);
    r = await sync(MLX_BASE, { breakLock: true });
    expect(r.err).toBeUndefined();
    expect(r.logs.join('\n')).toContain(`breaking the lock of ${hostname()} pid ${pid}`);
    await expectBase();
  }, 30_000);

  it('a client that loses the host after the start leaves the rollback to the host, which does it at its deadline', async () => {
    let isCut = false;
    const hook: Hook = ({ argv, input }) => {
      if (isCut) throw fault(argv, 255, 'Connection closed by 127.0.0.1 port 22\n');
      if (input.includes('setsid')) isCut = true;
    };
    const r = await sync(withNewModel(), { hook, deadlineS: 4 });
    expect(r.err!.message).toMatch(
      /^mini: lost the connection during the transaction \(ssh could not reach tester@127\.0\.0\.1 .*\)\. Could not reach mini to roll back \(.*\)\. Nothing here can confirm the transaction, so the host restores the previous files by itself at about \d\d:\d\d:\d\d UTC \(its deadline, 4s after the start\)\. The lock stays until a later sync recovers it\.$/,
    );
    expect(lockHeld()).toBe(true);
    const status = join(h.state, 'txn', txns().at(-1)!, 'status');
    await until(() => existsSync(status) && readFileSync(status, 'utf8').trim() === 'rolled-back', 20_000);
    expect(router()).toBe(baseRouter);
    expect(readFileSync(join(status, '../events'), 'utf8')).toMatch(/applied: the host rolls back by itself at [\d:]+ UTC unless confirmed\n.*the deadline passed without confirmation\n/);
    expect(await served(h)).not.toContain(NEW);
    // This process is the owner and still runs: the lock is not broken for it. A dead owner's is.
    writeLock(deadPid(), txns().at(-1));
    expect((await sync(MLX_BASE, { breakLock: true })).err).toBeUndefined();
    await expectBase();
  }, 40_000);

  it('an abandoned transaction (its runner killed, undecided) is rolled back by the next sync before anything else', async () => {
    let isCut = false;
    const hook: Hook = async ({ argv, input }) => {
      if (isCut) throw fault(argv, 255, 'Connection closed\n');
      if (input.includes('setsid')) isCut = true;
    };
    const r = await sync(withNewModel(), { hook, deadlineS: 600 });
    expect(r.err!.message).toContain('lost the connection');
    const id = txns().at(-1)!;
    const status = () => readFileSync(join(h.state, 'txn', id, 'status'), 'utf8').trim();
    await until(() => existsSync(join(h.state, 'txn', id, 'status')) && status() === 'applied');
    process.kill(Number(readFileSync(join(h.state, 'txn', id, 'runner.pid'), 'utf8')), 'SIGKILL');
    expect(router()).toContain(NEW);
    writeLock(deadPid(), id);
    const next = await sync(withNewModel(), { breakLock: true });
    expect(next.err!.message).toContain(`mini: recovered abandoned transaction ${id}. Rolled back: the previous files are restored (checked by digest on mini) and the previous config is serving (verified).`);
    expect(next.err!.message).toMatch(/run again\.$/);
    await expectBase();
  }, 40_000);

  it('another machine\'s lock whose transaction stopped half-way (its runner gone on the host) can be broken', async () => {
    let isCut = false;
    const hook: Hook = async ({ argv, input }) => {
      if (isCut) throw fault(argv, 255, 'Connection closed\n');
      if (input.includes('setsid')) isCut = true;
    };
    expect((await sync(withNewModel(), { hook, deadlineS: 600 })).err!.message).toContain('lost the connection');
    const id = txns().at(-1)!;
    const status = () => readFileSync(join(h.state, 'txn', id, 'status'), 'utf8').trim();
    await until(() => existsSync(join(h.state, 'txn', id, 'status')) && status() === 'applied');
    process.kill(Number(readFileSync(join(h.state, 'txn', id, 'runner.pid'), 'utf8')), 'SIGKILL');
    // Gone for good: this machine's init reaps orphans late, and kill -0 counts a zombie as running.
    const runner = readFileSync(join(h.state, 'txn', id, 'runner.pid'), 'utf8').trim();
    await until(() => spawnSync('ps', ['-o', 'pid=', '-p', runner]).status !== 0, 30_000);
    // Its client is another machine (no pid to ask), and its runner will never reach the deadline.
    writeLock(4242, id, new Date().toISOString(), 'studio');
    let next = await sync(withNewModel());
    expect(next.err!.message).toContain(`but that sync is gone (its transaction ${id} stopped half-way (applied): its runner no longer runs on mini)`);
    next = await sync(withNewModel(), { breakLock: true });
    expect(next.err!.message).toContain(`mini: recovered abandoned transaction ${id}. Rolled back:`);
    await expectBase();
  }, 40_000);

  it('another machine\'s lock whose transaction never started is taken as live for 30 minutes, then as gone', async () => {
    let isCut = false;
    const hook: Hook = ({ argv, input }) => {
      if (input.includes('setsid')) isCut = true;
      if (isCut) throw fault(argv, 255, 'Connection closed\n');
    };
    expect((await sync(withNewModel(), { hook })).err).toBeDefined();
    const id = txns().at(-1)!;
    expect(existsSync(join(h.state, 'txn', id, 'status'))).toBe(false);
    writeLock(4242, id, new Date().toISOString(), 'studio');
    let next = await sync(withNewModel(), { breakLock: true });
    expect(next.err!.message).toContain('another sync holds the deploy lock: studio pid 4242');
    writeLock(4242, id, new Date(Date.now() - 31 * 60_000).toISOString(), 'studio');
    next = await sync(withNewModel(), { breakLock: true });
    expect(next.err!.message).toContain(`mini: recovered abandoned transaction ${id}.`);
    await expectBase();
  }, 40_000);

  it('--smoke: a handle that fails its one-token request rolls the sync back; one that answers is confirmed', async () => {
    writeFileSync(join(h.state, 'fail-chat'), `${NEW}\n`);
    let r = await sync(withNewModel(), { isSmoke: true });
    rmSync(join(h.state, 'fail-chat'));
    expect(r.err!.message).toMatch(new RegExp(`^mini: smoke failed for ${NEW} \\(HTTP 500: .*upstream connection refused.*\\)\\.\\nRolled back: .*\\(verified\\)\\.$`));
    await expectBase();
    r = await sync(withNewModel(), { isSmoke: true });
    expect(r.err).toBeUndefined();
    expect(r.logs.join('\n')).toMatch(new RegExp(`smoke: ${NEW} +optillm → studio:8106 +\\d+ +ok`));
    expect(await served(h)).toContain(NEW);
    expect((await sync(MLX_BASE)).err).toBeUndefined();
  }, 40_000);

  it('with nothing to install it still checks the served list, and offers the restart when it is wrong', async () => {
    writeFileSync(join(h.state, 'hide'), 'mlx-gemma-3-27b-it-qat-4bit\n');
    spawnSync(process.execPath, [join(import.meta.dirname, 'fake-systemctl.mjs'), h.state, remoteFile(h, ROUTER), String(h.gwPort), 'restart', 'litellm-orch.service']);
    rmSync(join(h.state, 'hide'));
    const r = await sync(MLX_BASE, { verifyTimeoutMs: 2000 });
    expect(r.observed.plan.changes).toEqual([]);
    expect(r.err!.message).toMatch(/^mini: the installed files are current, but the gateway does not serve what router\.yaml lists: .*lacks 1 of \d+ names \(mlx-gemma-3-27b-it-qat-4bit\)\. Nothing was changed\. Restart it: ssh tester@127\.0\.0\.1 .*fake-systemctl\.mjs .* restart litellm-orch\.service$/);
    spawnSync(process.execPath, [join(import.meta.dirname, 'fake-systemctl.mjs'), h.state, remoteFile(h, ROUTER), String(h.gwPort), 'restart', 'litellm-orch.service']);
    expect((await sync(MLX_BASE)).err).toBeUndefined();
  }, 30_000);

  it('a connection lost after the host took the confirmation: deployed and verified (the decision is final), never "rolls back by itself"', async () => {
    let isCut = false;
    const hook: Hook = ({ argv }) => {
      if (isCut) throw fault(argv, 255, 'Connection closed by 127.0.0.1 port 22\n');
      if (argv.includes('confirm')) isCut = true; // this call runs; every later one is cut
    };
    const r = await sync(withNewModel(), { hook });
    expect(r.err, r.err?.message).toBeUndefined();
    expect(r.logs.join('\n')).toMatch(/mini: confirmed; the connection was lost before the host recorded it/);
    const id = txns().at(-1)!;
    const status = join(h.state, 'txn', id, 'status');
    await until(() => readFileSync(status, 'utf8').trim() === 'confirmed');
    expect(await served(h)).toContain(NEW);
    // The release was cut too: the lock stays for a later sync to take over.
    expect(lockHeld()).toBe(true);
    writeLock(deadPid(), id);
    expect((await sync(MLX_BASE, { breakLock: true })).err).toBeUndefined();
    await expectBase();
  }, 40_000);

  it('a confirmation whose answer was lost: says it may have been taken, never that the host will roll back', async () => {
    const hook: Hook = ({ argv }) => {
      if (!argv.includes('confirm')) return;
      // The confirmation reaches the host; its answer does not come back.
      expect(spawnSync(argv[0]!, argv.slice(1)).status).toBe(0);
      throw fault(argv, 255, 'Connection closed by 127.0.0.1 port 22\n');
    };
    let isCut = false;
    const cutAfter: Hook = (call) => {
      if (isCut) throw fault(call.argv, 255, 'Connection closed\n');
      if (call.argv.includes('confirm')) {
        isCut = true;
        return hook(call);
      }
    };
    const r = await sync(withNewModel(), { hook: cutAfter });
    expect(r.err).toBeInstanceOf(DeployError);
    // Not "nothing here can confirm": the confirmation may have been taken, and then the new config stays.
    expect(r.err!.message).not.toContain('Nothing here can confirm');
    expect(r.err!.message).toMatch(/the confirmation was sent but its answer was lost.* Either the host took it and keeps the new config, or it restores the previous files by itself at /);
    expect(r.err!.message).toMatch(/run `homelab sync-gateway` again/);
    const id = txns().at(-1)!;
    await until(() => readFileSync(join(h.state, 'txn', id, 'status'), 'utf8').trim() === 'confirmed');
    expect(await served(h)).toContain(NEW);
    writeLock(deadPid(), id);
    expect((await sync(MLX_BASE, { breakLock: true })).err).toBeUndefined();
    await expectBase();
  }, 40_000);

  it('releases only its own lock: a lock another sync took meanwhile is left alone', async () => {
    const other = `client=studio\npid=4242\nstarted=${new Date().toISOString()}\ntxn=T7\n`;
    const hook: Hook = ({ argv }) => {
      if (!argv.includes('confirm')) return;
      // Another machine's sync judged this one gone and broke its lock (--break-lock).
      rmSync(join(h.state, 'lock'), { recursive: true, force: true });
      mkdirSync(join(h.state, 'lock'));
      writeFileSync(join(h.state, 'lock/owner'), other);
    };
    const r = await sync(withNewModel(), { hook });
    expect(r.err, r.err?.message).toBeUndefined();
    expect(readFileSync(join(h.state, 'lock/owner'), 'utf8')).toBe(other);
    expect(r.logs.join('\n')).toContain('the deploy lock on mini is now held by studio pid 4242');
    rmSync(join(h.state, 'lock'), { recursive: true });
    expect((await sync(MLX_BASE)).err).toBeUndefined();
    await expectBase();
  }, 40_000);

  it('a lock whose pid now belongs to a program started after the lock was taken is a gone sync (pid reused)', async () => {
    const stranger = spawn('sleep', ['60'], { stdio: 'ignore' });
    try {
      await until(() => stranger.pid !== undefined);
      writeLock(stranger.pid!, 'T2', new Date(Date.now() - 3600_000).toISOString());
      let r = await sync(MLX_BASE, { breakLock: false });
      expect(r.err!.message).toContain(`but that sync is gone (process ${stranger.pid} on ${hostname()} started after the lock was taken: the pid now belongs to another program)`);
      r = await sync(MLX_BASE, { breakLock: true });
      expect(r.err, r.err?.message).toBeUndefined();
      await expectBase();
    } finally {
      stranger.kill();
    }
  }, 40_000);

  it('recovering a transaction that never started touches no file: a file changed by hand since is neither "restored" nor "still new"', async () => {
    let isCut = false;
    const hook: Hook = ({ argv, input }) => {
      if (input.includes('setsid')) isCut = true; // the start never reaches the host
      if (isCut) throw fault(argv, 255, 'Connection closed\n');
    };
    const r = await sync(withNewModel(), { hook });
    expect(r.err).toBeDefined();
    const id = txns().at(-1)!;
    expect(existsSync(join(h.state, 'txn', id, 'status'))).toBe(false);
    const edited = `${baseRouter}# a hand fix\n`;
    writeFileSync(remoteFile(h, ROUTER), edited);
    writeLock(deadPid(), id);
    const next = await sync(MLX_BASE, { breakLock: true });
    expect(next.err!.message).toContain(`recovered abandoned transaction ${id}.`);
    expect(next.err!.message).not.toMatch(/FAILED|still the new version/);
    expect(router()).toBe(edited);
    expect(lockHeld()).toBe(false);
    expect((await sync(MLX_BASE)).err).toBeUndefined();
    await expectBase();
  }, 40_000);

  it('a stray process answering on the gateway port with the same names is not the new config: rolled back, never "verified"', async () => {
    // Someone ran the gateway by hand on its port; the unit's own process is gone.
    const strayRouter = join(h.work, 'stray-router.yaml');
    writeFileSync(strayRouter, router());
    const gatewayPid = Number(readFileSync(join(h.state, 'gateway.pid'), 'utf8'));
    process.kill(gatewayPid, 'SIGTERM');
    await until(() => spawnSync('ss', ['-Hltn', `sport = :${h.gwPort}`], { encoding: 'utf8' }).stdout.trim() === '');
    const stray = spawn(process.execPath, [join(import.meta.dirname, 'fake-gateway.mjs'), strayRouter, String(h.gwPort), h.state], { stdio: 'ignore' });
    try {
      await until(() => spawnSync('ss', ['-Hltn', `sport = :${h.gwPort}`], { encoding: 'utf8' }).stdout.trim() !== '');
      // systemd reports a Type=exec restart as done once the process runs, bound or not.
      writeFileSync(join(h.state, 'type-exec'), '');
      // A model moved to another port on the Studio: router.yaml changes, the names it lists do not.
      const moved = structuredClone(MLX_BASE);
      moved.models['gpt-oss-120b-mxfp4-q8'].port = 8109;
      const r = await sync(moved, { verifyTimeoutMs: 3000 });
      rmSync(join(h.state, 'type-exec'));
      expect(r.observed.plan.changes.map((c) => c.install)).toContain(ROUTER);
      expect(r.err).toBeInstanceOf(DeployError);
      expect(r.err!.message).toMatch(new RegExp(`^mini: port ${h.gwPort} is answered by process ${stray.pid} \\(\\S+\\), not by litellm-orch\\.service`));
      // The rollback's account is judged the same way: the stray still answers, so nothing is "verified".
      expect(r.err!.message).not.toContain('(verified)');
      expect(r.err!.message).toContain('The previous files are restored (checked by digest on mini), but the gateway does not serve the previous list');
      expect(router()).toBe(baseRouter);
    } finally {
      stray.kill();
    }
    await until(() => spawnSync('ss', ['-Hltn', `sport = :${h.gwPort}`], { encoding: 'utf8' }).stdout.trim() === '');
    spawnSync(process.execPath, [join(import.meta.dirname, 'fake-systemctl.mjs'), h.state, remoteFile(h, ROUTER), String(h.gwPort), 'restart', 'litellm-orch.service']);
    expect((await sync(MLX_BASE)).err).toBeUndefined();
    await expectBase();
  }, 60_000);

  it('keeps the last keep_backups finished transactions on the host', () => {
    expect(txns().length).toBeGreaterThan(0);
    expect(txns().length).toBeLessThanOrEqual(3);
  });
});

describe('the whole sync-gateway pipeline, in-process', () => {
  it('writes generated/ after the verified deploy under the compile lock: a compile holding it is waited for', async () => {
    const file = join(h.work, 'mlx-pipeline.json');
    writeFileSync(file, JSON.stringify(withNewModel()));
    const out = join(repo, 'generated');
    mkdirSync(out, { recursive: true });
    const lock = join(out, '.homelab-compile.lock');
    writeFileSync(lock, `${process.pid}\n`); // a live compile (this very process) holds it
    const said = { out: '', err: '' };
    const running = runSyncGateway(
      {
        registryDir: join(repo, 'registry'), outDir: out, mlxRegistry: file, isPrune: false, isPlan: false, isOffline: false, isYes: true,
        deploy: { verifyTimeoutMs: 4000, deadlineS: 60, restartTimeoutS: 10, pollMs: 100, transport: localTransport() },
      },
      { out: (t) => void (said.out += t), err: (t) => void (said.err += t), color: new Chalk({ level: 0 }), diagnostics: () => {}, confirm: async () => true },
    );
    await until(() => said.err.includes('waiting for a compile'));
    // The host already serves the new lineup; generated/ has not been touched while the lock is held.
    expect(await served(h)).toContain(NEW);
    expect(existsSync(join(out, 'manifest.json')) && readFileSync(join(out, 'manifest.json'), 'utf8').includes(NEW)).toBe(false);
    // Nor the registry: a compile holding the lock reads it whole, never half the sync's edits.
    expect(readFileSync(join(repo, 'registry/models.yaml'), 'utf8')).not.toContain(NEW);
    rmSync(lock);
    expect(await running).toBe(0);
    expect(said.out).toContain('mini: deployed and verified.');
    expect(readFileSync(join(out, 'mini/litellm-orch/router.yaml'), 'utf8')).toContain(NEW);
    expect(readFileSync(join(repo, 'registry/models.yaml'), 'utf8')).toContain(NEW);
    expect(existsSync(lock)).toBe(false);
  }, 60_000);

  it('refuses, before asking or installing anything, a gateway that binds loopback on another host than this machine', async () => {
    // mini at a LAN address (TEST-NET, never contacted: the transport is in-process) and the
    // gateway bound to 127.0.0.1 there: from this machine, 127.0.0.1 is this machine itself.
    const texts = editYaml(editYaml(readTexts(join(repo, 'registry')), 'hosts.yaml', (d) => d.setIn(['hosts', 'mini', 'address'], '192.0.2.10')), 'endpoints.yaml', (d) => {
      const id = Object.keys((d.toJS() as { endpoints: Record<string, { kind: string }> }).endpoints).find((k) => k.startsWith('ep_litellm_gateway_'))!;
      d.setIn(['endpoints', id, 'bind'], '127.0.0.1');
      d.deleteIn(['endpoints', id, 'lan']);
    });
    const lanRepo = copyShipped(texts);
    const before = router();
    const file = join(h.work, 'mlx-unverifiable.json');
    writeFileSync(file, JSON.stringify(withNewModel()));
    let asked = false;
    const said = { out: '', err: '' };
    const running = runSyncGateway(
      {
        registryDir: join(lanRepo, 'registry'), outDir: join(lanRepo, 'generated'), mlxRegistry: file, isPrune: false, isPlan: false, isOffline: false, isYes: false,
        deploy: { verifyTimeoutMs: 4000, deadlineS: 60, restartTimeoutS: 10, pollMs: 100, transport: localTransport() },
      },
      { out: (t) => void (said.out += t), err: (t) => void (said.err += t), color: new Chalk({ level: 0 }), diagnostics: () => {}, confirm: async () => (asked = true) },
    );
    await expect(running).rejects.toThrow(UsageError);
    await expect(running).rejects.toThrow(/verifies the gateway from this machine, but litellm-gateway binds 127\.0\.0\.1 \(loopback\) on mini/);
    expect(asked).toBe(false);
    expect(said.out).not.toContain('deployed and verified');
    // Nothing reached the host: its router is the one it had.
    expect(router()).toBe(before);
    expect(lockHeld()).toBe(false);
  }, 60_000);

  it('run on the gateway\'s own host, verifies a localhost-bound gateway on loopback, not at the host\'s address', async () => {
    // mini is this machine (its dns is our host name), at 127.0.0.9: loopback, so a call to the
    // address stays here, but nothing listens on it; the stand-in gateway listens on 127.0.0.1 only.
    const texts = editYaml(editYaml(readTexts(join(repo, 'registry')), 'hosts.yaml', (d) => {
      d.setIn(['hosts', 'mini', 'address'], '127.0.0.9');
      d.setIn(['hosts', 'mini', 'dns'], hostname());
    }), 'endpoints.yaml', (d) => {
      const id = Object.keys((d.toJS() as { endpoints: Record<string, unknown> }).endpoints).find((k) => k.startsWith('ep_litellm_gateway_'))!;
      d.setIn(['endpoints', id, 'bind'], 'localhost');
      d.deleteIn(['endpoints', id, 'lan']);
    });
    const selfRepo = copyShipped(texts);
    const file = join(h.work, 'mlx-self.json');
    writeFileSync(file, JSON.stringify(withNewModel()));
    const said = { out: '', err: '' };
    const code = await runSyncGateway(
      {
        registryDir: join(selfRepo, 'registry'), outDir: join(selfRepo, 'generated'), mlxRegistry: file, isPrune: false, isPlan: false, isOffline: false, isYes: true,
        deploy: { verifyTimeoutMs: 4000, deadlineS: 60, restartTimeoutS: 10, pollMs: 100, transport: localTransport() },
      },
      { out: (t) => void (said.out += t), err: (t) => void (said.err += t), color: new Chalk({ level: 0 }), diagnostics: () => {}, confirm: async () => true },
    ).catch((e: Error) => e.message);
    expect(code, said.err).toBe(0);
    expect(said.out).toContain('mini: deployed and verified.');
    expect(await served(h)).toContain(NEW);
  }, 60_000);

  it('a local write that fails after a verified deploy says the host is done and how to catch up (exit 1)', async () => {
    const file = join(h.work, 'mlx-pipeline-2.json');
    writeFileSync(file, JSON.stringify(withNewModel(2)));
    const notADir = join(h.work, 'generated-is-a-file');
    writeFileSync(notADir, 'not a directory\n');
    const said = { out: '', err: '' };
    const code = await runSyncGateway(
      {
        registryDir: join(repo, 'registry'), outDir: notADir, mlxRegistry: file, isPrune: false, isPlan: false, isOffline: false, isYes: true,
        deploy: { verifyTimeoutMs: 4000, deadlineS: 60, restartTimeoutS: 10, pollMs: 100, transport: localTransport() },
      },
      { out: (t) => void (said.out += t), err: (t) => void (said.err += t), color: new Chalk({ level: 0 }), diagnostics: () => {}, confirm: async () => true },
    );
    expect(code).toBe(1);
    expect(said.err).toMatch(/homelab: mini: deployed and verified, but the local files were not all written: /);
    expect(said.err).toContain('run `homelab sync-gateway` again');
    expect(said.out).not.toContain('mini: deployed and verified.');
    // The host keeps the verified lineup: nothing was rolled back.
    const lineup = await served(h);
    for (const id of Object.values(withNewModel(2).models as Record<string, { model_id: string; port: number | null }>).filter((m) => m.port !== null).map((m) => m.model_id)) expect(lineup).toContain(id);
  }, 60_000);
});
