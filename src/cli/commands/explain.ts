import { explainTree, isRouteSound, renderExplainSummary, renderExplainText } from '../../app/explain.js';
import { buildRouteModel, routeLosses, walkRoute } from '../../compile/routes.js';
import { UsageError } from '../../core/errors.js';
import { loadRegistry } from '../../registry/read.js';
import { closest } from '../../registry/zod-issues.js';
import { printDiagnostics } from '../report.js';

export interface ExplainOptions {
  registry: string;
  format: 'text' | 'json';
}

/** The route of one handle, hop by hop; exit 1 when it loops or leads nowhere. */
export async function explainCmd(handle: string, o: ExplainOptions): Promise<number> {
  const loaded = await loadRegistry(o.registry);
  if (!loaded.registry) {
    printDiagnostics(loaded.diagnostics, o.format);
    return 1;
  }
  const routes = buildRouteModel(loaded.registry);
  if (!routes.byName.has(handle)) {
    const guess = closest(handle, [...routes.byName.keys()]);
    throw new UsageError(`"${handle}" is not a gateway model${guess ? `; did you mean "${guess}"?` : ''} (handles are listed in ${loaded.registry.sources['handles.jsonl'].file})`);
  }
  const walk = walkRoute(routes, handle);
  const tree = explainTree(loaded.registry, walk);
  const loses = routeLosses(walk);
  const isSound = isRouteSound(tree);
  if (o.format === 'json') process.stdout.write(JSON.stringify({ ok: isSound, handle, loses, route: tree }, null, 2) + '\n');
  else process.stdout.write(`${renderExplainText(tree)}\n${renderExplainSummary(tree, loses)}\n`);
  return isSound ? 0 : 1;
}
