import { createHash } from 'node:crypto';
import { stringify } from 'yaml';
import { childPath, isJsonObject, setOwn, type JsonObject, type JsonValue } from '../rendering/json.js';
import { describeRef, refOf } from './manifests.js';
import { unifiedDiff } from './text-diff.js';

/** The field manager every release applies under. */
export const FIELD_MANAGER = 'kda-gateway';

/** Fields that identify items of a list, in the order tried (Kubernetes' list-map keys for the kinds a package holds). */
const LIST_KEYS = ['mountPath', 'containerPort', 'port', 'name', 'devicePath'] as const;

/** The field that keys a list's items, when every item is an object that has it. */
function listKey(items: readonly JsonValue[]): string | null {
  if (items.length === 0 || !items.every(isJsonObject)) return null;
  for (const key of LIST_KEYS) if (items.every((item) => isJsonObject(item) && item[key] !== undefined)) return key;
  return null;
}

/** A Secret value as text (checked strings at render; anything else as its JSON). */
function scalarText(value: JsonValue): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

function maskSecretValue(bytes: Buffer): string {
  return `(hidden: ${bytes.length} bytes, sha256 ${createHash('sha256').update(bytes).digest('hex').slice(0, 12)})`;
}

/**
 * A Secret as diffs and drift see it: `stringData` folded into `data` (as the API server stores it),
 * every value replaced by its size and a short hash, so a change shows without its content.
 */
export function maskSecret(manifest: JsonObject): JsonObject {
  if (manifest.kind !== 'Secret') return manifest;
  const copy: JsonObject = { ...manifest };
  const data: JsonObject = {};
  if (isJsonObject(manifest.data)) for (const [key, value] of Object.entries(manifest.data)) setOwn(data, key, maskSecretValue(Buffer.from(scalarText(value), 'base64')));
  if (isJsonObject(manifest.stringData)) for (const [key, value] of Object.entries(manifest.stringData)) setOwn(data, key, maskSecretValue(Buffer.from(scalarText(value), 'utf8')));
  delete copy.stringData;
  if (Object.keys(data).length > 0 || manifest.data !== undefined || manifest.stringData !== undefined) copy.data = data;
  return copy;
}

/** YAML of one object for diffs: keys sorted (live objects and templates order them differently), secrets masked. */
export function diffYaml(manifest: JsonObject | null): string {
  if (manifest === null) return '';
  return stringify(maskSecret(manifest), { sortMapEntries: true, lineWidth: 0, minContentWidth: 0, aliasDuplicateObjects: false });
}

/** "apps/v1 Deployment shop/web" for diff headers. */
export function diffLabel(manifest: JsonObject): string {
  const ref = refOf(manifest);
  return `${ref.apiVersion} ${describeRef(ref)}`;
}

/** The unified diff of one object between two renderings (either may be absent). */
export function objectDiff(before: JsonObject | null, after: JsonObject | null, labels?: { readonly before: string; readonly after: string }): string {
  const label = diffLabel((after ?? before)!);
  return unifiedDiff(diffYaml(before), diffYaml(after), labels ?? { before: label, after: label });
}

/** Every object's diff between two renderings, in the order of `after` then what only `before` had. */
export function renderingDiff(before: readonly JsonObject[], after: readonly JsonObject[], names: { readonly before: string; readonly after: string }): string {
  const key = (manifest: JsonObject) => describeRef(refOf(manifest));
  const previous = new Map(before.map((manifest) => [key(manifest), manifest]));
  const current = new Set(after.map(key));
  const parts: string[] = [];
  for (const manifest of after) {
    const label = diffLabel(manifest);
    parts.push(objectDiff(previous.get(key(manifest)) ?? null, manifest, { before: `${label} (${names.before})`, after: `${label} (${names.after})` }));
  }
  for (const manifest of before) {
    if (current.has(key(manifest))) continue;
    const label = diffLabel(manifest);
    parts.push(objectDiff(manifest, null, { before: `${label} (${names.before})`, after: `${label} (${names.after}: removed)` }));
  }
  return parts.join('');
}

