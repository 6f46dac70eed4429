// `homelab import`: read the hand-written mesh, build the registry (pure, src/import/), check that
// it compiles back to the same routes, write it, then validate it like any registry. The only IO
// here is reading the inputs and writing the registry directory.
import { existsSync, statSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../core/errors.js';
import { importMesh, type ImportInputs } from '../import/build.js';
import { compareRoutes, compiledTable, renderImported } from '../import/round-trip.js';
import type { InputFile } from '../import/sources.js';
import { displayPath, readRegularFileSync } from '../registry/read.js';
import { writeFileAtomic } from '../io/outputs.js';
import { normalizeDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { checkRegistry } from './check.js';

/** homelab's own JSON schemas (src/app and dist/chunks both sit two levels under the package root). */
const SCHEMAS = fileURLToPath(new URL('../../schemas', import.meta.url));

export interface ImportOptions {
  router: string;
  env?: string[];
  handles?: string;
  mlxRegistry?: string;
  optillmEnv?: string;
  out: string;
  force?: boolean;
}

export interface ImportOutcome {
  written: boolean;
  out: string;
  /** What import reports (file and line of the input) followed by validate's diagnostics. */
  importDiagnostics: Diagnostic[];
  validateDiagnostics: Diagnostic[];
  unsupported: { name: string; reason: string }[];
}

/** An input file: a regular file, read without waiting (a FIFO or a device is refused at once). */
function readInput(path: string, flag: string): InputFile {
  let text: string | undefined;
  try {
    text = readRegularFileSync(path);
  } catch (err) {
    throw new UsageError(`${flag}: ${(err as Error).message}`);
  }
  if (text === undefined) throw new UsageError(`cannot read ${flag} ${path}: no such file`);
  return { file: displayPath(path), text };
}

export async function importRegistry(o: ImportOptions): Promise<ImportOutcome> {
  const out = o.out;
  if (existsSync(out) && !o.force) {
    throw new UsageError(`${out} already exists; pass --force to overwrite its registry files, or --out DIR for a new one`);
  }
  if (existsSync(out) && !statSync(out).isDirectory()) throw new UsageError(`${out} is not a directory`);
  const routerAbs = resolve(o.router);
  // Every file read, with the flag that named it: --force must never write over one of them.
  const read: { path: string; what: string }[] = [];
  const readAs = (path: string, flag: string) => {
    const input = readInput(path, flag);
    read.push({ path, what: flag });
    return input;
  };
  const inputs: ImportInputs = {
    router: readAs(o.router, '--router'),
    readInclude: (rel) => {
      const p = isAbsolute(rel) ? rel : join(dirname(routerAbs), rel);
      try {
        const text = readRegularFileSync(p);
        if (text !== undefined) read.push({ path: p, what: `include: of ${displayPath(o.router)}` });
        return text === undefined ? undefined : { file: displayPath(p), text };
      } catch (err) {
        return { error: (err as Error).message.replace(`cannot read ${p}: `, '') };
      }
    },
    envs: (o.env ?? []).map((p) => readAs(p, '--env')),
    handles: o.handles ? readAs(o.handles, '--handles') : undefined,
    mlxRegistry: o.mlxRegistry ? readAs(o.mlxRegistry, '--mlx-registry') : undefined,
    optillmEnv: o.optillmEnv ? readAs(o.optillmEnv, '--optillm-env') : undefined,
    routerPath: routerAbs,
  };
  const result = importMesh(inputs);
  if (!result.registry) {
    return { written: false, out, importDiagnostics: normalizeDiagnostics(result.diagnostics), validateDiagnostics: [], unsupported: result.unsupported };
  }
  const schemaDir = relative(resolve(out), SCHEMAS).split('\\').join('/') || '.';
  const texts = renderImported(result.registry, { schemaDir, source: inputs.router.file });
  const reported = new Set(result.unsupported.map((u) => u.name));
  const after = compiledTable(texts, displayPath(out));
  const checks = after && result.input ? compareRoutes(result.input, after, reported, inputs.router.file) : [];
  refuseOverwritingInputs(out, Object.keys(texts), read);
  await writeRegistryDir(out, texts);
  const validated = await checkRegistry(out);
  return {
    written: true,
    out,
    importDiagnostics: normalizeDiagnostics([...result.diagnostics, ...checks]),
    validateDiagnostics: validated.diagnostics,
    unsupported: result.unsupported,
  };
}

/** --force replaces registry files, never an input of this import (the seeds keep handles.jsonl in their registry/). */
function refuseOverwritingInputs(out: string, names: string[], read: { path: string; what: string }[]): void {
  const id = (p: string) => {
    try {
      const st = statSync(p);
      return `${st.dev}:${st.ino}`;
    } catch {
      return undefined;
    }
  };
  // By device and inode (a path may name an input through a link); a file gone since has no id.
  const inputs = new Map<string, { path: string; what: string }>();
  for (const r of read) {
    const key = id(r.path);
    if (key !== undefined) inputs.set(key, r);
  }
  for (const name of names) {
    const key = id(join(out, name));
    const hit = key === undefined ? undefined : inputs.get(key);
    if (hit) throw new UsageError(`--out ${out} would overwrite ${displayPath(hit.path)}, read as ${hit.what}; write the registry to another directory (--out DIR)`);
  }
}

/** A new directory appears whole (written beside it, then renamed); --force replaces file by file. */
async function writeRegistryDir(out: string, texts: Record<string, string>): Promise<void> {
  if (existsSync(out)) {
    for (const [name, text] of Object.entries(texts)) await writeFileAtomic(join(out, name), text);
    return;
  }
  const tmp = `${out.replace(/\/+$/, '')}.import-${process.pid}`;
  await rm(tmp, { recursive: true, force: true });
  await mkdir(tmp, { recursive: true });
  try {
    for (const [name, text] of Object.entries(texts)) await writeFile(join(tmp, name), text);
    await rename(tmp, out);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    throw err;
  }
}
