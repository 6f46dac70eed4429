// homelab sync-gateway over a real OpenSSH connection to 127.0.0.1. The "gateway host" is a
// directory tree here (deploy.root); its systemctl is fake-systemctl.mjs, which restarts a
// stand-in LiteLLM (fake-gateway.mjs) on the deployed router.yaml — LiteLLM itself cannot be
// installed here. Fault scenarios: a gateway that fails its health check after the restart
// (rollback), a connection cut mid-upload, a held lock, a missing secret, a no-op sync.
import { spawn, spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyShipped, editYaml, runCli } from '../helpers.js';
import {
  HERE, makeHost, MLX_BASE as mlxBase, registryFor, remoteFile, ROUTER, SELECTOR_ENV, served as servedBy, stopUnits, systemctlLog as logOf, until, withNewModel, writeSecrets,
  type TestHost,
} from './harness.js';
import { freePort, startSshd, type Sshd } from './sshd.js';

let h: TestHost;
let sshd: Sshd;
let repo: string;
let work: string;
let state: string;

function setSshOptions(options: string[]): void {
  const path = join(repo, 'registry/hosts.yaml');
  const t = editYaml({ 'hosts.yaml': readFileSync(path, 'utf8') }, 'hosts.yaml', (d) => d.setIn(['hosts', 'mini', 'deploy', 'ssh_options'], options));
  writeFileSync(path, t['hosts.yaml']!);
}

function mlxFile(mlx: unknown): string {
  const file = join(work, `mlx-${Date.now()}-${Math.random()}.json`);
  writeFileSync(file, JSON.stringify(mlx));
  return file;
}

async function sync(mlx: unknown, extra: string[] = ['--yes']) {
  return runCli(['sync-gateway', '--mlx-registry', mlxFile(mlx), '--timeout', '8', ...extra], repo);
}

const remote = (install: string) => remoteFile(h, install);
const systemctlLog = () => logOf(h);
const served = () => servedBy(h);
/** A sync running in its own process, to be signalled; stderr as it grows. */
function startSync(mlx: unknown, timeoutS: number) {
  const child = spawn(process.execPath, [join(HERE, '../../dist/cli/main.js'), 'sync-gateway', '--yes', '--timeout', String(timeoutS), '--mlx-registry', mlxFile(mlx)], { cwd: repo, env: { ...process.env, NO_COLOR: '1' } });
  const out = { stderr: '', child, exited: new Promise<number | null>((r) => child.on('exit', (code) => r(code))) };
  child.stderr.on('data', (d: Buffer) => (out.stderr += d.toString()));
  return out;
}

const lastLines = (text: string, n: number) => text.trimEnd().split('\n').slice(-n);

/** The scp a sync (process `pid`) runs, with the host directory it copies into, if one runs. */
function scpOf(pid: number): { pid: number; stage: string } | undefined {
  const ps = spawnSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' }).stdout;
  const m = /^\s*(\d+) scp .*:(\/tmp\/homelab-stage\.\S+)\/$/m.exec(ps);
  return m ? { pid: Number(m[1]), stage: m[2]! } : undefined;
}

beforeAll(async () => {
  h = makeHost(await freePort());
  work = h.work;
  state = h.state;
  sshd = await startSshd(join(work, 'ssh'));
  repo = copyShipped(registryFor(h, `${sshd.user}@127.0.0.1`, { ssh_options: sshd.options }));
  const compiled = await runCli(['compile'], repo);
  expect(compiled.code, compiled.stderr).toBe(0);
  // Placeholder values; OptiLLM's secrets file lacks a name at first.
  writeSecrets(h);
  writeFileSync(join(h.root, 'etc/optillm-proxy/secrets.env'), 'OPENAI_API_KEY=placeholder-master\n', { mode: 0o600 });
});

afterAll(() => {
  stopUnits(h);
  sshd?.stop();
});

