import type { EndpointKindFacts } from './types.js';

/** An MLX server on the Studio (mlx-openai-server / mlx_lm.server), one model a port, started by mlxctl under launchd. */
export const mlx = {
  name: 'mlx',
  description: 'MLX model server',
  handlePrefix: 'mlx-',
  // launchd on the Studio runs it (mlxctl), not systemd.
  // The mesh's choice: an MLX handle may run OptiLLM's techniques over its one model (mlxctl's
  // router-mlx-* call-back entries did the same before homelab).
  mayRouteViaOptillm: true,
  unit: 'never',
  defaultUnit: null,
  isLoopbackOnly: false,
  restartRank: 2,
  // Both servers list their model at the OpenAI route; neither has a separate health route.
  healthPaths: ['/v1/models'],
  runtimeEnv: null,
  // MLX is Apple silicon only (ml-explore/mlx).
  isMacOnly: true,
  readsModelStorage: true,
  // The seeds' router.yaml reads MLX_<HANDLE>_MODEL / _API_BASE / _API_KEY (mlxctl's block).
  import: { service: 'mlx', isServicePerPort: true, endpointRef: /^ep_mlx/, envPrefix: 'MLX_' },
} as const satisfies EndpointKindFacts<'mlx'>;
