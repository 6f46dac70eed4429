// Where every output lives: its path under generated/ and its install path on the host. The
// emitters and the units that load these files both ask here, so a path is written once.
import type { Registry } from '../registry/load.js';
import type { Endpoint } from '../registry/schema.js';
import { gatewayEndpoint, homeDir, optillmEndpoint, unitName } from './mesh.js';
import { kindFacts } from '../kinds/index.js';

export interface Layout {
  gatewayHost: string;
  gatewayUnit: string;
  router: { path: string; install: string };
  envLocal: { path: string; install: string };
  optillmHost: string;
  optillmUnit: string;
  selectorEnv: { path: string; install: string };
  proxyConfig: { path: string; install: string };
  mcpRegistry: { path: string; install: string };
  openWebuiEnv?: { path: string; install: string; host: string };
  tinyagentsEnv: { path: string };
  /** The MCP servers in the mcpServers format most MCP clients read. */
  mcpClients: { path: string };
  /** A Hugging Face tiny-agents agent directory (`tiny-agents run clients/tinyagents`). */
  tinyagentsAgent: { path: string };
  topology: { path: string };
  manifest: { path: string };
}

/** Secret variable names with a fixed role in the mesh (declared per service in settings.yaml). */
export const SECRET = {
  /** general_settings.master_key of the gateway. */
  masterKey: 'LITELLM_MASTER_KEY',
  /** Bearer the gateway sends to OptiLLM. */
  gatewayToOptillm: 'OPTILLM_API_KEY',
  /** OptiLLM's inbound key, passed as --optillm-api-key (never as OPTILLM_API_KEY in its env). */
  optillmInbound: 'OPTILLM_PROXY_KEY',
  /** Key OptiLLM calls the gateway back with (read natively by OptiLLM's OpenAI client). */
  optillmUpstream: 'OPENAI_API_KEY',
} as const;

export const MCP_REGISTRY_INSTALL = '/etc/homelab-llm/mcp-registry.json';

/**
 * The runtime env file of a service that reads its settings from one (the OpenVINO server:
 * /etc/homelab-llm/ov-server.env), written by homelab and loaded by the service's unit.
 */
export function runtimeEnvFile(ep: Endpoint): { path: string; install: string } | undefined {
  if (!kindFacts(ep.kind).runtimeEnv || !ep.run) return undefined;
  const unit = unitName(ep);
  return { path: `${ep.host}/${unit}/env`, install: `/etc/homelab-llm/${unit}.env` };
}

export function layout(reg: Registry): Layout {
  const gw = gatewayEndpoint(reg);
  const opt = optillmEndpoint(reg);
  const gatewayHost = gw?.host ?? 'gateway';
  const gatewayUnit = gw ? unitName(gw) : 'litellm-orch';
  const gwConfig = `${gw?.run?.workdir ?? `/opt/${gatewayUnit}`}/config`;
  const optillmHost = opt?.host ?? gatewayHost;
  const optillmUnit = opt ? unitName(opt) : 'optillm-proxy';
  const optillmHome = homeDir(reg.hosts[optillmHost], opt?.run?.user ?? 'optillm');
  const webui = reg.settings.clients['open-webui'];
  return {
    gatewayHost,
    gatewayUnit,
    router: { path: `${gatewayHost}/${gatewayUnit}/router.yaml`, install: `${gwConfig}/router.yaml` },
    envLocal: { path: `${gatewayHost}/${gatewayUnit}/env.local`, install: `${gwConfig}/env.local` },
    optillmHost,
    optillmUnit,
    // The gateway reads the selectors (router.yaml's os.environ/), so they live on its host.
    selectorEnv: { path: `${gatewayHost}/${optillmUnit}/env`, install: `/etc/${optillmUnit}/env` },
    proxyConfig: { path: `${optillmHost}/${optillmUnit}/proxy_config.yaml`, install: `${optillmHome}/.optillm/proxy_config.yaml` },
    mcpRegistry: { path: `${gatewayHost}/mcp-registry.json`, install: MCP_REGISTRY_INSTALL },
    openWebuiEnv: webui ? { path: `${webui.host}/open-webui/env`, install: webui.env_file, host: webui.host } : undefined,
    tinyagentsEnv: { path: 'clients/tinyagents.env' },
    mcpClients: { path: 'clients/mcp.json' },
    tinyagentsAgent: { path: 'clients/tinyagents/agent.json' },
    topology: { path: 'docs/topology.md' },
    manifest: { path: 'manifest.json' },
  };
}
