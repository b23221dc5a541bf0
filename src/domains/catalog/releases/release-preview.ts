import { maskDriftedField, maskText } from './hidden-values.js';
import { keyOf, refOf } from './manifests.js';
import { asStored, driftOf, objectDiff, projectOnto } from './object-diff.js';
import type { ObjectDrift, PreviewObject, PreviewOutcome } from './operations.js';
import type { ObjectRef } from './ports.js';
import type { RevisionRecord } from './records.js';
import type { JsonObject } from '../rendering/json.js';

/**
 * A preview against what runs: each object to apply, read live and compared on the fields the
 * release applies (or would), what would be pruned, and the drift of the current revision.
 */
export async function comparePreview(
  read: (ref: ObjectRef) => Promise<JsonObject | null>,
  current: RevisionRecord,
  desired: readonly JsonObject[],
  secrets: readonly string[],
): Promise<Pick<PreviewOutcome, 'objects' | 'drift'>> {
  const ours = new Map(current.inventory.map((item) => [keyOf(item), item]));
  const applied = new Map(current.manifests.map((manifest) => [keyOf(refOf(manifest)), manifest]));
  const desiredKeys = new Set(desired.map((manifest) => keyOf(refOf(manifest))));
  const [liveDesired, liveStale, liveInventory] = await Promise.all([
    Promise.all(desired.map((manifest) => read(refOf(manifest)))),
    Promise.all(current.inventory.filter((item) => !desiredKeys.has(keyOf(item))).map(async (item) => ({ item, live: await read(item) }))),
    Promise.all(current.inventory.map(async (item) => ({ item, live: await read(item) }))),
  ]);
  const objects: PreviewObject[] = desired.map((manifest, index) => {
    const ref = refOf(manifest);
    const live = liveDesired[index] ?? null;
    const owned = ours.get(keyOf(ref));
    const base = { apiVersion: ref.apiVersion, kind: ref.kind, namespace: ref.namespace, name: ref.name };
    if (live === null) return { ...base, change: 'CREATE' as const, diff: maskText(objectDiff(null, manifest), secrets) };
    if (owned === undefined || owned.uid !== (live.metadata as JsonObject | undefined)?.uid) return { ...base, change: 'CONFLICT' as const, diff: '' };
    const previous = applied.get(keyOf(ref));
    const now = projectOnto(live, [previous === undefined ? undefined : asStored(previous), asStored(manifest)]) as JsonObject;
    const diff = maskText(
      objectDiff({ ...now, apiVersion: ref.apiVersion, kind: ref.kind }, manifest, { before: `${ref.kind} ${ref.name} (live)`, after: `${ref.kind} ${ref.name} (preview)` }),
      secrets,
    );
    return { ...base, change: diff === '' ? ('UNCHANGED' as const) : ('UPDATE' as const), diff };
  });
  for (const { item, live } of liveStale) {
    if (live === null || (live.metadata as JsonObject | undefined)?.uid !== item.uid) continue;
    const previous = applied.get(keyOf(item));
    const before = projectOnto(live, [previous === undefined ? undefined : asStored(previous)]) as JsonObject;
    objects.push({
      apiVersion: item.apiVersion,
      kind: item.kind,
      namespace: item.namespace,
      name: item.name,
      change: 'DELETE',
      diff: maskText(objectDiff({ ...before, apiVersion: item.apiVersion, kind: item.kind }, null), secrets),
    });
  }
  const drift: ObjectDrift[] = [];
  for (const { item, live } of liveInventory) {
    const manifest = applied.get(keyOf(item));
    if (live === null || manifest === undefined || (live.metadata as JsonObject | undefined)?.uid !== item.uid) continue;
    const fields = driftOf(manifest, live).map((field) => maskDriftedField(field, secrets));
    if (fields.length > 0) drift.push({ object: item, fields });
  }
  return { objects, drift };
}
