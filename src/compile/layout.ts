// The map of every file compile writes: its path under generated/, and for a file installed on a
// host, that host, its install path, the unit whose restart picks up a change, and its mode. An
// entry exists exactly when compile emits the file; emitters fill entries with content, and
// deploy, the manifest, sync-gateway and the rules read these facts from here, never recompute them.
import type { Registry } from '../registry/load.js';
import type { Host } from '../registry/schema.js';
import { gatewayEndpoint, homeDir, openWebuiEndpoint, optillmEndpoint, sortedEndpoints, unitName } from './mesh.js';
import { kindFacts } from '../kinds/index.js';
import { byString } from '../core/order.js';

/** What a file is, by the program that reads it (the readers and rules that care ask by role, not by path). */
export type OutputRole =
  | 'router'
  | 'env-local'
  | 'selector-env'
  | 'proxy-config'
  | 'mcp-registry'
  | 'open-webui-env'
  | 'runtime-env'
  | 'unit'
  | 'tinyagents-env'
  | 'mcp-clients'
  | 'tinyagents-agent'
  | 'topology'
  | 'manifest';

/** One file of the output. */
export interface OutputEntry {
  role: OutputRole;
  /** Path under the output directory, POSIX. */
  path: string;
  /** Host the file is installed on (hosts.yaml key), absent for docs and client files. */
  host?: string;
  /** Absolute install path on that host. */
  install?: string;
  /** Unit whose restart picks up a change to this file. */
  unit?: string;
  /** File mode on install, octal string. */
  mode?: string;
}

/** A file installed on a host. */
export interface InstalledEntry extends OutputEntry {
  host: string;
  install: string;
  mode: string;
}

export interface Layout {
  gatewayHost: string;
  gatewayUnit: string;
  router: InstalledEntry;
  envLocal: InstalledEntry;
  optillmHost: string;
  optillmUnit: string;
  /** OptiLLM's selectors, on the gateway's host: router.yaml reads them with os.environ/. */
  selectorEnv: InstalledEntry;
  /** OptiLLM's proxy plugin config; there is none without a gateway to point it at. */
  proxyConfig?: InstalledEntry;
  mcpRegistry: InstalledEntry;
  /** Open WebUI's env, when settings.yaml names its host and there is a gateway to connect it to. */
  openWebuiEnv?: InstalledEntry;
  /** TinyAgents' settings, when settings.yaml configures it and there is a gateway. */
  tinyagentsEnv?: OutputEntry;
  /** The MCP servers in the mcpServers format most MCP clients read. */
  mcpClients: OutputEntry;
  /** A Hugging Face tiny-agents agent directory (`tiny-agents run clients/tinyagents`), beside tinyagentsEnv. */
  tinyagentsAgent?: OutputEntry;
  topology: OutputEntry;
  manifest: OutputEntry;
  /** The systemd unit of each endpoint homelab writes one for, by endpoint id. */
  units: Readonly<Record<string, InstalledEntry>>;
  /** The runtime env file of each endpoint whose kind reads one (src/kinds/ runtimeEnv), by endpoint id. */
  runtimeEnvs: Readonly<Record<string, InstalledEntry>>;
}

export const MCP_REGISTRY_INSTALL = '/etc/homelab-llm/mcp-registry.json';

/** Where the units are installed (daemon-reload is needed after a change there). */
export const UNIT_DIR = '/etc/systemd/system';

/** Every installed file is world-readable and holds no secret: secrets stay in each service's own file. */
export const INSTALL_MODE = '0644';

export const MANIFEST_PATH = 'manifest.json';

/**
 * OptiLLM's own directory: its proxy plugin reads ~/.optillm/proxy_config.yaml
 * (optillm/plugins/proxy/config.py, v0.3.12), so its unit binds this directory back into its home.
 */
export function optillmDir(host: Host | undefined, user: string): string {
  return `${homeDir(host, user)}/.optillm`;
}

function installed(role: OutputRole, path: string, host: string, install: string, unit?: string): InstalledEntry {
  return { role, path, host, install, ...(unit ? { unit } : {}), mode: INSTALL_MODE };
}

