// The only place compile output touches the disk: read what is there, write atomically
// (temp file + rename, so a reader never sees half a file), remove orphans the old manifest listed.
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { MANIFEST_PATH, parseManifest, type GeneratedFile } from '../compile/index.js';
import type { GeneratedState } from '../validate/context.js';
import { displayPath } from '../registry/read.js';
import { UsageError } from '../errors.js';

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR') return undefined;
    throw new UsageError(`cannot read ${path}: ${code ?? (err as Error).message}`);
  }
}

/** What is on disk under `outDir` for every file compile produces and every file the old manifest lists. */
export async function readGeneratedState(outDir: string, files: readonly GeneratedFile[]): Promise<GeneratedState> {
  const manifestText = await readText(join(outDir, MANIFEST_PATH));
  const previousManifest = manifestText ? parseManifest(manifestText).map((e) => e.path).filter(isSafeRelative) : [];
  const paths = new Set([...files.map((f) => f.path), ...previousManifest]);
  const onDisk = new Map<string, string | undefined>();
  await Promise.all([...paths].map(async (p) => onDisk.set(p, await readText(join(outDir, p)))));
  return { dir: displayPath(outDir), onDisk, previousManifest };
}

/** A manifest path must stay inside the output directory: never follow ../ from a hand-edited manifest. */
function isSafeRelative(path: string): boolean {
  return !path.startsWith('/') && !path.split('/').includes('..') && path !== '';
}

export async function writeFileAtomic(path: string, content: string, mode = 0o644): Promise<void> {
  const tmp = join(dirname(path), `.${Date.now().toString(36)}-${process.pid}-${Math.random().toString(36).slice(2)}.tmp`);
  try {
    await mkdir(dirname(path), { recursive: true });
    await writeFile(tmp, content, { mode });
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true }).catch(() => undefined);
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot write ${path}: ${code ?? (err as Error).message}${code === 'EACCES' || code === 'EROFS' ? ' (check the permissions of the output directory)' : code === 'ENOTDIR' || code === 'EEXIST' ? ' (a file stands where a directory is needed)' : ''}`);
  }
}

export interface WriteReport {
  written: string[];
  removed: string[];
  unchanged: number;
}

/**
 * Write every changed file, the manifest last (so an interrupted run leaves the old manifest
 * naming the old set), then remove files the previous manifest listed and compile no longer makes.
 */
export async function writeOutputs(outDir: string, files: readonly GeneratedFile[], state: GeneratedState): Promise<WriteReport> {
  const report: WriteReport = { written: [], removed: [], unchanged: 0 };
  const ordered = [...files.filter((f) => f.path !== MANIFEST_PATH), ...files.filter((f) => f.path === MANIFEST_PATH)];
  for (const f of ordered) {
    if (state.onDisk.get(f.path) === f.content) {
      report.unchanged++;
      continue;
    }
    await writeFileAtomic(join(outDir, f.path), f.content);
    report.written.push(f.path);
  }
  const produced = new Set(files.map((f) => f.path));
  for (const p of state.previousManifest) {
    if (produced.has(p) || state.onDisk.get(p) === undefined) continue;
    await rm(join(outDir, p), { force: true });
    report.removed.push(p);
  }
  return report;
}
