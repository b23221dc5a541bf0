import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { childPath, isJsonObject, jsonBytes, JsonShapeError, toPlainJson, type JsonObject, type JsonValue } from './json.js';
import { regexProblem } from './safe-regex.js';

/**
 * A package version's parameters: a JSON Schema (draft-07) of an object, checked with ajv, whose
 * `default`s fill in what the values leave out.
 */
export const SCHEMA_LIMITS = { maxBytes: 64 * 1024, maxDepth: 32, maxNodes: 5_000 } as const;
export const VALUES_LIMITS = { maxBytes: 64 * 1024, maxDepth: 32, maxNodes: 10_000 } as const;
const DRAFT_07 = new Set([
  'http://json-schema.org/draft-07/schema#',
  'http://json-schema.org/draft-07/schema',
  'https://json-schema.org/draft-07/schema#',
  'https://json-schema.org/draft-07/schema',
]);

/** A schema or values that cannot be used; `path` is inside the schema or the values. */
export class ParameterProblem extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(path === '' ? reason : `${path}: ${reason}`);
    this.name = 'ParameterProblem';
  }
}

export interface CompiledParameters {
  readonly schema: JsonObject;
  /** The values with the defaults filled in; throws ParameterProblem (path inside the values) when they break the schema. */
  validate(values: unknown): JsonObject;
  /** The defaults alone, and whether they satisfy the schema by themselves (no required parameter without a default). */
  defaults(): { readonly values: JsonObject; readonly complete: boolean };
  /** Whether `params.<path>` names a parameter the schema declares (through `properties`). */
  declares(path: readonly string[]): boolean;
}

/** Compiles parameter schemas; the service keeps one with a cache, the pure functions make their own. */
export type ParameterCompiler = (schema: unknown) => CompiledParameters;

const require = createRequire(import.meta.url);
/** ajv's own meta-schema for schemas that validate untrusted data (patterns need maxLength, and so on). */
const secureCheck: ValidateFunction = new Ajv({ strict: false, allErrors: false }).compile(require('ajv/lib/refs/json-schema-secure.json') as Record<string, unknown>);

function checkSecure(schema: JsonObject): void {
  if (secureCheck(schema)) return;
  const error = secureCheck.errors?.[0];
  const missing = error?.keyword === 'required' ? String((error.params as { missingProperty?: string }).missingProperty) : null;
  throw new ParameterProblem(
    pointerPath(error?.instancePath ?? ''),
    missing !== null
      ? `needs ${missing}: patterns, formats and unique items must be bounded, so checking a value stays fast`
      : (error?.message ?? 'is not safe to check values with'),
  );
}

/** `/properties/db/default` → `properties.db.default`. */
function pointerPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(1)
    .map((part) => part.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce<string>((path, part) => childPath(path, /^\d+$/.test(part) ? Number(part) : part), '');
}

/** Every `pattern`, and every key of `patternProperties`, must be a regular expression that cannot backtrack for ever. */
function checkPatterns(value: JsonValue, path: string): void {
  if (Array.isArray(value)) return value.forEach((item, index) => checkPatterns(item, childPath(path, index)));
  if (!isJsonObject(value)) return;
  for (const [key, item] of Object.entries(value)) {
    const at = childPath(path, key);
    if (key === '$async') throw new ParameterProblem(at, 'asynchronous schemas are not supported');
    if (key === 'pattern' && typeof item === 'string') {
      const problem = regexProblem(item);
      if (problem !== null) throw new ParameterProblem(at, problem);
    }
    if (key === 'patternProperties' && isJsonObject(item)) {
      for (const pattern of Object.keys(item)) {
        const problem = regexProblem(pattern);
        if (problem !== null) throw new ParameterProblem(childPath(at, pattern), problem);
      }
    }
    checkPatterns(item, at);
  }
}

function plain(value: unknown, limits: { maxBytes: number; maxDepth: number; maxNodes: number }, what: string): JsonValue {
  let copy: JsonValue;
  try {
    copy = toPlainJson(value, limits);
  } catch (error) {
    if (error instanceof JsonShapeError) throw new ParameterProblem(error.path, error.reason);
    throw error;
  }
  if (jsonBytes(copy) > limits.maxBytes) throw new ParameterProblem('', `${what} is larger than ${limits.maxBytes / 1024} KiB`);
  return copy;
}

