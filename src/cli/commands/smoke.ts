import { gatewayBaseUrl, gatewayOutOfReach, renderSmokeTable, smoke, smokeHandles } from '../../app/smoke.js';
import { UsageError } from '../../core/errors.js';
import { loadRegistry } from '../../registry/read.js';
import { selfHost } from '../../io/self-host.js';
import { colorFor, printDiagnostics } from '../report.js';

export interface SmokeCmdOptions {
  registry: string;
  gateway?: string;
  timeout: string;
  format: 'text' | 'json';
}

/** A one-token chat completion per handle through the gateway; exit 1 when any fails. */
export async function smokeCmd(handles: string[], o: SmokeCmdOptions): Promise<number> {
  const loaded = await loadRegistry(o.registry);
  if (!loaded.registry) {
    printDiagnostics(loaded.diagnostics, o.format === 'json' ? 'json' : 'text');
    return 1;
  }
  const timeoutMs = Number(o.timeout);
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) throw new UsageError(`--timeout takes milliseconds, got "${o.timeout}"`);
  // The port is required: without one the URL means 80 or 443, never the gateway's 4000.
  if (o.gateway && !/^https?:\/\/(?:\[[0-9A-Fa-f:.]+\]|[^/:[\]]+):\d{1,5}$/.test(o.gateway.replace(/\/$/, ''))) throw new UsageError(`--gateway takes http://host:port (the port too), got "${o.gateway}"`);
  const reg = loaded.registry;
  const self = selfHost(reg);
  const far = o.gateway ? undefined : gatewayOutOfReach(reg, self);
  if (far) throw new UsageError(`the gateway binds ${far.gw.bind} on ${far.gw.host}, which this machine cannot reach: run smoke on ${far.gw.host}, or pass --gateway http://host:port`);
  const baseUrl = o.gateway?.replace(/\/$/, '') ?? gatewayBaseUrl(reg, self);
  const results = await smoke(reg, smokeHandles(reg, handles), { baseUrl, key: process.env.HOMELAB_GATEWAY_KEY, timeoutMs });
  const isOk = results.every((r) => r.isOk);
  process.stdout.write(o.format === 'json' ? JSON.stringify({ ok: isOk, gateway: baseUrl, results }, null, 2) + '\n' : renderSmokeTable(results, colorFor(process.stdout)));
  return isOk ? 0 : 1;
}
