// What every rule gets: the typed registry, the route model (built once), and for the
// generated-drift and secret-literal rules, what compile would write and what is on disk.
import type { GeneratedFile } from '../compile/render.js';
import type { RouteModel, RouteNode } from '../compile/routes.js';
import type { Registry, RegistryFileName } from '../registry/load.js';
import type { Diagnostic, Severity } from './diagnostic.js';

export interface GeneratedState {
  /** The output directory as the user sees it ('generated'). */
  dir: string;
  /** Current text of each path under dir that compile writes or the old manifest lists (undefined: absent). */
  onDisk: Map<string, string | undefined>;
  /** Paths the manifest on disk lists (only a manifest homelab wrote; only paths inside dir). */
  previousManifest: string[];
  /** sha256 the manifest on disk recorded for each of its paths. */
  previousSha: Map<string, string>;
  /** Why parts of the old manifest are not trusted (not homelab's, a path outside dir). */
  manifestWarnings: string[];
  /** Paths under dir that must not be read or written: a component is a symbolic link. */
  unsafe: Map<string, string>;
}

export interface RuleContext {
  reg: Registry;
  routes: RouteModel;
  /** What compile writes for this registry, computed once for every rule that needs it. */
  files: () => GeneratedFile[];
  /** The walk of a gateway name through OptiLLM and back, memoized across rules. */
  walk: (name: string) => RouteNode;
  generated?: GeneratedState;
}

export interface Rule {
  code: string;
  check(ctx: RuleContext): Diagnostic[];
}

export interface At {
  code: string;
  message: string;
  hint?: string;
  severity?: Severity;
}

/** A diagnostic at a pointer of a registry file, located to line and column. */
export function at(reg: Registry, file: RegistryFileName, pointer: string, d: At): Diagnostic {
  const source = reg.sources[file];
  const pos = source.locate(pointer);
  return { severity: d.severity ?? 'error', file: source.file, pointer, ...pos, code: d.code, message: d.message, hint: d.hint };
}
