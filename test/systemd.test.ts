// The generated units through the real systemd-analyze (Debian's systemd package; .ci/run
// installs it): `verify` on a staged root must print nothing at all (bad keys only WARN), and
// `security --offline` must score each service under its ceiling.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAll } from '../src/compile/index.js';
import { load, readTexts, ROOT, tmpDir } from './helpers.js';

const CEILING: Record<string, number> = { 'litellm-orch': 2.0, 'optillm-proxy': 2.0, 'ov-server': 3.0, litellm: 2.0, optillm: 2.0, ov: 3.0 };

function stage(units: { name: string; content: string }[]): string {
  const root = tmpDir('homelab-systemd-');
  mkdirSync(join(root, 'usr/lib/systemd'), { recursive: true });
  cpSync('/usr/lib/systemd/system', join(root, 'usr/lib/systemd/system'), { recursive: true });
  mkdirSync(join(root, 'etc/systemd/system'), { recursive: true });
  for (const u of units) {
    writeFileSync(join(root, 'etc/systemd/system', u.name), u.content);
    // An executable stub where ExecStart points, so verify checks everything else.
    const exec = /^ExecStart=(\S+)/m.exec(u.content)![1]!;
    mkdirSync(join(root, dirname(exec)), { recursive: true });
    writeFileSync(join(root, exec), '#!/bin/sh\nexit 0\n');
    chmodSync(join(root, exec), 0o755);
  }
  return root;
}

function verify(root: string, name: string) {
  return spawnSync('systemd-analyze', ['verify', '--man=no', `--root=${root}`, name], { encoding: 'utf8' });
}

function exposure(root: string, name: string): number {
  const out = execFileSync('systemd-analyze', ['security', '--offline=yes', '--no-pager', `--root=${root}`, name], { encoding: 'utf8' });
  const m = /Overall exposure level for \S+: (\d+\.\d+)/.exec(out);
  if (!m) throw new Error(`no exposure line in:\n${out}`);
  return Number(m[1]);
}

const FIXTURES = [join(ROOT, 'registry'), join(ROOT, 'test/fixtures/minimal-one-host/registry'), join(ROOT, 'test/fixtures/no-optillm-routing/registry')];

describe.each(FIXTURES)('units of %s', (registry) => {
  const units = compileAll(load(readTexts(registry)))
    .filter((f) => f.path.includes('/systemd/'))
    .map((f) => ({ name: f.path.split('/').pop()!, content: f.content }));
  const root = stage(units);

  it.each(units.map((u) => u.name))('%s passes systemd-analyze verify with no output', (name) => {
    const r = verify(root, name);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it.each(units.map((u) => u.name))('%s scores under its exposure ceiling', (name) => {
    const unit = name.replace(/\.service$/, '');
    const score = exposure(root, name);
    expect(score).toBeLessThanOrEqual(CEILING[unit]!);
  });
});

describe('the harness itself', () => {
  it('sees the warnings verify prints for a typo (so a clean run means something)', () => {
    const root = stage([{ name: 'typo.service', content: '[Service]\nExecStart=/usr/local/bin/typo\nProtectSytem=strict\nRestart=sometimes\n' }]);
    const r = verify(root, 'typo.service');
    expect(r.stderr).toMatch(/ProtectSytem|Restart/);
  });

  it('scores an unhardened unit as unsafe', () => {
    const root = stage([{ name: 'bare.service', content: '[Service]\nExecStart=/usr/local/bin/bare\n' }]);
    expect(exposure(root, 'bare.service')).toBeGreaterThan(9);
  });
});
