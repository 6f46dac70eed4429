// Every code a diagnostic can carry, as literal types: a misspelt code does not compile, and
// docs/rules.md has one heading for each (test/docs.test.ts reads these lists).

/** The rules of `homelab validate`, one file each in src/validate/rules/, in the order they run. */
export const RULE_CODES = [
  'name-kebab-case',
  'handle-model-id',
  'handle-duplicate',
  'endpoint-id',
  'port-conflict',
  'output-conflict',
  'port-range',
  'port-immutable',
  'port-unlocked',
  'exposure-showroom',
  'exposure-lan',
  'routing-loop',
  'routing-unresolved',
  'optillm-selector',
  'optillm-launch',
  'ensemble-members',
  'handle-via-optillm',
  'optillm-passthrough',
  'ensemble-reach',
  'client-route',
  'request-params',
  'env-undefined',
  'secret-literal',
  'service-run',
  'gateway-alias',
  'gateway-passthrough',
  'generated-drift',
] as const;

/** Codes of the loader: a file that does not parse, a value the schema refuses. */
export const LOADER_CODES = ['registry-parse', 'registry-schema'] as const;

/** Codes of checks beside the rules: `validate --against` (handle-reused) and settings.yaml accept. */
export const CHECK_CODES = ['handle-reused', 'accept-unused'] as const;

/** Codes of `homelab import`'s report. */
export const IMPORT_CODES = {
  parse: 'import-parse',
  unsupported: 'import-unsupported',
  assumed: 'import-default',
  changed: 'import-changed',
} as const;

/** Codes of the one JSON document of a run that ended before any diagnostics (docs/commands.md). */
export const RUN_CODES = ['usage-error', 'deploy-failed', 'internal-error'] as const;

export type RuleCode = (typeof RULE_CODES)[number];
export type ImportCode = (typeof IMPORT_CODES)[keyof typeof IMPORT_CODES];
export type RunCode = (typeof RUN_CODES)[number];
export type Code = RuleCode | (typeof LOADER_CODES)[number] | (typeof CHECK_CODES)[number] | ImportCode | RunCode;

/** The codes with a heading in docs/rules.md: every code a check reports (run codes are in docs/commands.md). */
export const DOCUMENTED_CODES: readonly Code[] = [...LOADER_CODES, ...RULE_CODES, ...CHECK_CODES, ...Object.values(IMPORT_CODES)];
