// JSON Schemas generated from the zod schemas: one source for the loader, editors
// (yaml-language-server) and ajv.
import { z } from 'zod';
import { EXTRA_SCHEMAS, REGISTRY_FILES } from './schema.js';

function sortDeep(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortDeep);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortDeep((value as Record<string, unknown>)[k])]));
  }
  return value;
}

/** File name → schema text, keys sorted, LF and a trailing newline. */
export function renderSchemas(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const { id, schema } of [...REGISTRY_FILES, ...EXTRA_SCHEMAS]) {
    const json = z.toJSONSchema(schema, { target: 'draft-2020-12' }) as Record<string, unknown>;
    out[`${id}.schema.json`] = JSON.stringify(sortDeep({ ...json, $id: `https://homelab.invalid/schemas/${id}.schema.json`, title: id }), null, 2) + '\n';
  }
  return out;
}