describe('homelab sync-gateway over ssh', () => {
  it('refuses before changing anything when a secret name is missing on the host', async () => {
    const r = await sync(mlxBase);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('does not define OPTILLM_PROXY_KEY');
    expect(r.stderr).not.toContain('placeholder');
    expect(existsSync(remote(ROUTER))).toBe(false);
    expect(existsSync(join(state, 'lock'))).toBe(false);
    writeSecrets(h);
  });

  it('--plan shows the files to create and the restarts, and changes nothing', async () => {
    const r = await sync(mlxBase, ['--plan']);
    expect(r.code).toBe(0);
    // 10: with the OpenVINO server's runtime env (/etc/homelab-llm/ov-server.env), loaded by its unit
    expect(r.stdout).toContain('host mini: 10 file(s) to change');
    expect(r.stdout).toContain('create /etc/homelab-llm/ov-server.env (ov-server)');
    expect(r.stdout).toContain(`create ${ROUTER}`);
    expect(r.stdout).toContain('restart, in order: ov-server → litellm-orch → optillm-proxy');
    expect(existsSync(remote(ROUTER))).toBe(false);
  });

  it('refuses to apply without --yes when standard input is not a terminal', async () => {
    const r = await sync(mlxBase, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('pass --yes');
    expect(existsSync(remote(ROUTER))).toBe(false);
  });

  it('deploys every gateway-host file, restarts in dependency order and verifies the served list', async () => {
    const r = await sync(mlxBase);
    expect(r.code, r.stderr).toBe(0);
    expect(lastLines(r.stdout, 1)).toEqual(['mini: deployed and verified.']);
    expect(r.stderr).toMatch(/applied: the host rolls back by itself at [\d:]+ UTC unless confirmed/);
    expect(r.stderr).toContain('the gateway and OptiLLM keys agree (compared by digest on the host)');
    // Over ssh the host told which process answers on the gateway's port (the unit's own).
    expect(r.stderr).not.toContain('could not tell which process answers');
    expect(readFileSync(remote(ROUTER), 'utf8')).toBe(readFileSync(join(repo, 'generated/mini/litellm-orch/router.yaml'), 'utf8'));
    expect(existsSync(remote('/etc/systemd/system/optillm-proxy.service'))).toBe(true);
    expect(systemctlLog()).toEqual(['daemon-reload', 'restart ov-server.service', 'restart litellm-orch.service', 'restart optillm-proxy.service']);
    expect(await served()).toContain('opt-chat-balanced-m');
    expect(await served()).toContain('direct-mlx-gemma-3-27b-it-qat-4bit');
    expect(existsSync(join(state, 'lock'))).toBe(false);
  });

  it('a second identical sync uploads nothing and restarts nothing', async () => {
    const before = systemctlLog().length;
    const mtime = statSync(remote(ROUTER)).mtimeMs;
    const r = await sync(mlxBase);
    expect(r.code).toBe(0);
    expect(lastLines(r.stdout, 1)).toEqual(['mini: nothing to change; the gateway serves this lineup (verified).']);
    expect(r.stderr).toContain('/v1/models lists exactly the');
    expect(systemctlLog().length).toBe(before);
    expect(statSync(remote(ROUTER)).mtimeMs).toBe(mtime);
  });

  it('a new MLX model reaches the gateway: only the gateway restarts, and the repo records it', async () => {
    const before = systemctlLog().length;
    const r = await sync(withNewModel());
    expect(r.code, r.stderr).toBe(0);
    expect(systemctlLog().slice(before)).toEqual(['restart litellm-orch.service']);
    expect(await served()).toContain('mlx-devstral-small-2507-4bit');
    expect(readFileSync(remote(SELECTOR_ENV), 'utf8')).toContain('OPTILLM_MLX_DEVSTRAL_SMALL_2507_4BIT_MODEL=openai/direct-mlx-devstral-small-2507-4bit');
    expect(readFileSync(join(repo, 'registry/models.yaml'), 'utf8')).toContain('mlx-devstral-small-2507-4bit:');
    expect(readFileSync(join(repo, 'registry/ports.lock.yaml'), 'utf8')).toContain('{ host: studio, port: 8106, service: mlx-8106 }');
    expect((await runCli(['compile', '--check'], repo)).code).toBe(0);
  });

  it('rolls back when the gateway fails its health check after the restart', async () => {
    const oldRouter = readFileSync(remote(ROUTER), 'utf8');
    const oldModels = readFileSync(join(repo, 'registry/models.yaml'), 'utf8');
    writeFileSync(join(state, 'poison'), 'mlx-devstral-small-2507-4bit-v1\n');
    const r = await sync(withNewModel(2));
    rmSync(join(state, 'poison'));
    expect(r.code).toBe(1);
    expect(lastLines(r.stderr, 2)).toEqual([
      expect.stringMatching(/^homelab: mini: restart litellm-orch failed: litellm-orch\.service failed to start: deployment mlx-devstral-small-2507-4bit-v1 rejected\.$/),
      'Rolled back: the previous files are restored (checked by digest on mini) and the previous config is serving (verified).',
    ]);
    expect(readFileSync(remote(ROUTER), 'utf8')).toBe(oldRouter);
    expect(await served()).not.toContain('mlx-devstral-small-2507-4bit-v1');
    expect(await served()).toContain('mlx-devstral-small-2507-4bit');
    expect(readFileSync(join(repo, 'registry/models.yaml'), 'utf8')).toBe(oldModels);
    expect(existsSync(join(state, 'lock'))).toBe(false);
  });

  it('refuses while another sync holds the lock, and leaves that lock alone', async () => {
    mkdirSync(join(state, 'lock'));
    const since = new Date().toISOString();
    writeFileSync(join(state, 'lock/owner'), `client=studio\npid=4242\nstarted=${since}\ntxn=T9\n`);
    const r = await sync(withNewModel(2));
    expect(r.code).toBe(1);
    expect(lastLines(r.stderr, 1)).toEqual([`homelab: mini: another sync holds the deploy lock: studio pid 4242, since ${since} (transaction T9). Nothing was changed. Wait for it to finish, then run again.`]);
    expect(existsSync(join(state, 'lock/owner'))).toBe(true);
    rmSync(join(state, 'lock'), { recursive: true });
  });

  it('asks for confirmation on a terminal and applies nothing when told no', async () => {
    const file = join(work, 'mlx-tty.json');
    writeFileSync(file, JSON.stringify(withNewModel(2)));
    const before = readFileSync(remote(ROUTER), 'utf8');
    const cmd = [process.execPath, join(HERE, '../../dist/cli/main.js'), 'sync-gateway', '--mlx-registry', file].map((a) => `'${a}'`).join(' ');
    // script(1) runs the command on a pseudo-terminal; "n" answers the prompt.
    const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: repo, input: 'n\n', encoding: 'utf8', env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1' }, timeout: 60_000 });
    expect(r.stdout).toContain('apply to mini? [y/N]');
    expect(r.stdout).toContain('not applied');
    expect(r.status).toBe(1);
    expect(readFileSync(remote(ROUTER), 'utf8')).toBe(before);
  });

  it('keeps the old config when the ssh connection is cut mid-upload', async () => {
    const oldRouter = readFileSync(remote(ROUTER), 'utf8');
    const before = systemctlLog().length;
    const relay = `ProxyCommand=${process.execPath} ${join(HERE, 'cut-relay.mjs')} 127.0.0.1 ${sshd.port} 60000`;
    setSshOptions([...sshd.options, '-o', relay]);
    // 300 new models make router.yaml far larger than the relay lets through.
    const r = await sync(withNewModel(300));
    setSshOptions(sshd.options);
    expect(r.code).toBe(1);
    expect(lastLines(r.stderr, 1)).toEqual([expect.stringMatching(/^homelab: mini: upload failed: ssh could not reach .* or the connection was cut.*\. Nothing was installed\.$/)]);
    expect(readFileSync(remote(ROUTER), 'utf8')).toBe(oldRouter);
    expect(systemctlLog().length).toBe(before);
    expect(existsSync(join(state, 'lock'))).toBe(false);
    expect(await served()).toContain('mlx-devstral-small-2507-4bit');
  });

  it('Ctrl-C (SIGINT) while a restart hangs: rolled back at once, exit 130, lock released, old list verified', async () => {
    const oldRouter = readFileSync(remote(ROUTER), 'utf8');
    writeFileSync(join(state, 'hang-once'), 'litellm-orch\n');
    const before = systemctlLog().length;
    const run = startSync(withNewModel(3), 8);
    await until(() => systemctlLog().slice(before).includes('restart litellm-orch.service'), 30_000);
    run.child.kill('SIGINT');
    expect(await run.exited).toBe(130);
    expect(lastLines(run.stderr, 1)).toEqual(['homelab: mini: interrupted by SIGINT: Rolled back: the previous files are restored (checked by digest on mini) and the previous config is serving (verified).']);
    expect(readFileSync(remote(ROUTER), 'utf8')).toBe(oldRouter);
    expect(await served()).not.toContain('mlx-devstral-small-2507-4bit-v2');
    expect(existsSync(join(state, 'lock'))).toBe(false);
  }, 60_000);

  it('SIGTERM while the served list is being verified: rolled back, exit 143', async () => {
    const oldRouter = readFileSync(remote(ROUTER), 'utf8');
    writeFileSync(join(state, 'hide'), 'mlx-devstral-small-2507-4bit-v3\n');
    const before = systemctlLog().length;
    const run = startSync(withNewModel(4), 30);
    await until(() => run.stderr.includes('waiting for the gateway'), 30_000);
    run.child.kill('SIGTERM');
    const code = await run.exited;
    rmSync(join(state, 'hide'));
    expect(code).toBe(143);
    expect(systemctlLog().slice(before)).toEqual(['restart litellm-orch.service', 'restart litellm-orch.service']);
    expect(lastLines(run.stderr, 1)).toEqual(['homelab: mini: interrupted by SIGTERM: Rolled back: the previous files are restored (checked by digest on mini) and the previous config is serving (verified).']);
    expect(readFileSync(remote(ROUTER), 'utf8')).toBe(oldRouter);
    expect(existsSync(join(state, 'lock'))).toBe(false);
  }, 60_000);

  it('SIGHUP (the terminal closed) while a restart hangs: rolled back at once, exit 129, lock released', async () => {
    const oldRouter = readFileSync(remote(ROUTER), 'utf8');
    writeFileSync(join(state, 'hang-once'), 'litellm-orch\n');
    const before = systemctlLog().length;
    const run = startSync(withNewModel(5), 8);
    await until(() => systemctlLog().slice(before).includes('restart litellm-orch.service'), 30_000);
    run.child.kill('SIGHUP');
    expect(await run.exited).toBe(129);
    expect(lastLines(run.stderr, 1)).toEqual(['homelab: mini: interrupted by SIGHUP: Rolled back: the previous files are restored (checked by digest on mini) and the previous config is serving (verified).']);
    expect(readFileSync(remote(ROUTER), 'utf8')).toBe(oldRouter);
    expect(await served()).not.toContain('mlx-devstral-small-2507-4bit-v4');
    expect(existsSync(join(state, 'lock'))).toBe(false);
  }, 60_000);

  it('proves on the host, by digest only, that the gateway and OptiLLM keys agree; no value leaves the host', async () => {
    writeSecrets(h, { sent: 'sk-gateway-to-optillm-1234', inbound: 'inbound-other-5678', upstream: 'upstream-other-9012' });
    const r = await sync(withNewModel(2));
    writeSecrets(h);
    expect(r.code).toBe(1);
    expect(lastLines(r.stderr, 5)).toEqual([
      'homelab: mini: the gateway and OptiLLM keys do not agree (compared by digest on mini; no value left it):',
      '  OPTILLM_PROXY_KEY in /etc/optillm-proxy/secrets.env differs from OPTILLM_API_KEY in /etc/homelab-llm/litellm.secrets.env: OptiLLM would refuse every request of the gateway',
      "  OPENAI_API_KEY in /etc/optillm-proxy/secrets.env is not the gateway's LITELLM_MASTER_KEY: the gateway would refuse every call-back of OptiLLM",
      '  OPTILLM_API_KEY in /etc/homelab-llm/litellm.secrets.env starts with sk- but is not a key the gateway accepts: OptiLLM forwards an sk- bearer upstream (optillm/server.py, v0.3.12) and the gateway would refuse it; give it another prefix or make it LITELLM_MASTER_KEY',
      'Nothing was changed.',
    ]);
    for (const value of ['sk-gateway', '1234', '5678', '9012', 'placeholder']) expect(r.stdout + r.stderr).not.toContain(value);
    expect(existsSync(join(state, 'lock'))).toBe(false);
    // An sk- key that equals the master key is accepted by the gateway: fine.
    writeSecrets(h, { master: 'sk-master-key-0000', sent: 'sk-master-key-0000' });
    const ok = await sync(withNewModel(2), ['--plan']);
    expect(ok.code).toBe(0);
    const applied = await sync(withNewModel(2));
    writeSecrets(h);
    expect(applied.code, applied.stderr).toBe(0);
    expect(applied.stderr).toContain('keys agree');
  }, 60_000);
  it('a sync SIGKILLed mid-upload leaves its stage in /tmp; the next sync, holding the lock, removes it and nothing else', async () => {
    // The upload stalls (the connection stays open, nothing more is relayed) until the sync is killed.
    const relay = `ProxyCommand=${process.execPath} ${join(HERE, 'cut-relay.mjs')} 127.0.0.1 ${sshd.port} 60000 15000`;
    setSshOptions([...sshd.options, '-o', relay]);
    const run = startSync(withNewModel(300), 8);
    // The stage of the stalled upload: the directory the sync's scp copies into (its last argument).
    let scp: { pid: number; stage: string } | undefined;
    await until(() => (scp = scpOf(run.child.pid!)) !== undefined && existsSync(scp.stage), 30_000);
    const { stage } = scp!;
    // A sync that runs meanwhile is refused by the lock and leaves the live upload's stage alone.
    const live = await sync(withNewModel(3));
    expect(live.code).toBe(1);
    expect(live.stderr).toContain('another sync holds the deploy lock');
    expect(existsSync(stage)).toBe(true);
    run.child.kill('SIGKILL');
    await run.exited;
    process.kill(scp!.pid, 'SIGKILL');
    setSshOptions(sshd.options);
    expect(existsSync(stage)).toBe(true);
    // Not the sync's to remove: a stage named as another lock's (or an older homelab's) names
    // theirs, one owned by another user, and a symlink named like the sync's own.
    const other = mkdtempSync('/tmp/homelab-stage.');
    const foreign = `${stage}x`;
    mkdirSync(foreign);
    chownSync(foreign, 65534, 65534);
    const target = mkdtempSync(join(work, 'link-target-'));
    const link = `${stage}y`;
    symlinkSync(target, link);
    try {
      const r = await sync(withNewModel(3), ['--yes', '--break-lock']);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(`mini: removed ${stage}, the upload directory of a sync that stopped mid-upload`);
      expect(existsSync(stage)).toBe(false);
      for (const kept of [other, foreign, link, target]) expect(existsSync(kept), kept).toBe(true);
      expect(await served()).toContain('mlx-devstral-small-2507-4bit-v2');
      expect(existsSync(join(state, 'lock'))).toBe(false);
    } finally {
      for (const d of [other, foreign, link]) rmSync(d, { recursive: true, force: true });
    }
  }, 90_000);
});
