// What every rule gets: the typed registry, the route model (built once), and for the
// generated-drift and secret-literal rules, what compile would write and what is on disk.
import type { GeneratedFile, GeneratedState } from '../compile/render.js';
import type { RouteModel, RouteNode } from '../compile/routes.js';
import type { Registry } from '../registry/load.js';
import type { RuleCode } from '../core/codes.js';
import type { Diagnostic } from '../core/diagnostic.js';

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
  code: RuleCode;
  check(ctx: RuleContext): Diagnostic[];
}
