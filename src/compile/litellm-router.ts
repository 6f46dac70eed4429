// router.yaml: LiteLLM's proxy config (reference/litellm-proxy.md). One model_list entry per
// deployment of the route model; api_base is always literal, never os.environ/, because an unset
// variable silently sends an openai/ deployment to api.openai.com.
import type { Registry } from '../registry/load.js';
import { layout, SECRET, type Layout } from './layout.js';
import { selectorVar, serviceUrl } from './mesh.js';
import { renderYaml, sortKeys, type GeneratedFile } from './render.js';
import type { Deployment, GatewayEntry, RouteModel, Target } from './routes.js';

/** Non-secret variables router.yaml references, with their values (written to env.local). */
export function routerEnv(reg: Registry): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const [name, tool] of Object.entries(reg.settings.search)) {
    const ep = reg.endpoints[tool.endpoint];
    if (ep) vars[searchVar(name)] = serviceUrl(reg, ep, layout(reg).gatewayHost);
  }
  return vars;
}

/** searxng-search → SEARXNG_API_BASE (the name LiteLLM's SearXNG provider also reads). */
function searchVar(toolName: string): string {
  return `${toolName.replace(/-search$/, '').toUpperCase().replace(/[^A-Z0-9]+/g, '_')}_API_BASE`;
}

/** Selector variables of the OptiLLM-routed handles (written to the OptiLLM selector env). */
export function selectorEnv(routes: RouteModel): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const entry of routes.entries) {
    if (entry.role !== 'handle') continue;
    const t = entry.deployments[0]?.target;
    if (t?.kind === 'optillm') vars[`${selectorVar(entry.name)}_MODEL`] = `openai/${t.sent}`;
  }
  return vars;
}

type Backend = Extract<Target, { kind: 'backend' }>;

/** Every backend each handle's entries reach directly, indexed once (no per-entry scan). */
function backendsByHandle(routes: RouteModel): Map<string, Backend[]> {
  const index = new Map<string, Backend[]>();
  for (const e of routes.entries) {
    for (const d of e.deployments) {
      if (d.target.kind !== 'backend') continue;
      const list = index.get(e.handle) ?? [];
      list.push(d.target);
      index.set(e.handle, list);
    }
  }
  return index;
}

function modelInfo(entry: GatewayEntry, target: Target, backends: Map<string, Backend[]>): Record<string, unknown> {
  if (target.kind === 'backend') {
    return { max_input_tokens: target.contextLength, max_output_tokens: target.maxOutputTokens, mode: 'chat' };
  }
  // Through OptiLLM: the tightest limits of every backend the handle's route reaches.
  const leaves = backends.get(entry.handle) ?? [];
  if (!leaves.length) return { mode: 'chat' };
  // A loop, not Math.min(...): spreading a huge ensemble's members overflows the call stack.
  let input = Infinity;
  let output = Infinity;
  for (const l of leaves) {
    input = Math.min(input, l.contextLength);
    output = Math.min(output, l.maxOutputTokens);
  }
  return { max_input_tokens: input, max_output_tokens: output, mode: 'chat' };
}

function litellmParams(entry: GatewayEntry, d: Deployment): Record<string, unknown> | undefined {
  const t = d.target;
  if (t.kind === 'backend') {
    // A keyless local server still needs a placeholder key, or the openai client refuses the call.
    return { model: `openai/${t.upstream}`, api_base: t.apiBase, api_key: 'none' };
  }
  if (t.kind === 'optillm') {
    return { model: `os.environ/${selectorVar(entry.name)}_MODEL`, api_base: t.apiBase, api_key: `os.environ/${SECRET.gatewayToOptillm}` };
  }
  return undefined;
}

export function routerConfig(reg: Registry, routes: RouteModel): Record<string, unknown> {
  const model_list: Record<string, unknown>[] = [];
  const backends = backendsByHandle(routes);
  for (const entry of routes.entries) {
    for (const d of entry.deployments) {
      const params = litellmParams(entry, d);
      if (!params) continue;
      model_list.push({ model_name: entry.name, litellm_params: params, model_info: modelInfo(entry, d.target, backends) });
    }
  }
  // Stable order: by name; a group's deployments keep their member order (the sort is stable).
  model_list.sort((a, b) => (a.model_name === b.model_name ? 0 : (a.model_name as string) < (b.model_name as string) ? -1 : 1));
  const env = routerEnv(reg);
  const search_tools = Object.keys(reg.settings.search)
    .sort()
    .map((name) => ({
      search_tool_name: name,
      litellm_params: { search_provider: 'searxng', api_base: `os.environ/${searchVar(name)}` },
    }))
    .filter((t) => env[t.litellm_params.api_base.slice('os.environ/'.length)] !== undefined);
  const config: Record<string, unknown> = {
    model_list,
    router_settings: sortKeys(reg.settings.gateway.router_settings),
    litellm_settings: sortKeys(reg.settings.gateway.litellm_settings),
    general_settings: { master_key: `os.environ/${SECRET.masterKey}` },
  };
  if (search_tools.length) config.search_tools = search_tools;
  return config;
}

export function emitLitellmRouter(reg: Registry, routes: RouteModel, lay: Layout = layout(reg)): GeneratedFile {
  return {
    path: lay.router.path,
    content: renderYaml(routerConfig(reg, routes)),
    host: lay.gatewayHost,
    install: lay.router.install,
    unit: lay.gatewayUnit,
    mode: '0644',
  };
}
