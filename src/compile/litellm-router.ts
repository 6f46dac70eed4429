// router.yaml: LiteLLM's proxy config (LiteLLM 1.81: litellm/proxy/proxy_server.py, litellm/router.py). One model_list entry per
// deployment of the route model; api_base is always literal, never os.environ/, because an unset
// variable silently sends an openai/ deployment to api.openai.com.
import type { Registry } from '../registry/load.js';
import { layout, type Layout } from './layout.js';
import { SECRET } from '../core/secrets.js';
import { isActive, selectorVar, serviceUrl, unreachableFrom } from './mesh.js';
import { fill, renderYaml, sortKeys, type GeneratedFile } from './render.js';
import type { Deployment, GatewayEntry, RouteModel, Target } from './routes.js';
import { byString } from '../core/order.js';

/**
 * litellm_params that say how LiteLLM calls a deployment, not what it sends the backend
 * (litellm/types/router.py GenericLiteLLMParams, and litellm.completion's own arguments): where
 * the call goes (api_base, base_url, custom_llm_provider, litellm_credential_name,
 * use_litellm_proxy), whether it goes at all (mock_response), its limits and retries, its share of
 * a group (weight, order, rpm, tpm). Never request_params: compile writes none of them from there
 * (the request-params rule names each), and import never reads one into them.
 */
export const CALL_PARAMS: ReadonlySet<string> = new Set([
  'model', 'api_base', 'base_url', 'api_key', 'timeout', 'stream_timeout', 'max_retries', 'num_retries', 'rpm', 'tpm', 'api_version', 'organization',
  'custom_llm_provider', 'litellm_credential_name', 'region_name', 'weight', 'order', 'tags', 'input_cost_per_token',
  'output_cost_per_token', 'mock_response', 'use_in_pass_through', 'configurable_clientside_auth_params', 'base_model',
  'merge_reasoning_content_in_choices', 'extra_headers', 'headers', 'use_litellm_proxy',
  // completion() switches an openai/ call to Azure when a deployment_id is given (litellm/main.py).
  'deployment_id',
]);

/** Top-level router.yaml blocks compile writes itself; `include` would make LiteLLM read other files. */
export const COMPILED_BLOCKS: readonly string[] = ['model_list', 'router_settings', 'litellm_settings', 'general_settings', 'search_tools', 'include'];

/** Non-secret variables router.yaml references, with their values (written to env.local). */
export function routerEnv(reg: Registry, lay: Layout = layout(reg)): Record<string, string> {
  const vars: Record<string, string> = {};
  for (const t of searchTools(reg, lay)) vars[t.variable] = t.url;
  return vars;
}

interface SearchTool {
  name: string;
  tool: Registry['settings']['search'][string];
  /** The env.local variable its api_base reads. */
  variable: string;
  /** Where the gateway reaches its SearXNG. */
  url: string;
}

/** A tool name as a variable stem: searxng-search → SEARXNG (the name LiteLLM's SearXNG provider also reads). */
function searchStem(toolName: string, isShort: boolean): string {
  return (isShort ? toolName.replace(/-search$/, '') : toolName).toUpperCase().replace(/[^A-Z0-9]+/g, '_');
}

/**
 * The search tools the gateway serves, by name: those whose SearXNG endpoint is active and
 * reachable from the gateway (a planned or disabled one receives no routes, a loopback bind on
 * another host cannot be called; routing-unresolved reports the tool). Each reads its own
 * variable: the short stem (searxng-search → SEARXNG_API_BASE) when no other tool shares it,
 * else the whole name, numbered if even that repeats: env.local holds one value a variable.
 */
