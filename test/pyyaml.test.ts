// The generated YAML as LiteLLM and OptiLLM read it: Python's PyYAML yaml.safe_load, compared
// with the value the emitter meant to write.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { routerConfig } from '../src/compile/litellm-router.js';
import { gatewayEndpoint } from '../src/compile/mesh.js';
import { proxyConfig } from '../src/compile/optillm-proxy.js';
import { renderYaml } from '../src/compile/render.js';
import { buildRouteModel } from '../src/compile/routes.js';
import { compileAll } from '../src/compile/index.js';
import { load, readTexts, ROOT } from './helpers.js';

/** PyYAML's interpreter: python3 on PATH, or the one .ci/run found it in. */
const PYTHON = process.env.HOMELAB_PYTHON ?? (spawnSync('python3', ['-c', 'import yaml']).status === 0 ? 'python3' : '/usr/bin/python3');

/** yaml.safe_load every document given on stdin (as a JSON list of texts), print them as JSON. */
function pyLoad(texts: string[]): unknown[] {
  const script = 'import json,sys,yaml\nprint(json.dumps([yaml.safe_load(t) for t in json.load(sys.stdin)]))';
  return JSON.parse(execFileSync(PYTHON, ['-c', script], { input: JSON.stringify(texts), encoding: 'utf8' })) as unknown[];
}

const FIXTURES = ['registry', 'test/fixtures/minimal-one-host/registry', 'test/fixtures/no-optillm-routing/registry'];

describe.each(FIXTURES)('PyYAML reads the YAML compiled from %s', (dir) => {
  const reg = load(readTexts(join(ROOT, dir)));
  const routes = buildRouteModel(reg);
  const files = compileAll(reg, routes);
  const router = files.find((f) => f.path.endsWith('router.yaml'))!;
  const proxy = files.find((f) => f.path.endsWith('proxy_config.yaml'))!;

  it('router.yaml and proxy_config.yaml load back to exactly what was meant', () => {
    const [r, p] = pyLoad([router.content, proxy.content]);
    expect(r).toEqual(JSON.parse(JSON.stringify(routerConfig(reg, routes))));
    expect(p).toEqual(JSON.parse(JSON.stringify(proxyConfig(reg, gatewayEndpoint(reg)!))));
  });

  it('router.yaml has what LiteLLM needs: a model and an api_base for every deployment, json_logs a boolean', () => {
    const [r] = pyLoad([router.content]) as [{ model_list: { model_name: string; litellm_params: Record<string, unknown> }[]; litellm_settings: { json_logs: unknown }; general_settings: { master_key: string } }];
    for (const entry of r.model_list) {
      expect(typeof entry.model_name).toBe('string');
      expect(typeof entry.litellm_params.model).toBe('string');
      // An openai/ deployment without api_base would go to api.openai.com.
      expect(entry.litellm_params.api_base).toMatch(/^http:\/\/[^/]+:\d+\/v1$/);
      expect(entry.litellm_params.api_key).toBeTruthy();
    }
    expect(r.litellm_settings.json_logs).toBe(true);
    expect(r.general_settings.master_key).toBe('os.environ/LITELLM_MASTER_KEY');
  });
});

it('strings YAML 1.1 would turn into booleans, numbers or null stay strings', () => {
  const tricky = ['yes', 'no', 'on', 'off', 'y', 'n', 'true', 'null', '~', '0755', '1e3', '0x1F', '1_000', '12:30', '.inf', '', '- x', '#x', 'a: b'];
  const value = { list: tricky, map: Object.fromEntries(tricky.map((t, i) => [`k${i}`, t])) };
  const [back] = pyLoad([renderYaml(value)]);
  expect(back).toEqual(value);
});
