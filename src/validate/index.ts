// The rule set (docs/rules.md) and the function that runs it. Pure: the command reads files.
import { compileAll } from '../compile/index.js';
import type { GeneratedFile } from '../compile/render.js';
import { buildRouteModel, walkRoute, type RouteModel, type RouteNode } from '../compile/routes.js';
import type { Registry } from '../registry/load.js';
import type { GeneratedState } from '../compile/render.js';
import type { Rule, RuleContext } from './context.js';
import { applyAccept } from './accept.js';
import { normalizeDiagnostics, type Diagnostic } from '../core/diagnostic.js';
import { clientRoute } from './rules/client-route.js';
import { ensembleReach } from './rules/ensemble-reach.js';
import { handleViaOptillm } from './rules/handle-via-optillm.js';
import { optillmPassthrough } from './rules/optillm-passthrough.js';
import { requestParams } from './rules/request-params.js';
import { endpointId } from './rules/endpoint-id.js';
import { ensembleMembers } from './rules/ensemble-members.js';
import { envUndefined } from './rules/env-undefined.js';
import { exposureLan } from './rules/exposure-lan.js';
import { exposureShowroom } from './rules/exposure-showroom.js';
import { gatewayAlias } from './rules/gateway-alias.js';
import { gatewayPassthrough } from './rules/gateway-passthrough.js';
import { generatedDrift } from './rules/generated-drift.js';
import { handleDuplicate } from './rules/handle-duplicate.js';
import { handleModelId } from './rules/handle-model-id.js';
import { nameKebabCase } from './rules/name-kebab-case.js';
import { optillmLaunch } from './rules/optillm-launch.js';
import { optillmSelector } from './rules/optillm-selector.js';
import { portConflict } from './rules/port-conflict.js';
import { outputConflict } from './rules/output-conflict.js';
import { portImmutable } from './rules/port-immutable.js';
import { portRange } from './rules/port-range.js';
import { portUnlocked } from './rules/port-unlocked.js';
import { routingLoop } from './rules/routing-loop.js';
import { routingUnresolved } from './rules/routing-unresolved.js';
import { secretLiteral } from './rules/secret-literal.js';
import { serviceRun } from './rules/service-run.js';

export const RULES: readonly Rule[] = [
  nameKebabCase,
  handleModelId,
  handleDuplicate,
  endpointId,
  portConflict,
  outputConflict,
  portRange,
  portImmutable,
  portUnlocked,
  exposureShowroom,
  exposureLan,
  routingLoop,
  routingUnresolved,
  optillmSelector,
  optillmLaunch,
  ensembleMembers,
  handleViaOptillm,
  optillmPassthrough,
  ensembleReach,
  clientRoute,
  requestParams,
  envUndefined,
  secretLiteral,
  serviceRun,
  gatewayAlias,
  gatewayPassthrough,
  generatedDrift,
];

export interface ValidateResult {
  diagnostics: Diagnostic[];
  /** What compile writes for this registry (computed while validating; reuse it). */
  files: GeneratedFile[];
}

export interface ValidateOptions {
  /** What is on disk in the output directory; without it generated-drift has nothing to compare. */
  generated?: GeneratedState;
  /** Precomputed route model and compile output of this registry, to avoid computing them twice. */
  routes?: RouteModel;
  files?: GeneratedFile[];
}

/** What the rules share, each part built on first use (checkLedger's rules need no route model). */
function ruleContext(reg: Registry, opts: ValidateOptions): RuleContext {
  let routes: RouteModel | undefined = opts.routes;
  let files: GeneratedFile[] | undefined = opts.files;
  const walks = new Map<string, RouteNode>();
  const ctx: RuleContext = {
    reg,
    get routes() {
      return (routes ??= buildRouteModel(reg));
    },
    generated: opts.generated,
    files: () => (files ??= compileAll(reg, ctx.routes)),
    walk: (name) => {
      let node = walks.get(name);
      if (!node) walks.set(name, (node = walkRoute(ctx.routes, name)));
      return node;
    },
  };
  return ctx;
}

export function validateRegistry(reg: Registry, opts: ValidateOptions = {}): ValidateResult {
  const ctx = ruleContext(reg, opts);
  const diagnostics: Diagnostic[] = [];
  for (const rule of RULES) diagnostics.push(...rule.check(ctx));
  return { diagnostics: normalizeDiagnostics(applyAccept(reg, diagnostics)), files: ctx.files() };
}

/** The rules that judge ports and the ledger: `homelab lock` runs them on the ledger it would write. */
const LEDGER_RULES: readonly Rule[] = [portConflict, portImmutable];

export function checkLedger(reg: Registry): Diagnostic[] {
  const ctx = ruleContext(reg, {});
  return normalizeDiagnostics(LEDGER_RULES.flatMap((rule) => rule.check(ctx)));
}
