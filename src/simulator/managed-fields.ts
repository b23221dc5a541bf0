/**
 * `metadata.managedFields` as the apiserver keeps it: one entry per manager, operation and
 * subresource, each owning a set of fields. Updates (POST, PUT, non-apply PATCH) take over what
 * they changed; server-side apply owns exactly what it applied, conflicts with other owners of
 * fields it would change (unless forced), and removes what it stopped applying when nobody else
 * owns it.
 */
import { ApiError } from './api-errors.js';
import {
  compareObjects,
  describePath,
  difference,
  fieldSetOf,
  fromFieldsV1,
  intersection,
  mergeApplied,
  ownsAtOrBelow,
  removeField,
  decodePath,
  toFieldsV1,
  union,
  type FieldSet,
} from './field-sets.js';

type Json = Record<string, unknown>;

export type Operation = 'Apply' | 'Update';

export interface ManagedFieldsEntry {
  manager: string;
  operation: Operation;
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Json;
  subresource?: string;
}

export interface Manager {
  readonly manager: string;
  readonly operation: Operation;
  readonly apiVersion: string;
  readonly time: string;
  readonly subresource: string | undefined;
  readonly fields: FieldSet;
}

export interface Writer {
  readonly manager: string;
  readonly apiVersion: string;
  readonly subresource?: string | undefined;
  readonly now: string;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function sameManager(left: Pick<Manager, 'manager' | 'operation' | 'subresource'>, right: Pick<Manager, 'manager' | 'operation' | 'subresource'>): boolean {
  return left.manager === right.manager && left.operation === right.operation && (left.subresource ?? '') === (right.subresource ?? '');
}

export function readManagers(metadata: { managedFields?: unknown }): Manager[] {
  const entries = Array.isArray(metadata.managedFields) ? (metadata.managedFields as unknown[]) : [];
  const managers: Manager[] = [];
  for (const entry of entries) {
    if (!isObject(entry) || typeof entry['manager'] !== 'string') continue;
    managers.push({
      manager: entry['manager'],
      operation: entry['operation'] === 'Apply' ? 'Apply' : 'Update',
      apiVersion: typeof entry['apiVersion'] === 'string' ? entry['apiVersion'] : '',
      time: typeof entry['time'] === 'string' ? entry['time'] : '',
      subresource: typeof entry['subresource'] === 'string' && entry['subresource'] !== '' ? entry['subresource'] : undefined,
      fields: fromFieldsV1(entry['fieldsV1']),
    });
  }
  return managers;
}

/** Sorted as the apiserver sorts them (Apply before Update, then by time and name); empty ones dropped. */
export function writeManagers(managers: readonly Manager[]): ManagedFieldsEntry[] {
  return managers
    .filter((entry) => entry.fields.size > 0)
    .sort(
      (left, right) =>
        left.operation.localeCompare(right.operation) ||
        left.time.localeCompare(right.time) ||
        left.manager.localeCompare(right.manager) ||
        (left.subresource ?? '').localeCompare(right.subresource ?? ''),
    )
    .map((entry) => ({
      manager: entry.manager,
      operation: entry.operation,
      apiVersion: entry.apiVersion,
      time: entry.time,
      fieldsType: 'FieldsV1' as const,
      fieldsV1: toFieldsV1(entry.fields),
      ...(entry.subresource === undefined ? {} : { subresource: entry.subresource }),
    }));
}

/** A metadata.managedFields the client sent that differs from the stored one replaces it (`[{}]` clears it). */
export function managersFromRequest(sent: unknown, stored: readonly Manager[]): Manager[] {
  if (!Array.isArray(sent)) return [...stored];
  const parsed = readManagers({ managedFields: sent });
  const same =
    parsed.length === stored.length && parsed.every((entry, index) => sameManager(entry, stored[index] as Manager) && sameSet(entry.fields, (stored[index] as Manager).fields));
  return same ? [...stored] : parsed;
}

function sameSet(left: FieldSet, right: FieldSet): boolean {
  return left.size === right.size && [...left].every((path) => right.has(path));
}

/** An Update (POST, PUT, non-apply PATCH): the writer owns what it changed; others lose it. */
export function recordUpdate(kind: string, managers: readonly Manager[], before: Json, after: Json, writer: Writer): Manager[] {
  const comparison = compareObjects(kind, before, after);
  const changed = union(comparison.added, comparison.modified);
  const self = { manager: writer.manager, operation: 'Update' as const, subresource: writer.subresource };
  const next: Manager[] = [];
  let own: Manager | undefined;
  for (const entry of managers) {
    if (sameManager(entry, self)) {
      own = entry;
      continue;
    }
    next.push({ ...entry, fields: difference(difference(entry.fields, changed), comparison.removed) });
  }
  const fields = union(difference(own?.fields ?? new Set(), comparison.removed), changed);
  const time = own !== undefined && sameSet(own.fields, fields) ? own.time : writer.now;
  next.push({ ...self, apiVersion: writer.apiVersion, time, fields });
  return next.filter((entry) => entry.fields.size > 0);
}

/** The set an applied configuration claims (422 when a keyed list item has no key or a duplicate one). */
export function appliedFieldSet(kind: string, applied: Json): FieldSet {
  return fieldSetOf(kind, applied);
}

export interface ApplyResult {
  readonly object: Json;
  readonly managers: Manager[];
}

export interface ApplyInput {
  readonly kind: string;
  /** The stored object. */
  readonly live: Json;
  /** The applied configuration, without the fields nobody owns. */
  readonly applied: Json;
  readonly managers: readonly Manager[];
  readonly writer: Writer;
  readonly force: boolean;
  /** Validation and defaulting of the merged object (what would be stored). */
  rebuild(merged: Json): Json;
}

/**
 * Server-side apply on an existing object: merge, prune what the applier no longer applies and no
 * one else owns, check conflicts against the other owners, and record the new ownership.
 */
export function serverSideApply(input: ApplyInput): ApplyResult {
  const { kind, live, applied, writer } = input;
  const self = { manager: writer.manager, operation: 'Apply' as const, subresource: writer.subresource };
  const previous = input.managers.find((entry) => sameManager(entry, self));
  const others = input.managers.filter((entry) => !sameManager(entry, self));
  const claimed = appliedFieldSet(kind, applied);
  const merged = mergeApplied(kind, live, applied);
  const stillOwned = union(claimed, ...others.map((entry) => entry.fields));
  for (const dropped of difference(previous?.fields ?? new Set(), claimed)) {
    if (!ownsAtOrBelow(stillOwned, dropped)) removeField(merged, decodePath(dropped));
  }
  const object = input.rebuild(merged);
  const comparison = compareObjects(kind, live, object);
  const changed = union(comparison.added, comparison.modified);
  const conflicts = others.map((entry) => ({ entry, fields: intersection(entry.fields, changed) })).filter((conflict) => conflict.fields.size > 0);
  if (conflicts.length > 0 && !input.force) throw applyConflict(conflicts);
  const next: Manager[] = others.map((entry) => ({ ...entry, fields: difference(difference(entry.fields, changed), comparison.removed) }));
  const time = previous !== undefined && sameSet(previous.fields, claimed) ? previous.time : writer.now;
  next.push({ ...self, apiVersion: writer.apiVersion, time, fields: claimed });
  return { object, managers: next.filter((entry) => entry.fields.size > 0) };
}

/** `"kubectl-create" using apps/v1 at <time>` for Update managers, `"kubectl"` for appliers. */
function printManager(entry: Manager): string {
  let text = JSON.stringify(entry.manager);
  if (entry.subresource !== undefined) text += ` with subresource ${JSON.stringify(entry.subresource)}`;
  if (entry.operation === 'Update') text += entry.time === '' ? ` using ${entry.apiVersion}` : ` using ${entry.apiVersion} at ${entry.time}`;
  return text;
}

/** 409 Conflict with one cause per field, worded as kube-apiserver words it. */
function applyConflict(conflicts: ReadonlyArray<{ entry: Manager; fields: FieldSet }>): ApiError {
  const flat = conflicts.flatMap(({ entry, fields }) => [...fields].sort().map((path) => ({ entry, field: describePath(path) })));
  let message: string;
  const first = flat[0];
  if (flat.length === 1 && first !== undefined) {
    message = `Apply failed with 1 conflict: conflict with ${printManager(first.entry)}: ${first.field}`;
  } else {
    const lines: string[] = [];
    for (const { entry, fields } of [...conflicts].sort((left, right) => printManager(left.entry).localeCompare(printManager(right.entry)))) {
      lines.push(`conflicts with ${printManager(entry)}:`);
      for (const path of [...fields].sort()) lines.push(`- ${describePath(path)}`);
    }
    message = `Apply failed with ${flat.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(409, 'Conflict', message, {
    causes: flat.map(({ entry, field }) => ({ reason: 'FieldManagerConflict', message: `conflict with ${printManager(entry)}`, field })),
  });
}
