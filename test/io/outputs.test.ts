// The IO guard of compile, proven with the rules bypassed: nothing outside --out is ever
// written or removed, orphans are removed only when they are exactly what homelab wrote, writes
// are atomic, the manifest is written last, and compiles into one directory never interleave.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileAll, sha256, type GeneratedFile } from '../../src/compile/index.js';
import { InternalError, UsageError } from '../../src/core/errors.js';
import { COMPILE_LOCK, readGeneratedState, withCompileLock, writeOutputs } from '../../src/io/outputs.js';
import { copyShipped, load, ROOT, runCli, shippedTexts, tmpDir } from '../helpers.js';

function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.push(p.slice(dir.length + 1));
    }
  };
  if (existsSync(dir)) walk(dir);
  return out.sort();
}

async function compileInto(out: string, files: GeneratedFile[]) {
  return writeOutputs(out, files, await readGeneratedState(out, files));
}

const manifest = (entries: { path: string; sha256: string }[], generator: string | undefined = 'homelab') =>
  JSON.stringify({ ...(generator ? { generator } : {}), files: entries });

describe('every output stays inside --out (rules bypassed)', () => {
  it('refuses a host name that climbs out, before writing anything: an internal error naming the path', async () => {
    const reg = load(shippedTexts());
    // What the name-kebab-case rule refuses, forced into the registry after validation.
    reg.hosts['../../escape'] = reg.hosts.mini!;
    for (const ep of Object.values(reg.endpoints)) if (ep.host === 'mini') ep.host = '../../escape';
    reg.settings.clients['open-webui']!.host = '../../escape';
    const root = tmpDir();
    const out = join(root, 'a/b/out');
    const files = compileAll(reg);
    expect(files.some((f) => f.path.startsWith('../../escape/'))).toBe(true);
    await expect(compileInto(out, files)).rejects.toThrow(InternalError);
    await expect(compileInto(out, files)).rejects.toThrow(/"\.\.\/\.\.\/escape\/.*climbs out/);
    expect(tree(root)).toEqual([]);
  });

  it.each([
    ['an absolute output path', { path: '/tmp/homelab-owned.txt', content: 'x\n' }],
    ['a ".." segment', { path: 'mini/../../x.txt', content: 'x\n' }],
    ['an install path with ".."', { path: 'mini/x.env', content: 'x\n', install: '/etc/homelab/../shadow' }],
    ['a relative install path', { path: 'mini/x.env', content: 'x\n', install: 'etc/x.env' }],
    ['a unit name with a path (rules bypassed)', { path: 'mini/systemd/x.service', content: 'x\n', install: '/etc/systemd/system/../../../tmp/x.service' }],
  ])('refuses %s with an internal error and writes nothing', async (_n, file) => {
    const out = tmpDir();
    await expect(compileInto(out, [file as GeneratedFile])).rejects.toThrow(InternalError);
    expect(tree(out)).toEqual([]);
  });

  it('refuses to write through a symbolic link inside --out', async () => {
    const root = tmpDir();
    const outside = join(root, 'outside');
    mkdirSync(outside);
    mkdirSync(join(root, 'out'));
    symlinkSync(outside, join(root, 'out/mini'));
    const files = compileAll(load(shippedTexts()));
    await expect(compileInto(join(root, 'out'), files)).rejects.toThrow(UsageError);
    await expect(compileInto(join(root, 'out'), files)).rejects.toThrow(/out\/mini is a symbolic link/);
    expect(tree(outside)).toEqual([]);
  });

  it('compiles every fixture to paths inside --out and absolute, normalised install paths', () => {
    const out = resolve('/srv/out');
    for (const dir of ['registry', 'test/fixtures/minimal-one-host/registry', 'test/fixtures/no-optillm-routing/registry']) {
      for (const f of compileAll(load(readTextsOf(dir)))) {
        expect(resolve(out, f.path).startsWith(out + sep), f.path).toBe(true);
        if (f.install) expect(resolve(f.install), f.install).toBe(f.install);
      }
    }
  });
});

function readTextsOf(dir: string) {
  return Object.fromEntries(['hosts.yaml', 'endpoints.yaml', 'models.yaml', 'handles.jsonl', 'settings.yaml', 'ports.lock.yaml'].map((n) => [n, readFileSync(join(ROOT, dir, n), 'utf8')]));
}

describe('orphans: only what homelab wrote is removed', () => {
  const setup = (entries: { path: string; sha256: string }[], generator?: string) => {
    const root = tmpDir();
    const out = join(root, 'out');
    mkdirSync(join(out, 'mini'), { recursive: true });
    writeFileSync(join(out, 'manifest.json'), manifest(entries, generator));
    return { root, out };
  };
  const current: GeneratedFile[] = [{ path: 'mini/kept.txt', content: 'kept\n' }];

  it('removes an unchanged file the old manifest listed', async () => {
    const { out } = setup([{ path: 'mini/old.txt', sha256: sha256('old\n') }]);
    writeFileSync(join(out, 'mini/old.txt'), 'old\n');
    const r = await compileInto(out, current);
    expect(r.removed).toEqual(['mini/old.txt']);
    expect(existsSync(join(out, 'mini/old.txt'))).toBe(false);
  });

  it('keeps and reports a listed file that changed since homelab wrote it', async () => {
    const { out } = setup([{ path: 'mini/old.txt', sha256: sha256('old\n') }]);
    writeFileSync(join(out, 'mini/old.txt'), 'edited by hand\n');
    const r = await compileInto(out, current);
    expect(r.removed).toEqual([]);
    expect(r.kept).toEqual([{ path: 'mini/old.txt', reason: expect.stringContaining('sha256') }]);
    expect(readFileSync(join(out, 'mini/old.txt'), 'utf8')).toBe('edited by hand\n');
  });

  it('ignores, with a warning, a manifest homelab did not write', async () => {
    const { out } = setup([{ path: 'mini/old.txt', sha256: sha256('old\n') }], '');
    writeFileSync(join(out, 'mini/old.txt'), 'old\n');
    const r = await compileInto(out, current);
    expect(r.removed).toEqual([]);
    expect(r.warnings.join('\n')).toMatch(/not written by homelab/);
    expect(existsSync(join(out, 'mini/old.txt'))).toBe(true);
  });

  it('never follows ".." or an absolute path in a manifest', async () => {
    const { root, out } = setup([
      { path: '../victim.txt', sha256: sha256('victim\n') },
      { path: join(tmpDir(), 'abs.txt'), sha256: sha256('abs\n') },
    ]);
    writeFileSync(join(root, 'victim.txt'), 'victim\n');
    const r = await compileInto(out, current);
    expect(r.removed).toEqual([]);
    expect(r.warnings.filter((w) => /climbs out|absolute/.test(w))).toHaveLength(2);
    expect(readFileSync(join(root, 'victim.txt'), 'utf8')).toBe('victim\n');
  });

  it('keeps a listed file reached through a symbolic link', async () => {
    const { root, out } = setup([{ path: 'link/victim.txt', sha256: sha256('victim\n') }]);
    mkdirSync(join(root, 'elsewhere'));
    writeFileSync(join(root, 'elsewhere/victim.txt'), 'victim\n');
    symlinkSync(join(root, 'elsewhere'), join(out, 'link'));
    const r = await compileInto(out, current);
    expect(r.removed).toEqual([]);
    expect(r.kept[0]).toMatchObject({ path: 'link/victim.txt', reason: expect.stringContaining('symbolic link') });
    expect(existsSync(join(root, 'elsewhere/victim.txt'))).toBe(true);
  });
});

describe('atomic writes and the manifest last', () => {
  it('a compile that fails mid-write leaves no partial or temp file, and the old manifest in place', async () => {
    const dir = copyShipped();
    const gen = join(dir, 'generated');
    const before = readFileSync(join(gen, 'manifest.json'), 'utf8');
    // Change every output, then make one directory impossible to create: the write fails there.
    writeFileSync(join(dir, 'registry/settings.yaml'), readFileSync(join(dir, 'registry/settings.yaml'), 'utf8').replace('request_timeout: 600', 'request_timeout: 700'));
    writeFileSync(join(dir, 'registry/settings.yaml'), readFileSync(join(dir, 'registry/settings.yaml'), 'utf8').replace('json_logs: true', 'json_logs: false'));
    const { rmSync } = await import('node:fs');
    rmSync(join(gen, 'mini/systemd'), { recursive: true });
    writeFileSync(join(gen, 'mini/systemd'), 'a file where a directory is needed\n');
    const r = await runCli(['compile'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot write .*mini\/systemd\/.*a file stands where a directory is needed/);
    expect(tree(gen).filter((p) => p.endsWith('.tmp'))).toEqual([]);
    expect(readFileSync(join(gen, 'manifest.json'), 'utf8')).toBe(before);
    expect(existsSync(join(gen, COMPILE_LOCK))).toBe(false);
    // Every file present is whole: what was there before or exactly what compile makes now.
    const { parseRegistry } = await import('../../src/registry/load.js');
    const { readTexts } = await import('../helpers.js');
    const now = new Map(compileAll(parseRegistry(readTexts(join(dir, 'registry')), 'registry').registry!).map((f) => [f.path, f.content]));
    const old = new Map(compileAll(load(shippedTexts())).map((f) => [f.path, f.content]));
    let isAnyNew = false;
    for (const p of tree(gen).filter((p) => now.has(p))) {
      const text = readFileSync(join(gen, p), 'utf8');
      expect(text === now.get(p) || text === old.get(p), p).toBe(true);
      if (text !== old.get(p)) isAnyNew = true;
    }
    expect(isAnyNew, 'the compile got far enough to write something').toBe(true);
  });

  it('writes the manifest last', async () => {
    const out = tmpDir();
    const files = compileAll(load(shippedTexts()));
    const order: string[] = [];
    await writeOutputs(out, files, await readGeneratedState(out, files), { afterTempWrite: async (tmp) => void order.push(tmp) });
    const written = tree(out);
    expect(written).toContain('manifest.json');
    expect(order).toHaveLength(files.length);
    // The manifest is the only output at the top of --out: its temp file is the last one made.
    expect(order.filter((t) => dirname(t) === out)).toEqual([order[order.length - 1]]);
  });
});

function waitForLine(child: ReturnType<typeof spawn>, pattern: RegExp): Promise<string> {
  return new Promise((done, fail) => {
    let buf = '';
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = pattern.exec(buf);
      if (m) done(m[1]!);
    });
    child.on('exit', () => fail(new Error(`child exited before printing ${pattern}: ${buf}`)));
  });
}

