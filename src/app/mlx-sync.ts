// The Studio's MLX registry.json (mlxctl's version 1) → registry edits (pure): newly served models
// get a model row, an ep_mlx_<port> endpoint if missing and a handle; changed limits and
// request_params update the row; models no longer served are reported and, with prune, lose their
// handle and row. Edits keep the files' comments and
// order. The ledger is updated afterwards by the same code as `homelab lock`.
import { parseDocument } from 'yaml';
import { isActive } from '../compile/mesh.js';
import type { Registry, RegistryFileName } from '../registry/load.js';
import type { Endpoint, MlxRegistry, Model } from '../registry/schema.js';
import { pathClass } from '../compile/mesh.js';
import { MLX_TEAM } from '../core/ports.js';
import { CALL_PARAMS } from '../compile/litellm-router.js';
import { byString } from '../core/order.js';

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
  /** Downloaded on the Studio but not served (port null): no entry, no handle. */
  unserved: string[];
  /** What the read ignored: unknown keys, launch settings, request_params models.yaml cannot hold. */
  notes: string[];
  routeViaOptillm: { from: boolean; to: boolean };
}

export interface MlxSyncResult {
  texts: Partial<Record<RegistryFileName, string>>;
  report: MlxSyncReport;
}

/** mlxctl's defaults when registry.json leaves the limits out (its gateway sync uses the same). */
export const MLX_DEFAULT_CONTEXT = 131072;
export const MLX_DEFAULT_MAX_OUTPUT = 64000;

/** Studio launch settings: how mlxctl starts a server, nothing the gateway sends; ignored here. */
const LAUNCH_KEYS = ['format', 'chat_template', 'tool_call_parser', 'reasoning_parser', 'og_path'] as const;
/** Keys of a version-1 entry homelab reads (repo_id is provenance: read, never sent). */
const READ_KEYS = ['repo_id', 'model_id', 'served_model_name', 'cache_path', 'source_path', 'port', 'context_length', 'max_output_tokens', 'request_params'] as const;
const KNOWN_KEYS = new Set<string>([...READ_KEYS, ...LAUNCH_KEYS]);

/** A served model of the Studio, as the model row it becomes (endpoint filled in by the sync). */
export interface StudioModel {
  id: string;
  slug: string;
  port: number;
  row: Omit<Model, 'endpoint'>;
}

export interface StudioModels {
  served: StudioModel[];
  /** Downloaded, not served (port null or absent): no entry, no handle. */
  unserved: string[];
  refused: { id: string; reason: string }[];
  notes: string[];
}

type Scalar = string | number | boolean;
const isScalar = (v: unknown): v is Scalar => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';

/**
 * registry.json (mlxctl, version 1) → the models the Studio serves, as model rows. The model id
 * (the handle) is `model_id`, else the slug; the upstream is the name the server was started to
 * serve under: `served_model_name`, else the model id; `repo_id` is never sent (a repo id sent to
 * mlx_lm.server makes it load that repo). Unknown keys and launch settings are reported, not fatal.
 */
export function readStudioModels(mlx: MlxRegistry): StudioModels {
  const out: StudioModels = { served: [], unserved: [], refused: [], notes: [] };
  const topUnknown = Object.keys(mlx).filter((k) => k !== 'version' && k !== 'models');
  if (topUnknown.length) out.notes.push(`registry.json: unknown top-level key${topUnknown.length > 1 ? 's' : ''} ${topUnknown.sort().join(', ')}: ignored`);
  const launch = new Set<string>();
  const byId = new Map<string, string>();
  const byPort = new Map<number, string>();
  for (const slug of Object.keys(mlx.models).sort()) {
    const m = mlx.models[slug]!;
    const id = m.model_id ?? slug;
    const unknown = Object.keys(m).filter((k) => !KNOWN_KEYS.has(k)).sort();
    if (unknown.length) out.notes.push(`${slug}: unknown key${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')}: ignored`);
    for (const k of LAUNCH_KEYS) if (m[k] !== undefined) launch.add(k);
    if (m.port === null || m.port === undefined) {
      out.unserved.push(id);
      continue;
    }
    const source = m.source_path ?? m.cache_path;
    if (!source) {
      out.refused.push({ id, reason: 'neither source_path nor cache_path says where its weights are' });
      continue;
    }
    if (byId.has(id)) {
      out.refused.push({ id, reason: `model_id also used by ${byId.get(id)}: one handle, one model` });
      continue;
    }
    // mlxctl runs one model a port; a second one there is the Studio's inconsistency: said, not fixed.
    if (byPort.has(m.port)) out.notes.push(`${slug}: port ${m.port} is also given to ${byPort.get(m.port)}: an MLX server serves one model`);
    byId.set(id, slug);
    if (!byPort.has(m.port)) byPort.set(m.port, id);
    const context = m.context_length ?? MLX_DEFAULT_CONTEXT;
    const params: Record<string, Scalar> = {};
    for (const key of Object.keys(m.request_params ?? {}).sort()) {
      const v = m.request_params![key];
      // mlxctl writes request_params into litellm_params; one that steers the call is no request parameter (request-params)
      if (CALL_PARAMS.has(key)) out.notes.push(`${slug}: request_params.${key} tells LiteLLM how to call the deployment, not what the model receives: not written to models.yaml`);
      else if (isScalar(v)) params[key] = v;
      else out.notes.push(`${slug}: request_params.${key} is not a string, number or boolean: not written to models.yaml`);
    }
    out.served.push({
      id,
      slug,
      port: m.port,
      row: {
        upstream: m.served_model_name ?? id,
        source_path: source,
        ...(m.cache_path && m.cache_path !== source ? { cache_path: m.cache_path } : {}),
        context_length: context,
        max_output_tokens: m.max_output_tokens ?? Math.min(MLX_DEFAULT_MAX_OUTPUT, context),
        ...(Object.keys(params).length ? { request_params: params } : {}),
      },
    });
  }
  if (launch.size) out.notes.push(`Studio launch settings (${[...launch].sort().join(', ')}) stay on the Studio: not part of models.yaml`);
  return out;
}

