// A yes-only check of a value against a registry schema, read from the zod schema's own definition.
// zod's parse builds a full copy of its input, and the loader throws that copy away (the rules
// read the sanitized input itself): at 10,000 handles the first parse of models.yaml and
// handles.jsonl cost ~100 ms of a ~1.3 s validate, most of it zod warming up. This predicate
// answers only "certainly valid": it understands the few definitions and checks the registry
// schemas use, says false for anything else (an unknown definition, an unknown check, a
// conditional check), and every false goes to zod, which then reports the issues. So it can
// make loading faster, never more permissive (test/quick-check.test.ts holds it to zod).
import type { z } from 'zod';

type Predicate = (value: unknown) => boolean;

const NO: Predicate = () => false;

interface Def {
  type: string;
  checks?: { _zod: { def: CheckDef } }[];
  [key: string]: unknown;
}

interface CheckDef {
  check: string;
  format?: string;
  pattern?: RegExp;
  minimum?: number;
  value?: number;
  inclusive?: boolean;
  when?: unknown;
}

function defOf(schema: unknown): Def {
  return (schema as { _zod: { def: Def } })._zod.def;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object whose prototype is Object.prototype or null and whose `constructor` (what zod's
 * isPlainObject judges by) is Object, absent or no function: narrower than zod's test, never wider.
 */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (!isObject(value)) return false;
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return false;
  const ctor = value.constructor;
  return typeof ctor !== 'function' || ctor === Object;
}

/** One check of a string, number or array; undefined for a check this file does not know. */
function checkPredicate(c: CheckDef): Predicate | undefined {
  // zod skips a check whose `when` says so; a check that may be skipped is not one to rely on.
  if (c.when !== undefined && c.check !== 'min_length') return undefined;
  switch (c.check) {
    case 'min_length': {
      const min = c.minimum!;
      return (v) => (v as { length: number }).length >= min;
    }
    case 'string_format':
      if (c.format !== 'regex' || !(c.pattern instanceof RegExp) || c.pattern.global || c.pattern.sticky) return undefined;
      return (v) => c.pattern!.test(v as string);
    case 'number_format':
      return c.format === 'safeint' ? (v) => Number.isSafeInteger(v) : undefined;
    case 'greater_than': {
      const bound = c.value!;
      return c.inclusive ? (v) => (v as number) >= bound : (v) => (v as number) > bound;
    }
    case 'less_than': {
      const bound = c.value!;
      return c.inclusive ? (v) => (v as number) <= bound : (v) => (v as number) < bound;
    }
    default:
      return undefined;
  }
}

/** The type test of a definition, and its checks after it; NO when a check is unknown. */
function withChecks(def: Def, isType: Predicate): Predicate {
  const checks = (def.checks ?? []).map((c) => checkPredicate(c._zod.def));
  if (checks.some((c) => c === undefined)) return NO;
  if (!checks.length) return isType;
  const all = checks as Predicate[];
  return (v) => {
    if (!isType(v)) return false;
    for (const c of all) if (!c(v)) return false;
    return true;
  };
}

/** Each schema's predicate, compiled once: the file schemas share their parts (Name, Port, …). */
const compiled = new WeakMap<object, Predicate>();

function compile(schema: unknown): Predicate {
  const known = compiled.get(schema as object);
  if (known) return known;
  // A schema that refers to itself is not used here; until compiled, it answers no.
  compiled.set(schema as object, NO);
  const p = compileDef(defOf(schema));
  compiled.set(schema as object, p);
  return p;
}

function compileDef(def: Def): Predicate {
  switch (def.type) {
    case 'string':
      return withChecks(def, (v) => typeof v === 'string');
    case 'number':
      // zod's number takes no NaN and no ±Infinity.
      return withChecks(def, (v) => typeof v === 'number' && Number.isFinite(v));
    case 'boolean':
      return withChecks(def, (v) => typeof v === 'boolean');
    case 'unknown':
      return withChecks(def, () => true);
    case 'enum': {
      const values = new Set(Object.values(def.entries as Record<string, unknown>));
      return withChecks(def, (v) => values.has(v));
    }
    case 'optional': {
      const inner = compile(def.innerType);
      return withChecks(def, (v) => v === undefined || inner(v));
    }
    case 'union': {
      const options = (def.options as unknown[]).map((o) => compile(o));
      return withChecks(def, (v) => options.some((o) => o(v)));
    }
    case 'array': {
      const element = compile(def.element);
      // By index, as zod reads it: a hole is undefined there (every() would pass over it).
      return withChecks(def, (v) => {
        if (!Array.isArray(v)) return false;
        for (let i = 0; i < v.length; i++) if (!element(v[i])) return false;
        return true;
      });
    }
    case 'record': {
      // A record keyed by an enum must hold every key (zod 4): not a shape this file answers for.
      if (defOf(def.keyType).type !== 'string') return NO;
      const key = compile(def.keyType);
      const value = compile(def.valueType);
      // zod takes a record only as a plain object (util.isPlainObject) and reads every own
      // enumerable key, symbols too (Reflect.ownKeys): a Date, a Map or a class instance is no
      // record, and a symbol key fails a string key schema.
      return withChecks(def, (v) => {
        if (!isPlainObject(v) || Object.getOwnPropertySymbols(v).some((s) => Object.prototype.propertyIsEnumerable.call(v, s))) return false;
        for (const k of Object.keys(v)) if (!key(k) || !value(v[k])) return false;
        return true;
      });
    }
    case 'object': {
      const shape = Object.entries(def.shape as Record<string, unknown>).map(([k, s]) => {
        const isOptional = defOf(s).type === 'optional';
        return { k, check: compile(s), isOptional };
      });
      const keys = new Set(shape.map((s) => s.k));
      const catchall = def.catchall === undefined ? 'strip' : defOf(def.catchall).type;
      // strict (never): no other key; loose (unknown) and the default (strip): any other key.
      if (catchall !== 'never' && catchall !== 'unknown' && catchall !== 'strip') return NO;
      const isStrict = catchall === 'never';
      return withChecks(def, (v) => {
        if (!isObject(v)) return false;
        for (const s of shape) {
          const item = v[s.k];
          if (item === undefined && !s.isOptional) return false;
          if (!s.check(item)) return false;
        }
        if (isStrict) for (const k in v) if (!keys.has(k)) return false;
        return true;
      });
    }
    default:
      return NO;
  }
}

/** True only when zod would accept `value` against `schema` (false: ask zod). */
export function surelyValid(schema: z.ZodType, value: unknown): boolean {
  return compile(schema)(value);
}
