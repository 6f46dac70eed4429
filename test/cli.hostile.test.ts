// The CLI on hostile input and odd invocations: one JSON document on every exit with
// --format json, the version, bare `homelab`, registry paths that are FIFOs, devices,
// directories or dangling links (refused at once, never waited on), warnings-only exit 0.
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyShipped, editHandles, ROOT, runCli, shippedTexts } from './helpers.js';

const STACK = /\n\s+at .+:\d+:\d+/;

function jsonDoc(stdout: string): { ok: boolean; diagnostics: { code: string; severity: string; message: string }[] } {
  const doc = JSON.parse(stdout) as { ok: boolean; diagnostics: { code: string; severity: string; message: string }[] };
  expect(Object.keys(doc)).toEqual(expect.arrayContaining(['ok', 'diagnostics']));
  return doc;
}

describe('--format json prints one JSON document on every exit', () => {
  const dir = copyShipped();
  it.each([
    ['an unknown option', ['validate', '--format', 'json', '--bogus'], 2, 'usage-error'],
    ['--format=json with a missing argument', ['explain', '--format=json'], 2, 'usage-error'],
    ['an unreadable (missing) registry', ['validate', '--format', 'json', '--registry', 'nowhere'], 2, 'usage-error'],
    ['an unknown handle', ['explain', 'mlx-nope', '--format', 'json'], 2, 'usage-error'],
  ])('%s', async (_n, args, code, diagCode) => {
    const r = await runCli(args as string[], dir);
    expect(r.code).toBe(code);
    const doc = jsonDoc(r.stdout);
    expect(doc.ok).toBe(false);
    expect(doc.diagnostics.map((d) => d.code)).toEqual([diagCode]);
    expect(r.stderr).not.toMatch(STACK);
  });

  it('a registry that does not load, for explain too', async () => {
    const broken = copyShipped({ 'hosts.yaml': 'hosts: [\n' });
    for (const args of [['validate', '--format', 'json'], ['explain', 'mlx-gemma-3-27b-it-qat-4bit', '--format', 'json']]) {
      const r = await runCli(args, broken);
      expect(r.code).toBe(1);
      expect(jsonDoc(r.stdout).diagnostics[0]!.code).toBe('registry-parse');
    }
  });
});

describe('version and bare invocation', () => {
  it('`homelab --version` prints the package version', async () => {
    const r = await runCli(['--version'], ROOT);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });

  it('`homelab` with no command prints its help on stderr and exits 2', async () => {
    const r = await runCli([], ROOT);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/Usage: homelab/);
    expect(r.stderr).toMatch(/compile/);
  });
});

describe('registry files that are not regular files are refused at once (exit 2)', () => {
  it.each([
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p]), /FIFO/],
    ['a device', (p: string) => symlinkSync('/dev/zero', p), /device/],
    ['a directory', (p: string) => mkdirSync(p), /directory/],
    ['a dangling symbolic link', (p: string) => symlinkSync('/nonexistent/hosts.yaml', p), /dangling symbolic link/],
  ])('%s as hosts.yaml', async (_n, make, message) => {
    const dir = copyShipped();
    const path = join(dir, 'registry/hosts.yaml');
    rmSync(path);
    make(path);
    const start = Date.now();
    const r = await runCli(['validate'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(STACK);
    // Never waited on: a FIFO with no writer would block a plain read for ever.
    expect(Date.now() - start).toBeLessThan(20_000);
  });
});

describe('exit codes', () => {
  it('a registry with only warnings exits 0 (validate and compile)', async () => {
    // A member listed twice is a warning (ensemble-members), nothing else changes.
    const texts = editHandles(shippedTexts(), (rows) => rows.map((r, i) => (i === 16 ? { ...r, members: [...(r.members as string[]), 'mlx-gemma-3-27b-it-qat-4bit'] } : r)));
    const dir = copyShipped(texts);
    expect((await runCli(['compile'], dir)).code).toBe(0);
    const r = await runCli(['validate', '--format', 'json'], dir);
    const doc = jsonDoc(r.stdout);
    expect(doc.diagnostics.length).toBeGreaterThan(0);
    // The shipped registry's accepted trade-offs come along; the new warning is the one not accepted.
    expect(doc.diagnostics.every((d) => d.severity === 'warning' || d.severity === 'accepted')).toBe(true);
    expect(doc.diagnostics.filter((d) => d.severity === 'warning').map((d) => d.code)).toEqual(['ensemble-members']);
    expect(doc.ok).toBe(true);
    expect(r.code).toBe(0);
  });

  it('a control character in the registry: a located diagnostic, exit 1, nothing written', async () => {
    const texts = shippedTexts();
    const dir = copyShipped({ 'endpoints.yaml': texts['endpoints.yaml']!.replace('approved: chat UI for the household', 'approved: "chat UI\\nExecStartPre=/bin/evil"') });
    const before = readFileSync(join(dir, 'generated/manifest.json'), 'utf8');
    writeFileSync(join(dir, 'marker'), '');
    const r = await runCli(['compile', '--out', 'generated'], dir);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/registry\/endpoints\.yaml:\d+:\d+ error registry-schema .*control character/);
    expect(readFileSync(join(dir, 'generated/manifest.json'), 'utf8')).toBe(before);
  });
});

describe('routing loops through a selector group', () => {
  it('explain of an ensemble whose group is an OptiLLM-routed handle shows the loop and exits 1', async () => {
    const texts = editHandles(shippedTexts(), (rows) => rows.map((r, i) => (i === 16 ? { ...r, selector: { model: 'moa-mlx-gemma-3-27b-it-qat-4bit' } } : r)));
    const dir = copyShipped(texts);
    const r = await runCli(['explain', 'opt-chat-balanced-m'], dir);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/LOOP "mlx-gemma-3-27b-it-qat-4bit"/);
    const v = await runCli(['validate', '--format', 'json'], dir);
    const loop = jsonDoc(v.stdout).diagnostics.find((d) => d.code === 'routing-loop');
    expect(loop?.message).toMatch(/opt-chat-balanced-m → OptiLLM .* → mlx-gemma-3-27b-it-qat-4bit → OptiLLM again/);
  });
});

describe('--registry that is not a directory', () => {
  it.each([
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p]), /is a FIFO/],
    ['a regular file', (p: string) => writeFileSync(p, 'hosts: {}\n'), /is a regular file, not a directory/],
  ])('%s: exit 2 at once', async (_n, make, message) => {
    const dir = copyShipped();
    make(join(dir, 'odd'));
    const r = await runCli(['validate', '--registry', 'odd'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });
});
