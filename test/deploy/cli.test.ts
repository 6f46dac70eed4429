// The CLI side of sync-gateway and smoke that needs no ssh: --offline plans without any host
// settings (the example registry has no deploy block), the routing setting is kept unless a
// flag is given, and `homelab smoke` against the stand-in gateway on 127.0.0.1.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { copyShipped, editYaml, ROOT, runCli, shippedTexts, tmpDir } from '../helpers.js';
import { HERE } from './harness.js';
import { freePort } from './sshd.js';

const MLX = join(ROOT, 'test/fixtures/_mlx/unchanged.json');

describe('sync-gateway --plan --offline', () => {
  // The fixture is the format's example registry (no deploy block, no generated/) with one change:
  // its per-handle via_optillm override is left out until the loader knows that key.
  it('plans the example registry, which has no deploy settings, without contacting any host', async () => {
    const dir = tmpDir();
    cpSync(join(ROOT, 'test/fixtures/_example-no-deploy/registry'), join(dir, 'registry'), { recursive: true });
    expect(readFileSync(join(dir, 'registry/hosts.yaml'), 'utf8')).not.toContain('deploy');
    const r = await runCli(['sync-gateway', '--plan', '--offline', '--mlx-registry', MLX], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('--offline: planned against generated/');
    expect(r.stdout).toMatch(/host mini: \d+ file\(s\) to change, 0 unchanged/);
  });

  it('keeps route_via_optillm: false without a routing flag, and changes it only with one', async () => {
    const repo = copyShipped();
    const settings = join(repo, 'registry/settings.yaml');
    writeFileSync(settings, readFileSync(settings, 'utf8').replace('route_via_optillm: true', 'route_via_optillm: false'));
    const plain = await runCli(['sync-gateway', '--plan', '--offline', '--mlx-registry', MLX], repo);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stdout).not.toContain('route_via_optillm');
    expect(plain.stdout).toContain('registry unchanged');
    const flagged = await runCli(['sync-gateway', '--plan', '--offline', '--route-via-optillm', '--mlx-registry', MLX], repo);
    expect(flagged.stdout).toContain('route_via_optillm: false → true');
    const off = await runCli(['sync-gateway', '--plan', '--offline', '--no-route-via-optillm', '--mlx-registry', MLX], repo);
    expect(off.stdout).not.toContain('route_via_optillm');
    expect(readFileSync(settings, 'utf8')).toContain('route_via_optillm: false');
  });
});

