import { childPath, isJsonObject, setOwn, type JsonObject, type JsonValue } from '../rendering/json.js';
import type { DriftedField } from './object-diff.js';

export const HIDDEN = '(hidden)';
/** Values shorter than this are not masked inside rendered text: "1" would mask every digit. */
const MIN_MASKED_LENGTH = 4;

/** Paths (`db.password`) of the parameters the schema marks `writeOnly: true` or `format: password`. */
export function hiddenPaths(schema: JsonValue, path = ''): string[] {
  if (!isJsonObject(schema)) return [];
  if (schema.writeOnly === true || schema.format === 'password') return path === '' ? [] : [path];
  const properties = schema.properties;
  if (!isJsonObject(properties)) return [];
  return Object.entries(properties).flatMap(([name, property]) => hiddenPaths(property, childPath(path, name)));
}

function valueAtPath(values: JsonObject, path: string): JsonValue | undefined {
  let current: JsonValue | undefined = values;
  for (const name of path.split('.')) {
    if (!isJsonObject(current) || !Object.hasOwn(current, name)) return undefined;
    current = current[name];
  }
  return current;
}

/** The values with hidden parameters replaced by "(hidden)". */
export function maskValues(values: JsonObject, paths: readonly string[]): JsonObject {
  if (paths.length === 0) return values;
  const copy = structuredClone(values);
  for (const path of paths) {
    const names = path.split('.');
    let current: JsonValue | undefined = copy;
    for (const name of names.slice(0, -1)) current = isJsonObject(current) ? current[name] : undefined;
    const last = names[names.length - 1]!;
    if (isJsonObject(current) && Object.hasOwn(current, last)) setOwn(current, last, HIDDEN);
  }
  return copy;
}

/** The texts of hidden values, to mask wherever rendered manifests show them (an env value, a config line). */
export function hiddenTexts(values: JsonObject, paths: readonly string[]): string[] {
  return paths
    .map((path) => valueAtPath(values, path))
    .filter((value): value is string | number => (typeof value === 'string' || typeof value === 'number') && String(value).length >= MIN_MASKED_LENGTH)
    .map(String);
}

export function maskText(text: string, secrets: readonly string[]): string {
  let masked = text;
  // Longest first: a secret that contains another is masked whole.
  for (const secret of [...secrets].sort((a, b) => b.length - a.length)) masked = masked.split(secret).join(HIDDEN);
  return masked;
}

/** Every text inside a JSON value masked: a drifted field may be a whole list or object (container args, a config map's data). */
function maskDeep(value: JsonValue, secrets: readonly string[]): JsonValue {
  if (typeof value === 'string') return maskText(value, secrets);
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, secrets));
  if (isJsonObject(value)) {
    const masked: JsonObject = {};
    for (const [name, item] of Object.entries(value)) setOwn(masked, name, maskDeep(item, secrets));
    return masked;
  }
  return value;
}

/** A drifted field as a caller may see it: hidden values masked on both sides. */
export function maskDriftedField(field: DriftedField, secrets: readonly string[]): DriftedField {
  if (secrets.length === 0) return field;
  return { ...field, applied: maskDeep(field.applied, secrets), live: field.live === undefined ? undefined : maskDeep(field.live, secrets) };
}
