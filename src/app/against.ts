// validate --against REF: what may never change between two versions of the registry — a
// service's port (without a migration), a ledger entry, the model behind a handle name.
import { readRegistryAtRef } from '../io/git.js';
import { parseRegistry, type Registry } from '../registry/load.js';
import { displayPath } from '../registry/read.js';
import { isEnsembleRow } from '../registry/schema.js';
import { at } from '../registry/at.js';
import { toPointer, type Diagnostic } from '../core/diagnostic.js';

/** An entry's identity for "edited or dropped": every field, keys in a fixed order. */
function entryKey(entry: object): string {
  return JSON.stringify(Object.keys(entry).sort().map((k) => [k, (entry as Record<string, unknown>)[k]]));
}

export function compareRegistries(before: Registry, now: Registry, ref: string): Diagnostic[] {
  const out: Diagnostic[] = [];
  const migrated = (host: string, service: string, from: number, to: number) =>
    now.ports.migrations.some((m) => m.host === host && m.service === service && m.from === from && m.to === to);
  const isLocked = (host: string, service: string, port: number) => now.ports.ports.some((p) => p.host === host && p.service === service && p.port === port);
  const oldPort = new Map(Object.values(before.endpoints).map((ep) => [`${ep.host}\0${ep.service}`, ep.port]));
  for (const [id, ep] of Object.entries(now.endpoints)) {
    const was = oldPort.get(`${ep.host}\0${ep.service}`);
    if (was === undefined || was === ep.port || migrated(ep.host, ep.service, was, ep.port)) continue;
    // A move the current ledger does not list is the port-immutable rule's to report: once is enough.
    if (!isLocked(ep.host, ep.service, ep.port)) continue;
    out.push(at(now, 'endpoints.yaml', toPointer(['endpoints', id, 'port']), { code: 'port-immutable', message: `port of ${ep.service} on ${ep.host} changed ${was} → ${ep.port} since ${ref}`, hint: `restore ${was}, or add a migration {service: ${ep.service}, host: ${ep.host}, from: ${was}, to: ${ep.port}, reason: …}` }));
  }
  const describe = (p: { host: string; port?: number; service: string; from?: number; to?: number }) =>
    p.port !== undefined ? `${p.host}:${p.port} ${p.service}` : `${p.service} on ${p.host} ${p.from} → ${p.to}`;
  const sections = [
    ['ports', before.ports.ports, now.ports.ports, 'ledger entries are never edited or dropped: restore it (a move is a migration; a retired port goes to reserved)'],
    ['reserved', before.ports.reserved, now.ports.reserved, 'a reserved port stays reserved for ever: restore the entry'],
    ['migrations', before.ports.migrations, now.ports.migrations, 'migrations are history: restore the entry (add a new migration for a new move)'],
  ] as const;
  for (const [section, was, is, hint] of sections) {
    const nowKeys = new Set<string>(is.map(entryKey));
    for (const entry of was) {
      if (nowKeys.has(entryKey(entry))) continue;
      out.push(at(now, 'ports.lock.yaml', `/${section}`, { code: 'port-immutable', message: `${section} entry ${describe(entry)} of ${ref} was edited or dropped`, hint }));
    }
  }
  now.handles.forEach((h, i) => {
    if (isEnsembleRow(h)) return;
    const was = before.models[h.handle];
    const is = now.models[h.handle];
    const wasHandle = before.handles.some((b) => b.handle === h.handle);
    if (!was || !is || was.upstream === is.upstream) return;
    out.push(at(now, 'handles.jsonl', `/${i}/handle`, { code: 'handle-reused', message: `handle "${h.handle}" ${wasHandle ? 'served' : 'named'} "${was.upstream}" at ${ref} and now serves "${is.upstream}"`, hint: 'a handle name always means one model: give the new model its own id and handle' }));
  });
  return out;
}

export async function compareWithRef(now: Registry, registryDir: string, ref: string): Promise<Diagnostic[]> {
  const texts = await readRegistryAtRef(registryDir, ref);
  const before = parseRegistry(texts, `${ref}:${displayPath(registryDir)}`);
  if (!before.registry) {
    // The old registry does not load: nothing to compare against, and that is worth saying.
    return [{ code: 'registry-parse', severity: 'warning', file: now.sources['handles.jsonl'].file, pointer: '', message: `the registry at ${ref} does not load (${before.diagnostics.length} problem(s)); nothing compared`, hint: `check \`homelab validate --registry\` on a checkout of ${ref}` }];
  }
  return compareRegistries(before.registry, now, ref);
}
