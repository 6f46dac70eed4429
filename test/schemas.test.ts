// schemas/ is generated from the zod schemas (drift fails here), and ajv with those JSON Schemas
// gives the same verdict as zod on every fixture, sound or broken.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { renderSchemas } from '../src/registry/json-schema.js';
import { MlxRegistrySchema, REGISTRY_FILES } from '../src/registry/schema.js';
import { editHandles, editYaml, readTexts, ROOT, shippedTexts, type Texts } from './helpers.js';

describe('schemas/', () => {
  it.each(Object.entries(renderSchemas()))('%s is what the zod schema generates', async (name, text) => {
    await expect(text).toMatchFileSnapshot(join(ROOT, 'schemas', name));
  });

  it('every YAML registry file points editors at its schema on line 1', () => {
    for (const spec of REGISTRY_FILES.filter((f) => f.format === 'yaml')) {
      const first = readFileSync(join(ROOT, 'registry', spec.name), 'utf8').split('\n')[0];
      expect(first).toBe(`# yaml-language-server: $schema=../schemas/${spec.id}.schema.json`);
    }
  });
});

function toValue(name: string, text: string): unknown {
  return name.endsWith('.jsonl') ? text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) : parse(text);
}

const ajv = new Ajv2020.default({ strict: false, allErrors: true });
const validators = Object.fromEntries(REGISTRY_FILES.map((f) => [f.name, ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', `${f.id}.schema.json`), 'utf8')))]));

const shipped = shippedTexts();
const VARIANTS: [string, Texts][] = [
  ['shipped', shipped],
  ['minimal-one-host', readTexts(join(ROOT, 'test/fixtures/minimal-one-host/registry'))],
  ['no-optillm-routing', readTexts(join(ROOT, 'test/fixtures/no-optillm-routing/registry'))],
  ['request_params of every scalar type', editYaml(shipped, 'models.yaml', (d) => d.setIn(['models', 'mlx-gemma-3-27b-it-qat-4bit', 'request_params'], { reasoning_effort: 'low', temperature: 0.2, stream: false }))],
  ['via_optillm on an MLX row', editHandles(shipped, (rows) => rows.map((r, i) => (i === 3 ? { ...r, via_optillm: true } : r)))],
  ['LiteLLM retry policies', editYaml(shipped, 'settings.yaml', (d) => {
    d.setIn(['gateway', 'router_settings', 'retry_policy'], { TimeoutErrorRetries: 0, RateLimitErrorRetries: 3, InternalServerErrorRetries: 1 });
    d.setIn(['gateway', 'router_settings', 'model_group_retry_policy'], { 'opt-research-high-xl': { TimeoutErrorRetries: 0 } });
    d.setIn(['gateway', 'router_settings', 'enable_pre_call_checks'], true);
  })],
  ['declared agents and optillm retries', editYaml(shipped, 'settings.yaml', (d) => {
    d.setIn(['clients', 'agents'], { reviewer: { model: 'mlx-qwen3-coder-30b-a3b-instruct-8bit' } });
    d.setIn(['optillm', 'retries'], 1);
  })],
  ['one-host-webui', readTexts(join(ROOT, 'test/fixtures/one-host-webui/registry'))],
  ['unknown endpoint key', editYaml(shipped, 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_mlx_8100', 'prot'], 1))],
  ['port as string', editYaml(shipped, 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_mlx_8100', 'port'], '8100'))],
  ['port out of range', editYaml(shipped, 'endpoints.yaml', (d) => d.setIn(['endpoints', 'ep_mlx_8100', 'port'], 70000))],
  ['fractional context', editYaml(shipped, 'models.yaml', (d) => d.setIn(['models', 'mlx-gemma-3-27b-it-qat-4bit', 'context_length'], 1.5))],
  ['relative source path', editYaml(shipped, 'models.yaml', (d) => d.setIn(['models', 'mlx-gemma-3-27b-it-qat-4bit', 'source_path'], 'models/x'))],
  ['missing model field', editYaml(shipped, 'models.yaml', (d) => d.deleteIn(['models', 'mlx-gemma-3-27b-it-qat-4bit', 'upstream']))],
  ['bad storage class', editYaml(shipped, 'hosts.yaml', (d) => d.setIn(['hosts', 'studio', 'storage', 1, 'class'], 'attic'))],
  ['bad routing strategy', editYaml(shipped, 'settings.yaml', (d) => d.setIn(['gateway', 'router_settings', 'routing_strategy'], 'round-robin'))],
  ['json_logs as string', editYaml(shipped, 'settings.yaml', (d) => d.setIn(['gateway', 'litellm_settings', 'json_logs'], 'true'))],
  ['lower-case secret name', editYaml(shipped, 'settings.yaml', (d) => d.setIn(['secrets', 'optillm-proxy', 'names', 0], 'openai_key'))],
  ['handle status', editHandles(shipped, (rows) => [...rows, { handle: 'mlx-x', status: 'active' }])],
  ['selector without model', editHandles(shipped, (rows) => rows.map((r, i) => (i === 14 ? { ...r, selector: {} } : r)))],
  ['request_params with a nested value', editYaml(shipped, 'models.yaml', (d) => d.setIn(['models', 'mlx-gpt-oss-120b-mxfp4-q8', 'request_params'], { chat_template_kwargs: { enable_thinking: false } }))],
  ['ledger entry with extra key', editYaml(shipped, 'ports.lock.yaml', (d) => d.setIn(['ports', 0, 'note'], 'x'))],
  ['migration without reason', editYaml(shipped, 'ports.lock.yaml', (d) => d.setIn(['migrations'], [{ service: 'x', host: 'mini', from: 1, to: 2 }]))],
  ['request_params holding an object', editYaml(shipped, 'models.yaml', (d) => d.setIn(['models', 'mlx-gemma-3-27b-it-qat-4bit', 'request_params'], { extra_body: { top_k: 20 } }))],
  ['request_params with an empty key', editYaml(shipped, 'models.yaml', (d) => d.setIn(['models', 'mlx-gemma-3-27b-it-qat-4bit', 'request_params'], { '': 1 }))],
  ['via_optillm as a string', editHandles(shipped, (rows) => rows.map((r, i) => (i === 3 ? { ...r, via_optillm: 'false' } : r)))],
  ['accept naming an error code', editYaml(shipped, 'settings.yaml', (d) => d.setIn(['accept', 0, 'code'], 'client-route'))],
  ['accept without a reason', editYaml(shipped, 'settings.yaml', (d) => d.deleteIn(['accept', 0, 'reason']))],
  ['accept naming accept-unused', editYaml(shipped, 'settings.yaml', (d) => d.setIn(['accept', 0, 'code'], 'accept-unused'))],
  ["the seeds' retry_policy keys (LiteLLM would drop them silently)", editYaml(shipped, 'settings.yaml', (d) => d.setIn(['gateway', 'router_settings', 'retry_policy'], { Timeout: 0, APIConnectionError: 1 }))],
  ['negative retries in a group policy', editYaml(shipped, 'settings.yaml', (d) => d.setIn(['gateway', 'router_settings', 'model_group_retry_policy'], { 'opt-chat-balanced-m': { TimeoutErrorRetries: -1 } }))],
  ['negative optillm retries', editYaml(shipped, 'settings.yaml', (d) => d.setIn(['optillm', 'retries'], -1))],
  ['search timeout of zero', editYaml(shipped, 'settings.yaml', (d) => d.setIn(['search', 'searxng-search', 'timeout'], 0))],
  ['search description at the wrong level', editYaml(shipped, 'settings.yaml', (d) => d.setIn(['search', 'searxng-search', 'search_tool_info'], { description: 'x' }))],
  ['an agent without a model', editYaml(shipped, 'settings.yaml', (d) => d.setIn(['clients', 'agents'], { reviewer: {} }))],
];
/** VARIANTS before this index are valid registries; every one after it is broken somewhere. */
const FIRST_BROKEN = VARIANTS.findIndex(([name]) => name === 'unknown endpoint key');

describe.each(VARIANTS)('ajv and zod agree on %s', (_name, texts) => {
  it.each(REGISTRY_FILES.map((f) => [f.name, f] as const))('%s', (_file, spec) => {
    const value = toValue(spec.name, texts[spec.name]!);
    const isZodValid = spec.schema.safeParse(value).success;
    const isAjvValid = validators[spec.name]!(value) as boolean;
    expect(isAjvValid).toBe(isZodValid);
  });
});

it('the valid variants are valid and the broken ones really broken (each fails somewhere)', () => {
  expect(FIRST_BROKEN).toBeGreaterThan(0);
  for (const [name, texts] of VARIANTS.slice(0, FIRST_BROKEN)) {
    const isAllValid = REGISTRY_FILES.every((spec) => spec.schema.safeParse(toValue(spec.name, texts[spec.name]!)).success);
    expect(isAllValid, name).toBe(true);
  }
  for (const [name, texts] of VARIANTS.slice(FIRST_BROKEN)) {
    const isAllValid = REGISTRY_FILES.every((spec) => spec.schema.safeParse(toValue(spec.name, texts[spec.name]!)).success);
    expect(isAllValid, name).toBe(false);
  }
});

// The Studio's registry.json: loose (unknown keys are reported by the sync, not refused), but what a
// known key holds is checked the same way by both.
const mlxValidator = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas', 'mlx-registry.schema.json'), 'utf8')));
const mlxFixture = (name: string) => JSON.parse(readFileSync(join(ROOT, 'test/fixtures/_mlx', name), 'utf8')) as { models: Record<string, Record<string, unknown>> };
const withEntry = (e: Record<string, unknown>) => ({ version: 1, models: { slug: { model_id: 'mlx-x', cache_path: '/m/x', port: 8100, ...e } } });
const MLX_VARIANTS: [string, unknown, boolean][] = [
  ['unchanged.json', mlxFixture('unchanged.json'), true],
  ['registry.json (unknown keys, port null, request_params)', mlxFixture('registry.json'), true],
  ['port null', withEntry({ port: null }), true],
  ['unknown keys of a later mlxctl', withEntry({ vllm_gpu_memory: 0.9, startup_timeout_seconds: 600 }), true],
  ['port as string', withEntry({ port: '8100' }), false],
  ['relative cache_path', withEntry({ cache_path: 'models/x' }), false],
  ['fractional context', withEntry({ context_length: 1.5 }), false],
  ['version 2', { version: 2, models: {} }, false],
  ['no version (the invented format)', { models: { 'mlx-x': { port: 8100, upstream: 'org/x' } } }, false],
  ['request_params not an object', withEntry({ request_params: 'low' }), false],
];

describe('ajv and zod agree on the MLX registry', () => {
  it.each(MLX_VARIANTS)('%s', (_name, value, isValid) => {
    expect(MlxRegistrySchema.safeParse(value).success).toBe(isValid);
    expect(mlxValidator(value)).toBe(isValid);
  });
});