describe('homelab smoke', () => {
  let gateway: ChildProcess;
  let url: string;
  let state: string;
  let repo: string;

  beforeAll(async () => {
    repo = copyShipped();
    state = tmpDir();
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    writeFileSync(join(state, 'fail-chat'), 'mlx-gpt-oss-120b-mxfp4-q8\n');
    gateway = spawn(process.execPath, [join(HERE, 'fake-gateway.mjs'), join(repo, 'generated/mini/litellm-orch/router.yaml'), String(port), state], { stdio: 'ignore' });
    for (let i = 0; i < 100; i++) {
      if (await fetch(`${url}/health/liveliness`).then(() => true, () => false)) break;
      await new Promise((r) => setTimeout(r, 50));
    }
  });

  afterAll(() => gateway?.kill());

  it('prints handle, route, latency and result, and exits 0 when every handle answers', async () => {
    const r = await runCli(['smoke', 'mlx-gemma-3-27b-it-qat-4bit', 'opt-chat-balanced-m', '--gateway', url], repo, { HOMELAB_GATEWAY_KEY: 'k' });
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^handle +route +ms +ok$/);
    expect(lines[1]).toMatch(/^mlx-gemma-3-27b-it-qat-4bit +optillm → studio:8103 +\d+ +ok$/);
    expect(lines[2]).toMatch(/^opt-chat-balanced-m +optillm → \S+:\d+(, \S+:\d+)* +\d+ +ok$/);
    expect(lines.at(-1)).toBe('2 handle(s) answered');
  });

  it('exits 1 when a handle fails, with the reason, and --format json gives one document', async () => {
    const r = await runCli(['smoke', 'mlx-gpt-oss-120b-mxfp4-q8', 'mlx-gemma-3-27b-it-qat-4bit', '--gateway', url, '--format', 'json'], repo);
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { ok: boolean; results: { handle: string; isOk: boolean; error?: string; route: string; ms: number }[] };
    expect(doc.ok).toBe(false);
    expect(doc.results.map((x) => [x.handle, x.isOk])).toEqual([['mlx-gpt-oss-120b-mxfp4-q8', false], ['mlx-gemma-3-27b-it-qat-4bit', true]]);
    expect(doc.results[0]!.error).toMatch(/^HTTP 500: .*upstream connection refused/);
    const text = await runCli(['smoke', 'mlx-gpt-oss-120b-mxfp4-q8', '--gateway', url], repo);
    expect(text.code).toBe(1);
    expect(text.stdout.trimEnd().split('\n').slice(-2)).toEqual([expect.stringMatching(/^mlx-gpt-oss-120b-mxfp4-q8 .* FAILED: HTTP 500: /), '1 of 1 handle(s) failed']);
  });

  it('refuses a --gateway without a port (it would mean port 80, not the gateway), exit 2, nothing sent', async () => {
    for (const bad of ['http://127.0.0.1', 'http://127.0.0.1/v1', '127.0.0.1:4000']) {
      const r = await runCli(['smoke', '--gateway', bad], repo);
      expect(r.code, bad).toBe(2);
      expect(r.stderr).toContain('--gateway takes http://host:port');
    }
  });

  it('refuses a gateway that binds loopback on another host (its URL would be this machine), exit 2, nothing sent', async () => {
    const dir = copyShipped();
    const endpoints = join(dir, 'registry/endpoints.yaml');
    const text = readFileSync(endpoints, 'utf8');
    const edited = text.replace('    port: 4000\n    bind: 0.0.0.0', '    port: 4000\n    bind: 127.0.0.1');
    expect(edited).not.toBe(text);
    writeFileSync(endpoints, edited);
    const r = await runCli(['smoke', 'mlx-gemma-3-27b-it-qat-4bit'], dir, { HOMELAB_GATEWAY_KEY: 'k' });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain('binds 127.0.0.1 on mini');
    expect(r.stderr).toContain('--gateway');
    expect(r.stdout).toBe('');
  });

  it('run on the gateway\'s own host, calls a localhost-bound gateway on loopback, not at the host\'s address', async () => {
    // mini is this machine (its dns is our host name); its address 127.0.0.9 is loopback too, so a
    // call to the address would stay on this machine, but nothing listens there: the stand-in
    // gateway listens on 127.0.0.1 only, as a gateway bound to localhost does.
    const gw = ['endpoints', 'ep_litellm_gateway_4000'];
    const texts = editYaml(shippedTexts(), 'hosts.yaml', (d) => {
      d.setIn(['hosts', 'mini', 'address'], '127.0.0.9');
      d.setIn(['hosts', 'mini', 'dns'], hostname());
    });
    const dir = copyShipped(editYaml(texts, 'endpoints.yaml', (d) => {
      d.setIn([...gw, 'bind'], 'localhost');
      d.setIn([...gw, 'port'], Number(new URL(url).port));
    }));
    const r = await runCli(['smoke', 'mlx-gemma-3-27b-it-qat-4bit', '--format', 'json'], dir, { HOMELAB_GATEWAY_KEY: 'k' });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, gateway: url });
  });

  it('refuses a name that is not a handle (exit 2)', async () => {
    const r = await runCli(['smoke', 'no-such-handle', '--gateway', url], repo);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('not a handle of handles.jsonl: no-such-handle');
  });
});
