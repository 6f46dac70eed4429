import type { EndpointKindFacts } from './types.js';

/** The LiteLLM proxy: the mesh's one gateway, which every client and OptiLLM calls. */
export const litellm = {
  name: 'litellm',
  description: 'LiteLLM gateway',
  handlePrefix: null,
  mayRouteViaOptillm: false,
  unit: 'always',
  // The unit's name since before homelab: operators' habits and scripts call it so.
  defaultUnit: 'litellm-orch',
  isLoopbackOnly: false,
  // After every backend (it routes to them), before OptiLLM and the UI (they call it).
  restartRank: 5,
  // /health/liveliness needs no key and touches no model; /v1/models proves the router loaded.
  // Never /health: it makes a real chat call to every deployment (litellm/proxy/health_endpoints).
  healthPaths: ['/health/liveliness', '/v1/models'],
  runtimeEnv: null,
  isMacOnly: false,
  readsModelStorage: false,
  import: { service: 'litellm-gateway' },
} as const satisfies EndpointKindFacts<'litellm'>;
