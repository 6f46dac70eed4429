// The MLX registry → registry edits (pure), and the --plan a user sees without a reachable host.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { syncMlxRegistry } from '../src/app/mlx-sync.js';
import { parseRegistry } from '../src/registry/load.js';
import { copyShipped, load, ROOT, runCli, shippedTexts } from './helpers.js';

const reg = load(shippedTexts());
const base = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/_mlx/unchanged.json'), 'utf8'));
const next = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/_mlx/registry.json'), 'utf8'));

describe('syncMlxRegistry', () => {
  it('changes nothing for the Studio as the registry already describes it', () => {
    const { texts, report } = syncMlxRegistry(reg, base, { isPrune: false, routeViaOptillm: true });
    expect(texts).toEqual({});
    expect(report.added).toEqual([]);
    expect(report.disappeared).toEqual([]);
  });

  it('adds new models with an endpoint and a handle, updates limits, refuses backroom and out-of-range models', () => {
    const { texts, report } = syncMlxRegistry(reg, next, { isPrune: false, routeViaOptillm: true });
    expect(report.added).toEqual(['mlx-devstral-small-2507-4bit']);
    expect(report.updated).toContainEqual({ id: 'mlx-qwen3-next-80b-a3b-instruct-4bit', changes: ['context_length 262144 → 131072'] });
    expect(report.refused.map((r) => r.id)).toEqual(['mlx-deepseek-v3-1-4bit', 'mlx-test-model-4bit']);
    expect(report.newEndpoints).toContain('ep_mlx_8106');
    const after = parseRegistry({ ...shippedTexts(), ...texts }, 'registry').registry!;
    expect(after.models['mlx-devstral-small-2507-4bit']).toMatchObject({ endpoint: 'ep_mlx_8106', context_length: 131072, cache_path: '/Users/thestudio/models/hf/hub/.cache/devstral' });
    expect(after.endpoints.ep_mlx_8106).toMatchObject({ kind: 'mlx', host: 'studio', port: 8106, bind: '0.0.0.0' });
    expect(after.handles.map((h) => h.handle)).toContain('mlx-devstral-small-2507-4bit');
    expect(after.handles.map((h) => h.handle)).not.toContain('mlx-deepseek-v3-1-4bit');
    expect(after.handles.map((h) => h.handle)).not.toContain('mlx-test-model-4bit');
    // Comments survive the edit.
    expect(texts['models.yaml']).toContain('# backroom: kept on the Seagate disk');
  });

  it('reports models that left the Studio, and removes their handles only with prune', () => {
    const gone = structuredClone(base);
    delete gone.models['mlx-llama-3-3-70b-instruct-4bit'];
    const kept = syncMlxRegistry(reg, gone, { isPrune: false, routeViaOptillm: true });
    expect(kept.report.disappeared).toEqual(['mlx-llama-3-3-70b-instruct-4bit']);
    expect(kept.texts['handles.jsonl']).toBeUndefined();
    const pruned = syncMlxRegistry(reg, gone, { isPrune: true, routeViaOptillm: true });
    expect(pruned.report.pruned).toEqual(['mlx-llama-3-3-70b-instruct-4bit']);
    expect(pruned.texts['handles.jsonl']).not.toContain('{"handle":"mlx-llama-3-3-70b-instruct-4bit"}');
    expect(pruned.texts['models.yaml']).not.toContain('mlx-llama-3-3-70b-instruct-4bit:');
  });

  it('--no-route-via-optillm switches the routing mode', () => {
    const { texts, report } = syncMlxRegistry(reg, base, { isPrune: false, routeViaOptillm: false });
    expect(report.routeViaOptillm).toEqual({ from: true, to: false });
    expect(texts['settings.yaml']).toContain('route_via_optillm: false');
  });
});

describe('homelab sync-gateway --plan --offline', () => {
  it('prints the registry changes and a readable plan against generated/, contacting no host', async () => {
    const r = await runCli(['sync-gateway', '--mlx-registry', join(ROOT, 'test/fixtures/_mlx/registry.json'), '--plan', '--offline'], copyShipped());
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('+ mlx-devstral-small-2507-4bit');
    expect(r.stdout).toContain('refused: port 8125 is outside the MLX team range');
    expect(r.stdout).toMatch(/update \/.*\/config\/router\.yaml \(litellm-orch\)/);
    expect(r.stdout).toContain('+  - model_name: mlx-devstral-small-2507-4bit');
    expect(r.stdout).toContain('restart, in order: litellm-orch');
    expect(r.stderr).toContain('--offline: planned against generated/');
  });

  it('a malformed MLX registry is a usage error naming the field', async () => {
    const dir = copyShipped();
    const bad = join(dir, 'bad.json');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(bad, JSON.stringify({ models: { 'mlx-x': { port: '8100' } } }));
    const r = await runCli(['sync-gateway', '--mlx-registry', bad, '--plan', '--offline'], dir);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('#/models/mlx-x/port');
  });
});
