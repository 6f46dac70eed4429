// Load → validate → (what compile writes): the pipeline compile, validate and sync-gateway share,
// so each command proves the mesh the same way before it acts.
import { compileAll } from '../compile/index.js';
import type { GeneratedFile } from '../compile/render.js';
import { buildRouteModel } from '../compile/routes.js';
import type { Registry } from '../registry/load.js';
import { loadRegistry } from '../registry/read.js';
import type { Diagnostic } from '../core/diagnostic.js';
import { normalizeDiagnostics } from '../core/diagnostic.js';
import { validateRegistry } from '../validate/index.js';
import { readGeneratedState } from '../io/outputs.js';
import type { GeneratedState } from '../compile/render.js';

export interface CheckResult {
  registry?: Registry;
  diagnostics: Diagnostic[];
  files: GeneratedFile[];
  generated?: GeneratedState;
}

/**
 * Load and validate the registry. With `outDir`, also compare against what is on disk there
 * (generated-drift). Files are returned only for a registry that loaded.
 */
export async function checkRegistry(registryDir: string, outDir?: string): Promise<CheckResult> {
  const loaded = await loadRegistry(registryDir);
  if (!loaded.registry) return { diagnostics: normalizeDiagnostics(loaded.diagnostics), files: [] };
  const reg = loaded.registry;
  const routes = buildRouteModel(reg);
  const files = compileAll(reg, routes);
  const generated = outDir ? await readGeneratedState(outDir, files) : undefined;
  const result = validateRegistry(reg, { generated, routes, files });
  return { registry: reg, ...result, generated };
}
