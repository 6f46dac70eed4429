import type { EndpointKindFacts } from './types.js';

/** Apple Foundation Models behind an OpenAI-compatible server on a Mac. */
export const afm = {
  name: 'afm',
  description: 'Apple Foundation Models server',
  handlePrefix: 'afm-',
  mayRouteViaOptillm: false,
  unit: 'never',
  defaultUnit: null,
  isLoopbackOnly: false,
  restartRank: 3,
  healthPaths: ['/v1/models'],
  runtimeEnv: null,
  // The FoundationModels framework exists on macOS only.
  isMacOnly: true,
  readsModelStorage: false,
  import: { service: 'afm', endpointRef: /^ep_afm/, envPrefix: 'AFM_' },
} as const satisfies EndpointKindFacts<'afm'>;
