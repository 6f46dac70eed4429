// The bin's fast path (src/cli/homelab.ts, fast.ts, result-cache.ts) must be invisible: for
// every command line it takes, the output, exit code and files written equal those of the
// commander program (dist/cli/main.js); whatever it declines goes to that program; and the
// result memo never replays a result for inputs that changed since, nor stands in for a compile.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseFast } from '../src/cli/fast.js';
import { BIN, MAIN, copyShipped, editHandles, editYaml, readTree, runCli, runScript, shippedTexts } from './helpers.js';

const NO_MEMO = { HOMELAB_NO_CACHE: '1' };

describe('parseFast', () => {
  it('takes validate, compile --check and compile with the defaults main.ts gives commander', () => {
    expect(parseFast(['validate'])).toEqual({ verb: 'validate', options: { registry: 'registry', out: 'generated', format: 'text' } });
    expect(parseFast(['validate', '--registry=r', '--out', 'o', '--format', 'json'])).toEqual({ verb: 'validate', options: { registry: 'r', out: 'o', format: 'json' } });
    expect(parseFast(['compile', '--check', '--out', 'o'])).toEqual({ verb: 'compile', options: { registry: 'registry', out: 'o', check: true } });
    expect(parseFast(['compile'])).toEqual({ verb: 'compile', options: { registry: 'registry', out: 'generated', check: false } });
    expect(parseFast(['compile', '--out=o', '--registry', 'r'])).toEqual({ verb: 'compile', options: { registry: 'r', out: 'o', check: false } });
  });

  it('leaves everything else to commander', () => {
    for (const argv of [
      [],
      ['compile', '--out'],
      ['compile', '--format', 'json'],
      ['compile', '--help'],
      ['explain', 'x'],
      ['validate', '--against', 'HEAD'],
      ['validate', '--help'],
      ['validate', '--format', 'xml'],
      ['validate', '--format'],
      ['validate', '--registry', '--out'],
      ['validate', '--out', 'a', '--out', 'b'],
      ['validate', 'extra'],
      ['validate', '--check'],
      ['compile', '--check', '--format', 'json'],
      ['compile', '--check=yes'],
    ]) {
      expect(parseFast(argv), argv.join(' ')).toBeUndefined();
    }
  });
});

describe('the bin and the commander program agree', () => {
  const broken = editYaml(shippedTexts(), 'settings.yaml', (d) => d.setIn(['optillm', 'direct_prefix'], 'router'));
  const cases: [string, string[], () => string][] = [
    ['validate, sound registry', ['validate'], () => copyShipped()],
    ['validate --format json', ['validate', '--format', 'json'], () => copyShipped()],
    ['validate --format github, broken registry', ['validate', '--format', 'github'], () => copyShipped(broken)],
    ['validate, broken registry', ['validate'], () => copyShipped(broken)],
    ['validate --format json, unloadable registry', ['validate', '--format', 'json'], () => copyShipped({ 'handles.jsonl': '{"handle": \n' })],
    ['compile --check, broken registry', ['compile', '--check'], () => copyShipped(broken)],
    ['validate, missing registry (an error main.ts reports)', ['validate', '--registry', 'nowhere'], () => copyShipped()],
    ['validate --format xml (a usage error)', ['validate', '--format', 'xml'], () => copyShipped()],
  ];
  for (const [name, args, setup] of cases) {
    it(name, async () => {
      const dir = setup();
      const viaMain = await runScript(MAIN, args, dir);
      expect(await runScript(BIN, args, dir, NO_MEMO)).toEqual(viaMain);
      // Twice with the memo: the second run replays, and must still say the same.
      expect(await runCli(args, dir)).toEqual(viaMain);
      expect(await runCli(args, dir)).toEqual(viaMain);
    });
  }

  it('the same colours as chalk on a terminal (FORCE_COLOR): the fast path has its own ANSI codes', async () => {
    const dir = copyShipped(broken);
    const colour = { NO_COLOR: '', FORCE_COLOR: '1' };
    const viaMain = await runScript(MAIN, ['validate'], dir, colour);
    expect(viaMain.stderr).toContain('\u001b[31merror\u001b[39m');
    expect(await runScript(BIN, ['validate'], dir, { ...colour, ...NO_MEMO })).toEqual(viaMain);
  });

  it('compile --check on drifted files names them, with or without the memo', async () => {
    const dir = copyShipped();
    const path = join(dir, 'generated/mini/optillm-proxy/proxy_config.yaml');
    writeFileSync(path, readFileSync(path, 'utf8').replace('request: 600', 'request: 30'));
    const viaMain = await runScript(MAIN, ['compile', '--check'], dir);
    expect(viaMain.code).toBe(1);
    expect(await runScript(BIN, ['compile', '--check'], dir, NO_MEMO)).toEqual(viaMain);
    expect(await runCli(['compile', '--check'], dir)).toEqual(viaMain);
  });
});

