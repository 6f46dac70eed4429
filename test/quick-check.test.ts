// surelyValid (src/registry/quick-check.ts) lets the loader skip zod for a valid registry file.
// It must never say yes where zod says no (that would let an invalid registry through without a
// diagnostic), and it must say yes for real registries (or the shortcut is dead code).
import fc from 'fast-check';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { surelyValid } from '../src/registry/quick-check.js';
import type { Registry } from '../src/registry/load.js';
import { EndpointSchema, HandlesFileSchema, HandleSchema, HostSchema, ModelSchema, REGISTRY_FILES, SettingsFileSchema } from '../src/registry/schema.js';
import { load, readTexts, ROOT, shippedTexts } from './helpers.js';

const SEED = process.env.HOMELAB_PROPERTY_SEED ? Number(process.env.HOMELAB_PROPERTY_SEED) : 20261123;

/** Each registry file's value as the loader hands it to its schema. */
function fileValues(reg: Registry): Record<string, unknown> {
  return {
    'hosts.yaml': { hosts: reg.hosts },
    'endpoints.yaml': { endpoints: reg.endpoints },
    'models.yaml': { models: reg.models },
    'handles.jsonl': reg.handles,
    'settings.yaml': reg.settings,
    'ports.lock.yaml': reg.ports,
  };
}

const REGISTRIES = {
  shipped: () => load(shippedTexts()),
  ...Object.fromEntries(
    ['_example-no-deploy', 'minimal-one-host', 'no-optillm-routing', 'one-host-webui'].map((f) => [f, () => load(readTexts(join(ROOT, 'test/fixtures', f, 'registry')))]),
  ),
};

describe('surelyValid says yes to real registries', () => {
  for (const [name, get] of Object.entries(REGISTRIES)) {
    it(name, () => {
      const values = fileValues(get());
      for (const spec of REGISTRY_FILES) expect(surelyValid(spec.schema, values[spec.name]), spec.name).toBe(true);
    });
  }
});

