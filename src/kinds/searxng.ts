import type { EndpointKindFacts } from './types.js';

/** SearXNG, the web search the gateway's search tool and Open WebUI call. */
export const searxng = {
  name: 'searxng',
  description: 'SearXNG web search',
  handlePrefix: null,
  // It runs in its own container on the Mini.
  mayRouteViaOptillm: false,
  unit: 'never',
  defaultUnit: null,
  // Its JSON API has no authentication: only the local callers may reach it.
  isLoopbackOnly: true,
  // Called by the gateway (search tool) and Open WebUI: restarted before them.
  restartRank: 4,
  // searx/webapp.py: GET /healthz answers "OK" without touching an engine.
  healthPaths: ['/healthz'],
  runtimeEnv: null,
  isMacOnly: false,
  readsModelStorage: false,
  import: { service: 'searxng' },
} as const satisfies EndpointKindFacts<'searxng'>;
