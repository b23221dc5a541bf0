/**
 * Field paths and sets as structured-merge-diff has them: a path is a list of elements (`f:name`
 * for a field, `k:{"name":"main"}` for an item of a keyed list, `v:"x"` for a member of a set), a
 * set holds the paths a manager owns. Also what the apiserver does with them: the set an object
 * stands for, the difference between two objects, merging an applied configuration into the live
 * object, and removing fields. Serialized as FieldsV1 in `metadata.managedFields`.
 */
import { canonicalJson } from './controllers/context.js';
import { isAtomicMap, isIgnoredField, listTypeOf, type ListType } from './field-schema.js';

type Json = Record<string, unknown>;

/** Paths encoded as their elements joined by NUL (no element can hold one: keys and values are JSON-escaped). */
export type FieldSet = Set<string>;

const SEPARATOR = '\u0000';

export function encodePath(path: readonly string[]): string {
  return path.join(SEPARATOR);
}

export function decodePath(encoded: string): string[] {
  return encoded === '' ? [] : encoded.split(SEPARATOR);
}

/** An item a keyed list cannot hold (no key, or a duplicate key): the apiserver answers 422. */
export class FieldPathError extends Error {}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The path element of a list item: `k:{...}` with the key fields sorted by name, or `v:<json>`. */
function itemElement(type: ListType, item: unknown, names: readonly string[]): string {
  if (type.type === 'set') return `v:${JSON.stringify(item)}`;
  if (type.type !== 'map' || !isObject(item)) throw new FieldPathError(`.${names.join('.')}: associative list items must be objects`);
  const key: Json = {};
  for (const field of [...type.keys].sort()) {
    const value = item[field] ?? type.defaults[field];
    if (value === undefined || value === null) {
      throw new FieldPathError(`.${names.join('.')}: associative list with keys has an element that omits key field "${field}" (and doesn't have default value)`);
    }
    key[field] = value;
  }
  return `k:${JSON.stringify(key)}`;
}

function elementOrUndefined(type: ListType, item: unknown, names: readonly string[]): string | undefined {
  try {
    return itemElement(type, item, names);
  } catch (error) {
    if (error instanceof FieldPathError) return undefined;
    throw error;
  }
}

interface Walk {
  readonly kind: string;
  readonly set: FieldSet;
  /** Every node, not only leaves and list items (what a newly added subtree contributes to a comparison). */
  readonly everyNode: boolean;
}

function visitMap(walk: Walk, map: Json, names: readonly string[], path: readonly string[]): void {
  for (const [field, child] of Object.entries(map)) {
    if (child === undefined || isIgnoredField(names, field)) continue;
    visitValue(walk, child, [...names, field], [...path, `f:${field}`]);
  }
}

function visitValue(walk: Walk, value: unknown, names: readonly string[], path: readonly string[]): void {
  const add = () => walk.set.add(encodePath(path));
  if (isObject(value)) {
    if (isAtomicMap(walk.kind, names)) return void add();
    if (walk.everyNode || Object.keys(value).length === 0) add();
    return visitMap(walk, value, names, path);
  }
  if (Array.isArray(value)) {
    const type = listTypeOf(names);
    if (type.type === 'atomic') return void add();
    if (walk.everyNode) add();
    const seen = new Set<string>();
    for (const item of value) {
      const element = itemElement(type, item, names);
      if (seen.has(element)) throw new FieldPathError(`.${names.join('.')}: duplicate entries for key ${describeElement(element)}`);
      seen.add(element);
      const itemPath = [...path, element];
      walk.set.add(encodePath(itemPath));
      if (type.type === 'map' && !type.atomicItems && isObject(item)) visitMap(walk, item, names, itemPath);
    }
    return;
  }
  add();
}

/** The paths an object (or an applied configuration) sets: its leaves and list items. */
export function fieldSetOf(kind: string, object: Json): FieldSet {
  const walk: Walk = { kind, set: new Set(), everyNode: false };
  visitMap(walk, object, [], []);
  return walk.set;
}

export interface Comparison {
  readonly added: FieldSet;
  readonly removed: FieldSet;
  readonly modified: FieldSet;
}

function addSubtree(kind: string, set: FieldSet, value: unknown, names: readonly string[], path: readonly string[]): void {
  visitValue({ kind, set, everyNode: true }, value, names, path);
}

