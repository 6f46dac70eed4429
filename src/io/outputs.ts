// The only place compile output touches the disk: read what is there, write atomically
// (temp file + rename, so a reader never sees half a file), remove orphans the old manifest
// listed. Nothing outside --out is ever read, written or removed: every path is checked here,
// independently of the rules (belt and braces), and a compile holds a lock on --out.
import { closeSync, constants as FS, lstatSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { lstat, mkdir, open, readFile, realpath, rename, rm, stat } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { readManifest, sha256, type GeneratedFile } from '../compile/index.js';
import { MANIFEST_PATH } from '../compile/layout.js';
import { contentBytes, DiskTexts, type GeneratedState } from '../compile/render.js';
import { displayPath } from '../registry/read.js';
import { InternalError, UsageError } from '../core/errors.js';

async function readText(path: string): Promise<string | undefined> {
  return (await readBytes(path))?.toString('utf8');
}

async function readBytes(path: string): Promise<Buffer | undefined> {
  try {
    return await readFile(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw new UsageError(`cannot read ${path}: ${code ?? (err as Error).message}`);
  }
}

/** Why a path under --out is not a plain relative POSIX path (absolute, `..`, `.`, empty segment), or undefined. */
export function relativePathProblem(path: string): string | undefined {
  if (path === '') return 'it is empty';
  if (path.startsWith('/')) return 'it is absolute';
  if (/[\u0000-\u001f\\]/.test(path)) return 'it holds a control character or a backslash';
  const segments = path.split('/');
  if (segments.includes('..')) return 'it climbs out with ".."';
  if (segments.some((s) => s === '' || s === '.')) return 'it is not normalised (an empty or "." segment)';
  return undefined;
}

/** Why an install path is not absolute and normalised, or undefined. */
export function installPathProblem(path: string): string | undefined {
  if (!path.startsWith('/')) return 'it is not absolute';
  if (/[\u0000-\u001f]/.test(path)) return 'it holds a control character';
  if (posix.normalize(path) !== path || path.split('/').includes('..') || (path.length > 1 && path.endsWith('/'))) return 'it is not normalised';
  return undefined;
}

/**
 * The first component of `rel` under `root` that is a symbolic link (its relative path), or
 * undefined. `seen` caches each prefix's lstat across the files of one run (they share directories).
 */
async function symlinkComponent(root: string, rel: string, seen: Map<string, Promise<'link' | 'missing' | 'other'>>): Promise<string | undefined> {
  const segments = rel.split('/');
  for (let i = 1; i <= segments.length; i++) {
    const prefix = segments.slice(0, i).join('/');
    let kind = seen.get(prefix);
    if (!kind) {
      kind = lstat(join(root, prefix)).then(
        (st): 'link' | 'other' => (st.isSymbolicLink() ? 'link' : 'other'),
        (): 'missing' => 'missing',
      );
      seen.set(prefix, kind);
    }
    const k = await kind;
    if (k === 'missing') return undefined;
    if (k === 'link') return prefix;
  }
  return undefined;
}

/**
 * Every generated file must land inside the output directory and install at an absolute,
 * normalised path. The rules already refuse names that would break this; this check holds even
 * if a rule is wrong, so a failure here is a bug in homelab (exit 2) and nothing is written.
 */
export function assertOutputPaths(files: readonly GeneratedFile[]): void {
  for (const f of files) {
    const problem = relativePathProblem(f.path);
    if (problem) throw new InternalError(`refusing to write output "${f.path}": ${problem}; every output stays inside --out`);
    if (f.install !== undefined) {
      const bad = installPathProblem(f.install);
      if (bad) throw new InternalError(`refusing output ${f.path}: its install path "${f.install}" ${bad.replace(/^it /, '')}`);
    }
  }
}

/** What is on disk under `outDir` for every file compile produces and every file the old manifest lists. */
export async function readGeneratedState(outDir: string, files: readonly GeneratedFile[]): Promise<GeneratedState> {
  assertOutputPaths(files);
  const dir = displayPath(outDir);
  const manifestWarnings: string[] = [];
  const previousSha = new Map<string, string>();
  const unsafe = new Map<string, string>();
  const manifestText = await readText(join(outDir, MANIFEST_PATH));
  if (manifestText !== undefined) {
    const manifest = readManifest(manifestText);
    if (!manifest.isHomelab) {
      manifestWarnings.push(`${dir}/${MANIFEST_PATH} was not written by homelab (no "generator": "homelab"): ignored, no file it lists is removed`);
    } else {
      for (const e of manifest.entries) {
        const problem = relativePathProblem(e.path);
        if (problem) manifestWarnings.push(`${dir}/${MANIFEST_PATH} lists "${e.path}": ${problem}; kept, never touched`);
        else previousSha.set(e.path, typeof e.sha256 === 'string' ? e.sha256 : '');
      }
    }
  }
  const previousManifest = [...previousSha.keys()];
  const paths = new Set([...files.map((f) => f.path), ...previousManifest]);
  const onDisk = new DiskTexts();
  const seen = new Map<string, Promise<'link' | 'missing' | 'other'>>();
  await Promise.all(
    [...paths].map(async (p) => {
      const link = await symlinkComponent(outDir, p, seen);
      if (link !== undefined) {
        unsafe.set(p, `${dir}/${link} is a symbolic link`);
        onDisk.set(p, undefined);
        return;
      }
      onDisk.set(p, await readBytes(join(outDir, p)));
    }),
  );
  return { dir, onDisk, previousManifest, previousSha, manifestWarnings, unsafe };
}

// Temporary files being written right now, removed by the signal handlers of withCompileLock.
const liveTemps = new Set<string>();

export interface WriteHooks {
  /** Called once the temp file is complete, before the rename (tests interrupt a write here). */
  afterTempWrite?: (tmp: string) => Promise<void>;
}

export async function writeFileAtomic(path: string, content: string | Uint8Array, mode = 0o644, hooks: WriteHooks = {}): Promise<void> {
  const tmp = join(dirname(path), `.${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    liveTemps.add(tmp);
    // O_EXCL: never write through something that already stands at the temp name.
    const handle = await open(tmp, 'wx', mode);
    try {
      await handle.writeFile(content);
    } finally {
      await handle.close();
    }
    await hooks.afterTempWrite?.(tmp);
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write ${path}: ${code ?? (err as Error).message}${code === 'EACCES' || code === 'EROFS' ? ' (check the permissions of the output directory)' : code === 'ENOTDIR' || code === 'EEXIST' ? ' (a file stands where a directory is needed)' : ''}`);
  } finally {
    liveTemps.delete(tmp);
  }
}

export interface WriteReport {
  written: string[];
  removed: string[];
  /** Files the old manifest listed that compile no longer makes but did not remove, and why. */
  kept: { path: string; reason: string }[];
  /** Why (parts of) the old manifest were ignored. */
  warnings: string[];
  unchanged: number;
}

/**
 * Write every changed file, the manifest last (so an interrupted run leaves the old manifest
 * naming the old set), then remove files the previous manifest listed and compile no longer
 * makes — only when they are exactly what homelab wrote (same sha256), inside --out, and reached
 * through no symbolic link. Anything else is kept and reported.
 */
export async function writeOutputs(outDir: string, files: readonly GeneratedFile[], state: GeneratedState, hooks: WriteHooks = {}): Promise<WriteReport> {
  assertOutputPaths(files);
  const blocked = files.filter((f) => state.unsafe.has(f.path));
  if (blocked.length) {
    throw new UsageError(`refusing to write ${blocked.map((f) => `${state.dir}/${f.path}`).join(', ')}: ${state.unsafe.get(blocked[0]!.path)}; compile never writes through a symbolic link inside --out (remove the link)`);
  }
  const report: WriteReport = { written: [], removed: [], kept: [], warnings: [...state.manifestWarnings], unchanged: 0 };
  const ordered = [...files.filter((f) => f.path !== MANIFEST_PATH), ...files.filter((f) => f.path === MANIFEST_PATH)];
  for (const f of ordered) {
    if (state.onDisk.holds(f)) {
      report.unchanged++;
      continue;
    }
    await writeFileAtomic(join(outDir, f.path), contentBytes(f), 0o644, hooks);
    report.written.push(f.path);
  }
  const produced = new Set(files.map((f) => f.path));
  for (const p of state.previousManifest) {
    const text = state.onDisk.get(p);
    if (produced.has(p)) continue;
    const unsafe = state.unsafe.get(p);
    if (unsafe) {
      report.kept.push({ path: p, reason: unsafe });
      continue;
    }
    if (text === undefined) continue;
    if (sha256(text) !== state.previousSha.get(p)) {
      report.kept.push({ path: p, reason: 'it changed since homelab wrote it (sha256 differs from the manifest)' });
      continue;
    }
    await rm(join(outDir, p), { force: true });
    report.removed.push(p);
  }
  return report;
}

export const COMPILE_LOCK = '.homelab-compile.lock';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Take the lock or say who holds it: true when taken. A lock whose pid is gone is taken over. */
function tryLock(lock: string): { taken: true } | { taken: false; pid: number } {
  for (let attempt = 0; ; attempt++) {
    // Another process creating and removing the lock in a tight loop could starve us: say so.
    if (attempt >= 100) throw new UsageError(`cannot take the compile lock ${lock}: it keeps appearing and disappearing; is another program writing to this directory?`);
    try {
      const fd = openSync(lock, FS.O_WRONLY | FS.O_CREAT | FS.O_EXCL, 0o644);
      writeSync(fd, `${process.pid}\n`);
      closeSync(fd);
      return { taken: true };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw new UsageError(`cannot create the compile lock ${lock}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    // Only a regular file is a lock homelab wrote. A symbolic link (O_EXCL refuses to create through
    // it, and a dangling one reads as absent) or a directory would otherwise be retried for ever.
    let stat;
    try {
      stat = lstatSync(lock);
    } catch {
      continue; // removed between our open and this look: try again
    }
    if (!stat.isFile()) {
      throw new UsageError(`${lock} is not a compile lock homelab wrote (${stat.isSymbolicLink() ? 'a symbolic link' : stat.isDirectory() ? 'a directory' : 'not a regular file'}); remove it, then run again`);
    }
    let pid = NaN;
    try {
      pid = Number.parseInt(readFileSync(lock, 'utf8'), 10);
    } catch {
      continue; // removed between our open and read: try again
    }
    if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) return { taken: false, pid };
    // Stale: its compile died without removing it.
    rmSync(lock, { force: true });
  }
}

export interface LockOptions {
  /** How long to wait for another compile to finish before refusing (ms). */
  waitMs?: number;
  /** Told once when the lock is held by another live compile and we start waiting. */
  onWait?: (pid: number) => void;
}

/**
 * mkdir -p, each level once. Node 20's mkdir({ recursive: true }) retries for ever where mkdir
 * answers ENOENT under a parent that exists (/proc, /sys): here that ENOENT is the answer.
 */
async function makeDirectory(dir: string): Promise<void> {
  const once = async (): Promise<'made' | 'missing'> => {
    try {
      await mkdir(dir);
      return 'made';
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return 'missing';
      // Already there: fine when it is a directory (or a link to one), else mkdir's EEXIST.
      if (code === 'EEXIST' && (await stat(dir).then((s) => s.isDirectory(), () => false))) return 'made';
      throw err;
    }
  };
  if ((await once()) === 'made') return;
  const parent = dirname(dir);
  if (parent !== dir) await makeDirectory(parent);
  if ((await once()) === 'missing') throw Object.assign(new Error(`ENOENT: cannot create ${dir}`), { code: 'ENOENT' });
}

/**
 * Run `fn` holding the compile lock of `outDir` (a file created with O_EXCL holding our pid), so
 * two compiles into one directory never interleave. SIGINT/SIGTERM meanwhile remove the temp
 * files being written and the lock, then end the process with that signal.
 */
export async function withCompileLock<T>(outDir: string, fn: () => Promise<T>, o: LockOptions = {}): Promise<T> {
  await makeDirectory(outDir).catch((err: NodeJS.ErrnoException) => {
    throw new UsageError(`cannot create the output directory ${outDir}: ${err.code ?? err.message}`);
  });
  const lock = join(await realpath(outDir), COMPILE_LOCK);
  const waitMs = o.waitMs ?? 5000;
  const start = Date.now();
  let isWaiting = false;
  for (;;) {
    const r = tryLock(lock);
    if (r.taken) break;
    if (Date.now() - start >= waitMs) {
      throw new UsageError(`another homelab compile (pid ${r.pid}) is writing to ${displayPath(outDir)} and still holds ${displayPath(lock)} after ${Math.round(waitMs / 1000)} s; run again when it has finished`);
    }
    if (!isWaiting) o.onWait?.(r.pid);
    isWaiting = true;
    await new Promise((done) => setTimeout(done, 100));
  }
  const cleanup = () => {
    for (const tmp of liveTemps) rmSync(tmp, { force: true });
    liveTemps.clear();
    rmSync(lock, { force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanup();
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    // Re-raise with the default action, so the exit status says which signal ended the compile.
    process.kill(process.pid, signal);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    return await fn();
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    rmSync(lock, { force: true });
  }
}