export function layout(reg: Registry): Layout {
  const gw = gatewayEndpoint(reg);
  const opt = optillmEndpoint(reg);
  const gatewayHost = gw?.host ?? 'gateway';
  const gatewayUnit = gw ? unitName(gw) : kindFacts('litellm').defaultUnit!;
  const gwConfig = `${gw?.run?.workdir ?? `/opt/${gatewayUnit}`}/config`;
  const optillmHost = opt?.host ?? gatewayHost;
  // Without an OptiLLM endpoint, its files keep the names of the service as the mesh calls it
  // (the kind record's service name); its config dir is a placeholder no unit reads.
  const optillmUnit = opt ? unitName(opt) : kindFacts('optillm').import.service;
  const optillmConfigDir = optillmDir(reg.hosts[optillmHost], opt?.run?.user ?? kindFacts('optillm').name);
  // Units and runtime env files: for the active endpoints on Linux hosts that say how they run.
  const units: Record<string, InstalledEntry> = {};
  const runtimeEnvs: Record<string, InstalledEntry> = {};
  for (const [id, ep] of sortedEndpoints(reg, true)) {
    if (!ep.run || reg.hosts[ep.host]?.os !== 'linux') continue;
    const facts = kindFacts(ep.kind);
    const unit = unitName(ep);
    if (facts.unit !== 'never') units[id] = installed('unit', `${ep.host}/systemd/${unit}.service`, ep.host, `${UNIT_DIR}/${unit}.service`, unit);
    if (facts.runtimeEnv) runtimeEnvs[id] = installed('runtime-env', `${ep.host}/${unit}/env`, ep.host, `/etc/homelab-llm/${unit}.env`, unit);
  }
  const webui = reg.settings.clients['open-webui'];
  const webuiEp = webui ? openWebuiEndpoint(reg, webui.host) : undefined;
  const tinyagents = gw && reg.settings.clients.tinyagents;
  return {
    gatewayHost,
    gatewayUnit,
    router: installed('router', `${gatewayHost}/${gatewayUnit}/router.yaml`, gatewayHost, `${gwConfig}/router.yaml`, gatewayUnit),
    envLocal: installed('env-local', `${gatewayHost}/${gatewayUnit}/env.local`, gatewayHost, `${gwConfig}/env.local`, gatewayUnit),
    optillmHost,
    optillmUnit,
    // The gateway reads the selectors (router.yaml's os.environ/), so they live on its host.
    selectorEnv: installed('selector-env', `${gatewayHost}/${optillmUnit}/env`, gatewayHost, `/etc/${optillmUnit}/env`, gatewayUnit),
    ...(gw ? { proxyConfig: installed('proxy-config', `${optillmHost}/${optillmUnit}/proxy_config.yaml`, optillmHost, `${optillmConfigDir}/proxy_config.yaml`, optillmUnit) } : {}),
    mcpRegistry: installed('mcp-registry', `${gatewayHost}/mcp-registry.json`, gatewayHost, MCP_REGISTRY_INSTALL),
    ...(webui && gw ? { openWebuiEnv: installed('open-webui-env', `${webui.host}/open-webui/env`, webui.host, webui.env_file, webuiEp ? units[webuiEp[0]]?.unit : undefined) } : {}),
    ...(tinyagents ? { tinyagentsEnv: { role: 'tinyagents-env', path: 'clients/tinyagents.env' }, tinyagentsAgent: { role: 'tinyagents-agent', path: 'clients/tinyagents/agent.json' } } : {}),
    mcpClients: { role: 'mcp-clients', path: 'clients/mcp.json' },
    topology: { role: 'topology', path: 'docs/topology.md' },
    manifest: { role: 'manifest', path: MANIFEST_PATH },
    units,
    runtimeEnvs,
  };
}

/** Every entry of the map, sorted by path: the files compile writes, manifest.json last. */
export function layoutEntries(lay: Layout): OutputEntry[] {
  const single = [lay.router, lay.envLocal, lay.selectorEnv, lay.proxyConfig, lay.mcpRegistry, lay.openWebuiEnv, lay.tinyagentsEnv, lay.mcpClients, lay.tinyagentsAgent, lay.topology];
  const entries = [...single.filter((e): e is OutputEntry => e !== undefined), ...Object.values(lay.units), ...Object.values(lay.runtimeEnvs)];
  return [...entries.sort(byString((e) => e.path)), lay.manifest];
}