function compareMaps(kind: string, before: Json, after: Json, names: readonly string[], path: readonly string[], out: Comparison): void {
  for (const field of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (isIgnoredField(names, field)) continue;
    compareValues(kind, before[field], after[field], [...names, field], [...path, `f:${field}`], out);
  }
}

function compareValues(kind: string, before: unknown, after: unknown, names: readonly string[], path: readonly string[], out: Comparison): void {
  if (before === undefined && after === undefined) return;
  if (before === undefined) return addSubtree(kind, out.added, after, names, path);
  if (after === undefined) return addSubtree(kind, out.removed, before, names, path);
  if (isObject(before) && isObject(after) && !isAtomicMap(kind, names)) return compareMaps(kind, before, after, names, path, out);
  if (Array.isArray(before) && Array.isArray(after)) {
    const type = listTypeOf(names);
    if (type.type !== 'atomic') return compareLists(kind, type, before, after, names, path, out);
  }
  if (canonicalJson(before) !== canonicalJson(after)) out.modified.add(encodePath(path));
}

function itemsByElement(type: ListType, items: readonly unknown[], names: readonly string[]): Map<string, unknown> {
  const found = new Map<string, unknown>();
  for (const item of items) {
    const element = elementOrUndefined(type, item, names);
    if (element !== undefined) found.set(element, item);
  }
  return found;
}

function compareLists(kind: string, type: ListType, before: unknown[], after: unknown[], names: readonly string[], path: readonly string[], out: Comparison): void {
  const left = itemsByElement(type, before, names);
  const right = itemsByElement(type, after, names);
  for (const element of new Set([...left.keys(), ...right.keys()])) {
    const itemPath = [...path, element];
    const leftItem = left.get(element);
    const rightItem = right.get(element);
    const granular = type.type === 'map' && !type.atomicItems;
    if (!left.has(element) || !right.has(element)) {
      const target = left.has(element) ? out.removed : out.added;
      target.add(encodePath(itemPath));
      const item = left.has(element) ? leftItem : rightItem;
      if (granular && isObject(item)) visitMap({ kind, set: target, everyNode: true }, item, names, itemPath);
    } else if (granular && isObject(leftItem) && isObject(rightItem)) {
      compareMaps(kind, leftItem, rightItem, names, itemPath, out);
    } else if (canonicalJson(leftItem) !== canonicalJson(rightItem)) {
      out.modified.add(encodePath(itemPath));
    }
  }
}

/** What changed from `before` to `after`, path by path (status and bookkeeping fields aside). */
export function compareObjects(kind: string, before: Json, after: Json): Comparison {
  const out: Comparison = { added: new Set(), removed: new Set(), modified: new Set() };
  compareMaps(kind, before, after, [], [], out);
  return out;
}

function mergeValue(kind: string, live: unknown, applied: unknown, names: readonly string[]): unknown {
  if (isObject(live) && isObject(applied) && !isAtomicMap(kind, names)) return mergeMaps(kind, live, applied, names);
  if (Array.isArray(live) && Array.isArray(applied)) return mergeLists(kind, live as unknown[], applied as unknown[], names);
  return structuredClone(applied);
}

/** Keyed lists merge item by item, sets take the union; any other list is replaced whole. */
function mergeLists(kind: string, live: unknown[], applied: unknown[], names: readonly string[]): unknown[] {
  const type = listTypeOf(names);
  if (type.type === 'set') return [...live, ...applied.filter((value) => !live.some((entry) => canonicalJson(entry) === canonicalJson(value)))];
  if (type.type !== 'map') return structuredClone(applied);
  const merged: unknown[] = live.map((item) => structuredClone(item));
  for (const item of applied) {
    const element = itemElement(type, item, names);
    const index = merged.findIndex((entry) => elementOrUndefined(type, entry, names) === element);
    const existing = merged[index];
    if (index < 0) merged.push(structuredClone(item));
    else merged[index] = !type.atomicItems && isObject(existing) && isObject(item) ? mergeMaps(kind, existing, item, names) : structuredClone(item);
  }
  return merged;
}

function mergeMaps(kind: string, live: Json, applied: Json, names: readonly string[]): Json {
  const merged: Json = { ...live };
  for (const [field, value] of Object.entries(applied)) {
    if (value === undefined) continue;
    if (value === null) delete merged[field];
    else merged[field] = mergeValue(kind, live[field], value, [...names, field]);
  }
  return merged;
}

/** The live object with an applied configuration merged in: fields set, keyed lists merged item by item. */
export function mergeApplied(kind: string, live: Json, applied: Json): Json {
  return mergeMaps(kind, live, applied, []);
}