function searchTools(reg: Registry, lay: Layout): SearchTool[] {
  const live = Object.keys(reg.settings.search).sort().flatMap((name) => {
    const tool = reg.settings.search[name]!;
    const ep = reg.endpoints[tool.endpoint];
    return ep && isActive(ep) && !unreachableFrom(reg, ep, lay.gatewayHost) ? [{ name, tool, url: serviceUrl(reg, ep, lay.gatewayHost), short: searchStem(name, true) }] : [];
  });
  const shortUses = new Map<string, number>();
  for (const t of live) shortUses.set(t.short, (shortUses.get(t.short) ?? 0) + 1);
  const used = new Set<string>();
  return live.map(({ short, ...t }) => {
    const stem = shortUses.get(short) === 1 ? short : searchStem(t.name, false);
    let variable = `${stem}_API_BASE`;
    for (let n = 2; used.has(variable); n++) variable = `${stem}_${n}_API_BASE`;
    used.add(variable);
    return { ...t, variable };
  });
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

/**
 * An entry's limits. Through OptiLLM they are those of the backends the handle's route reaches:
 * the tightest output limit, and the tightest input limit unless LiteLLM's pre-call checks are on.
 * With them, the call-back to an ensemble group skips a member too small for the prompt
 * (router.py _pre_call_checks), so the ensemble holds what its largest member holds, and the
 * smallest one would refuse at the front door what the group would have served.
 */
function modelInfo(entry: GatewayEntry, target: Target, backends: Map<string, Backend[]>, hasPreCallChecks: boolean): Record<string, unknown> {
  if (target.kind === 'backend') {
    return { max_input_tokens: target.contextLength, max_output_tokens: target.maxOutputTokens, mode: 'chat' };
  }
  const leaves = backends.get(entry.handle) ?? [];
  if (!leaves.length) return { mode: 'chat' };
  // A loop, not Math.min(...): spreading a huge ensemble's members overflows the call stack.
  let input = hasPreCallChecks ? 0 : Infinity;
  let output = Infinity;
  for (const l of leaves) {
    input = hasPreCallChecks ? Math.max(input, l.contextLength) : Math.min(input, l.contextLength);
    output = Math.min(output, l.maxOutputTokens);
  }
  return { max_input_tokens: input, max_output_tokens: output, mode: 'chat' };
}

function litellmParams(reg: Registry, entry: GatewayEntry, d: Deployment): Record<string, unknown> | undefined {
  const t = d.target;
  if (t.kind === 'backend') {
    // A keyless local server still needs a placeholder key, or the openai client refuses the call.
    // The model's request_params follow; never one that changes how LiteLLM calls the deployment
    // (the rule request-params reports it: an api_base there would be a route nobody proved).
    const head = { model: `openai/${t.upstream}`, api_base: t.apiBase, api_key: 'none' };
    // Most models set no request_params: the head alone, without copying it into a new entry.
    return t.requestParams ? { ...head, ...requestOnly(t.requestParams) } : head;
  }
  if (t.kind === 'optillm') {
    // A technique is slow and OptiLLM does not cancel abandoned work, so the entry states its own
    // limits instead of inheriting the gateway's:
    // - timeout and stream_timeout: router.py _get_timeout takes a streaming request's limit from
    //   stream_timeout first, and OptiLLM sends its one chunk only at the end;
    // - num_retries: how often the router re-sends the request (litellm/utils.py wrapper_async
    //   hands the deployment's num_retries back to the router, router.py
    //   async_function_with_retries uses it instead of router_settings.num_retries);
    // - max_retries: the OpenAI client's own retries inside each attempt.
    const retries = optillmRetries(reg);
    return {
      model: `os.environ/${selectorVar(entry.name)}_MODEL`,
      api_base: t.apiBase,
      api_key: `os.environ/${SECRET.gatewayToOptillm}`,
      timeout: reg.settings.optillm.request_timeout,
      stream_timeout: reg.settings.optillm.request_timeout,
      num_retries: retries,
      max_retries: retries,
    };
  }
  return undefined;
}

/** `params` without the CALL_PARAMS, in their own order (the routing keys come first in the entry). */
function requestOnly(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([k]) => !CALL_PARAMS.has(k)));
}

/**
 * True when some ensemble group load-balances members of different context sizes: without
 * LiteLLM's pre-call checks a long prompt can land on the member that cannot hold it.
 */
export function hasMixedContextGroup(routes: RouteModel): boolean {
  return routes.entries.some((e) => {
    if (e.role !== 'group') return false;
    const sizes = new Set(e.deployments.flatMap((d) => (d.target.kind === 'backend' ? [d.target.contextLength] : [])));
    return sizes.size > 1;
  });
}

/** optillm.retries: how often the gateway re-sends a request to OptiLLM (default 0). */
function optillmRetries(reg: Registry): number {
  return reg.settings.optillm.retries ?? 0;
}

type RetryPolicy = NonNullable<Registry['settings']['gateway']['router_settings']['retry_policy']>;

