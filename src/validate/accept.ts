// settings.yaml `accept`: warnings the operator chose to live with, each with a reason (the
// lan.approved pattern). A matching warning becomes severity `accepted` — printed, never failing;
// an entry that matches nothing is itself a warning (accept-unused), so stale acceptances do not
// pile up. Errors are never accepted: the schema only lets `code` name a warning code.
import type { Code } from '../core/codes.js';
import type { Registry } from '../registry/load.js';
import { at } from '../registry/at.js';
import { parsePointer, type Diagnostic } from '../core/diagnostic.js';

const code: Code = 'accept-unused';

/**
 * What a diagnostic is about, as accept targets name it: the handle of a handles.jsonl row and
 * the endpoints it names or is served from, an endpoint or model id and its endpoint, or the
 * OptiLLM endpoint for the optillm settings, the block name of a gateway.passthrough block.
 */
export function targetsOf(reg: Registry, d: Diagnostic): string[] {
  const [first, second] = parsePointer(d.pointer);
  if (d.file === reg.sources['handles.jsonl'].file && first !== undefined) {
    const row = reg.handles[Number(first)];
    const served = row ? reg.models[row.handle]?.endpoint : undefined;
    return row ? [row.handle, ...(row.endpoint ? [row.endpoint] : []), ...(served ? [served] : [])] : [];
  }
  if (d.file === reg.sources['endpoints.yaml'].file && first === 'endpoints' && second !== undefined) return [second];
  if (d.file === reg.sources['models.yaml'].file && first === 'models' && second !== undefined) {
    const endpoint = reg.models[second]?.endpoint;
    return [second, ...(endpoint ? [endpoint] : [])];
  }
  if (d.file === reg.sources['settings.yaml'].file && first === 'optillm') return [reg.settings.optillm.endpoint];
  // A reviewed passthrough block is accepted by its name: accept: [{code: gateway-passthrough, target: guardrails, …}]
  if (d.file === reg.sources['settings.yaml'].file && first === 'gateway' && second === 'passthrough') {
    const block = parsePointer(d.pointer)[2];
    return block !== undefined ? [block] : [];
  }
  return [];
}

/** Apply settings.yaml `accept` to the rules' diagnostics; add accept-unused for idle entries. */
export function applyAccept(reg: Registry, diagnostics: readonly Diagnostic[]): Diagnostic[] {
  const entries = reg.settings.accept ?? [];
  if (!entries.length) return [...diagnostics];
  const used = new Set<number>();
  const out = diagnostics.map((d) => {
    if (d.severity !== 'warning') return d;
    const targets = targetsOf(reg, d);
    const i = entries.findIndex((e) => e.code === d.code && (e.target === '*' || targets.includes(e.target)));
    if (i < 0) return d;
    used.add(i);
    return { ...d, severity: 'accepted' as const, hint: `accepted in ${reg.sources['settings.yaml'].file} (/accept/${i}): ${entries[i]!.reason}` };
  });
  entries.forEach((e, i) => {
    if (used.has(i)) return;
    out.push(at(reg, 'settings.yaml', `/accept/${i}`, {
      code,
      severity: 'warning',
      message: `accept entry ${e.code} for ${e.target === '*' ? 'every target' : `"${e.target}"`} matches no warning`,
      hint: 'remove it: the trade-off it accepted is gone (or its target is misspelt: a handle, an endpoint id or "*")',
    }));
  });
  return out;
}
