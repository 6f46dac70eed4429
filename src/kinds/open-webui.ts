import type { EndpointKindFacts } from './types.js';

/** Open WebUI, the household's chat UI; a client of the gateway (open_webui/config.py). */
export const openWebui = {
  name: 'open-webui',
  description: 'Open WebUI',
  handlePrefix: null,
  // homelab writes its unit when the endpoint says how to run it; else it runs in a container.
  mayRouteViaOptillm: false,
  unit: 'with-run-details',
  defaultUnit: null,
  isLoopbackOnly: false,
  // A caller of the gateway: after it.
  restartRank: 7,
  // open_webui/main.py: GET /health → {"status": true}, no login.
  healthPaths: ['/health'],
  runtimeEnv: null,
  isMacOnly: false,
  readsModelStorage: false,
  import: { service: 'open-webui' },
} as const satisfies EndpointKindFacts<'open-webui'>;
