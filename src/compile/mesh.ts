// Facts derived from the registry that several emitters and rules share: one function per fact,
// so an address, a path or a unit name is computed in exactly one place (STYLE §12).
import type { Registry } from '../registry/load.js';
import { kindFacts } from '../kinds/index.js';
import type { Endpoint, Host } from '../registry/schema.js';
import { byString } from '../core/order.js';

export const LOOPBACK = '127.0.0.1';

export const DEFAULT_UV = '/usr/local/bin/uv';

export function isActive(ep: Endpoint): boolean {
  return (ep.state ?? 'active') === 'active';
}

/**
 * An address in one spelling per meaning: IPv6 as WHATWG URL serialises it (zeros compressed,
 * lower case: 0:0:0:0:0:0:0:1 is ::1), an IPv4-mapped IPv6 address as its IPv4 address
 * (::ffff:7f00:1 is 127.0.0.1); anything else unchanged.
 */
function canonicalAddress(address: string): string {
  if (!address.includes(':')) return address;
  let v6: string;
  try {
    v6 = new URL(`http://[${address.replace(/^\[|\]$/g, '')}]/`).hostname.slice(1, -1);
  } catch {
    return address;
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(v6);
  if (!mapped) return v6;
  const [hi, lo] = [parseInt(mapped[1]!, 16), parseInt(mapped[2]!, 16)];
  return [hi >> 8, hi & 255, lo >> 8, lo & 255].join('.');
}

export function isLoopbackBind(bind: string): boolean {
  const a = canonicalAddress(bind);
  return a === 'localhost' || a === '::1' || /^127\.\d+\.\d+\.\d+$/.test(a);
}

/** Every interface: 0.0.0.0 or :: however spelled (0:0:0:0:0:0:0:0, ::0, ::ffff:0.0.0.0). */
export function isWildcardBind(bind: string): boolean {
  const a = canonicalAddress(bind);
  return a === '0.0.0.0' || a === '::';
}

export function unitName(ep: Endpoint): string {
  return ep.run?.unit ?? kindFacts(ep.kind).defaultUnit ?? ep.service;
}

/** The service (settings.yaml secrets key) whose unit on `host` is named `unit`. */
export function serviceOfUnit(reg: Registry, host: string | undefined, unit: string): string | undefined {
  return Object.values(reg.endpoints).find((ep) => ep.run && (host === undefined || ep.host === host) && unitName(ep) === unit)?.service;
}

/** The home directory of `user` on a host: root's is /root (/var/root on macOS), no /home/root. */
export function homeDir(host: Host | undefined, user: string): string {
  if (user === 'root') return host?.os === 'macos' ? '/var/root' : '/root';
  return host?.os === 'macos' ? `/Users/${user}` : `/home/${user}`;
}

/**
 * The address a service on `fromHost` calls `ep` at. A service is called at the address it binds:
 * on its own host a loopback bind is called there (OptiLLM on 127.0.0.2 is called at 127.0.0.2),
 * a wildcard bind on 127.0.0.1; from elsewhere, a specific bind is called at that address and a
 * wildcard bind at the host's address.
 */
export function reachAddress(reg: Registry, ep: Endpoint, fromHost: string | undefined): string {
  if (isWildcardBind(ep.bind)) return ep.host === fromHost ? LOOPBACK : reg.hosts[ep.host]?.address ?? ep.host;
  if (ep.bind === 'localhost') return ep.host === fromHost ? LOOPBACK : reg.hosts[ep.host]?.address ?? ep.host;
  return ep.bind;
}

/**
 * Why a caller on `fromHost` cannot reach `ep`, or undefined when it can; `fromHost` undefined is a
 * machine outside the mesh (a workstation running `health`). A loopback bind answers only on its
 * own machine: called from anywhere else, 127.0.0.1 is the caller's own loopback and `localhost`
 * is reached at the LAN address, where nothing listens. A host whose address is itself a loopback
 * address shares the caller's machine (a one-box mesh, a test copy), where loopback does reach.
 */
export function unreachableFrom(reg: Registry, ep: Endpoint, fromHost: string | undefined): string | undefined {
  if (ep.host === fromHost || !isLoopbackBind(ep.bind)) return undefined;
  const address = reg.hosts[ep.host]?.address;
  if (address !== undefined && isLoopbackBind(address)) return undefined;
  return `${ep.service} binds ${ep.bind} (loopback) on ${ep.host}, so it cannot be reached from ${fromHost ?? 'a machine outside the mesh'}: bind ${ep.host}'s address, or 0.0.0.0 with lan.approved`;
}

/** unreachableFrom as a yes/no (health and smoke, deciding whether to contact a service at all). */
export function isReachableFrom(reg: Registry, ep: Endpoint, fromHost: string | undefined): boolean {
  return unreachableFrom(reg, ep, fromHost) === undefined;
}

/** An address as the host part of a URL: an IPv6 address goes in brackets (RFC 3986). */
export function urlHost(address: string): string {
  return address.includes(':') && !address.startsWith('[') ? `[${address}]` : address;
}

/** http://<address>:<port> of a service as seen from `fromHost`. */
export function serviceUrl(reg: Registry, ep: Endpoint, fromHost: string | undefined): string {
  return `http://${urlHost(reachAddress(reg, ep, fromHost))}:${ep.port}`;
}

export function baseUrl(reg: Registry, ep: Endpoint, fromHost: string | undefined): string {
  return `${serviceUrl(reg, ep, fromHost)}/v1`;
}

export function gatewayEndpoint(reg: Registry): Endpoint | undefined {
  return reg.endpoints[reg.settings.gateway.endpoint];
}

export function optillmEndpoint(reg: Registry): Endpoint | undefined {
  return reg.endpoints[reg.settings.optillm.endpoint];
}

/** The active Open WebUI endpoint on `host` (the one settings.yaml clients.open-webui configures), with its id. */
export function openWebuiEndpoint(reg: Registry, host: string): [string, Endpoint] | undefined {
  return Object.entries(reg.endpoints).find(([, e]) => e.kind === 'open-webui' && e.host === host && isActive(e));
}

/** The gateway's host: where router.yaml, env files and units are installed. */
export function gatewayHost(reg: Registry): string | undefined {
  return gatewayEndpoint(reg)?.host;
}

/** `path` is `root` itself or lies inside it. */
export function isUnder(path: string, root: string): boolean {
  const r = root.replace(/\/+$/, '');
  return path === r || path.startsWith(`${r}/`);
}

/** The storage class of a path on a host. The longest matching root wins: a backroom disk mounted inside a showroom tree stays backroom. */
export function pathClass(reg: Registry, host: string, path: string): 'showroom' | 'backroom' | 'none' {
  const roots = reg.hosts[host]?.storage ?? [];
  // macOS volumes (APFS, HFS+) are case-insensitive by default: /Volumes/seagate is /Volumes/Seagate.
  const isFolded = reg.hosts[host]?.os === 'macos';
  const p = isFolded ? path.toLowerCase() : path;
  // The deepest root holding the path (the first listed of equally deep ones).
  let match: (typeof roots)[number] | undefined;
  for (const s of roots) {
    if (isUnder(p, isFolded ? s.path.toLowerCase() : s.path) && (!match || s.path.length > match.path.length)) match = s;
  }
  return match?.class ?? 'none';
}

/** The storage class a model is served from, judged on the host of its endpoint. */
export function storageClass(reg: Registry, modelId: string): { cls: 'showroom' | 'backroom' | 'none'; host?: string } | undefined {
  const model = reg.models[modelId];
  if (!model?.endpoint) return model ? { cls: 'none' } : undefined;
  const host = reg.endpoints[model.endpoint]?.host;
  if (!host) return undefined;
  return { cls: pathClass(reg, host, model.source_path), host };
}

/** Handle → selector env variable stem: opt-chat-balanced-m → OPTILLM_OPT_CHAT_BALANCED_M. */
export function selectorVar(handle: string): string {
  return `OPTILLM_${handle.toUpperCase().replace(/[^A-Z0-9]+/g, '_')}`;
}

/** Endpoints sorted by id, optionally only the active ones. */
export function sortedEndpoints(reg: Registry, isOnlyActive = false): [string, Endpoint][] {
  return Object.entries(reg.endpoints)
    .filter(([, ep]) => !isOnlyActive || isActive(ep))
    .sort(byString(([name]) => name));
}