/** A Secret as the API server stores it: `stringData` folded into `data` (base64). Other kinds unchanged. */
export function asStored(manifest: JsonObject): JsonObject {
  if (manifest.kind !== 'Secret' || !isJsonObject(manifest.stringData)) return manifest;
  const data: JsonObject = isJsonObject(manifest.data) ? { ...manifest.data } : {};
  for (const [key, value] of Object.entries(manifest.stringData)) setOwn(data, key, Buffer.from(scalarText(value), 'utf8').toString('base64'));
  const { stringData: _folded, ...rest } = manifest;
  return { ...rest, data };
}

/**
 * The part of a live object that the shapes (manifests applied or to apply) speak of: what the
 * API server added on its own (defaults, status, managedFields) is left out, so a diff against a
 * manifest shows what would change, not the server's bookkeeping.
 */
export function projectOnto(live: JsonValue | undefined, shapes: readonly (JsonValue | undefined)[]): JsonValue | undefined {
  const present = shapes.filter((shape): shape is JsonValue => shape !== undefined);
  if (live === undefined || present.length === 0) return undefined;
  if (isJsonObject(live)) {
    const objects = present.filter(isJsonObject);
    if (objects.length === 0) return live;
    const result: JsonObject = {};
    const keys = new Set(objects.flatMap((shape) => Object.keys(shape)));
    for (const key of keys) {
      if (!Object.hasOwn(live, key)) continue;
      const projected = projectOnto(
        live[key],
        objects.map((shape) => shape[key]),
      );
      if (projected !== undefined) setOwn(result, key, projected);
    }
    return result;
  }
  if (Array.isArray(live)) {
    const lists = present.filter((shape): shape is JsonValue[] => Array.isArray(shape));
    const key = listKey(live);
    if (lists.length === 0 || key === null) return live;
    const wanted = new Map<string, JsonValue[]>();
    for (const item of lists.flat()) {
      if (!isJsonObject(item) || item[key] === undefined) continue;
      const id = JSON.stringify(item[key]);
      wanted.set(id, [...(wanted.get(id) ?? []), item]);
    }
    return live.filter((item) => wanted.has(JSON.stringify((item as JsonObject)[key]))).map((item) => projectOnto(item, wanted.get(JSON.stringify((item as JsonObject)[key]))!)!);
  }
  return live;
}

