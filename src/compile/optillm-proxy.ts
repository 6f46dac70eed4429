// proxy_config.yaml for OptiLLM's proxy plugin (optillm/plugins/proxy/config.py, v0.3.12): always written,
// because without it OptiLLM falls back to its packaged example, which sends the gateway's key
// to api.openai.com. One provider, the gateway; its key by ${VAR} from OptiLLM's own secrets.
import type { Registry } from '../registry/load.js';
import type { Endpoint } from '../registry/schema.js';
import type { Layout } from './layout.js';
import { SECRET } from '../core/secrets.js';
import { gatewayEndpoint } from './mesh.js';
import { fill, renderYaml, type GeneratedFile } from './render.js';
import { gatewayUrlFromOptillm } from './routes.js';

export function proxyConfig(reg: Registry, gw: Endpoint): Record<string, unknown> {
  return {
    providers: [
      {
        name: 'homelab-gateway',
        base_url: gatewayUrlFromOptillm(reg, gw),
        api_key: `\${${SECRET.optillmUpstream}}`,
        weight: 1,
        fallback_only: false,
      },
    ],
    routing: { strategy: 'failover', health_check: { enabled: true, interval: 30 } },
    // OptiLLM's default is 30 s, too short for local generation: match the gateway's timeout.
    timeouts: { request: reg.settings.optillm.request_timeout },
  };
}

export function emitOptillmProxy(reg: Registry, lay: Layout): GeneratedFile[] {
  const gw = gatewayEndpoint(reg);
  if (!gw || !lay.proxyConfig) return [];
  return [fill(lay.proxyConfig, renderYaml(proxyConfig(reg, gw)))];
}
