// The MCP registry TinyAgents reads (/etc/homelab-llm/mcp-registry.json): one entry per tool server.
import type { Registry } from '../registry/load.js';
import type { Layout } from './layout.js';
import { renderJson, type GeneratedFile } from './render.js';

export function emitMcpRegistry(reg: Registry, lay: Layout): GeneratedFile {
  const servers: Record<string, unknown> = {};
  for (const name of Object.keys(reg.settings.mcp).sort()) {
    const s = reg.settings.mcp[name]!;
    const [command, ...args] = s.command ?? [];
    servers[name] = s.transport === 'stdio'
      ? { transport: 'stdio', command, args, tools: [...s.tools].sort() }
      : { transport: s.transport, url: s.url, tools: [...s.tools].sort() };
  }
  return {
    path: lay.mcpRegistry.path,
    content: renderJson({ servers }),
    host: lay.gatewayHost,
    install: lay.mcpRegistry.install,
    mode: '0644',
  };
}
