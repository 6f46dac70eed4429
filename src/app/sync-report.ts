// The registry side of a sync, for people: what the MLX registry changed.
import type { ChalkInstance } from 'chalk';
import type { SyncPrepared } from './sync-gateway.js';

export function renderSyncReport(p: SyncPrepared, c: ChalkInstance): string {
  const r = p.report;
  const out = [c.bold(`MLX registry (${r.host ?? 'no MLX host'}): ${r.added.length} new, ${r.updated.length} changed, ${r.disappeared.length} gone`)];
  for (const id of r.added) out.push(`  ${c.green('+')} ${id}`);
  for (const u of r.updated) out.push(`  ${c.cyan('~')} ${u.id}: ${u.changes.join('; ')}`);
  for (const e of r.newEndpoints) out.push(`  ${c.green('+')} endpoint ${e}`);
  for (const id of r.disappeared) out.push(`  ${c.red('-')} ${id} ${r.pruned.includes(id) ? 'pruned (handle and row removed)' : 'is no longer served by the Studio (kept: pass --prune to remove its handle)'}`);
  for (const id of r.unserved) out.push(`  ${c.dim('·')} ${id}: downloaded, not served (port null): no entry, no handle`);
  for (const x of r.refused) out.push(`  ${c.yellow('!')} ${x.id}: refused: ${x.reason}`);
  for (const n of r.notes) out.push(`  ${c.dim('note:')} ${n}`);
  if (r.routeViaOptillm.from !== r.routeViaOptillm.to) out.push(`  route_via_optillm: ${r.routeViaOptillm.from} → ${r.routeViaOptillm.to}`);
  out.push(p.changedFiles.length ? `registry files to update: ${p.changedFiles.join(', ')}` : 'registry unchanged');
  return out.join('\n');
}