/** The Studio: the host of the existing MLX endpoints, else the host whose storage holds the models. */
function mlxHost(reg: Registry, served: readonly StudioModel[]): string | undefined {
  const existing = Object.values(reg.endpoints).find((ep) => ep.kind === 'mlx')?.host;
  if (existing) return existing;
  const first = served[0];
  return first ? Object.keys(reg.hosts).find((h) => pathClass(reg, h, first.row.source_path) !== 'none') : undefined;
}

const LIMIT_KEYS = ['upstream', 'source_path', 'cache_path', 'context_length', 'max_output_tokens'] as const;

const paramsText = (p: Model['request_params']): string => (p ? JSON.stringify(Object.fromEntries(Object.entries(p).sort(byString(([k]) => k)))) : '(none)');

export function syncMlxRegistry(reg: Registry, mlx: MlxRegistry, opts: MlxSyncOptions): MlxSyncResult {
  const studio = readStudioModels(mlx);
  const routeViaOptillm = opts.routeViaOptillm ?? reg.settings.optillm.route_via_optillm;
  const report: MlxSyncReport = {
    added: [], updated: [], newEndpoints: [], disappeared: [], pruned: [], refused: [...studio.refused],
    unserved: studio.unserved, notes: studio.notes,
    routeViaOptillm: { from: reg.settings.optillm.route_via_optillm, to: routeViaOptillm },
  };
  const host = mlxHost(reg, studio.served);
  report.host = host;
  const modelsDoc = parseDocument(reg.sources['models.yaml'].text);
  const endpointsDoc = parseDocument(reg.sources['endpoints.yaml'].text);
  const handleLines = reg.sources['handles.jsonl'].text.split('\n').filter((l) => l.trim() !== '');
  const handles = new Set(reg.handles.map((h) => h.handle));
  const newHandles: string[] = [];
  const template = Object.values(reg.endpoints).find((ep) => ep.kind === 'mlx' && ep.host === host && isActive(ep));
  const epByPort = new Map(Object.entries(reg.endpoints).filter(([, ep]) => ep.kind === 'mlx' && ep.host === host).map(([id, ep]) => [ep.port, id]));

  for (const m of [...studio.served].sort(byString((served) => served.id))) {
    const id = m.id;
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
    const row: Model = { endpoint: epId, ...m.row };
    const cls = pathClass(reg, host, row.source_path);
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
      if (paramsText(existing.request_params) !== paramsText(row.request_params)) {
        changes.push(`request_params ${paramsText(existing.request_params)} → ${paramsText(row.request_params)}`);
        if (row.request_params) modelsDoc.setIn(['models', id, 'request_params'], modelsDoc.createNode(row.request_params));
        else modelsDoc.deleteIn(['models', id, 'request_params']);
      }
      if (changes.length) report.updated.push({ id, changes });
    }
    if (cls !== 'showroom') {
      report.refused.push({ id, reason: cls === 'backroom' ? `served from backroom storage (${row.source_path}): no handle` : `${row.source_path} is on no storage root of ${host}: no handle` });
      continue;
    }
    if (!handles.has(id)) {
      newHandles.push(JSON.stringify({ handle: id }));
      handles.add(id);
    }
  }

  // Models of the Studio's MLX endpoints that it no longer serves (gone from registry.json, or port null).
  const servedIds = new Set(studio.served.map((m) => m.id));
  const gone = Object.entries(reg.models)
    .filter(([id, m]) => !servedIds.has(id) && m.endpoint && reg.endpoints[m.endpoint]?.kind === 'mlx' && reg.endpoints[m.endpoint]?.host === host)
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
