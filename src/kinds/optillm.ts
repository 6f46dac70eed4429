import type { EndpointKindFacts } from './types.js';

/** The OptiLLM proxy in front of the backends; it calls the gateway back (optillm/server.py, v0.3.12). */
export const optillm = {
  name: 'optillm',
  description: 'OptiLLM optimization proxy',
  handlePrefix: null,
  mayRouteViaOptillm: false,
  unit: 'always',
  defaultUnit: null,
  // Versions before 0.3.12 bound 0.0.0.0 whatever --host said (optillm/server.py parse_args):
  // a LAN-facing OptiLLM answers anyone with the gateway's key behind it.
  isLoopbackOnly: true,
  // After the gateway: it calls the gateway back, which must already serve the new names.
  restartRank: 6,
  // GET /health answers {"status":"ok"} without a key (optillm/server.py, v0.3.12).
  healthPaths: ['/health'],
  runtimeEnv: null,
  isMacOnly: false,
  readsModelStorage: false,
  import: { service: 'optillm-proxy', endpointRef: /^ep_optillm/ },
} as const satisfies EndpointKindFacts<'optillm'>;
