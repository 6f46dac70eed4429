// What import carries from LiteLLM's settings blocks into settings.yaml, key by key, in one table
// each: a key the registry models is copied, a key being added to the registry elsewhere is
// reported as pending (carrying it later is one line here), anything else is reported.
import { LitellmSettingsSchema, RouterSettingsSchema } from '../registry/schema.js';

/**
 * Registry fields that are planned but not in this schema yet: where the input has them, import
 * reports `import-unsupported` naming the field. When a field lands, move its key to the carried
 * set of its block.
 */
export const PENDING: Record<string, string> = {
  'router_settings.retry_policy': 'settings.yaml gateway.router_settings.retry_policy',
  'router_settings.model_group_retry_policy': 'settings.yaml gateway.router_settings.model_group_retry_policy',
  'optillm.max_retries': 'settings.yaml optillm.retries (max_retries of the entries that go to OptiLLM)',
  'search_tools.timeout': 'settings.yaml search.<tool>.timeout',
  'search_tools.search_tool_info': 'settings.yaml search.<tool>.description',
  'handles.via_optillm': 'the per-handle "via_optillm" of handles.jsonl',
};

/** Keys of router_settings / litellm_settings the registry models (its zod schemas' keys). */
export const CARRIED = {
  router_settings: new Set(Object.keys(RouterSettingsSchema.shape)),
  litellm_settings: new Set(Object.keys(LitellmSettingsSchema.shape)),
} as const;

/** Top-level LiteLLM blocks import puts in gateway.passthrough (verbatim, reported unchecked). */
export const PASSTHROUGH_BLOCKS = new Set(['guardrails', 'callback_settings', 'mcp_servers', 'mcp_tools', 'prompts', 'policies', 'credential_list', 'vector_store_registry']);

/** Blocks import reads itself. */
export const READ_BLOCKS = new Set(['model_list', 'router_settings', 'litellm_settings', 'general_settings', 'search_tools', 'include']);

/** litellm_params that say how LiteLLM calls a deployment, not what it sends: never request_params. */
export const CALL_PARAMS = new Set([
  'model', 'api_base', 'api_key', 'timeout', 'stream_timeout', 'max_retries', 'rpm', 'tpm', 'api_version', 'organization',
  'custom_llm_provider', 'litellm_credential_name', 'region_name', 'weight', 'order', 'tags', 'input_cost_per_token',
  'output_cost_per_token', 'mock_response', 'use_in_pass_through', 'configurable_clientside_auth_params', 'base_model',
  'merge_reasoning_content_in_choices', 'extra_headers', 'headers', 'use_litellm_proxy',
]);

/** Values a keyless local server is given as api_key. */
export const KEY_PLACEHOLDERS = new Set(['', 'none', 'None', 'dummy', 'EMPTY', 'empty', 'not-needed', 'sk-no-key-required', 'x', 'local']);