function describeValueError(error: ErrorObject): ParameterProblem {
  const path = pointerPath(error.instancePath);
  if (error.keyword === 'required') {
    const missing = childPath(path, String((error.params as { missingProperty?: string }).missingProperty));
    return new ParameterProblem(missing, `missing required parameter ${missing}`);
  }
  if (error.keyword === 'additionalProperties') {
    const extra = childPath(path, String((error.params as { additionalProperty?: string }).additionalProperty));
    return new ParameterProblem(extra, `unknown parameter ${extra}`);
  }
  return new ParameterProblem(path, error.message ?? `breaks the schema (${error.keyword})`);
}

/** Throws ParameterProblem with a path inside the schema. */
export function compileParameters(schemaInput: unknown): CompiledParameters {
  const schema = plain(schemaInput, SCHEMA_LIMITS, 'the schema');
  if (!isJsonObject(schema)) throw new ParameterProblem('', 'must be a JSON Schema object');
  if (schema.type !== 'object') throw new ParameterProblem('type', 'must be "object": the parameters are named values');
  if (schema.$schema !== undefined && !(typeof schema.$schema === 'string' && DRAFT_07.has(schema.$schema)))
    throw new ParameterProblem('$schema', 'JSON Schema draft-07 is the dialect understood (leave $schema out, or name draft-07)');
  checkPatterns(schema, '');
  checkSecure(schema);
  let check: ValidateFunction;
  try {
    // A fresh instance per schema: an `$id` of one package never meets another's.
    check = new Ajv({
      strict: true,
      strictTypes: false,
      strictTuples: false,
      strictRequired: false,
      allErrors: true,
      useDefaults: true,
      coerceTypes: false,
      ownProperties: true,
      validateFormats: false,
      allowUnionTypes: true,
      unicodeRegExp: true,
    }).compile(schema);
  } catch (error) {
    throw new ParameterProblem('', error instanceof Error ? error.message.replace(/^strict mode: /, '') : String(error));
  }

  const validate = (input: unknown): JsonObject => {
    const values = plain(input ?? {}, VALUES_LIMITS, 'the values');
    if (!isJsonObject(values)) throw new ParameterProblem('', 'must be an object of named values');
    // ajv fills the defaults into the copy it checks.
    if (check(values)) return values;
    const errors = check.errors ?? [];
    const first = errors.find((error) => error.keyword !== 'required') ?? errors[0];
    throw first === undefined ? new ParameterProblem('', 'break the schema') : describeValueError(first);
  };

  const defaults = () => {
    const values: JsonObject = {};
    const valid = check(values);
    const errors = valid ? [] : (check.errors ?? []);
    const broken = errors.find((error) => error.keyword !== 'required');
    if (broken !== undefined) {
      const problem = describeValueError(broken);
      throw new ParameterProblem(problem.path, `the default breaks the schema: ${problem.reason}`);
    }
    return { values, complete: valid };
  };

  const declares = (path: readonly string[]): boolean => {
    let current: JsonValue | undefined = schema;
    for (const name of path) {
      const properties: JsonValue | undefined = isJsonObject(current) && Object.hasOwn(current, 'properties') ? current.properties : undefined;
      if (!isJsonObject(properties) || !Object.hasOwn(properties, name)) return false;
      current = properties[name];
    }
    return true;
  };

  return { schema, validate, defaults, declares };
}

/**
 * Compiling builds code with ajv, which costs milliseconds: the service keeps the compiled schemas of
 * recent versions, keyed by their text, least recently used out first.
 */
export function cachingCompiler(capacity = 200, compile: ParameterCompiler = compileParameters): ParameterCompiler {
  const cache = new Map<string, CompiledParameters>();
  return (schema) => {
    const key = createHash('sha256')
      .update(JSON.stringify(schema) ?? '')
      .digest('base64url');
    const hit = cache.get(key);
    if (hit !== undefined) {
      cache.delete(key);
      cache.set(key, hit);
      return hit;
    }
    const compiled = compile(schema);
    cache.set(key, compiled);
    if (cache.size > capacity) cache.delete(cache.keys().next().value!);
    return compiled;
  };
}
