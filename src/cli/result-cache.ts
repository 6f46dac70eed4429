// A memo for the read-only checks (`validate`, `compile --check`): when nothing they read has
// changed since the last run, replay that run's output and exit code instead of loading the
// compiler. Their result depends only on (1) the files under the registry directory and the
// generated directory (the loader reads registry files there, the drift and secret rules read
// generated files there), (2) the working directory (paths are printed relative to it), (3) the
// colour settings and (4) the build of homelab itself. The key is a SHA-256 over all of it, file
// contents included, so an edit of any byte (or a new, removed or renamed file) misses.
// A rule that starts reading anything else must add it to the key here.
import { createHash, type Hash } from 'node:crypto';
import { mkdirSync, readFileSync, readdirSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface Recorded {
  code: number;
  output: { fd: 1 | 2; text: string }[];
}

// Beyond this the directories are not a registry and generated/ (someone passed --out /): no memo.
const MAX_FILES = 20_000;
const MAX_BYTES = 256 * 1024 * 1024;

/** The digest of everything the command's result depends on; undefined when it cannot be known. */
export function inputDigest(buildId: string, command: unknown, dirs: readonly string[]): string | undefined {
  const h = createHash('sha256');
  const env = process.env;
  h.update(JSON.stringify({ buildId, command, cwd: process.cwd(), color: [env.NO_COLOR, env.FORCE_COLOR, process.stdout.isTTY, process.stderr.isTTY] }));
  const budget = { files: MAX_FILES, bytes: MAX_BYTES };
  for (const dir of dirs) if (!hashTree(h, resolve(dir), budget, 0)) return undefined;
  return h.digest('hex');
}

function hashTree(h: Hash, path: string, budget: { files: number; bytes: number }, depth: number): boolean {
  let stat;
  try {
    stat = statSync(path);
  } catch (err) {
    h.update(`\0absent ${path} ${(err as NodeJS.ErrnoException).code}`);
    return true;
  }
  if (stat.isDirectory()) {
    if (depth > 16) return false; // a symlink loop, or not a generated tree
    h.update(`\0dir ${path}`);
    let names: string[];
    try {
      names = readdirSync(path).sort();
    } catch {
      return false;
    }
    return names.every((name) => hashTree(h, join(path, name), budget, depth + 1));
  }
  if (!stat.isFile() || --budget.files < 0 || (budget.bytes -= stat.size) < 0) return false;
  try {
    const content = readFileSync(path);
    h.update(`\0file ${path} ${content.length}\0`);
    h.update(content);
    return true;
  } catch {
    return false;
  }
}

/** One memo file per working directory and command line: the latest result only. */
function slot(cacheDir: string, command: unknown): string {
  return join(cacheDir, `${createHash('sha256').update(JSON.stringify([process.cwd(), command])).digest('hex').slice(0, 32)}.json`);
}

export function recall(cacheDir: string, command: unknown, digest: string): Recorded | undefined {
  try {
    const memo = JSON.parse(readFileSync(slot(cacheDir, command), 'utf8')) as { digest: string } & Recorded;
    return memo.digest === digest ? { code: memo.code, output: memo.output } : undefined;
  } catch {
    return undefined;
  }
}

export function remember(cacheDir: string, command: unknown, digest: string, result: Recorded): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    const file = slot(cacheDir, command);
    const tmp = `${file}.${process.pid}`;
    writeFileSync(tmp, JSON.stringify({ digest, ...result }));
    renameSync(tmp, file);
  } catch {
    /* read-only install: no memo */
  }
}
