// validate --against REF: git reads the registry at that ref; moved ports, edited ledger
// entries and reused handle names fail; a bad ref or path is a usage error (exit 2).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyShipped, editYaml, runCli, shippedTexts, type Texts } from './helpers.js';

function repoWithHistory(): string {
  const dir = copyShipped();
  const git = (...args: string[]) => execFileSync('git', args, { cwd: dir, stdio: 'pipe' });
  git('init', '-q', '-b', 'main');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '-A');
  git('-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'base');
  return dir;
}

function write(dir: string, texts: Texts): void {
  for (const [name, text] of Object.entries(texts)) writeFileSync(join(dir, 'registry', name), text!);
}

describe('validate --against', () => {
  it('passes when nothing that must be stable changed', async () => {
    const r = await runCli(['validate', '--against', 'HEAD', '--format', 'json'], repoWithHistory());
    const { ok, diagnostics } = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { severity: string }[] };
    expect(ok).toBe(true);
    // The shipped registry's accepted trade-offs are listed (severity accepted); nothing else.
    expect(diagnostics.filter((d) => d.severity !== 'accepted')).toEqual([]);
  });

  it('fails when a service port changed and the ledger was edited to hide it', async () => {
    const dir = repoWithHistory();
    let texts = editYaml(shippedTexts(), 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_searxng_8888', 'port'], 8889));
    texts = { ...texts, 'ports.lock.yaml': texts['ports.lock.yaml']!.replace('port: 8888, service: searxng', 'port: 8889, service: searxng') };
    write(dir, texts);
    const r = await runCli(['validate', '--against', 'HEAD', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    const d = JSON.parse(r.stdout).diagnostics.filter((x: { code: string }) => x.code === 'port-immutable');
    expect(d.map((x: { file: string; pointer: string }) => `${x.file}#${x.pointer}`).sort()).toEqual([
      'registry/endpoints.yaml#/endpoints/ep_searxng_8888/port',
      'registry/ports.lock.yaml#/ports',
    ]);
  });

  it('fails when a handle name now means another model', async () => {
    const dir = repoWithHistory();
    write(dir, editYaml(shippedTexts(), 'models.yaml', (d) => d.setIn(['models', 'ov-phi-4-mini-instruct-fp16', 'upstream'], 'phi-4-reasoning-fp16')));
    const r = await runCli(['validate', '--against', 'HEAD', '--format', 'json'], dir);
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).diagnostics).toContainEqual(expect.objectContaining({ code: 'handle-reused', pointer: '/8/handle', line: 9 }));
  });

  it('a ref that does not exist is a usage error naming it', async () => {
    const r = await runCli(['validate', '--against', 'no-such-branch'], repoWithHistory());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"no-such-branch" does not exist');
  });

  it('a registry path that does not exist at the ref is a usage error', async () => {
    const dir = repoWithHistory();
    execFileSync('cp', ['-r', join(dir, 'registry'), join(dir, 'registry2')]);
    const r = await runCli(['validate', '--registry', 'registry2', '--against', 'HEAD'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('path does not exist');
  });
});
