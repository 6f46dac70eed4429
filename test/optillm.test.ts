// OptiLLM 0.3.12's model-name parser, against the table read from its source
// (optillm/server.py at tag v0.3.12). OptiLLM cannot be installed here (no Python package index):
// this table is the recorded behaviour the route proof relies on.
import { describe, expect, it } from 'vitest';
import { parseOptillmModel, PLUGIN_SLUGS, TECHNIQUE_SLUGS } from '../src/compile/optillm.js';

describe('parse_combined_approach (approach auto)', () => {
  it.each([
    ['router-mlx-foo', ['router'], 'mlx-foo'],
    ['moa-router-mlx-foo', ['moa'], 'mlx-foo'],
    ['bon-mlx-qwen-7b', ['bon'], 'mlx-qwen-7b'],
    ['self_consistency-mlx-foo', ['self_consistency'], 'mlx-foo'],
    ['moa-bon-mlx-foo', ['moa'], 'mlx-foo'],
    ['moa&bon-mlx-foo', ['moa', 'bon'], 'mlx-foo'],
    ['mlx-moa-foo', ['none'], 'mlx-moa-foo'],
    ['none-mlx-foo', ['none'], 'mlx-foo'],
    ['auto', ['none'], 'auto'],
    ['json-foo', ['json'], 'foo'],
    ['moa', ['moa'], ''],
    ['direct-mlx-foo', ['none'], 'direct-mlx-foo'],
    ['moa|bon-ens-x', ['moa', 'bon'], 'ens-x'],
  ])('%s runs %j and calls %j upstream', (model, runs, upstream) => {
    const p = parseOptillmModel(model);
    expect(p.runs).toEqual(runs);
    expect(p.upstream).toBe(upstream);
  });

  it('reports the techniques a -chain drops', () => {
    expect(parseOptillmModel('moa-bon-mlx-foo').dropped).toEqual(['bon']);
    expect(parseOptillmModel('moa&bon-mlx-foo').dropped).toEqual([]);
  });

  it('prefixes the server approach when it is not auto', () => {
    const p = parseOptillmModel('moa-ens-x', 'proxy');
    expect(p.effective).toBe('proxy-moa-ens-x');
    expect(p.runs).toEqual(['proxy']);
    expect(p.dropped).toEqual(['moa']);
    expect(parseOptillmModel('moa-ens-x', 'none').runs).toEqual(['none']);
  });

  it('knows the 0.3.12 slugs, all of them ^[a-z0-9_]+$', () => {
    expect(TECHNIQUE_SLUGS).toHaveLength(15);
    expect(PLUGIN_SLUGS).toContain('router');
    for (const s of [...TECHNIQUE_SLUGS, ...PLUGIN_SLUGS]) expect(s).toMatch(/^[a-z0-9_]+$/);
  });
});
