import type { EndpointKindFacts } from './types.js';

/** The OpenVINO model server on the Mini (Intel iGPU or CPU). */
export const openvino = {
  name: 'openvino',
  description: 'OpenVINO model server',
  handlePrefix: 'ov-',
  mayRouteViaOptillm: false,
  unit: 'always',
  defaultUnit: null,
  isLoopbackOnly: false,
  // A backend: restarted before the gateway that routes to it.
  restartRank: 1,
  healthPaths: ['/health'],
  // ov-server reads its device and settings from /etc/homelab-llm/<unit>.env (OV_DEVICE).
  runtimeEnv: { deviceVariable: 'OV_DEVICE' },
  isMacOnly: false,
  readsModelStorage: true,
  import: { service: 'ov-server', endpointRef: /^ep_(ov|openvino)/, envPrefix: 'OV_' },
} as const satisfies EndpointKindFacts<'openvino'>;
