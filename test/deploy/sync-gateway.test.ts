// homelab sync-gateway over a real OpenSSH connection to 127.0.0.1. The "gateway host" is a
// directory tree here (deploy.root); its systemctl is fake-systemctl.mjs, which restarts a
// stand-in LiteLLM (fake-gateway.mjs) on the deployed router.yaml — LiteLLM itself cannot be
// installed here. Fault scenarios: a gateway that fails its health check after the restart
// (rollback), a connection cut mid-upload, a held lock, a missing secret, a no-op sync.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyShipped, editYaml, runCli, shippedTexts, studioUpstreams, tmpDir, type Texts } from '../helpers.js';
import { freePort, startSshd, type Sshd } from './sshd.js';

const HERE = resolve(import.meta.dirname);
const ROUTER = '/home/christopherbailey/homelab-llm/layer-gateway/litellm-orch/config/router.yaml';
const SELECTOR_ENV = '/etc/optillm-proxy/env';
const work = tmpDir('homelab-sync-');
const root = join(work, 'host-root');
const state = join(work, 'host-state');
let sshd: Sshd;
let gwPort: number;
let repo: string;

const mlxBase = JSON.parse(readFileSync(join(HERE, '../fixtures/_mlx/unchanged.json'), 'utf8'));

function registryFor(options: string[]): Texts {
  let t = studioUpstreams(shippedTexts());
  const id = `ep_litellm_gateway_${gwPort}`;
  t = {
    ...t,
    'endpoints.yaml': t['endpoints.yaml']!.replace('ep_litellm_gateway_4000:', `${id}:`).replace(/(litellm-gateway\n\s+kind: litellm\n\s+host: mini\n\s+)port: 4000/, `$1port: ${gwPort}`),
    'settings.yaml': t['settings.yaml']!.replace('endpoint: ep_litellm_gateway_4000', `endpoint: ${id}`),
    'ports.lock.yaml': t['ports.lock.yaml']!.replace('port: 4000, service: litellm-gateway', `port: ${gwPort}, service: litellm-gateway`),
  };
  return editYaml(t, 'hosts.yaml', (d) => {
    d.setIn(['hosts', 'mini', 'address'], '127.0.0.1');
    d.setIn(['hosts', 'mini', 'ssh'], `${sshd.user}@127.0.0.1`);
    d.setIn(['hosts', 'mini', 'deploy'], {
      sudo: [],
      systemctl: [process.execPath, join(HERE, 'fake-systemctl.mjs'), state, join(root, ROUTER), String(gwPort)],
      state_dir: state,
      root,
      ssh_options: options,
    });
  });
}

function setSshOptions(options: string[]): void {
  const path = join(repo, 'registry/hosts.yaml');
  const t = editYaml({ 'hosts.yaml': readFileSync(path, 'utf8') }, 'hosts.yaml', (d) => d.setIn(['hosts', 'mini', 'deploy', 'ssh_options'], options));
  writeFileSync(path, t['hosts.yaml']!);
}

async function sync(mlx: unknown, extra: string[] = ['--yes']) {
  const file = join(work, `mlx-${Date.now()}.json`);
  writeFileSync(file, JSON.stringify(mlx));
  return runCli(['sync-gateway', '--mlx-registry', file, '--timeout', '8', ...extra], repo);
}

const remote = (install: string) => join(root, install);
const systemctlLog = () => (existsSync(join(state, 'systemctl.log')) ? readFileSync(join(state, 'systemctl.log'), 'utf8').trim().split('\n') : []);
async function served(): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${gwPort}/v1/models`);
  return ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
}

function withNewModel(extra = 1) {
  const next = structuredClone(mlxBase);
  for (let i = 0; i < extra; i++) {
    // registry.json as mlxctl writes it: by slug, the handle in model_id
    next.models[`devstral-small-2507-4bit${i ? `-v${i}` : ''}`] = {
      repo_id: `mlx-community/Devstral-Small-2507-4bit${i ? `-v${i}` : ''}`,
      model_id: `mlx-devstral-small-2507-4bit${i ? `-v${i}` : ''}`,
      cache_path: `/Users/thestudio/models/hf/hub/models--mlx-community--Devstral-Small-2507-4bit-${i}`,
      port: 8106, context_length: 131072, max_output_tokens: 32768,
    };
  }
  return next;
}

beforeAll(async () => {
  sshd = await startSshd(join(work, 'ssh'));
  gwPort = await freePort();
  repo = copyShipped(registryFor(sshd.options));
  const compiled = await runCli(['compile'], repo);
  expect(compiled.code, compiled.stderr).toBe(0);
  mkdirSync(join(root, 'etc/homelab-llm'), { recursive: true });
  mkdirSync(join(root, 'etc/optillm-proxy'), { recursive: true });
  // Placeholder values: the deploy checks names only and never reads values back.
  writeFileSync(join(root, 'etc/homelab-llm/litellm.secrets.env'), 'LITELLM_MASTER_KEY=placeholder-1\nOPTILLM_API_KEY=placeholder-2\n', { mode: 0o600 });
  writeFileSync(join(root, 'etc/optillm-proxy/secrets.env'), 'OPENAI_API_KEY=placeholder-1\n', { mode: 0o600 });
});

afterAll(() => {
  try {
    process.kill(Number(readFileSync(join(state, 'gateway.pid'), 'utf8')), 'SIGTERM');
  } catch {
    /* not started */
  }
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
    writeFileSync(join(root, 'etc/optillm-proxy/secrets.env'), 'OPENAI_API_KEY=placeholder-1\nOPTILLM_PROXY_KEY=placeholder-2\n', { mode: 0o600 });
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
    expect(r.stdout).toContain('deployed and verified');
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
    expect(r.stdout, r.stdout).toContain('nothing to do');
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
    expect(r.stderr).toContain('Rolled back: the previous config is serving (verified)');
    expect(readFileSync(remote(ROUTER), 'utf8')).toBe(oldRouter);
    expect(await served()).not.toContain('mlx-devstral-small-2507-4bit-v1');
    expect(await served()).toContain('mlx-devstral-small-2507-4bit');
    expect(readFileSync(join(repo, 'registry/models.yaml'), 'utf8')).toBe(oldModels);
    expect(existsSync(join(state, 'lock'))).toBe(false);
  });

  it('refuses while another sync holds the lock, and leaves that lock alone', async () => {
    mkdirSync(join(state, 'lock'));
    writeFileSync(join(state, 'lock/owner'), 'studio pid 4242 since 2026-11-23T06:00:00Z\n');
    const r = await sync(withNewModel(2));
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('another sync holds the deploy lock (studio pid 4242');
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
    expect(r.stderr).toContain('upload failed');
    expect(r.stderr).toContain('the previous config is serving');
    expect(readFileSync(remote(ROUTER), 'utf8')).toBe(oldRouter);
    expect(systemctlLog().length).toBe(before);
    expect(existsSync(join(state, 'lock'))).toBe(false);
    expect(await served()).toContain('mlx-devstral-small-2507-4bit');
  });
});
