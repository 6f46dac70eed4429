import { hostname } from 'node:os';
import { probe, probeTargets } from '../../app/health.js';
import { UsageError } from '../../errors.js';
import { loadRegistry } from '../../registry/read.js';
import { colorFor, printDiagnostics } from '../report.js';

export interface HealthOptions {
  registry: string;
  host?: string;
  timeout: string;
  format: 'text' | 'json';
}

/** Probe every active endpoint concurrently; exit 1 when any is down. */
export async function healthCmd(o: HealthOptions): Promise<number> {
  const loaded = await loadRegistry(o.registry);
  if (!loaded.registry) {
    printDiagnostics(loaded.diagnostics, 'text');
    return 1;
  }
  const reg = loaded.registry;
  if (o.host && !reg.hosts[o.host]) throw new UsageError(`unknown host "${o.host}"; hosts: ${Object.keys(reg.hosts).join(', ')}`);
  const timeout = Number(o.timeout);
  if (!Number.isFinite(timeout) || timeout <= 0) throw new UsageError(`--timeout takes milliseconds, got "${o.timeout}"`);
  // Probing from a mesh host itself, its own services are reached on loopback.
  const self = Object.entries(reg.hosts).find(([name, h]) => name === hostname() || h.dns === hostname())?.[0];
  const key = process.env.HOMELAB_GATEWAY_KEY ?? process.env.LITELLM_MASTER_KEY;
  const results = await Promise.all(probeTargets(reg, o.host, self).map((t) => probe(t, timeout, key)));
  const down = results.filter((r) => !r.isUp).length;
  if (o.format === 'json') {
    process.stdout.write(JSON.stringify({ ok: down === 0, probes: results }, null, 2) + '\n');
  } else {
    const c = colorFor(process.stdout);
    const w = Math.max(8, ...results.map((r) => r.service.length));
    process.stdout.write(`${'service'.padEnd(w)}  ${'state'.padEnd(5)}  ${'ms'.padStart(5)}  url\n`);
    for (const r of results) {
      const state = r.isUp ? c.green('up'.padEnd(5)) : c.red('DOWN'.padEnd(5));
      const detail = r.isUp ? (r.note ? `  (${r.note})` : '') : `  (${r.error ?? `HTTP ${r.status}`})`;
      process.stdout.write(`${r.service.padEnd(w)}  ${state}  ${String(r.ms).padStart(5)}  ${r.url}${detail}\n`);
    }
    process.stdout.write(`${results.length - down} up, ${down} down\n`);
  }
  return down ? 1 : 0;
}
