// One test per mistake in the seed documents that homelab exists to catch, run as an operator
// would: edit the registry, run `homelab validate`, read the JSON diagnostics.
import { describe, expect, it } from 'vitest';
import { copyShipped, editHandles, editYaml, runCli, shippedTexts, type Texts } from './helpers.js';

async function codes(texts: Texts): Promise<{ code: string; pointer: string; file: string; message: string }[]> {
  const r = await runCli(['validate', '--format', 'json', '--out', 'generated'], copyShipped(texts));
  expect(r.code).toBe(1);
  return JSON.parse(r.stdout).diagnostics;
}

describe('the seeds\' mistakes', () => {
  it('router- as the call-back prefix is a loop through OptiLLM', async () => {
    const d = await codes(editYaml(shippedTexts(), 'settings.yaml', (doc) => doc.setIn(['optillm', 'direct_prefix'], 'router')));
    const loop = d.find((x) => x.code === 'routing-loop')!;
    expect(loop.message).toMatch(/mlx-gpt-oss-120b-mxfp4-q8 → OptiLLM .*runs router.* → mlx-gpt-oss-120b-mxfp4-q8/);
    expect(d.some((x) => x.code === 'optillm-selector' && x.pointer === '/optillm/direct_prefix')).toBe(true);
  });

  it('--approach proxy in the OptiLLM launch', async () => {
    const d = await codes(editYaml(shippedTexts(), 'settings.yaml', (doc) => doc.setIn(['optillm', 'approach'], 'proxy')));
    expect(d.find((x) => x.code === 'optillm-launch')).toMatchObject({ pointer: '/optillm/approach' });
  });

  it('--approach auto in the OptiLLM launch (rejected by 0.3.12)', async () => {
    const d = await codes(editYaml(shippedTexts(), 'endpoints.yaml', (doc) => doc.setIn(['endpoints', 'ep_optillm_proxy_4020', 'run', 'args'], ['--approach', 'auto'])));
    expect(d.find((x) => x.code === 'optillm-launch')?.message).toContain('rejects');
  });

  it("OPTILLM_API_KEY in OptiLLM's environment", async () => {
    const d = await codes(editYaml(shippedTexts(), 'settings.yaml', (doc) => doc.setIn(['secrets', 'optillm-proxy', 'names'], ['OPENAI_API_KEY', 'OPTILLM_API_KEY', 'OPTILLM_PROXY_KEY'])));
    expect(d.find((x) => x.code === 'optillm-launch')).toMatchObject({ pointer: '/secrets/optillm-proxy/names/1' });
  });

  it('a Seagate (backroom) model given a handle', async () => {
    const texts = editHandles(
      editYaml(shippedTexts(), 'models.yaml', (doc) => doc.setIn(['models', 'mlx-deepseek-v3-1-4bit', 'endpoint'], 'ep_mlx_8105')),
      (rows) => [...rows, { handle: 'mlx-deepseek-v3-1-4bit' }],
    );
    const d = await codes(texts);
    expect(d.find((x) => x.code === 'exposure-showroom')).toMatchObject({ file: 'registry/handles.jsonl', pointer: '/22/handle' });
  });

  it('an OptiLLM proxy bound to the LAN (0.3.11 and earlier always bound 0.0.0.0)', async () => {
    const d = await codes(editYaml(shippedTexts(), 'endpoints.yaml', (doc) => doc.setIn(['endpoints', 'ep_optillm_proxy_4020', 'bind'], '0.0.0.0')));
    expect(d.find((x) => x.code === 'exposure-lan')).toMatchObject({ pointer: '/endpoints/ep_optillm_proxy_4020/bind' });
  });

  it('a port moved', async () => {
    const d = await codes(editYaml(shippedTexts(), 'endpoints.yaml', (doc) => doc.setIn(['endpoints', 'ep_optillm_proxy_4020', 'port'], 4021)));
    expect(d.find((x) => x.code === 'port-immutable')).toMatchObject({ pointer: '/endpoints/ep_optillm_proxy_4020/port' });
  });
});
