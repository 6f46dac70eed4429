// compileAll: registry → every generated file (docs/outputs.md). Pure: no fs, no process; the
// command writes what this returns.
import { createHash } from 'node:crypto';
import type { Registry } from '../registry/load.js';
import { emitMcpClients, emitTinyagentsAgent } from './clients.js';
import { emitEnvFiles } from './env-files.js';
import { layout, type Layout } from './layout.js';
import { emitLitellmRouter } from './litellm-router.js';
import { emitMcpRegistry } from './mcp-registry.js';
import { emitOptillmProxy } from './optillm-proxy.js';
import { contentBytes, fill, renderJson, type GeneratedFile } from './render.js';
import { buildRouteModel, type RouteModel } from './routes.js';
import { emitSystemdUnits } from './systemd-units.js';
import { emitTopology } from './topology.js';
import { byString } from '../core/order.js';

export type { GeneratedFile } from './render.js';

export interface ManifestEntry {
  path: string;
  host?: string;
  install?: string;
  unit?: string;
  mode?: string;
  sha256: string;
}

/**
 * The manifest's mark that homelab wrote it. Orphan removal trusts a manifest only when it
 * carries this mark: a stray manifest.json of another tool must never make compile delete files.
 */
export const MANIFEST_GENERATOR = 'homelab';

export function sha256(content: string | Uint8Array): string {
  return createHash('sha256').update(content).digest('hex');
}

function emitManifest(files: GeneratedFile[], lay: Layout): GeneratedFile {
  const entries: ManifestEntry[] = files.map((f) => ({
    path: f.path,
    ...(f.host ? { host: f.host } : {}),
    ...(f.install ? { install: f.install } : {}),
    ...(f.unit ? { unit: f.unit } : {}),
    ...(f.mode ? { mode: f.mode } : {}),
    sha256: sha256(contentBytes(f)),
  }));
  return fill(lay.manifest, renderJson({ generator: MANIFEST_GENERATOR, files: entries }));
}

export function compileAll(reg: Registry, routes: RouteModel = buildRouteModel(reg)): GeneratedFile[] {
  const lay = layout(reg);
  const files: GeneratedFile[] = [
    emitLitellmRouter(reg, routes, lay),
    ...emitEnvFiles(reg, routes, lay),
    ...emitOptillmProxy(reg, lay),
    ...emitSystemdUnits(reg, lay),
    emitMcpRegistry(reg, lay),
    emitMcpClients(reg, lay),
    ...[emitTinyagentsAgent(reg, lay)].filter((f): f is GeneratedFile => f !== undefined),
    emitTopology(reg, routes, lay),
  ].sort(byString((f) => f.path));
  return [...files, emitManifest(files, lay)];
}

/** The manifest's file list, parsed back (for orphan removal and deploys). */
export function parseManifest(text: string): ManifestEntry[] {
  return readManifest(text).entries;
}

/** The manifest's entries and whether homelab wrote it (its generator mark). */
export function readManifest(text: string): { isHomelab: boolean; entries: ManifestEntry[] } {
  try {
    const data = JSON.parse(text) as { generator?: unknown; files?: ManifestEntry[] };
    const entries = Array.isArray(data.files) ? data.files.filter((f) => typeof f?.path === 'string') : [];
    return { isHomelab: data.generator === MANIFEST_GENERATOR, entries };
  } catch {
    return { isHomelab: false, entries: [] };
  }
}
