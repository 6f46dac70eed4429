// Every endpoint kind homelab knows, one file each. Adding a kind is one file here (plus its
// emitter, when homelab writes a unit or a config for it): the schema's enum, the unit and
// restart rules, health probes and `import` all read these records.
import { afm } from './afm.js';
import { litellm } from './litellm.js';
import { mlx } from './mlx.js';
import { openWebui } from './open-webui.js';
import { openvino } from './openvino.js';
import { optillmLocal } from './optillm-local.js';
import { optillm } from './optillm.js';
import { searxng } from './searxng.js';
import type { EndpointKindFacts } from './types.js';

export type { EndpointKindFacts, UnitPolicy } from './types.js';

/** The kinds in the order endpoints.schema.json lists them (zod's enum is built from this). */
const RECORDS = [litellm, optillm, openvino, mlx, afm, searxng, openWebui, optillmLocal] as const;

export type EndpointKind = (typeof RECORDS)[number]['name'];

type Names<T extends readonly { name: string }[]> = { readonly [I in keyof T]: T[I]['name'] };

/** The kind names, a tuple (zod's enum and the EndpointKind type come from it). */
export const ENDPOINT_KINDS = RECORDS.map((k) => k.name) as unknown as Names<typeof RECORDS>;

export const KINDS: Readonly<Record<EndpointKind, EndpointKindFacts<EndpointKind>>> = Object.fromEntries(RECORDS.map((k) => [k.name, k])) as unknown as Record<EndpointKind, EndpointKindFacts<EndpointKind>>;

export function kindFacts(kind: EndpointKind): EndpointKindFacts<EndpointKind> {
  return KINDS[kind];
}

/** A kind that serves models: it has a handle prefix (models.yaml may point only at these). */
export function isModelKind(kind: EndpointKind): boolean {
  return KINDS[kind].handlePrefix !== null;
}

/** The kinds whose model handles may be routed through OptiLLM as a model. */
export const VIA_OPTILLM_KINDS: readonly EndpointKind[] = ENDPOINT_KINDS.filter((k) => KINDS[k].mayRouteViaOptillm);

/** Those kinds' handles in words: "mlx-*". */
export const VIA_OPTILLM_HANDLES = VIA_OPTILLM_KINDS.map((k) => `${KINDS[k].handlePrefix}*`).join(', ');

/**
 * The kinds that serve models, in the order diagnostics name them ("mlx, openvino or afm"): the
 * records decide the set (a new model kind joins at the end); this list only orders the words.
 */
const WORDING_ORDER: readonly EndpointKind[] = ['mlx', 'openvino', 'afm'];
export const MODEL_KINDS_IN_WORDS: readonly EndpointKind[] = [
  ...WORDING_ORDER.filter(isModelKind),
  ...ENDPOINT_KINDS.filter((k) => isModelKind(k) && !WORDING_ORDER.includes(k)),
];
