// OptiLLM 0.3.12's model-name parsing, as data + code. Read from optillm/server.py at tag v0.3.12
// (`known_approaches`, `parse_combined_approach`) and the SLUG of each module under
// optillm/plugins/ (summarised in docs/registry.md). OptiLLM itself cannot be installed here, so
// this module is the executable record of its behaviour; the route proof and `explain` use it.

export const OPTILLM_VERSION = '0.3.12';

/** `known_approaches` in server.py. */
export const TECHNIQUE_SLUGS: readonly string[] = [
  'none', 'mcts', 'bon', 'moa', 'rto', 'z3', 'self_consistency', 'pvg', 'rstar',
  'cot_reflection', 'plansearch', 'leap', 're2', 'cepo', 'mars',
];

/** Module-level SLUG of each plugin that imports in a normal install (`router` does). */
export const PLUGIN_SLUGS: readonly string[] = [
  'coc', 'deep_research', 'deepthink', 'executecode', 'genselect', 'json', 'longcepo',
  'majority_voting', 'mcp', 'memory', 'privacy', 'proxy', 'readurls', 'router', 'spl', 'web_search',
];

/** Values `--approach` accepts in 0.3.12 (argparse choices: techniques and plugins, not auto). */
export const LAUNCH_APPROACHES: readonly string[] = [...TECHNIQUE_SLUGS, ...PLUGIN_SLUGS];

const SLUGS = new Set([...TECHNIQUE_SLUGS, ...PLUGIN_SLUGS]);

export function isSlug(piece: string): boolean {
  return SLUGS.has(piece);
}

export function isTechnique(piece: string): boolean {
  return TECHNIQUE_SLUGS.includes(piece);
}

export interface OptillmParse {
  /** The name OptiLLM saw after the server approach was applied. */
  effective: string;
  operation: 'SINGLE' | 'AND' | 'OR';
  /** Every approach collected from the prefix, in order. */
  approaches: string[];
  /** What actually runs: for SINGLE only the first collected approach. */
  runs: string[];
  /** Plain slugs collected but never run (`moa-bon-x` drops bon). */
  dropped: string[];
  /** The model OptiLLM calls upstream. */
  upstream: string;
  /** True when no slug was collected (approach none: plain pass-through). */
  isPassThrough: boolean;
}

/** What OptiLLM does with a name that collects no approach: calls `upstream` as it is. */
function passThrough(effective: string, upstream: string): OptillmParse {
  return { effective, operation: 'SINGLE', approaches: ['none'], runs: ['none'], dropped: [], upstream, isPassThrough: true };
}

/**
 * `parse_combined_approach` of OptiLLM 0.3.12, preceded by what the server does with a non-auto
 * `--approach` (the name becomes `<approach>-<name>`).
 */
export function parseOptillmModel(model: string, serverApproach = 'auto'): OptillmParse {
  const effective = serverApproach === 'auto' ? model : `${serverApproach}-${model}`;
  if (effective === 'auto') {
    return passThrough(effective, 'auto');
  }
  // Most names OptiLLM receives start with a piece that is no slug (the call-backs direct-…):
  // the loop below would collect nothing and join every piece back into the name itself.
  const dash = effective.indexOf('-');
  const head = dash < 0 ? effective : effective.slice(0, dash);
  if (!SLUGS.has(head) && !head.includes('&') && !head.includes('|')) {
    return passThrough(effective, effective);
  }
  const approaches: string[] = [];
  const modelParts: string[] = [];
  let operation: OptillmParse['operation'] = 'SINGLE';
  let isParsing = true;
  for (const part of effective.split('-')) {
    if (!isParsing) {
      modelParts.push(part);
    } else if (SLUGS.has(part)) {
      approaches.push(part);
    } else if (part.includes('&')) {
      operation = 'AND';
      approaches.push(...part.split('&'));
    } else if (part.includes('|')) {
      operation = 'OR';
      approaches.push(...part.split('|'));
    } else {
      isParsing = false;
      modelParts.push(part);
    }
  }
  const upstream = modelParts.join('-');
  if (approaches.length === 0) {
    return passThrough(effective, upstream);
  }
  const runs = operation === 'SINGLE' ? approaches.slice(0, 1) : approaches;
  const dropped = operation === 'SINGLE' ? approaches.slice(1) : [];
  const isPassThrough = runs.length === 1 && runs[0] === 'none';
  return { effective, operation, approaches, runs, dropped, upstream, isPassThrough };
}