describe('compile through the bin and through the commander program', () => {
  const broken = editYaml(shippedTexts(), 'settings.yaml', (d) => d.setIn(['optillm', 'direct_prefix'], 'router'));

  it('writes the same files and says the same, into a fresh directory and again over them', async () => {
    const [a, b] = [copyShipped(), copyShipped()];
    const viaMain = await runScript(MAIN, ['compile', '--out', 'fresh'], a);
    expect(viaMain.code).toBe(0);
    expect(viaMain.stdout).toMatch(/^15 written, 0 removed, 0 unchanged\.$/m);
    // The memo never stands in for a compile: with it on, the bin writes every file.
    expect(await runCli(['compile', '--out', 'fresh'], b)).toEqual(viaMain);
    expect(readTree(join(b, 'fresh'))).toEqual(readTree(join(a, 'fresh')));
    expect(Object.keys(readTree(join(a, 'fresh')))).toHaveLength(15);
    // A second compile finds every file up to date, both ways.
    const again = await runScript(MAIN, ['compile', '--out', 'fresh'], a);
    expect(again.stdout).toMatch(/^0 written, 0 removed, 15 unchanged\.$/m);
    expect(await runCli(['compile', '--out', 'fresh'], b)).toEqual(again);
    // Inputs as they were before the first compile: a replayed '15 written' would write nothing.
    rmSync(join(b, 'fresh'), { recursive: true });
    expect(await runCli(['compile', '--out', 'fresh'], b)).toEqual(viaMain);
    expect(readTree(join(b, 'fresh'))).toEqual(readTree(join(a, 'fresh')));
  });

  it('refuses a broken registry the same way, writing nothing', async () => {
    const [a, b] = [copyShipped(broken), copyShipped(broken)];
    const viaMain = await runScript(MAIN, ['compile', '--out', 'fresh'], a);
    expect(viaMain.code).toBe(1);
    expect(viaMain.stderr).toContain('compile: nothing written');
    expect(await runCli(['compile', '--out', 'fresh'], b)).toEqual(viaMain);
    // (--out is created to hold compile's lock, and left empty)
    expect(existsSync(join(b, 'fresh')) ? Object.keys(readTree(join(b, 'fresh'))) : []).toEqual([]);
  });

  it('reports a thrown error the way main.ts does (an --out that is a file)', async () => {
    const [a, b] = [copyShipped(), copyShipped()];
    for (const d of [a, b]) writeFileSync(join(d, 'afile'), '');
    const viaMain = await runScript(MAIN, ['compile', '--out', 'afile'], a);
    expect(viaMain.code).toBe(2);
    expect(viaMain.stderr).toMatch(/^homelab: cannot create the output directory afile/m);
    expect(await runCli(['compile', '--out', 'afile'], b)).toEqual(viaMain);
  });
});

describe('the result memo', () => {
  it('misses after any edit of a registry file or a generated file, and after a new file', async () => {
    const dir = copyShipped();
    expect((await runCli(['validate'], dir)).code).toBe(0);
    expect((await runCli(['validate'], dir)).code).toBe(0); // a replay

    // An edit in the registry: the error must show, not the remembered success.
    const texts = editHandles(shippedTexts(), (rows) => rows.map((r, i) => (i === 0 ? { ...r, handle: 'Bad_Handle' } : r)));
    writeFileSync(join(dir, 'registry/handles.jsonl'), texts['handles.jsonl']!);
    const edited = await runCli(['validate'], dir);
    expect(edited.code).toBe(1);
    expect(edited.stderr).toContain('Bad_Handle');

    // Back to the original bytes: the first result again (replayed or not, it must be right).
    writeFileSync(join(dir, 'registry/handles.jsonl'), shippedTexts()['handles.jsonl']!);
    expect((await runCli(['validate'], dir)).code).toBe(0);

    // A one-byte change in generated/: drift.
    const unit = join(dir, 'generated/mini/systemd/litellm-orch.service');
    writeFileSync(unit, readFileSync(unit, 'utf8') + ' ');
    const drift = await runCli(['validate'], dir);
    expect(drift.code).toBe(1);
    expect(drift.stderr).toContain('generated-drift');

    // A generated file removed.
    writeFileSync(unit, readFileSync(unit, 'utf8').slice(0, -1));
    expect((await runCli(['validate'], dir)).code).toBe(0);
    rmSync(unit);
    expect((await runCli(['validate'], dir)).code).toBe(1);
  });

  it('keys on the colour settings: a forced-colour run is not replayed without colour', async () => {
    const dir = copyShipped(editYaml(shippedTexts(), 'settings.yaml', (d) => d.setIn(['optillm', 'direct_prefix'], 'router')));
    const plain = await runCli(['validate'], dir);
    const forced = await runCli(['validate'], dir, { NO_COLOR: '', FORCE_COLOR: '1' });
    expect(plain.stderr).not.toContain('\u001b[');
    expect(forced.stderr).toContain('\u001b[');
    expect((await runCli(['validate'], dir)).stderr).toEqual(plain.stderr);
  });

  it('lives in dist/.cache, written by the bin', () => {
    expect(existsSync(join(BIN, '../../.cache/results'))).toBe(true);
  });
});
