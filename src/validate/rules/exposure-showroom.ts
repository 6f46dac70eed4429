import type { Diagnostic } from '../diagnostic.js';
import type { Registry } from '../../registry/load.js';
import { at, type Rule } from '../context.js';

const code = 'exposure-showroom';

function isUnder(path: string, root: string): boolean {
  const r = root.replace(/\/+$/, '');
  return path === r || path.startsWith(`${r}/`);
}

/** The storage class of a path on a host. The longest matching root wins: a backroom disk mounted inside a showroom tree stays backroom. */
export function pathClass(reg: Registry, host: string, path: string): 'showroom' | 'backroom' | 'none' {
  const roots = reg.hosts[host]?.storage ?? [];
  const match = roots.filter((s) => isUnder(path, s.path)).sort((a, b) => b.path.length - a.path.length)[0];
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

/** Only showroom models get handles (or ensemble seats); backroom (the Seagate disk) never does. */
export const exposureShowroom: Rule = {
  code,
  check({ reg }) {
    const out: Diagnostic[] = [];
    // One lookup per distinct model: an ensemble row may list the same members many times.
    const classes = new Map<string, ReturnType<typeof storageClass>>();
    const check = (modelId: string, pointer: string, role: string) => {
      if (!classes.has(modelId)) classes.set(modelId, storageClass(reg, modelId));
      const s = classes.get(modelId);
      if (!s || s.cls === 'showroom') return;
      const path = reg.models[modelId]!.source_path;
      out.push(
        at(reg, 'handles.jsonl', pointer, {
          code,
          message: s.cls === 'backroom'
            ? `${role} "${modelId}" is served from backroom storage (${path})`
            : `${role} "${modelId}" is served from ${path}, which is on no storage root of ${s.host ?? 'its host'}`,
          hint: s.cls === 'backroom'
            ? 'backroom models never receive handles: copy the model to showroom storage first, or delete the row'
            : `move the model under a showroom root of ${s.host ?? 'its host'}, or declare that root in hosts.yaml`,
        }),
      );
    };
    reg.handles.forEach((h, i) => {
      if (h.selector === undefined && h.members === undefined) check(h.handle, `/${i}/handle`, 'handle');
      h.members?.forEach((m, j) => check(m, `/${i}/members/${j}`, `member of ${h.handle}`));
    });
    return out;
  },
};
