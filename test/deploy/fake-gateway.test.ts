// The stand-in gateway must be as strict as LiteLLM at start-up, or the rollback tests prove
// nothing: an unparsable router.yaml or a deployment without a model stops it.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tmpDir } from '../helpers.js';

const FAKE = join(resolve(import.meta.dirname), 'fake-gateway.mjs');

function start(config: string) {
  const dir = tmpDir('homelab-fake-');
  writeFileSync(join(dir, 'router.yaml'), config);
  return spawnSync(process.execPath, [FAKE, join(dir, 'router.yaml'), '0', dir], { encoding: 'utf8', timeout: 5000 });
}

describe('fake-gateway.mjs', () => {
  it('refuses a router.yaml it cannot parse', () => {
    const r = start('model_list:\n  - model_name: x\n   litellm_params: [\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('cannot load');
  });

  it('refuses a deployment without litellm_params.model, as LiteLLM does', () => {
    const r = start('model_list:\n  - model_name: x\n    litellm_params: {api_base: http://127.0.0.1:1/v1}\n');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('lacks model_name or litellm_params.model');
  });
});
