// What OptiLLM 0.3.12 does to a request: the losses and the technique call patterns, each fact
// stated here on its own (with the upstream source it was read from) and checked against the
// tables the route model, explain and the rules use. OptiLLM cannot be installed here (no Python
// package index), so these tables are the recorded behaviour.
import { describe, expect, it } from 'vitest';
import { candidatesOf, MULTI_MEMBER_TECHNIQUES, OPTILLM_LOSSES, optillmLosses, TECHNIQUE_CALLS } from '../src/compile/optillm-behaviour.js';
import { buildRouteModel, hopCandidates, routeLosses, walkRoute, type RouteNode } from '../src/compile/routes.js';
import { editHandles, editYaml, load, shippedTexts } from './helpers.js';

describe('what a request loses at an OptiLLM hop', () => {
  // [capability, lost by the pass-through none?, lost by a technique?, where it is decided]
  it.each([
    ['tools', true, true, 'server.py parse_conversation drops role "tool" messages; a technique ignores tools/tool_choice'],
    ['images', true, true, 'server.py parse_conversation keeps only the text parts of list content'],
    ['multi-turn', true, true, 'server.py parse_conversation flattens the conversation into one initial_query'],
    ['streaming', true, true, 'server.py proxy simulates stream: true with one final chunk'],
    ['extra-params', true, true, 'server.py proxy passes unknown fields to the OpenAI client (HTTP 500); techniques set their own'],
  ] as const)('%s (pass-through: %s, technique: %s) — %s', (capability, isLostByNone, isLostByTechnique, source) => {
    const entry = OPTILLM_LOSSES.find((l) => l.capability === capability);
    expect(entry, capability).toBeDefined();
    expect(entry!.source).toMatch(/^optillm\/server\.py/);
    expect(optillmLosses(['none']).includes(capability)).toBe(isLostByNone);
    expect(optillmLosses(['moa']).includes(capability)).toBe(isLostByTechnique);
    expect(source).toContain('server.py');
  });

  it('knows exactly the five capabilities of the contract, in a stable order', () => {
    expect(OPTILLM_LOSSES.map((l) => l.capability)).toEqual(['tools', 'images', 'multi-turn', 'streaming', 'extra-params']);
  });
});

describe('how many members produce the candidates of one request', () => {
  // technique, candidate calls, n per call, separate calls?, source lines (optillm v0.3.12)
  it.each([
    ['moa', 1, 3, false, 'optillm/moa.py:22-33'],
    ['bon', 1, 3, false, 'optillm/bon.py:20-29'],
    ['re2', 1, 1, false, 'optillm/reread.py:39-46'],
    ['self_consistency', 5, 1, true, 'optillm/self_consistency.py:23-35'],
    ['plansearch', 4, 1, true, 'optillm/plansearch.py'],
    ['none', 1, 1, false, 'optillm/server.py'],
  ] as const)('%s: %i call(s) with n=%i, separate: %s (%s)', (technique, calls, perCall, isSeparate, source) => {
    const p = TECHNIQUE_CALLS[technique]!;
    expect({ calls: p.calls, perCall: p.perCall, isSeparate: p.isSeparate }).toEqual({ calls, perCall, isSeparate });
    expect(p.source).toContain(source);
  });

  // technique, members in the group, members_max (backends ignore n: one call = one member)
  it.each([
    ['moa', 3, 1],
    ['moa', 2, 1],
    ['bon', 2, 1],
    ['re2', 2, 1],
    ['self_consistency', 2, 2],
    ['self_consistency', 8, 5],
    ['plansearch', 3, 3],
    ['plansearch', 6, 4],
    ['none', 2, 1],
  ] as const)('%s over %i members reaches %i', (technique, members, reach) => {
    expect(candidatesOf(technique, members)).toMatchObject({ technique, members, members_max: reach });
  });

  it('does not guess for a technique whose calls are not recorded', () => {
    expect(candidatesOf('mcts', 3)).toEqual({ technique: 'mcts', calls: null, per_call: null, members: 3, members_max: null });
    expect(candidatesOf('moa&bon', 2).members_max).toBeNull();
  });

  it('names the techniques that draw on several members (the ensemble-reach hint)', () => {
    expect([...MULTI_MEMBER_TECHNIQUES].sort()).toEqual(['plansearch', 'self_consistency']);
  });
});

describe('the route model carries the facts', () => {
  const reg = load(shippedTexts());
  const routes = buildRouteModel(reg);
  const optillmHop = (n: RouteNode) => (n.type === 'gateway' ? n.children[0] : undefined) as Extract<RouteNode, { type: 'optillm' }>;

  it('an MLX handle through OptiLLM loses all five; the direct coder handle loses nothing', () => {
    expect(routeLosses(walkRoute(routes, 'mlx-gemma-3-27b-it-qat-4bit'))).toEqual(['tools', 'images', 'multi-turn', 'streaming', 'extra-params']);
    expect(routeLosses(walkRoute(routes, 'mlx-qwen3-coder-30b-a3b-instruct-8bit'))).toEqual([]);
    expect(routeLosses(walkRoute(routes, 'ov-phi-4-mini-instruct-fp16'))).toEqual([]);
  });

  it('an ensemble hop counts the distinct members of the group OptiLLM calls', () => {
    expect(hopCandidates(optillmHop(walkRoute(routes, 'opt-research-high-xl')))).toEqual({ technique: 'moa', calls: 1, per_call: 3, members: 3, members_max: 1 });
    expect(hopCandidates(optillmHop(walkRoute(routes, 'opt-architect-balanced-l')))).toEqual({ technique: 'self_consistency', calls: 5, per_call: 1, members: 2, members_max: 2 });
    // a pass-through to a direct entry is no ensemble
    expect(hopCandidates(optillmHop(walkRoute(routes, 'mlx-gemma-3-27b-it-qat-4bit')))).toBeUndefined();
  });

  it('via_optillm on an MLX row overrides the mesh default both ways', () => {
    const texts = editHandles(shippedTexts(), (rows) => rows.map((r) =>
      r.handle === 'mlx-gemma-3-27b-it-qat-4bit' ? { ...r, via_optillm: false } : r.handle === 'mlx-qwen3-coder-30b-a3b-instruct-8bit' ? { ...r, via_optillm: true } : r));
    const edited = buildRouteModel(load(texts));
    expect(routeLosses(walkRoute(edited, 'mlx-gemma-3-27b-it-qat-4bit'))).toEqual([]);
    expect(edited.byName.has('direct-mlx-gemma-3-27b-it-qat-4bit')).toBe(false);
    expect(routeLosses(walkRoute(edited, 'mlx-qwen3-coder-30b-a3b-instruct-8bit'))).toContain('tools');
    expect(edited.byName.get('direct-mlx-qwen3-coder-30b-a3b-instruct-8bit')?.role).toBe('direct');
  });

  it('"via_optillm": true routes one MLX handle through OptiLLM when the mesh default is off', () => {
    let texts = editYaml(shippedTexts(), 'settings.yaml', (d) => d.setIn(['optillm', 'route_via_optillm'], false));
    texts = editHandles(texts, (rows) => rows.map((r) => (r.handle === 'mlx-gemma-3-27b-it-qat-4bit' ? { ...r, via_optillm: true } : r)));
    const edited = buildRouteModel(load(texts));
    expect(routeLosses(walkRoute(edited, 'mlx-gemma-3-27b-it-qat-4bit'))).toContain('multi-turn');
    expect(routeLosses(walkRoute(edited, 'mlx-llama-3-3-70b-instruct-4bit'))).toEqual([]);
  });
});
