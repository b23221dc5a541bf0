/** JSON values as templates, parameter schemas and values hold them: plain data, nothing else. */
export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** Assigning this key changes an object's prototype: refused wherever a key comes from outside. */
export const PROTOTYPE_KEY = '__proto__';

export interface JsonLimits {
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Values (scalars, arrays and objects) in all; aliases copied out of YAML count each time. */
  readonly maxNodes: number;
}

/** Where a value breaks the rules: `path` is inside the value handed to `toPlainJson`. */
export class JsonShapeError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path === '' ? 'the value' : path}: ${reason}`);
    this.name = 'JsonShapeError';
  }
}

const IDENTIFIER = /^[A-Za-z_$][\w$-]*$/;

/** `spec.containers[0].image`, `metadata.labels["app.kubernetes.io/name"]`. */
export function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  if (IDENTIFIER.test(key)) return path === '' ? key : `${path}.${key}`;
  return `${path}[${JSON.stringify(key)}]`;
}

/**
 * The value at a path `childPath` wrote, or undefined. A string met on the way is the answer: in a
 * template, the whole-value placeholder the rest of the path was rendered from.
 */
export function valueAt(root: JsonValue, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = root;
  for (const [, name, index, quoted] of path.matchAll(/\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (typeof current === 'string') return current;
    if (index !== undefined) current = Array.isArray(current) ? current[Number(index)] : undefined;
    else {
      const key = name ?? (JSON.parse(quoted!) as string);
      current = isJsonObject(current) && Object.hasOwn(current, key) ? current[key] : undefined;
    }
    if (current === undefined) return undefined;
  }
  return current;
}

export function isJsonObject(value: unknown): value is JsonObject {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Writes an own property even for a key like `__proto__` (plain assignment would change the prototype instead). */
export function setOwn(target: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A deep copy of `value` as plain JSON — objects with a plain prototype, arrays, strings, finite
 * numbers, booleans, null — within `limits`. Anything else (dates, maps, byte arrays, Infinity, a
 * `__proto__` key, getters) is refused with the path where it sits, so nothing from outside reaches
 * a prototype or runs code when read.
 */
export function toPlainJson(value: unknown, limits: JsonLimits, path = ''): JsonValue {
  let nodes = 0;
  const copy = (item: unknown, at: string, depth: number): JsonValue => {
    nodes += 1;
    if (nodes > limits.maxNodes) throw new JsonShapeError(at, `too large: more than ${limits.maxNodes} values in all`);
    if (item === null || typeof item === 'string' || typeof item === 'boolean') return item;
    if (typeof item === 'number') {
      if (!Number.isFinite(item)) throw new JsonShapeError(at, `${String(item)} is not a JSON number`);
      return item;
    }
    if (typeof item !== 'object') throw new JsonShapeError(at, `a ${typeof item} is not JSON data`);
    if (depth >= limits.maxDepth) throw new JsonShapeError(at, `nested more than ${limits.maxDepth} levels deep`);
    if (Array.isArray(item)) return item.map((element, index) => copy(element, childPath(at, index), depth + 1));
    const prototype = Object.getPrototypeOf(item) as unknown;
    if (prototype !== Object.prototype && prototype !== null) throw new JsonShapeError(at, `a ${item.constructor?.name ?? 'non-plain'} object is not JSON data`);
    const result: JsonObject = {};
    for (const key of Object.keys(item)) {
      if (key === PROTOTYPE_KEY) throw new JsonShapeError(childPath(at, key), 'the key __proto__ is not allowed');
      const descriptor = Object.getOwnPropertyDescriptor(item, key);
      if (descriptor === undefined || !('value' in descriptor)) throw new JsonShapeError(childPath(at, key), 'not a data property');
      setOwn(result, key, copy(descriptor.value, childPath(at, key), depth + 1));
    }
    return result;
  };
  return copy(value, path, 0);
}

/** Size in UTF-8 bytes of the JSON text of a value. */
export function jsonBytes(value: JsonValue): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}