/** Removes the value at `path` (a field, a list item or a set member), and containers left empty by it. */
export function removeField(object: Json, path: readonly string[]): void {
  removeIn(object, path, []);
}

function removeIn(container: Json | unknown[], path: readonly string[], names: readonly string[]): void {
  const [element, ...rest] = path;
  if (element === undefined) return;
  if (Array.isArray(container)) {
    const type = listTypeOf(names);
    const index = container.findIndex((item) => elementOrUndefined(type, item, names) === element);
    if (index < 0) return;
    if (rest.length === 0) container.splice(index, 1);
    else if (isObject(container[index])) removeIn(container[index], rest, names);
    return;
  }
  if (!element.startsWith('f:')) return;
  const field = element.slice(2);
  if (!Object.hasOwn(container, field)) return;
  if (rest.length === 0) {
    delete container[field];
    return;
  }
  const child = container[field];
  if (!isObject(child) && !Array.isArray(child)) return;
  removeIn(child, rest, [...names, field]);
  // A container emptied by the removal goes too (top-level metadata and spec stay).
  const empty = Array.isArray(child) ? child.length === 0 : Object.keys(child).length === 0;
  if (empty && names.length > 0) delete container[field];
}

/** `.spec.template.spec.containers[name="main"].image`, as conflicts name a field. */
export function describePath(encoded: string): string {
  return decodePath(encoded).map(describeElement).join('');
}

function describeElement(element: string): string {
  const body = element.slice(2);
  switch (element.slice(0, 2)) {
    case 'f:':
      return `.${body}`;
    case 'k:': {
      const key = JSON.parse(body) as Json;
      return `[${Object.entries(key)
        .map(([field, value]) => `${field}=${JSON.stringify(value)}`)
        .join(',')}]`;
    }
    case 'v:':
      return `[=${body}]`;
    default:
      return `[${body}]`;
  }
}

const ELEMENT_ORDER = ['.', 'f:', 'k:', 'v:', 'i:'];

function elementRank(element: string): number {
  const rank = ELEMENT_ORDER.indexOf(element === '.' ? '.' : element.slice(0, 2));
  return rank < 0 ? ELEMENT_ORDER.length : rank;
}

interface Trie {
  member: boolean;
  readonly children: Map<string, Trie>;
}

/** The FieldsV1 form: a tree of elements, `{}` for a leaf, `".": {}` for a member that has children. */
export function toFieldsV1(set: FieldSet): Json {
  const root: Trie = { member: false, children: new Map() };
  for (const encoded of set) {
    let node = root;
    for (const element of decodePath(encoded)) {
      let child = node.children.get(element);
      if (child === undefined) {
        child = { member: false, children: new Map() };
        node.children.set(element, child);
      }
      node = child;
    }
    node.member = true;
  }
  const render = (node: Trie): Json => {
    const out: Json = {};
    if (node.member && node.children.size > 0) out['.'] = {};
    const elements = [...node.children.keys()].sort((left, right) => elementRank(left) - elementRank(right) || (left < right ? -1 : left > right ? 1 : 0));
    for (const element of elements) out[element] = render(node.children.get(element) as Trie);
    return out;
  };
  return render(root);
}

export function fromFieldsV1(fields: unknown): FieldSet {
  const set: FieldSet = new Set();
  const walk = (node: unknown, path: readonly string[]): void => {
    if (!isObject(node)) return;
    const entries = Object.entries(node);
    if (path.length > 0 && (entries.length === 0 || Object.hasOwn(node, '.'))) set.add(encodePath(path));
    for (const [element, child] of entries) if (element !== '.') walk(child, [...path, element]);
  };
  walk(fields, []);
  return set;
}

/** Whether `set` holds `encoded` or anything below it. */
export function ownsAtOrBelow(set: FieldSet, encoded: string): boolean {
  if (set.has(encoded)) return true;
  const prefix = encoded === '' ? '' : encoded + SEPARATOR;
  for (const path of set) if (path.startsWith(prefix)) return true;
  return false;
}

export function difference(left: FieldSet, right: FieldSet): FieldSet {
  return new Set([...left].filter((path) => !right.has(path)));
}

export function intersection(left: FieldSet, right: FieldSet): FieldSet {
  return new Set([...left].filter((path) => right.has(path)));
}

export function union(...sets: FieldSet[]): FieldSet {
  return new Set(sets.flatMap((set) => [...set]));
}
