// Env files: the gateway's env.local, OptiLLM's selector env, and the clients' settings. Values
// only, never secrets: those are read on the host from each service's own secrets file.
import type { Registry } from '../registry/load.js';
import type { Layout } from './layout.js';
import { baseUrl, gatewayEndpoint } from './mesh.js';
import { renderEnv, type GeneratedFile } from './render.js';
import { routerEnv, selectorEnv } from './litellm-router.js';
import type { RouteModel } from './routes.js';

export function emitEnvFiles(reg: Registry, routes: RouteModel, lay: Layout): GeneratedFile[] {
  const gw = gatewayEndpoint(reg);
  const files: GeneratedFile[] = [
    {
      path: lay.envLocal.path,
      content: renderEnv(routerEnv(reg), 'Non-secret variables router.yaml reads with os.environ/. Secrets: settings.yaml secrets.'),
      host: lay.gatewayHost,
      install: lay.envLocal.install,
      unit: lay.gatewayUnit,
      mode: '0644',
    },
    {
      path: lay.selectorEnv.path,
      content: renderEnv(selectorEnv(routes), 'OptiLLM selectors: the model name the gateway sends OptiLLM for each handle it routes there.'),
      host: lay.gatewayHost,
      install: lay.selectorEnv.install,
      unit: lay.gatewayUnit,
      mode: '0644',
    },
  ];
  const webui = lay.openWebuiEnv;
  const webuiEp = Object.values(reg.endpoints).find((ep) => ep.kind === 'open-webui' && ep.host === webui?.host);
  if (webui && gw) {
    const vars: Record<string, string> = {
      OPENAI_API_BASE_URL: baseUrl(reg, gw, webui.host),
      ENABLE_OLLAMA_API: 'false',
    };
    if (webuiEp) {
      vars.HOST = webuiEp.bind;
      vars.PORT = String(webuiEp.port);
    }
    files.push({
      path: webui.path,
      content: renderEnv(vars, 'Open WebUI talks to the gateway only. Its API key stays in its own secrets file on the host.'),
      host: webui.host,
      install: webui.install,
      mode: '0644',
    });
  }
  const tinyagents = reg.settings.clients.tinyagents;
  if (tinyagents && gw) {
    files.push({
      path: lay.tinyagentsEnv.path,
      content: renderEnv(
        {
          // A LAN client: the gateway is called at its host's address (no host of the mesh).
          TINYAGENTS_API_BASE: baseUrl(reg, gw, undefined),
          TINYAGENTS_MODEL: tinyagents.model,
          TINYAGENTS_MCP_REGISTRY: lay.mcpRegistry.install,
        },
        'TinyAgents is a LAN client of the gateway; set its key (LITELLM_API_KEY) outside the repo.',
      ),
    });
  }
  return files;
}