describe('interrupted and concurrent compiles', () => {
  it.each(['SIGINT', 'SIGTERM'] as const)('%s between a temp file and its rename leaves no temp file and no lock', async (signal) => {
    const out = tmpDir();
    const child = spawn(process.execPath, [join(ROOT, 'test/io/interrupt-child.mjs'), out], { stdio: ['ignore', 'pipe', 'inherit'] });
    const tmp = await waitForLine(child, /^tmp (\S+)$/m);
    expect(existsSync(tmp)).toBe(true);
    expect(existsSync(join(out, COMPILE_LOCK))).toBe(true);
    const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, sig) => done(sig)));
    child.kill(signal);
    expect(await exited).toBe(signal);
    expect(tree(out)).toEqual([]);
  });

  it('a second compile waits for a live lock, then refuses naming the holder', async () => {
    const out = tmpDir();
    const holder = spawn('sleep', ['30']);
    writeFileSync(join(out, COMPILE_LOCK), `${holder.pid}\n`);
    try {
      const start = Date.now();
      await expect(withCompileLock(out, async () => 'ran', { waitMs: 300 })).rejects.toThrow(new RegExp(`another homelab compile \\(pid ${holder.pid}\\)`));
      expect(Date.now() - start).toBeGreaterThanOrEqual(300);
      expect(readFileSync(join(out, COMPILE_LOCK), 'utf8')).toBe(`${holder.pid}\n`);
    } finally {
      holder.kill();
    }
  });

  it('takes over a stale lock whose process is gone, and removes its own lock after', async () => {
    const out = tmpDir();
    const gone = spawn('true');
    await new Promise((done) => gone.on('exit', done));
    writeFileSync(join(out, COMPILE_LOCK), `${gone.pid}\n`);
    expect(await withCompileLock(out, async () => readFileSync(join(out, COMPILE_LOCK), 'utf8'))).toBe(`${process.pid}\n`);
    expect(existsSync(join(out, COMPILE_LOCK))).toBe(false);
  });

  it('two compiles into one directory run one after the other and agree', async () => {
    const dir = copyShipped();
    const [a, b] = await Promise.all([runCli(['compile', '--out', 'fresh'], dir), runCli(['compile', '--out', 'fresh'], dir)]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const written = [a, b].map((r) => Number(/^(\d+) written/m.exec(r.stdout)![1]));
    // One wrote everything, the other found it all current: never both half.
    expect(written.sort((x, y) => x - y)[0]).toBe(0);
    expect((await runCli(['compile', '--out', 'fresh', '--check'], dir)).code).toBe(0);
    expect(existsSync(join(dir, 'fresh', COMPILE_LOCK))).toBe(false);
  });
});

