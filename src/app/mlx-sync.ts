// The Studio's MLX registry.json → registry edits (pure): new models get a model row, an
// ep_mlx_<port> endpoint if missing and a handle; changed limits update the row; models that left
// are reported and, with prune, lose their handle and row. Edits keep the files' comments and
// order. The ledger is updated afterwards by the same code as `homelab lock`.
import { parseDocument } from 'yaml';
import { isActive } from '../compile/mesh.js';
import type { Registry, RegistryFileName } from '../registry/load.js';
import type { Endpoint, MlxRegistry, Model } from '../registry/schema.js';
import { pathClass } from '../validate/rules/exposure-showroom.js';
import { MLX_TEAM } from '../validate/rules/port-range.js';

export interface MlxSyncOptions {
  isPrune: boolean;
  /** Undefined (no routing flag): the registry's setting stays as it is. */
  routeViaOptillm?: boolean;
}

export interface MlxSyncReport {
  host?: string;
  added: string[];
  updated: { id: string; changes: string[] }[];
  newEndpoints: string[];
  disappeared: string[];
  pruned: string[];
  refused: { id: string; reason: string }[];
  routeViaOptillm: { from: boolean; to: boolean };
}

export interface MlxSyncResult {
  texts: Partial<Record<RegistryFileName, string>>;
  report: MlxSyncReport;
}

/** The Studio: the host of the existing MLX endpoints, else the host whose storage holds the models. */
function mlxHost(reg: Registry, mlx: MlxRegistry): string | undefined {
  const existing = Object.values(reg.endpoints).find((ep) => ep.kind === 'mlx')?.host;
  if (existing) return existing;
  const first = Object.values(mlx.models)[0];
  return first ? Object.keys(reg.hosts).find((h) => pathClass(reg, h, first.source_path) !== 'none') : undefined;
}

const LIMIT_KEYS = ['upstream', 'source_path', 'cache_path', 'context_length', 'max_output_tokens'] as const;

export function syncMlxRegistry(reg: Registry, mlx: MlxRegistry, opts: MlxSyncOptions): MlxSyncResult {
  const routeViaOptillm = opts.routeViaOptillm ?? reg.settings.optillm.route_via_optillm;
  const report: MlxSyncReport = {
    added: [], updated: [], newEndpoints: [], disappeared: [], pruned: [], refused: [],
    routeViaOptillm: { from: reg.settings.optillm.route_via_optillm, to: routeViaOptillm },
  };
  const host = mlxHost(reg, mlx);
  report.host = host;
  const modelsDoc = parseDocument(reg.sources['models.yaml'].text);
  const endpointsDoc = parseDocument(reg.sources['endpoints.yaml'].text);
  const handleLines = reg.sources['handles.jsonl'].text.split('\n').filter((l) => l.trim() !== '');
  const handles = new Set(reg.handles.map((h) => h.handle));
  const newHandles: string[] = [];
  const template = Object.values(reg.endpoints).find((ep) => ep.kind === 'mlx' && ep.host === host && isActive(ep));
  const epByPort = new Map(Object.entries(reg.endpoints).filter(([, ep]) => ep.kind === 'mlx' && ep.host === host).map(([id, ep]) => [ep.port, id]));

  for (const id of Object.keys(mlx.models).sort()) {
    const m = mlx.models[id]!;
    if (!host) {
      report.refused.push({ id, reason: 'no host of hosts.yaml holds its source_path and no MLX endpoint exists yet' });
      continue;
    }
    if (m.port < MLX_TEAM.from || m.port > MLX_TEAM.to) {
      report.refused.push({ id, reason: `port ${m.port} is outside the MLX team range ${MLX_TEAM.from}–${MLX_TEAM.to}` });
      continue;
    }
    let epId = epByPort.get(m.port);
    if (!epId) {
      epId = `ep_mlx_${m.port}`;
      const ep: Endpoint = { service: `mlx-${m.port}`, kind: 'mlx', host, port: m.port, bind: template?.bind ?? '127.0.0.1', ...(template?.lan ? { lan: template.lan } : {}) };
      endpointsDoc.setIn(['endpoints', epId], endpointsDoc.createNode(ep));
      epByPort.set(m.port, epId);
      report.newEndpoints.push(epId);
    }
    const row: Model = { endpoint: epId, upstream: m.upstream, source_path: m.source_path, ...(m.cache_path ? { cache_path: m.cache_path } : {}), context_length: m.context_length, max_output_tokens: m.max_output_tokens };
    const cls = pathClass(reg, host, m.source_path);
    const existing = reg.models[id];
    if (!existing) {
      modelsDoc.setIn(['models', id], modelsDoc.createNode(row));
      report.added.push(id);
    } else {
      const changes: string[] = [];
      if (existing.endpoint !== epId) {
        changes.push(`endpoint ${existing.endpoint ?? '(none)'} → ${epId}`);
        modelsDoc.setIn(['models', id, 'endpoint'], epId);
      }
      for (const key of LIMIT_KEYS) {
        if (existing[key] === row[key]) continue;
        changes.push(`${key} ${existing[key] ?? '(none)'} → ${row[key] ?? '(none)'}`);
        if (row[key] === undefined) modelsDoc.deleteIn(['models', id, key]);
        else modelsDoc.setIn(['models', id, key], row[key]);
      }
      if (changes.length) report.updated.push({ id, changes });
    }
    if (cls !== 'showroom') {
      report.refused.push({ id, reason: cls === 'backroom' ? `served from backroom storage (${m.source_path}): no handle` : `${m.source_path} is on no storage root of ${host}: no handle` });
      continue;
    }
    if (!handles.has(id)) {
      newHandles.push(JSON.stringify({ handle: id }));
      handles.add(id);
    }
  }

  // Models of the Studio's MLX endpoints that registry.json no longer lists.
  const gone = Object.entries(reg.models)
    .filter(([id, m]) => !(id in mlx.models) && m.endpoint && reg.endpoints[m.endpoint]?.kind === 'mlx' && reg.endpoints[m.endpoint]?.host === host)
    .map(([id]) => id)
    .sort();
  report.disappeared = gone;
  let lines = [...handleLines, ...newHandles];
  if (opts.isPrune && gone.length) {
    const goneSet = new Set(gone);
    lines = lines.filter((l) => {
      const h = (JSON.parse(l) as { handle?: string }).handle;
      return !(h && goneSet.has(h));
    });
    for (const id of gone) modelsDoc.deleteIn(['models', id]);
    report.pruned = gone;
  }

  // Only edited files are re-serialized: an untouched file keeps its exact bytes.
  const texts: Partial<Record<RegistryFileName, string>> = {};
  if (report.added.length || report.updated.length || report.pruned.length) texts['models.yaml'] = modelsDoc.toString({ lineWidth: 0 });
  if (report.newEndpoints.length) texts['endpoints.yaml'] = endpointsDoc.toString({ lineWidth: 0 });
  if (newHandles.length || report.pruned.length) texts['handles.jsonl'] = lines.join('\n') + '\n';
  if (routeViaOptillm !== reg.settings.optillm.route_via_optillm) {
    const settingsDoc = parseDocument(reg.sources['settings.yaml'].text);
    settingsDoc.setIn(['optillm', 'route_via_optillm'], routeViaOptillm);
    // settings.yaml writes its flow lists unpadded ([uv, run, ...]); keep that style.
    texts['settings.yaml'] = settingsDoc.toString({ lineWidth: 0, flowCollectionPadding: false });
  }
  return { texts, report };
}
