// The MCP tool servers, in the three formats their readers take: the mesh's own registry
// (/etc/homelab-llm/mcp-registry.json: version 1, a `servers` list with the env variable names each
// server reads), the `mcpServers` map most MCP clients read (Claude Desktop, Cursor, …), and the
// `servers` list of a Hugging Face tiny-agents agent.json. Names only, never values: a server's
// secrets stay in the environment of the machine that starts it.
import type { Registry } from '../registry/load.js';
import type { Settings } from '../registry/schema.js';
import type { Layout } from './layout.js';
import { fill, renderJson, type GeneratedFile } from './render.js';

type McpServer = Settings['mcp'][string];

/** How a client starts (stdio) or reaches (http, sse) one server. */
export type McpLaunch = { transport: 'stdio'; command: string; args: string[] } | { transport: 'http' | 'sse'; url: string };

export function mcpLaunch(s: McpServer): McpLaunch {
  if (s.transport === 'stdio') {
    const [command = '', ...args] = s.command ?? [];
    return { transport: 'stdio', command, args };
  }
  return { transport: s.transport, url: s.url ?? '' };
}

/** The servers by name, sorted: every format lists them in this order. */
export function mcpServers(reg: Registry): [string, McpServer][] {
  return Object.keys(reg.settings.mcp).sort().map((name) => [name, reg.settings.mcp[name]!]);
}

export function emitMcpRegistry(reg: Registry, lay: Layout): GeneratedFile {
  const servers = mcpServers(reg).map(([name, s]) => {
    const launch = mcpLaunch(s);
    return {
      name,
      ...(s.purpose ? { purpose: s.purpose } : {}),
      transport: s.transport,
      ...(launch.transport === 'stdio' ? { command: launch.command, args: launch.args } : { url: launch.url }),
      env: [...(s.env ?? [])].sort(),
      tools: [...s.tools].sort(),
      ...(s.notes ? { notes: s.notes } : {}),
    };
  });
  return fill(lay.mcpRegistry, renderJson({ version: 1, servers }));
}