describe('a compile lock path homelab did not write', () => {
  it('a dangling symbolic link: refused at once with a message, its target never created', async () => {
    const out = tmpDir('homelab-lock-link-');
    const target = join(tmpDir('homelab-lock-victim-'), 'newfile');
    symlinkSync(target, join(out, COMPILE_LOCK));
    const started = Date.now();
    await expect(withCompileLock(out, async () => 'ran', { waitMs: 300 })).rejects.toThrow(/is not a compile lock homelab wrote \(a symbolic link\); remove it/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(existsSync(target)).toBe(false);
  });

  it('a directory in its place: refused, not waited on', async () => {
    const out = tmpDir('homelab-lock-dir-');
    mkdirSync(join(out, COMPILE_LOCK));
    await expect(withCompileLock(out, async () => 'ran', { waitMs: 300 })).rejects.toThrow(/\(a directory\); remove it/);
  });

  it('through the CLI: exit 2, nothing written', async () => {
    const dir = copyShipped(shippedTexts());
    const before = readdirSync(join(dir, 'generated'));
    symlinkSync(join(dir, 'victim'), join(dir, 'generated', COMPILE_LOCK));
    const r = await runCli(['compile'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a compile lock homelab wrote \(a symbolic link\)/);
    expect(existsSync(join(dir, 'victim'))).toBe(false);
    expect(readdirSync(join(dir, 'generated')).sort()).toEqual([...before, COMPILE_LOCK].sort());
  });
});

describe('an --out that cannot be created', () => {
  // Node 20's mkdir({ recursive: true }) retries for ever where mkdir says ENOENT under a parent
  // that exists (/proc): compile must refuse such a directory, not spin.
  it('under /proc: a usage error naming it, and the process ends', async () => {
    const { execFile } = await import('node:child_process');
    const dir = copyShipped();
    const r = await new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((done) => {
      const child = execFile(process.execPath, [join(ROOT, 'dist/cli/homelab.js'), 'compile', '--out', '/proc/homelab-no-such-dir'], { cwd: dir, timeout: 15_000, killSignal: 'SIGKILL', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NO_COLOR: '1' } }, (_err, _stdout, stderr) =>
        done({ code: child.exitCode, signal: child.signalCode, stderr }),
      );
    });
    expect(r.signal).toBeNull();
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^homelab: cannot create the output directory \/proc\/homelab-no-such-dir: ENOENT/m);
  }, 20_000);
});
