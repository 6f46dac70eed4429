// Client files: the MCP servers in the `mcpServers` format MCP clients read, and a Hugging Face
// tiny-agents agent (agent.json: model, endpointUrl, servers) that reaches its model through the
// gateway. No key is written: tiny-agents takes its key from its environment (API_KEY), and the
// variables its MCP servers read from the shell that runs it, through agent.json inputs.
import type { Registry } from '../registry/load.js';
import type { Layout } from './layout.js';
import { mcpLaunch, mcpServers } from './mcp-registry.js';
import { baseUrl, gatewayEndpoint } from './mesh.js';
import { fill, renderJson, type GeneratedFile } from './render.js';
import { isSecretName } from '../core/secrets.js';
import { byString } from '../core/order.js';

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

/**
 * The tiny-agents input that carries variable `name`: tiny-agents replaces `${input:<id>}` with
 * what the user types, or else with the environment variable `<id>` with - as _ in upper case
 * (huggingface.js packages/tiny-agents/src/cli.ts), which is `name` itself.
 */
function tinyagentsInputId(name: string): string {
  return name.toLowerCase().replace(/_/g, '-');
}

/**
 * tiny-agents' agent.json: the model is a gateway handle, endpointUrl the gateway's /v1. A stdio
 * server starts with only the env agent.json gives it, plus PATH (packages/mcp-client/src/McpClient.ts),
 * so each variable it reads is listed, its value an input read from the shell's variable of that
 * name: the values stay out of the file. The gateway key is tiny-agents' own API_KEY (or HF_TOKEN).
 */
export function emitTinyagentsAgent(reg: Registry, lay: Layout): GeneratedFile | undefined {
  const tinyagents = reg.settings.clients.tinyagents;
  const endpointUrl = gatewayClientUrl(reg);
  if (!tinyagents || !endpointUrl || !lay.tinyagentsAgent) return undefined;
  const inputs = new Map<string, string[]>();
  const servers = mcpServers(reg).map(([name, s]) => {
    const launch = mcpLaunch(s);
    if (launch.transport !== 'stdio') return { type: launch.transport, url: launch.url };
    const vars = [...(s.env ?? [])].sort();
    for (const v of vars) inputs.set(v, [...(inputs.get(v) ?? []), name]);
    const env = Object.fromEntries(vars.map((v) => [v, `\${input:${tinyagentsInputId(v)}}`]));
    return { type: 'stdio', command: launch.command, args: launch.args, ...(vars.length ? { env } : {}) };
  });
  const inputList = [...inputs].sort(byString(([v]) => v)).map(([v, users]) => ({
    type: 'promptString',
    id: tinyagentsInputId(v),
    description: `${v} for the MCP server${users.length === 1 ? '' : 's'} ${users.join(', ')} (empty: read from the environment variable ${v})`,
    password: isSecretName(v),
  }));
  return fill(lay.tinyagentsAgent, renderJson({ model: tinyagents.model, endpointUrl, ...(inputList.length ? { inputs: inputList } : {}), servers }));
}