const QUANTITY = /^([+-]?\d+(?:\.\d*)?|[+-]?\.\d+)(m|Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;
const SCALE: Readonly<Record<string, number>> = {
  '': 1,
  m: 1e-3,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

function quantityValue(value: JsonValue | undefined): number | null {
  if (typeof value !== 'string') return null;
  const match = QUANTITY.exec(value);
  return match === null ? null : Number(match[1]) * SCALE[match[2] ?? '']!;
}

/** Equal as the API server means them: "0.5" and "500m" are one quantity, an integer and its text one port. */
function sameValue(applied: JsonValue, live: JsonValue | undefined): boolean {
  if (applied === live) return true;
  // `creationTimestamp: null` and the like, as exported YAML carries them: the server stores nothing.
  if (live === undefined) return applied === null;
  if (typeof applied === 'number' && typeof live === 'string') return String(applied) === live;
  const a = quantityValue(applied);
  const b = quantityValue(live);
  return a !== null && b !== null && Math.abs(a - b) <= Math.abs(a) * 1e-12;
}

/** A field whose live value is not what the release last applied. */
export interface DriftedField {
  /** e.g. `spec.replicas`, `spec.template.spec.containers[name=web].image`. */
  readonly path: string;
  readonly applied: JsonValue;
  /** Absent: the field was removed. */
  readonly live: JsonValue | undefined;
  /** The field manager that owns the field now (who changed it), when the object says. */
  readonly manager: string | null;
}

type PathStep = { readonly field: string } | { readonly key: string; readonly value: JsonValue } | { readonly index: number };

function describeSteps(steps: readonly PathStep[]): string {
  let path = '';
  for (const step of steps) {
    if ('field' in step) path = childPath(path, step.field);
    else if ('key' in step) path += `[${step.key}=${typeof step.value === 'string' ? step.value : JSON.stringify(step.value)}]`;
    else path = childPath(path, step.index);
  }
  return path;
}

/** Which manager's fieldsV1 owns the field at `steps` (not our own), if any. */
function ownerOf(live: JsonObject, steps: readonly PathStep[]): string | null {
  const metadata = isJsonObject(live.metadata) ? live.metadata : {};
  const entries = Array.isArray(metadata.managedFields) ? metadata.managedFields.filter(isJsonObject) : [];
  for (const entry of entries) {
    if (entry.manager === FIELD_MANAGER || !isJsonObject(entry.fieldsV1)) continue;
    let node: JsonValue | undefined = entry.fieldsV1;
    for (const step of steps) {
      if (!isJsonObject(node)) break;
      const current: JsonObject = node;
      if ('field' in step) node = current[`f:${step.field}`];
      else if ('index' in step) node = current[`i:${step.index}`];
      else
        node = Object.entries(current).find(([name]) => {
          if (!name.startsWith('k:')) return false;
          try {
            const parsed = JSON.parse(name.slice(2)) as JsonValue;
            return isJsonObject(parsed) && JSON.stringify(parsed[step.key]) === JSON.stringify(step.value);
          } catch {
            return false;
          }
        })?.[1];
    }
    if (node !== undefined && isJsonObject(node)) return typeof entry.manager === 'string' ? entry.manager : null;
  }
  return null;
}

/**
 * The fields the release applied whose live value differs now: changed, or removed, by someone
 * else since the last apply. Only what the release set is compared, so defaults and fields other
 * managers added are not drift.
 */
export function driftOf(applied: JsonObject, live: JsonObject): DriftedField[] {
  const found: DriftedField[] = [];
  const want = maskSecret(applied);
  const have = maskSecret(live);
  const visit = (wanted: JsonValue, actual: JsonValue | undefined, steps: PathStep[]): void => {
    if (isJsonObject(wanted)) {
      if (!isJsonObject(actual)) {
        if (Object.keys(wanted).length > 0 || (actual !== undefined && actual !== null))
          found.push({ path: describeSteps(steps), applied: wanted, live: actual, manager: ownerOf(live, steps) });
        return;
      }
      for (const [key, value] of Object.entries(wanted)) {
        if (steps.length === 1 && 'field' in steps[0]! && steps[0].field === 'metadata' && key === 'namespace') continue;
        visit(value, Object.hasOwn(actual, key) ? actual[key] : undefined, [...steps, { field: key }]);
      }
      return;
    }
    if (Array.isArray(wanted)) {
      const key = listKey(wanted);
      if (key !== null && Array.isArray(actual)) {
        for (const item of wanted as JsonObject[]) {
          const match = actual.find((candidate) => isJsonObject(candidate) && JSON.stringify(candidate[key]) === JSON.stringify(item[key]));
          visit(item, match, [...steps, { key, value: item[key]! }]);
        }
        return;
      }
      if (!Array.isArray(actual) || actual.length !== wanted.length) {
        found.push({ path: describeSteps(steps), applied: wanted, live: actual, manager: ownerOf(live, steps) });
        return;
      }
      wanted.forEach((item, index) => visit(item, actual[index], [...steps, { index }]));
      return;
    }
    if (!sameValue(wanted, actual)) found.push({ path: describeSteps(steps), applied: wanted, live: actual, manager: ownerOf(live, steps) });
  };
  for (const [key, value] of Object.entries(want)) {
    if (key === 'apiVersion' || key === 'kind') continue;
    visit(value, Object.hasOwn(have, key) ? have[key] : undefined, [{ field: key }]);
  }
  return found;
}
