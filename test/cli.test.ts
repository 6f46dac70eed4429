// The built CLI as a user runs it: exit codes 0/1/2, --check drift, located diagnostics for a
// broken registry and nothing written, orphan removal, output formats. No stack traces, ever.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyShipped, editHandles, editYaml, lineOf, runCli, shippedTexts, tmpDir } from './helpers.js';

const STACK = /\n\s+at .+:\d+:\d+/;

function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out[p] = readFileSync(p, 'utf8');
    }
  };
  walk(dir);
  return out;
}

describe('homelab compile', () => {
  it('writes every file into a fresh --out, then finds nothing to change', async () => {
    const dir = copyShipped();
    const first = await runCli(['compile', '--out', 'out'], dir);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('wrote out/mini/litellm-orch/router.yaml');
    expect(existsSync(join(dir, 'out/manifest.json'))).toBe(true);
    const second = await runCli(['compile', '--out', 'out'], dir);
    expect(second.stdout).toContain('0 written');
    expect((await runCli(['compile', '--out', 'out', '--check'], dir)).code).toBe(0);
  });

  it('--check exits 1 naming each drifted file and writes nothing', async () => {
    const dir = copyShipped();
    const path = join(dir, 'generated/mini/optillm-proxy/proxy_config.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('request: 600', 'request: 30'));
    const before = snapshot(join(dir, 'generated'));
    const r = await runCli(['compile', '--check'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('generated/mini/optillm-proxy/proxy_config.yaml');
    expect(r.stdout).not.toContain('router.yaml');
    expect(snapshot(join(dir, 'generated'))).toEqual(before);
  });

  it('removes a file the previous manifest listed and compile no longer produces', async () => {
    const dir = copyShipped();
    const manifestPath = join(dir, 'generated/manifest.json');
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    // Exactly what homelab wrote (the sha256 matches): only such an orphan is removed.
    manifest.files.push({ path: 'mini/systemd/old-service.service', sha256: createHash('sha256').update('stale\n').digest('hex') });
    writeFileSync(manifestPath, JSON.stringify(manifest));
    writeFileSync(join(dir, 'generated/mini/systemd/old-service.service'), 'stale\n');
    writeFileSync(join(dir, 'generated/mini/notes.txt'), 'not ours\n');
    expect((await runCli(['validate'], dir)).stderr).toContain('old-service.service is no longer produced');
    const r = await runCli(['compile'], dir);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('removed generated/mini/systemd/old-service.service');
    expect(existsSync(join(dir, 'generated/mini/systemd/old-service.service'))).toBe(false);
    // Never by glob: a file no manifest listed stays.
    expect(existsSync(join(dir, 'generated/mini/notes.txt'))).toBe(true);
  });

  it('a YAML syntax error gives a located registry-parse diagnostic, exit 1, and writes nothing', async () => {
    const texts = shippedTexts();
    const broken = texts['endpoints.yaml']!.replace('    port: 4020\n', '    port: 4020\n   bind: oops\n');
    const dir = copyShipped({ 'endpoints.yaml': broken });
    const before = snapshot(join(dir, 'generated'));
    const r = await runCli(['compile'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`registry/endpoints\\.yaml:${lineOf(broken, 'bind: oops')}:\\d+ error registry-parse`));
    expect(r.stderr).toContain('nothing written');
    expect(r.stderr).not.toMatch(STACK);
    expect(snapshot(join(dir, 'generated'))).toEqual(before);
  });

  it('an unknown key is a registry-schema error at its line, with the key it probably meant', async () => {
    const texts = editYaml(shippedTexts(), 'endpoints.yaml', (doc) => {
      doc.setIn(['endpoints', 'ep_searxng_8888', 'prot'], 8888);
    });
    const dir = copyShipped(texts);
    const r = await runCli(['validate', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.ok).toBe(false);
    expect(out.diagnostics).toContainEqual(expect.objectContaining({
      code: 'registry-schema',
      file: 'registry/endpoints.yaml',
      pointer: '/endpoints/ep_searxng_8888/prot',
      line: lineOf(texts['endpoints.yaml']!, 'prot: 8888'),
    }));
    expect(out.diagnostics[0].hint).toContain('"port"');
  });

  it('a broken JSONL line is named by its line number', async () => {
    const texts = shippedTexts();
    const lines = texts['handles.jsonl']!.split('\n');
    lines[4] = '{"handle":"ov-broken",}';
    const dir = copyShipped({ 'handles.jsonl': lines.join('\n') });
    const r = await runCli(['validate', '--format', 'github'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^::error file=registry\/handles\.jsonl,line=5,col=\d+,title=registry-parse::line 5 is not valid JSON/m);
  });

  it('a status field on a handle is refused with the reason', async () => {
    const texts = editHandles(shippedTexts(), (rows) => rows.map((r, i) => (i === 2 ? { ...r, status: 'active' } : r)));
    const r = await runCli(['validate', '--format', 'json'], copyShipped(texts));
    const d = JSON.parse(r.stdout).diagnostics[0];
    expect(d).toMatchObject({ code: 'registry-schema', pointer: '/2/status', line: 3 });
    expect(d.message).toContain('presence');
  });
});

describe('colour', () => {
  const broken = () => copyShipped(editYaml(shippedTexts(), 'settings.yaml', (d) => d.setIn(['optillm', 'approach'], 'proxy')));
  it('is off when output is not a terminal, and with NO_COLOR even when forced', async () => {
    const dir = broken();
    expect((await runCli(['validate'], dir, { NO_COLOR: '' })).stderr).not.toMatch(/\x1b\[/);
    expect((await runCli(['validate'], dir, { NO_COLOR: '1', FORCE_COLOR: '1' })).stderr).not.toMatch(/\x1b\[/);
  });
  it('is on when forced (FORCE_COLOR, as on a terminal)', async () => {
    expect((await runCli(['validate'], broken(), { NO_COLOR: '', FORCE_COLOR: '1' })).stderr).toMatch(/\x1b\[31merror/);
  });
});

describe('exit codes and usage', () => {
  it('validate of the shipped registry exits 0 and reports only the trade-offs settings.yaml accepts', async () => {
    const r = await runCli(['validate', '--format', 'json'], copyShipped());
    expect(r.code).toBe(0);
    const { ok, diagnostics } = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { code: string; severity: string }[] };
    expect(ok).toBe(true);
    // Every route through OptiLLM and every single-member technique is a choice the operator
    // wrote down with a reason; nothing else (no error, no unaccepted warning) may remain.
    expect(diagnostics.filter((d) => d.severity !== 'accepted')).toEqual([]);
    expect(new Set(diagnostics.map((d) => d.code))).toEqual(new Set(['optillm-passthrough', 'ensemble-reach']));
  });

  it.each([
    [['frobnicate']],
    [['validate', '--format', 'xml']],
    [['compile', '--registry', 'does-not-exist']],
    [['explain', 'mlx-no-such-model']],
    [['compile', '--bogus']],
    [['compile', '--out', 'registry/hosts.yaml']],
  ])('%j is a usage error: exit 2, no stack trace', async (args) => {
    const r = await runCli(args, copyShipped());
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeGreaterThan(0);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('--help exits 0', async () => {
    const r = await runCli(['--help'], tmpDir());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('compile');
  });
});

describe('homelab explain', () => {
  it('shows opt-chat-balanced-m reaching both members through OptiLLM with moa', async () => {
    const r = await runCli(['explain', 'opt-chat-balanced-m'], copyShipped());
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/OptiLLM mini:4020 .*"moa-ens-chat-balanced-m", runs moa, calls the gateway back with "ens-chat-balanced-m"/);
    expect(r.stdout).toContain('backend studio:8103');
    expect(r.stdout).toContain('backend studio:8105');
  });

  it('--format json gives the hop tree', async () => {
    const r = await runCli(['explain', 'mlx-gemma-3-27b-it-qat-4bit', '--format', 'json'], copyShipped());
    const { ok, route } = JSON.parse(r.stdout);
    expect(ok).toBe(true);
    expect(route.hop).toBe('gateway');
    expect(route.next[0]).toMatchObject({ hop: 'optillm', model: 'direct-mlx-gemma-3-27b-it-qat-4bit', calls: 'direct-mlx-gemma-3-27b-it-qat-4bit', technique: ['none'] });
    // The Studio's MLX servers serve each model under its model id (mlxctl), so that is what is sent.
    expect(route.next[0].next[0].next[0]).toMatchObject({ hop: 'backend', at: 'studio:8103', model: 'mlx-gemma-3-27b-it-qat-4bit' });
  });

  it('exits 1 and shows the loop for the seeds\' router- call-back prefix', async () => {
    const texts = editYaml(shippedTexts(), 'settings.yaml', (doc) => doc.setIn(['optillm', 'direct_prefix'], 'router'));
    const r = await runCli(['explain', 'mlx-gemma-3-27b-it-qat-4bit'], copyShipped(texts));
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('runs router');
    expect(r.stdout).toContain('LOOP');
  });
});