describe('surelyValid never says yes where zod says no', () => {
  const model = { endpoint: 'ep_mlx_8100', upstream: 'mlx-community/x', source_path: '/Volumes/m/x', context_length: 8192, max_output_tokens: 1024 };
  const settings = load(shippedTexts()).settings;
  const withTimeout = (timeout: number) => ({ ...settings, gateway: { ...settings.gateway, router_settings: { ...settings.gateway.router_settings, timeout } } });
  const cases: [string, z.ZodType, unknown][] = [
    ['Infinity for a number', SettingsFileSchema, withTimeout(Number.POSITIVE_INFINITY)],
    ['NaN for a number', SettingsFileSchema, withTimeout(Number.NaN)],
    ['0 for a positive number (exclusive bound)', SettingsFileSchema, withTimeout(0)],
    ['NaN for an integer', ModelSchema, { ...model, context_length: Number.NaN }],
    ['Infinity for an integer', ModelSchema, { ...model, context_length: Number.POSITIVE_INFINITY }],
    ['a fraction for an integer', ModelSchema, { ...model, context_length: 1.5 }],
    ['beyond a safe integer', ModelSchema, { ...model, context_length: 2 ** 53 }],
    ['below a minimum', ModelSchema, { ...model, max_output_tokens: 0 }],
    ['a string for a number', ModelSchema, { ...model, context_length: '8192' }],
    ['an empty string under min(1)', ModelSchema, { ...model, upstream: '' }],
    ['a relative path', ModelSchema, { ...model, source_path: 'models/x' }],
    ['a path with ..', ModelSchema, { ...model, source_path: '/a/../b' }],
    ['a required key missing', ModelSchema, { endpoint: 'ep', upstream: 'x', source_path: '/x', context_length: 1 }],
    ['an unknown key in a strict object', ModelSchema, { ...model, contex_length: 1 }],
    ['a wrong type in a union', ModelSchema, { ...model, request_params: { temperature: null } }],
    ['an empty record key', ModelSchema, { ...model, request_params: { '': 1 } }],
    ['an array for an object', ModelSchema, [model]],
    ['null for an object', ModelSchema, null],
    ['a port out of range', EndpointSchema, { service: 'x', kind: 'mlx', host: 'studio', port: 70000, bind: '127.0.0.1' }],
    ['an unknown kind (enum)', EndpointSchema, { service: 'x', kind: 'vllm', host: 'studio', port: 8100, bind: '127.0.0.1' }],
    ['an unspecified address', HostSchema, { address: '0.0.0.0', os: 'linux', ssh: 'ops@mini' }],
    ['a boolean as a string', HandleSchema, { handle: 'mlx-x', via_optillm: 'false' }],
    ['a member that is no name', HandleSchema, { handle: 'opt-x', members: [''] }],
  ];
  for (const [name, schema, value] of cases) {
    it(name, () => {
      expect(schema.safeParse(value).success).toBe(false);
      expect(surelyValid(schema, value)).toBe(false);
    });
  }

  // Values no parser hands over, but the promise is about every value: zod reads records as plain
  // objects only (util.isPlainObject) and by Reflect.ownKeys (enumerable symbols too), and an
  // array by index (a hole is undefined), where Object.keys and Array.prototype.every look past them.
  class Params {
    temperature = 1;
  }
  const withPassthrough = (passthrough: unknown) => ({ ...settings, gateway: { ...settings.gateway, passthrough } });
  const symbolKeyed = { temperature: 1, [Symbol('s')]: 1 };
  const sparse: string[] = [];
  sparse[1] = 'mlx-x';
  const hostile: [string, z.ZodType, unknown][] = [
    ['a Date for a record', ModelSchema, { ...model, request_params: new Date(0) }],
    ['a Map for a record', ModelSchema, { ...model, request_params: new Map([['temperature', 1]]) }],
    ['a class instance for a record', ModelSchema, { ...model, request_params: new Params() }],
    ['a record whose own constructor is a class', SettingsFileSchema, withPassthrough({ constructor: Date })],
    ['an enumerable symbol key in a record', ModelSchema, { ...model, request_params: symbolKeyed }],
    ['a hole in an array of names', HandleSchema, { handle: 'opt-x', members: sparse }],
    ['a hole in the handle rows', HandlesFileSchema, [, { handle: 'mlx-x' }]],
    ['-0 for a port', EndpointSchema, { service: 'x', kind: 'mlx', host: 'studio', port: -0, bind: '127.0.0.1' }],
    ['a user name one character too long', EndpointSchema, { service: 'x', kind: 'mlx', host: 'studio', port: 8100, bind: '127.0.0.1', run: { user: 'a'.repeat(32), workdir: '/srv' } }],
    ['an inherited unknown key in a strict object', ModelSchema, Object.assign(Object.create({ contex_length: 1 }), model)],
  ];
  for (const [name, schema, value] of hostile) {
    it(name, () => {
      expect(schema.safeParse(value).success).toBe(false);
      expect(surelyValid(schema, value)).toBe(false);
    });
  }

  it('a yes on odd but valid values is also a yes from zod', () => {
    // zod's object takes any non-array object, inherited keys included; a null-prototype record is plain.
    const nullProto = Object.assign(Object.create(null), { temperature: 1 });
    const values: [z.ZodType, unknown][] = [
      [ModelSchema, { ...model, request_params: nullProto }],
      [ModelSchema, Object.assign(Object.create(model), {})],
      [ModelSchema, { ...model, request_params: { temperature: -0 } }],
      [ModelSchema, { ...model, request_params: Object.create({ inherited: 1 }) }],
      [SettingsFileSchema, withPassthrough({ constructor: 'not a function' })],
      [SettingsFileSchema, withPassthrough({ constructor: Object })],
      [HandleSchema, { handle: 'x'.repeat(100_000) }],
    ];
    for (const [schema, value] of values) if (surelyValid(schema, value)) expect(schema.safeParse(value).success).toBe(true);
  });

  it('on random edits of every shipped file (property)', () => {
    const values = fileValues(load(shippedTexts()));
    const odd = fc.oneof(
      fc.constantFrom<unknown>(undefined, null, '', ' ', 'x', 'ABC', 'ep_mlx_8100', '/abs/path', '/a//b', '0.0.0.0', '127.0.0.1', 'localhost', 0, -1, 1, 1.5, 65535, 65536, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, true, false, [], {}, [''], ['a'], { a: 1 }, { '': 'x' }),
      fc.string(),
      fc.double(),
      fc.integer(),
    );
    // A random path into the file's value (keys that exist, and sometimes a new one), then a random value there.
    const edit = (root: unknown, choices: number[], key: string, replacement: unknown): unknown => {
      const copy = structuredClone(root) as Record<string, unknown>;
      let node: Record<string, unknown> = copy;
      for (const c of choices) {
        const keys = Object.keys(node);
        if (!keys.length) break;
        const next = node[keys[c % keys.length]!];
        if (typeof next !== 'object' || next === null) break;
        node = next as Record<string, unknown>;
      }
      const keys = Object.keys(node);
      const target = key === '' && keys.length ? keys[choices.length % keys.length]! : key || 'extra';
      if (replacement === undefined) delete node[target];
      else node[target] = replacement;
      return copy;
    };
    let yes = 0;
    fc.assert(
      fc.property(fc.constantFrom(...REGISTRY_FILES), fc.array(fc.nat(), { maxLength: 5 }), fc.constantFrom('', '', '', 'extra', 'port', 'handle'), odd, (spec, choices, key, replacement) => {
        const value = edit(values[spec.name], choices, key, replacement);
        if (surelyValid(spec.schema, value)) {
          yes++;
          expect(spec.schema.safeParse(value).success).toBe(true);
        }
      }),
      { numRuns: 3000, seed: SEED },
    );
    // Some edits keep the file valid (a new string where a string was): the yes side was exercised.
    expect(yes).toBeGreaterThan(0);
  });
});
