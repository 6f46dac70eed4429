// `homelab smoke`: one one-token chat completion per handle through the gateway, as a client
// sends it (OpenAI's POST /v1/chat/completions with a bearer key), timed, with the route the
// registry says the request takes. One request at a time: a smoke test must not load the mesh.
import type { ChalkInstance } from 'chalk';
import { gatewayEndpoint, serviceUrl, unreachableFrom } from '../compile/mesh.js';
import { buildRouteModel, routeLeaves, walkRoute, type RouteNode } from '../compile/routes.js';
import { UsageError } from '../core/errors.js';
import { describeFetchError } from '../io/fetch-error.js';
import type { Endpoint } from '../registry/schema.js';
import type { Registry } from '../registry/load.js';

export interface SmokeResult {
  handle: string;
  route: string;
  ms: number;
  isOk: boolean;
  status?: number;
  error?: string;
}

export interface SmokeOptions {
  baseUrl: string;
  key?: string;
  timeoutMs: number;
}

/**
 * http://address:port of the gateway as called from `fromHost`: the mesh host this machine is
 * (selfHost), undefined outside the mesh. Pass the host gatewayOutOfReach was asked about: on the
 * gateway's own host a loopback or wildcard bind is called on 127.0.0.1, elsewhere at its address.
 */
export function gatewayBaseUrl(reg: Registry, fromHost: string | undefined): string {
  const gw = gatewayEndpoint(reg);
  if (!gw) throw new UsageError(`settings.yaml gateway.endpoint "${reg.settings.gateway.endpoint}" is not an endpoint`);
  return serviceUrl(reg, gw, fromHost);
}

/**
 * The gateway, when `fromHost` (this machine's mesh host, selfHost) cannot call it, with why: it
 * binds loopback on another host, so its URL here would be this machine's own loopback. smoke and
 * sync-gateway's verify step refuse it rather than judge whatever listens here. Undefined when
 * this machine can call it, at gatewayBaseUrl(reg, fromHost).
 */
export function gatewayOutOfReach(reg: Registry, fromHost: string | undefined): { gw: Endpoint; why: string } | undefined {
  const gw = gatewayEndpoint(reg);
  const why = gw && unreachableFrom(reg, gw, fromHost);
  return why ? { gw: gw!, why } : undefined;
}

/** The route of a handle in a few words: through OptiLLM or not, and the backends it ends at. */
export function routeSummary(node: RouteNode): string {
  const viaOptillm = node.type === 'gateway' && node.children.some((c) => c.type === 'optillm');
  const ends = [...new Set(routeLeaves(node).map((l) => (l.type === 'backend' ? `${l.target.host}:${l.target.port}` : `unresolved ${'name' in l ? l.name : ''}`)))];
  return `${viaOptillm ? 'optillm → ' : ''}${ends.join(', ')}`;
}

/** The handles to try, in registry order (all when none are named); an unknown name is a usage error. */
export function smokeHandles(reg: Registry, named: readonly string[]): string[] {
  const active = reg.handles.map((h) => h.handle);
  const unknown = named.filter((h) => !active.includes(h));
  if (unknown.length) throw new UsageError(`not a handle of handles.jsonl: ${unknown.join(', ')}`);
  return named.length ? [...named] : active;
}

async function once(handle: string, route: string, o: SmokeOptions): Promise<SmokeResult> {
  const start = performance.now();
  const ms = () => Math.round(performance.now() - start);
  try {
    const res = await fetch(`${o.baseUrl}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(o.key ? { authorization: `Bearer ${o.key}` } : {}) },
      body: JSON.stringify({ model: handle, messages: [{ role: 'user', content: 'Reply with OK.' }], max_tokens: 1 }),
      signal: AbortSignal.timeout(o.timeoutMs),
    });
    const body = await res.text();
    if (!res.ok) {
      const hint = res.status === 401 ? ' (set HOMELAB_GATEWAY_KEY)' : '';
      return { handle, route, ms: ms(), isOk: false, status: res.status, error: `HTTP ${res.status}${hint}: ${body.trim().slice(0, 120)}` };
    }
    let choices: unknown;
    try {
      choices = (JSON.parse(body) as { choices?: unknown }).choices;
    } catch {
      /* not JSON */
    }
    if (!Array.isArray(choices) || !choices.length) return { handle, route, ms: ms(), isOk: false, status: res.status, error: 'the answer has no choices' };
    return { handle, route, ms: ms(), isOk: true, status: res.status };
  } catch (err) {
    return { handle, route, ms: ms(), isOk: false, error: describeFetchError(err, o.timeoutMs) };
  }
}

export async function smoke(reg: Registry, handles: readonly string[], o: SmokeOptions): Promise<SmokeResult[]> {
  const model = buildRouteModel(reg);
  const results: SmokeResult[] = [];
  for (const h of handles) results.push(await once(h, routeSummary(walkRoute(model, h)), o));
  return results;
}

export function renderSmokeTable(results: readonly SmokeResult[], c: ChalkInstance): string {
  const hw = Math.max(6, ...results.map((r) => r.handle.length));
  const rw = Math.max(5, ...results.map((r) => r.route.length));
  const lines = [`${'handle'.padEnd(hw)}  ${'route'.padEnd(rw)}  ${'ms'.padStart(6)}  ok`];
  for (const r of results) {
    lines.push(`${r.handle.padEnd(hw)}  ${r.route.padEnd(rw)}  ${String(r.ms).padStart(6)}  ${r.isOk ? c.green('ok') : c.red(`FAILED: ${r.error}`)}`);
  }
  const failed = results.filter((r) => !r.isOk).length;
  lines.push(failed ? c.red(`${failed} of ${results.length} handle(s) failed`) : `${results.length} handle(s) answered`);
  return lines.join('\n') + '\n';
}
