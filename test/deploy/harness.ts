// The test gateway host, shared by the real-sshd tests and the in-process fault tests: a
// directory tree (deploy.root) with the secrets files, fake-systemctl.mjs as its systemctl, and a
// transport that runs the deploy's argv in-process (what sshd would run), with fault hooks.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { RemoteCommandError } from '../../src/core/errors.js';
import type { RemoteHost, Transport } from '../../src/deploy/remote.js';
import { editYaml, shippedTexts, tmpDir, type Texts } from '../helpers.js';

export const HERE = resolve(import.meta.dirname);
export const ROUTER = '/home/christopherbailey/homelab-llm/layer-gateway/litellm-orch/config/router.yaml';
export const SELECTOR_ENV = '/etc/optillm-proxy/env';
export const MLX_BASE = JSON.parse(readFileSync(join(HERE, '../fixtures/_mlx/unchanged.json'), 'utf8'));

export interface TestHost {
  work: string;
  root: string;
  state: string;
  gwPort: number;
}

export function makeHost(gwPort: number): TestHost {
  const work = tmpDir('homelab-host-');
  const host = { work, root: join(work, 'host-root'), state: join(work, 'host-state'), gwPort };
  mkdirSync(join(host.root, 'etc/homelab-llm'), { recursive: true });
  mkdirSync(join(host.root, 'etc/optillm-proxy'), { recursive: true });
  mkdirSync(host.state, { recursive: true });
  return host;
}

/** Placeholder values that agree as the mesh needs (the deploy compares them on the host by digest only). */
export function writeSecrets(h: TestHost, o: { master?: string; sent?: string; inbound?: string; upstream?: string } = {}): void {
  const master = o.master ?? 'placeholder-master';
  const sent = o.sent ?? 'placeholder-optillm';
  writeFileSync(join(h.root, 'etc/homelab-llm/litellm.secrets.env'), `LITELLM_MASTER_KEY=${master}\nOPTILLM_API_KEY=${sent}\n`, { mode: 0o600 });
  writeFileSync(join(h.root, 'etc/optillm-proxy/secrets.env'), `OPENAI_API_KEY=${o.upstream ?? master}\nOPTILLM_PROXY_KEY="${o.inbound ?? sent}"\n`, { mode: 0o600 });
}

/** The shipped registry with its gateway on gwPort and its host deployed to `h` as `ssh`. */
export function registryFor(h: TestHost, ssh: string, deploy: Record<string, unknown> = {}): Texts {
  let t = shippedTexts();
  const id = `ep_litellm_gateway_${h.gwPort}`;
  t = {
    ...t,
    'endpoints.yaml': t['endpoints.yaml']!.replace('ep_litellm_gateway_4000:', `${id}:`).replace(/(litellm-gateway\n\s+kind: litellm\n\s+host: mini\n\s+)port: 4000/, `$1port: ${h.gwPort}`),
    'settings.yaml': t['settings.yaml']!.replace('endpoint: ep_litellm_gateway_4000', `endpoint: ${id}`),
    'ports.lock.yaml': t['ports.lock.yaml']!.replace('port: 4000, service: litellm-gateway', `port: ${h.gwPort}, service: litellm-gateway`),
  };
  return editYaml(t, 'hosts.yaml', (d) => {
    d.setIn(['hosts', 'mini', 'address'], '127.0.0.1');
    d.setIn(['hosts', 'mini', 'ssh'], ssh);
    d.setIn(['hosts', 'mini', 'deploy'], {
      sudo: [],
      systemctl: [process.execPath, join(HERE, 'fake-systemctl.mjs'), h.state, join(h.root, ROUTER), String(h.gwPort)],
      state_dir: h.state,
      root: h.root,
      ...deploy,
    });
  });
}

export function withNewModel(extra = 1, base = MLX_BASE) {
  const next = structuredClone(base);
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

export const remoteFile = (h: TestHost, install: string) => join(h.root, install);
export const systemctlLog = (h: TestHost) => (existsSync(join(h.state, 'systemctl.log')) ? readFileSync(join(h.state, 'systemctl.log'), 'utf8').trim().split('\n') : []);

export async function served(h: TestHost): Promise<string[]> {
  const res = await fetch(`http://127.0.0.1:${h.gwPort}/v1/models`);
  return ((await res.json()) as { data: { id: string }[] }).data.map((m) => m.id);
}

/** Stop every stand-in process the fake systemctl started. */
export function stopUnits(h: TestHost): void {
  if (!existsSync(h.state)) return;
  for (const f of readdirSync(h.state).filter((x) => x.endsWith('.pid'))) {
    try {
      process.kill(Number(readFileSync(join(h.state, f), 'utf8')), 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

/** What a hook may do before a call runs: throw a fault, or act on the host. */
export type Hook = (call: { argv: string[]; input: string; kind: 'run' | 'upload'; n: number }) => void | Promise<void>;

/** The deploy's argv, run here as sshd would run it on the host (no shell in between). */
export function localTransport(hook?: Hook): Transport & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(host: RemoteHost, argv: string[], input?: string | Buffer) {
      calls.push(argv);
      await hook?.({ argv, input: String(input ?? ''), kind: 'run', n: calls.length });
      return new Promise<Buffer>((resolveRun, reject) => {
        const child = spawn(argv[0]!, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
        const out: Buffer[] = [];
        let err = '';
        child.stdout.on('data', (d: Buffer) => out.push(d));
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.on('error', (e) => reject(new RemoteCommandError(host.name, argv, 127, e.message)));
        child.on('close', (code) => (code === 0 ? resolveRun(Buffer.concat(out)) : reject(new RemoteCommandError(host.name, argv, code ?? 1, err))));
        child.stdin.on('error', () => undefined);
        child.stdin.end(input ?? '');
      });
    },
    async upload(_host: RemoteHost, paths: string[], dir: string) {
      calls.push(['upload', dir]);
      await hook?.({ argv: ['upload', dir], input: '', kind: 'upload', n: calls.length });
      for (const p of paths) copyFileSync(p, join(dir, basename(p)));
    },
  };
}

/** A fault a hook throws: what ssh reports for a command that failed on the host. */
export function fault(argv: string[], exitCode: number, stderr: string): RemoteCommandError {
  return new RemoteCommandError('mini', argv, exitCode, stderr);
}

export async function until(what: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!what()) {
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
