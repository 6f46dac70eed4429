// The IO side of loading: read the registry files from a directory (or from git, in validate
// --against) and hand the texts to the pure parser.
import { readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { UsageError } from '../errors.js';
import { parseRegistry, type LoadResult, type RegistryFileName } from './load.js';
import { REGISTRY_FILES } from './schema.js';
import { statSync } from 'node:fs';

/** A path as the user and the diagnostics see it: relative to the working directory, POSIX. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, path) || '.';
  return rel.split(sep).join('/');
}

export async function readRegistryTexts(dir: string): Promise<Partial<Record<RegistryFileName, string>>> {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    isDir = false;
  }
  if (!isDir) {
    throw new UsageError(`registry directory "${dir}" does not exist; pass --registry DIR (default: registry)`);
  }
  const texts: Partial<Record<RegistryFileName, string>> = {};
  await Promise.all(
    REGISTRY_FILES.map(async (spec) => {
      try {
        texts[spec.name] = await readFile(join(dir, spec.name), 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          throw new UsageError(`cannot read ${join(dir, spec.name)}: ${(err as Error).message}`);
        }
      }
    }),
  );
  return texts;
}

export async function loadRegistry(dir: string): Promise<LoadResult> {
  return parseRegistry(await readRegistryTexts(dir), displayPath(dir));
}
