// Client files: the MCP servers in the `mcpServers` format MCP clients read, and a Hugging Face
// tiny-agents agent (agent.json: model, endpointUrl, servers) that reaches its model through the
// gateway. No key is written: tiny-agents takes its key from its environment, MCP servers from
// the environment of the machine that starts them (mcp-registry.json names the variables).
import type { Registry } from '../registry/load.js';
import type { Layout } from './layout.js';
import { mcpLaunch, mcpServers } from './mcp-registry.js';
import { baseUrl, gatewayEndpoint } from './mesh.js';
import { fill, renderJson, type GeneratedFile } from './render.js';

/** The gateway's OpenAI-compatible base URL as a LAN client sees it. */
export function gatewayClientUrl(reg: Registry): string | undefined {
  const gw = gatewayEndpoint(reg);
  if (!gw) return undefined;
  // No host of the mesh: called at the gateway's host address (IPv6 in brackets), or on loopback
  // when the gateway listens only there.
  return baseUrl(reg, gw, undefined);
}

/** `{"mcpServers": {name: {command, args} | {url}}}`; sse servers carry their transport as `type`. */
export function emitMcpClients(reg: Registry, lay: Layout): GeneratedFile {
  const mcp: Record<string, unknown> = {};
  for (const [name, s] of mcpServers(reg)) {
    const launch = mcpLaunch(s);
    mcp[name] = launch.transport === 'stdio' ? { command: launch.command, args: launch.args } : { ...(launch.transport === 'sse' ? { type: 'sse' } : {}), url: launch.url };
  }
  return fill(lay.mcpClients, renderJson({ mcpServers: mcp }));
}

/** tiny-agents' agent.json: the model is a gateway handle, endpointUrl the gateway's /v1. */
export function emitTinyagentsAgent(reg: Registry, lay: Layout): GeneratedFile | undefined {
  const tinyagents = reg.settings.clients.tinyagents;
  const endpointUrl = gatewayClientUrl(reg);
  if (!tinyagents || !endpointUrl || !lay.tinyagentsAgent) return undefined;
  const servers = mcpServers(reg).map(([, s]) => {
    const launch = mcpLaunch(s);
    return launch.transport === 'stdio' ? { type: 'stdio', command: launch.command, args: launch.args } : { type: launch.transport, url: launch.url };
  });
  return fill(lay.tinyagentsAgent, renderJson({ model: tinyagents.model, endpointUrl, servers }));
}
