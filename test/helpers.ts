// Test helpers: load registries from fixtures or edited copies of the shipped one, spawn the
// built CLI the way a user runs it.
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseDocument } from 'yaml';
import { parseRegistry, type Registry, type RegistryFileName } from '../src/registry/load.js';
import { REGISTRY_FILES } from '../src/registry/schema.js';
import type { Diagnostic } from '../src/core/diagnostic.js';
import { validateRegistry } from '../src/validate/index.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const SHIPPED = join(ROOT, 'registry');
// The bin (dist/cli/homelab.js: fast path for validate / compile --check, else main) and the
// commander program alone (dist/cli/main.js), both built by scripts/build.mjs.
export const BIN = join(ROOT, 'dist/cli/homelab.js');
export const MAIN = join(ROOT, 'dist/cli/main.js');

export type Texts = Partial<Record<RegistryFileName, string>>;

/** Every file under `dir`, by its path relative to `dir`, with its text. */
export function readTree(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) out[join(e.parentPath, e.name).slice(dir.length + 1)] = readFileSync(join(e.parentPath, e.name), 'utf8');
  }
  return out;
}

export function readTexts(dir: string): Texts {
  const texts: Texts = {};
  for (const spec of REGISTRY_FILES) {
    try {
      texts[spec.name] = readFileSync(join(dir, spec.name), 'utf8');
    } catch {
      /* missing file: the loader reports it */
    }
  }
  return texts;
}

export function shippedTexts(): Texts {
  return readTexts(SHIPPED);
}

/** Edit one YAML file of a registry in place, keeping comments (as a person would). */
export function editYaml(texts: Texts, file: RegistryFileName, edit: (doc: ReturnType<typeof parseDocument>) => void): Texts {
  const doc = parseDocument(texts[file]!);
  edit(doc);
  return { ...texts, [file]: doc.toString({ lineWidth: 0 }) };
}

/**
 * A registry whose MLX rows' upstream is their model id: the name mlxctl starts each Studio server
 * to serve under (what the Studio's registry.json fixtures describe). A no-op on a registry that
 * already says so.
 */
export function studioUpstreams(texts: Texts): Texts {
  const ids = Object.keys(load(texts).models).filter((id) => id.startsWith('mlx-'));
  return editYaml(texts, 'models.yaml', (d) => {
    for (const id of ids) d.setIn(['models', id, 'upstream'], id);
  });
}

/** Edit handles.jsonl row by row. */
export function editHandles(texts: Texts, edit: (rows: Record<string, unknown>[]) => Record<string, unknown>[]): Texts {
  const rows = texts['handles.jsonl']!.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { ...texts, 'handles.jsonl': edit(rows).map((r) => JSON.stringify(r)).join('\n') + '\n' };
}

export function load(texts: Texts, dir = 'registry'): Registry {
  const r = parseRegistry(texts, dir);
  if (!r.registry) throw new Error(`fixture does not load: ${JSON.stringify(r.diagnostics, null, 2)}`);
  return r.registry;
}

/** Every diagnostic of a registry: loader's if it does not load, else the rules'. */
export function diagnose(texts: Texts): Diagnostic[] {
  const r = parseRegistry(texts, 'registry');
  if (!r.registry) return r.diagnostics;
  return validateRegistry(r.registry).diagnostics;
}

/** 1-based line of the first line of `text` containing `needle`. */
export function lineOf(text: string, needle: string): number {
  const i = text.split('\n').findIndex((l) => l.includes(needle));
  if (i < 0) throw new Error(`"${needle}" not found`);
  return i + 1;
}

export function tmpDir(prefix = 'homelab-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** A writable copy of the shipped registry (and generated/) in a temp dir. */
export function copyShipped(texts?: Texts): string {
  const dir = tmpDir();
  cpSync(SHIPPED, join(dir, 'registry'), { recursive: true });
  cpSync(join(ROOT, 'generated'), join(dir, 'generated'), { recursive: true });
  if (texts) for (const [name, text] of Object.entries(texts)) writeFileSync(join(dir, 'registry', name), text!);
  return dir;
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Spawn the built CLI with a minimal environment (no colour, no inherited config). */
export function runCli(args: string[], cwd: string, env: Record<string, string> = {}): Promise<RunResult> {
  return runScript(BIN, args, cwd, env);
}

/** Spawn a built script (BIN, or MAIN to bypass the bin's fast path) as runCli does. */
export function runScript(script: string, args: string[], cwd: string, env: Record<string, string> = {}): Promise<RunResult> {
  return new Promise((done) => {
    execFile(
      process.execPath,
      [script, ...args],
      { cwd, env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', NO_COLOR: '1', ...env }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === 'number' ? err.code : 2) : 0;
        done({ code, stdout, stderr });
      },
    );
  });
}
