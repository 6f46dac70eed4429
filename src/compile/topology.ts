// docs/topology.md: the handle table and a mermaid graph of every route (by service when every
// route is more than Mermaid draws), internal entries marked.
import type { Registry } from '../registry/load.js';
import { fill, Lines, renderMarkdown, type GeneratedFile } from './render.js';
import { sortedEndpoints } from './mesh.js';
import type { Layout } from './layout.js';
import type { RouteModel, Target } from './routes.js';
import { byString } from '../core/order.js';

function mermaidId(text: string): string {
  return text.replace(/[^A-Za-z0-9_]/g, '_');
}

/**
 * Text inside a quoted Mermaid label, as Mermaid's entity codes (#34; for ") wherever a character
 * could end the label or be read as markup: upstream ids and alias names are free text. Mermaid
 * decodes #<decimal>; in every label (mermaid's encodeEntities/decodeEntities); an & is coded only
 * where it would start an HTML entity, so `moa&bon` stays readable.
 */
function label(text: string): string {
  return text.replace(/&(?=#?\w+;)|[^\w .,:/@+=~&'()*!?$^-]/gu, (c) => `#${c.codePointAt(0)};`);
}

/** What code() must fence or escape: a backtick, a | or a line break. */
const CELL_SPECIAL = /[`|\r\n]/;
/** What cell() must escape. */
const CELL_BREAKING = /[|\r\n]/;

/** Free text as a markdown table cell's code span: a fence longer than any backtick run in it, and | escaped (GFM splits cells at every unescaped |, in code spans too). */
function code(text: string): string {
  // Nearly every cell is a plain name: one fence, nothing to escape (the same text as below).
  if (!CELL_SPECIAL.test(text)) return `\`${text}\``;
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${cell(text)}${pad}${fence}`;
}

/** Free text in a markdown table cell: no | that ends the cell, no line break that ends the row. */
function cell(text: string): string {
  if (!CELL_BREAKING.test(text)) return text;
  return text.replace(/\|/g, '\\|').replace(/\r\n?|\n/g, ' ');
}

/** Distinct values in first-seen order (most entries have one deployment: no Set for those). */
function distinct(values: string[]): string {
  const unique = values.length < 2 ? values : [...new Set(values)];
  // A table cell stays readable (and small) however many members a row lists.
  return unique.length > 12 ? `${unique.slice(0, 12).join(', ')}, … and ${unique.length - 12} more` : unique.join(', ');
}

/**
 * What Mermaid draws at most with its default configuration (mermaid's config.schema.yaml:
 * maxEdges 500, maxTextSize 50000 characters of diagram text). A larger diagram renders as an
 * error ("Too many edges", "Maximum text size in diagram exceeded") on GitHub and in every viewer
 * that keeps the defaults.
 */
export const MERMAID = { maxEdges: 500, maxTextSize: 50_000 } as const;

interface Graph {
  /** The diagram's text, without the fence ('' when it was too large to draw). */
  text: string;
  edges: number;
}

/**
 * 12,345: what toLocaleString('en') writes for an integer, without the cost of its first call
 * (loading ICU's number formats: 20-30 ms).
 */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

function fitsMermaid(g: Graph): boolean {
  return g.text !== '' && g.edges <= MERMAID.maxEdges && g.text.length <= MERMAID.maxTextSize;
}

/**
 * How many edges the graph of every route has, counted before it is drawn: a mesh of thousands of
 * handles would otherwise draw megabytes only to leave them out.
 */
function routeGraphEdges(routes: RouteModel, aliases: [string, string][]): number {
  let edges = 1 + 2 * aliases.length; // clients → gateway; per alias, gateway → alias → target
  for (const e of routes.entries) {
    edges++; // gateway → handle, or OptiLLM's call-back to an internal name
    for (const d of e.deployments) if (d.target.kind === 'backend' || d.target.kind === 'optillm') edges++;
  }
  return edges;
}

/**
 * The node of an OptiLLM server: `optillm` for settings.optillm's, another id for each other one
 * (an ensemble row may name a second OptiLLM endpoint).
 */
function optillmNode(endpointId: string, main: string | undefined): string {
  return endpointId === main ? 'optillm' : `optillm_${mermaidId(endpointId)}`;
}

/** The node a deployment's target is drawn as: its backend's host:port, or its OptiLLM server. */
function targetNode(t: Extract<Target, { kind: 'backend' | 'optillm' }>, main: string | undefined): { id: string; shape: string } {
  return t.kind === 'optillm'
    ? { id: optillmNode(t.endpointId, main), shape: `{{"OptiLLM ${label(t.host)}:${t.port}"}}` }
    : { id: `b_${mermaidId(`${t.host}_${t.port}`)}`, shape: `[("${label(t.host)}:${t.port}")]` };
}

/** The OptiLLM node that calls an internal entry back: its producing handle's OptiLLM (settings.optillm's when unresolved). */
function callerOf(routes: RouteModel, e: RouteModel['entries'][number], main: string | undefined): string {
  for (const d of routes.byName.get(e.handle)?.deployments ?? []) if (d.target.kind === 'optillm') return optillmNode(d.target.endpointId, main);
  return 'optillm';
}

/** Every route: gateway → name → backend or OptiLLM, the aliases, and OptiLLM's call-backs to internal names. */
function routeGraph(routes: RouteModel, aliases: [string, string][], lay: Layout, mainOptillm: string | undefined): Graph {
  const edgeCount = routeGraphEdges(routes, aliases);
  if (edgeCount > MERMAID.maxEdges) return { text: '', edges: edgeCount };
  const lines = new Lines();
  lines.push('flowchart LR');
  lines.push(`  clients([clients]) --> gateway[${lay.gatewayUnit}]`);
  const nodes = new Set<string>();
  const edges = new Lines();
  for (const e of routes.entries) {
    const id = `n_${mermaidId(e.name)}`;
    if (!nodes.has(id)) {
      nodes.add(id);
      const shape = e.role === 'handle' ? `["${label(e.name)}"]` : `[/"${label(e.name)} (internal)"/]`;
      lines.push(`  ${id}${shape}`);
    }
    if (e.role === 'handle') edges.push(`  gateway --> ${id}`);
    for (const d of e.deployments) {
      const t = d.target;
      if (t.kind !== 'backend' && t.kind !== 'optillm') continue;
      const node = targetNode(t, mainOptillm);
      if (!nodes.has(node.id)) {
        nodes.add(node.id);
        lines.push(`  ${node.id}${node.shape}`);
      }
      edges.push(`  ${id} -->|"${label(t.kind === 'backend' ? t.upstream : t.sent)}"| ${node.id}`);
    }
  }
  // An alias is any string. A kebab-case one is named like a gateway name (mermaidId is one-to-one
  // on kebab-case, and gateway-alias refuses an alias that is a gateway name); any other by its
  // place in the sorted list, as mermaidId maps "gpt.4o", "gpt_4o" and "gpt-4o" alike.
  aliases.forEach(([alias, target], i) => {
    const id = /^[a-z0-9-]+$/.test(alias) ? `n_${mermaidId(alias)}` : `alias_${i}`;
    if (!nodes.has(id)) {
      nodes.add(id);
      lines.push(`  ${id}["${label(alias)} (alias)"]`);
    }
    edges.push(`  gateway --> ${id}`);
    edges.push(`  ${id} -->|"alias"| n_${mermaidId(target)}`);
  });
  // OptiLLM's call-backs, as its parser decides them: selector → internal entry.
  for (const e of routes.entries) {
    if (e.role === 'handle') continue;
    edges.push(`  ${callerOf(routes, e, mainOptillm)} -.->|"${label(e.name)}"| n_${mermaidId(e.name)}`);
  }
  // The edges follow the nodes: their text joined as one piece is the same text as their lines.
  if (edges.size) lines.push(edges.join());
  return { text: lines.join(), edges: edgeCount };
}

/** A node of the graph by service: a backend's host:port or an OptiLLM server. */
interface Service {
  id: string;
  shape: string;
  /** How many gateway names reach it. */
  names: number;
  /** The last entry counted (a name with several deployments on one service counts once). */
  entry: number;
}

/**
 * The routes by service, for a mesh whose every route is more than Mermaid draws: how many gateway
 * names go to each backend and to OptiLLM, and how many OptiLLM calls back.
 */
function serviceGraph(routes: RouteModel, lay: Layout, mainOptillm: string | undefined): Graph {
  // By host:port, or by endpoint for an OptiLLM server.
  const services = new Map<string, Service>();
  // By OptiLLM node, in first-seen order.
  const callBacks = new Map<string, number>();
  // A target's service by its endpoint (whose host and port it copies), found by key once per
  // endpoint: 17,000 deployments at 10,000 handles share a few dozen endpoints.
  const byEndpoint = { backend: new Map<string, Service>(), optillm: new Map<string, Service>() };
  routes.entries.forEach((e, entry) => {
    if (e.role !== 'handle') {
      const caller = callerOf(routes, e, mainOptillm);
      callBacks.set(caller, (callBacks.get(caller) ?? 0) + 1);
    }
    for (const d of e.deployments) {
      const t = d.target;
      if (t.kind !== 'backend' && t.kind !== 'optillm') continue;
      let service = byEndpoint[t.kind].get(t.endpointId);
      if (!service) {
        const key = t.kind === 'optillm' ? `optillm ${t.endpointId}` : `b ${t.host}:${t.port}`;
        service = services.get(key);
        if (!service) {
          service = { ...targetNode(t, mainOptillm), names: 0, entry: -1 };
          services.set(key, service);
        }
        byEndpoint[t.kind].set(t.endpointId, service);
      }
      if (service.entry === entry) continue;
      service.entry = entry;
      service.names++;
    }
  });
  const count = (n: number, word: string) => `${thousands(n)} ${word}${n === 1 ? '' : 's'}`;
  const lines = ['flowchart LR', `  clients([clients]) --> gateway[${lay.gatewayUnit}]`];
  for (const s of [...services.values()].sort(byString((s) => s.id))) lines.push(`  gateway -->|"${count(s.names, 'name')}"| ${s.id}${s.shape}`);
  for (const [caller, n] of [...callBacks].sort(byString(([caller]) => caller))) lines.push(`  ${caller} -.->|"${count(n, 'call-back')}"| gateway`);
  return { text: lines.join('\n'), edges: lines.length - 1 };
}

/** What a deployment calls, as the table's route cell shows it. */
function routeCell(t: Target): string {
  if (t.kind === 'optillm') return `OptiLLM ${code(t.sent)}`;
  if (t.kind === 'backend') return code(t.upstream);
  return `unresolved: ${cell(t.reason)}`;
}

/** Where a deployment goes, as host:port ('—' when unresolved). */
function backendCell(t: Target): string {
  return t.kind === 'backend' || t.kind === 'optillm' ? `${t.host}:${t.port}` : '—';
}

export function emitTopology(reg: Registry, routes: RouteModel, lay: Layout): GeneratedFile {
  // Lines, not an array: at 10,000 handles this file is 65,000 lines (see Lines).
  const lines = new Lines();
  const add = (...more: string[]) => more.forEach((l) => lines.push(l));
  add('# Mesh topology', '');
  add('## Services', '', '| endpoint | service | kind | host | bind:port | state |', '|---|---|---|---|---|---|');
  for (const [id, ep] of sortedEndpoints(reg)) {
    lines.push(`| \`${id}\` | ${ep.service} | ${ep.kind} | ${ep.host} | ${ep.bind}:${ep.port} | ${ep.state ?? 'active'} |`);
  }
  add('', '## Gateway names', '', 'Handles are what clients call; internal entries exist only for OptiLLM to call back and must never route to OptiLLM.', '');
  add('| name | kind | route | backend(s) |', '|---|---|---|---|');
  for (const e of routes.entries) {
    const kind = e.role === 'handle' ? 'handle' : `internal (${e.role === 'direct' ? 'direct call-back' : 'ensemble group'})`;
    // Most names have one deployment: its two cells directly, no arrays to build and dedupe.
    const [only, ...more] = e.deployments;
    const cells = only && !more.length ? `${routeCell(only.target)} | ${backendCell(only.target)}` : `${distinct(e.deployments.map((d) => routeCell(d.target)))} | ${distinct(e.deployments.map((d) => backendCell(d.target)))}`;
    lines.push(`| ${code(e.name)} | ${kind} | ${cells} |`);
  }
  // Old names clients still send (gateway.aliases → model_group_alias): LiteLLM serves them too.
  const aliases = Object.entries(reg.settings.gateway.aliases ?? {}).sort(byString(([old]) => old));
  for (const [alias, target] of aliases) {
    const deployments = routes.byName.get(target)?.deployments ?? [];
    const backends = deployments.map((d) => backendCell(d.target));
    lines.push(`| ${code(alias)} | alias | ${code(target)} | ${distinct(backends.length ? backends : ['—'])} |`);
  }
  add('', '## Routes', '');
  const mainOptillm = reg.settings.optillm?.endpoint;
  const graph = routeGraph(routes, aliases, lay, mainOptillm);
  if (fitsMermaid(graph)) {
    add('```mermaid', graph.text, '```');
  } else {
    // Too large for Mermaid: the routes by service, or (when even those are too many) no graph.
    const summary = serviceGraph(routes, lay, mainOptillm);
    add(
      `The graph of every route has ${thousands(graph.edges)} edges, more than Mermaid draws with its defaults ` +
        `(${MERMAID.maxEdges} edges, ${thousands(MERMAID.maxTextSize)} characters): it would show only an error. ` +
        (fitsMermaid(summary) ? 'Below are the routes by service; ' : 'The services are too many for a graph as well; ') +
        'the tables above list every name, and `homelab explain <name>` shows one route.',
    );
    if (fitsMermaid(summary)) add('', '```mermaid', summary.text, '```');
  }
  return fill(lay.topology, renderMarkdown(lines.join()));
}