/**
 * A retry policy outranks a deployment's num_retries (router.py async_function_with_retries;
 * router_utils/get_retry_from_policy.py, where model_group_retry_policy[group] replaces
 * retry_policy for that group). When the gateway-wide retry_policy would re-send an OptiLLM
 * route more often than optillm.retries, each such name gets the same policy capped at
 * optillm.retries; a name the registry gives its own policy keeps it.
 */
function optillmRetryPolicies(reg: Registry, routes: RouteModel): Record<string, RetryPolicy> {
  const rs = reg.settings.gateway.router_settings;
  const cap = optillmRetries(reg);
  const global = rs.retry_policy ?? {};
  if (!Object.values(global).some((n) => n !== undefined && n > cap)) return {};
  const capped = Object.fromEntries(Object.entries(global).map(([k, n]) => [k, n === undefined ? n : Math.min(n, cap)])) as RetryPolicy;
  const out: Record<string, RetryPolicy> = {};
  for (const e of routes.entries) {
    if (rs.model_group_retry_policy?.[e.name] || !e.deployments.some((d) => d.target.kind === 'optillm')) continue;
    out[e.name] = capped;
  }
  return out;
}

/** Whether LiteLLM runs its pre-call checks: the registry's choice, else on when a group mixes context sizes. */
function hasPreCallChecks(reg: Registry, routes: RouteModel): boolean {
  return reg.settings.gateway.router_settings.enable_pre_call_checks ?? hasMixedContextGroup(routes);
}

/** router_settings as written: the registry's, plus enable_pre_call_checks when a group needs it. */
function routerSettings(reg: Registry, routes: RouteModel, checks: boolean): Record<string, unknown> {
  const gw = reg.settings.gateway;
  const settings: Record<string, unknown> = { ...gw.router_settings };
  if (settings.enable_pre_call_checks === undefined && checks) settings.enable_pre_call_checks = true;
  const policies = { ...optillmRetryPolicies(reg, routes), ...(gw.router_settings.model_group_retry_policy ?? {}) };
  if (Object.keys(policies).length) settings.model_group_retry_policy = sortKeys(policies);
  // Old names clients still use (gateway.aliases): LiteLLM resolves them to their group.
  if (gw.aliases && Object.keys(gw.aliases).length) settings.model_group_alias = sortKeys(gw.aliases);
  return sortKeys(settings);
}

export function routerConfig(reg: Registry, routes: RouteModel, lay: Layout = layout(reg)): Record<string, unknown> {
  const model_list: Record<string, unknown>[] = [];
  const backends = backendsByHandle(routes);
  const checks = hasPreCallChecks(reg, routes);
  for (const entry of routes.entries) {
    for (const d of entry.deployments) {
      const params = litellmParams(reg, entry, d);
      if (!params) continue;
      model_list.push({ model_name: entry.name, litellm_params: params, model_info: modelInfo(entry, d.target, backends, checks) });
    }
  }
  // Stable order: by name; a group's deployments keep their member order (the sort is stable).
  model_list.sort(byString((e) => e.model_name as string));
  const search_tools = searchTools(reg, lay).map(({ name, tool, variable }) => ({
    search_tool_name: name,
    litellm_params: {
      search_provider: 'searxng',
      api_base: `os.environ/${variable}`,
      ...(tool.timeout !== undefined ? { timeout: tool.timeout } : {}),
    },
    ...(tool.description !== undefined ? { search_tool_info: { description: tool.description } } : {}),
  }));
  const config: Record<string, unknown> = {
    model_list,
    router_settings: routerSettings(reg, routes, checks),
    litellm_settings: sortKeys(reg.settings.gateway.litellm_settings),
    general_settings: { master_key: `os.environ/${SECRET.masterKey}` },
  };
  if (search_tools.length) config.search_tools = search_tools;
  const gw = reg.settings.gateway;
  // Verbatim blocks go last, never over a block compile writes (gateway-passthrough reports those).
  for (const key of Object.keys(gw.passthrough ?? {}).sort()) {
    if (!COMPILED_BLOCKS.includes(key)) config[key] = gw.passthrough![key];
  }
  return config;
}

export function emitLitellmRouter(reg: Registry, routes: RouteModel, lay: Layout = layout(reg)): GeneratedFile {
  return fill(lay.router, renderYaml(routerConfig(reg, routes, lay)));
}
