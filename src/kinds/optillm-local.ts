import type { EndpointKindFacts } from './types.js';

/** OptiLLM instances on the Studio that load models themselves (local inference); kept for their ports. */
export const optillmLocal = {
  name: 'optillm-local',
  description: 'OptiLLM with local inference',
  handlePrefix: null,
  mayRouteViaOptillm: false,
  unit: 'never',
  defaultUnit: null,
  // The same server as the proxy (optillm/server.py): the same reason to stay off the LAN.
  isLoopbackOnly: true,
  restartRank: 8,
  healthPaths: ['/health'],
  runtimeEnv: null,
  isMacOnly: false,
  readsModelStorage: false,
  import: { service: 'optillm-local' },
} as const satisfies EndpointKindFacts<'optillm-local'>;
