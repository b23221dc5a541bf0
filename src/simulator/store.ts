/**
 * The simulated etcd: objects per resource in Maps keyed by namespace/name, one global
 * resourceVersion, and a bounded history of change events for resuming watches and serving
 * consistent paged lists. Stored objects are never mutated: every change stores a new object, so
 * events, snapshots and list pages can share references without copying.
 */
import { canonicalJson } from './controllers/context.js';
import type { KubeObject, ObjectTypes } from './object-types.js';
import { objectKey, resourceNames, type ResourceName } from './resources.js';

export type ObjectFor<R extends ResourceName> = ObjectTypes[R];

export type ChangeType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface ChangeEvent {
  readonly resourceVersion: number;
  readonly resource: ResourceName;
  readonly type: ChangeType;
  /** State after the change; for DELETED the last state, stamped with the deletion's version. */
  readonly object: KubeObject;
  /** State before the change (MODIFIED, DELETED). */
  readonly previous: KubeObject | undefined;
  /** Serialized watch lines by variant, filled lazily so each variant is encoded once per event. */
  serialized?: Map<string, string>;
}

export class ResourceVersionTooOld extends Error {
  constructor(readonly requested: number) {
    super(`too old resource version: ${requested}`);
    this.name = 'ResourceVersionTooOld';
  }
}

export class ObjectConflict extends Error {}
export class ObjectMissing extends Error {}

/**
 * Objects of one resource, plus an index for O(1) random picks (the scenario needs them) and one
 * by owner uid, so controllers and the garbage collector find dependents without scanning.
 */
class Collection {
  readonly objects = new Map<string, KubeObject>();
  readonly byNamespace = new Map<string, Map<string, KubeObject>>();
  readonly byOwner = new Map<string, Set<string>>();
  private readonly keys: string[] = [];
  private readonly keyPositions = new Map<string, number>();

  set(key: string, object: KubeObject): void {
    if (!this.keyPositions.has(key)) {
      this.keyPositions.set(key, this.keys.length);
      this.keys.push(key);
    }
    const previous = this.objects.get(key);
    if (previous !== undefined) this.unindexOwners(key, previous);
    for (const owner of object.metadata.ownerReferences ?? []) {
      let keys = this.byOwner.get(owner.uid);
      if (!keys) {
        keys = new Set();
        this.byOwner.set(owner.uid, keys);
      }
      keys.add(key);
    }
    this.objects.set(key, object);
    const namespace = object.metadata.namespace;
    if (namespace !== undefined) {
      let names = this.byNamespace.get(namespace);
      if (!names) {
        names = new Map();
        this.byNamespace.set(namespace, names);
      }
      names.set(object.metadata.name, object);
    }
  }

  private unindexOwners(key: string, object: KubeObject): void {
    for (const owner of object.metadata.ownerReferences ?? []) {
      const keys = this.byOwner.get(owner.uid);
      keys?.delete(key);
      if (keys?.size === 0) this.byOwner.delete(owner.uid);
    }
  }

  delete(key: string, object: KubeObject): void {
    this.unindexOwners(key, object);
    this.objects.delete(key);
    const position = this.keyPositions.get(key);
    if (position !== undefined) {
      const last = this.keys.pop();
      if (last !== undefined && last !== key) {
        this.keys[position] = last;
        this.keyPositions.set(last, position);
      }
      this.keyPositions.delete(key);
    }
    const namespace = object.metadata.namespace;
    if (namespace !== undefined) {
      const names = this.byNamespace.get(namespace);
      names?.delete(object.metadata.name);
      if (names?.size === 0) this.byNamespace.delete(namespace);
    }
  }

  randomKey(random: () => number): string | undefined {
    if (this.keys.length === 0) return undefined;
    return this.keys[Math.floor(random() * this.keys.length)];
  }
}

/** A mutated copy of `previous` with its identity kept and its generation bumped on a spec change. */
function nextVersionOf<T extends KubeObject>(previous: T, mutate: (draft: T) => void): T {
  const draft = structuredClone(previous);
  mutate(draft);
  draft.metadata.name = previous.metadata.name;
  if (previous.metadata.namespace !== undefined) draft.metadata.namespace = previous.metadata.namespace;
  draft.metadata.resourceVersion = previous.metadata.resourceVersion;
  const generation = previous.metadata.generation;
  if (generation !== undefined && 'spec' in previous && 'spec' in draft && canonicalJson(previous.spec) !== canonicalJson(draft.spec)) {
    draft.metadata.generation = generation + 1;
  } else if (generation !== undefined && draft.metadata.generation === undefined) {
    draft.metadata.generation = generation;
  }
  return draft;
}

export class ObjectStore {
  private revision = 1;
  private readonly collections = Object.fromEntries(resourceNames.map((name) => [name, new Collection()])) as Record<ResourceName, Collection>;
  private history: ChangeEvent[] = [];
  private historyStart = 0;
  /** Every event with a resourceVersion above this one is still in `history`. */
  private retainedAfter = 0;

  constructor(
    private readonly historyLimit: number,
    private readonly onChange: (event: ChangeEvent) => void,
  ) {}

  get resourceVersion(): number {
    return this.revision;
  }

  /** Oldest resourceVersion a watch may resume from or a snapshot may be taken at. */
  get oldestResumable(): number {
    return this.retainedAfter;
  }

  get<R extends ResourceName>(resource: R, key: string): ObjectFor<R> | undefined {
    return this.collections[resource].objects.get(key) as ObjectFor<R> | undefined;
  }

  objects<R extends ResourceName>(resource: R, namespace?: string): Iterable<ObjectFor<R>> {
    const collection = this.collections[resource];
    const source = namespace === undefined ? collection.objects : (collection.byNamespace.get(namespace) ?? new Map());
    return source.values() as Iterable<ObjectFor<R>>;
  }

  count(resource: ResourceName, namespace?: string): number {
    const collection = this.collections[resource];
    return namespace === undefined ? collection.objects.size : (collection.byNamespace.get(namespace)?.size ?? 0);
  }

  randomKey(resource: ResourceName, random: () => number): string | undefined {
    return this.collections[resource].randomKey(random);
  }

  /** Objects of `resource` that name `ownerUid` in their ownerReferences. */
  dependents<R extends ResourceName>(resource: R, ownerUid: string): Array<ObjectFor<R>> {
    const collection = this.collections[resource];
    const found: Array<ObjectFor<R>> = [];
    for (const key of collection.byOwner.get(ownerUid) ?? []) {
      const object = collection.objects.get(key);
      if (object !== undefined) found.push(object as ObjectFor<R>);
    }
    return found;
  }

  /** Stores a new object; the store stamps its resourceVersion. */
  create<R extends ResourceName>(resource: R, object: ObjectFor<R>): ObjectFor<R> {
    const key = objectKey(object.metadata.namespace, object.metadata.name);
    if (this.collections[resource].objects.has(key)) throw new ObjectConflict(`${resource} "${object.metadata.name}" already exists`);
    const revision = this.nextRevision();
    object.metadata.resourceVersion = String(revision);
    this.collections[resource].set(key, object);
    this.record({ resourceVersion: revision, resource, type: 'ADDED', object, previous: undefined });
    return object;
  }

  /** Replaces an object by a mutated copy; the stored original is never touched. */
  update<R extends ResourceName>(resource: R, key: string, mutate: (draft: ObjectFor<R>) => void): ObjectFor<R> {
    const previous = this.get(resource, key);
    if (previous === undefined) throw new ObjectMissing(`${resource} "${key}" not found`);
    const draft = nextVersionOf(previous, mutate);
    const revision = this.nextRevision();
    draft.metadata.resourceVersion = String(revision);
    this.collections[resource].set(key, draft);
    this.record({ resourceVersion: revision, resource, type: 'MODIFIED', object: draft, previous });
    return draft;
  }

  /** What `update` would store (generation included), without storing it: a dry run. */
  preview<R extends ResourceName>(resource: R, key: string, mutate: (draft: ObjectFor<R>) => void): ObjectFor<R> {
    const previous = this.get(resource, key);
    if (previous === undefined) throw new ObjectMissing(`${resource} "${key}" not found`);
    return nextVersionOf(previous, mutate);
  }

  delete<R extends ResourceName>(resource: R, key: string): ObjectFor<R> {
    const previous = this.get(resource, key);
    if (previous === undefined) throw new ObjectMissing(`${resource} "${key}" not found`);
    const revision = this.nextRevision();
    const last = structuredClone(previous);
    last.metadata.resourceVersion = String(revision);
    this.collections[resource].delete(key, previous);
    this.record({ resourceVersion: revision, resource, type: 'DELETED', object: last, previous });
    return last;
  }

  /** Events after `resourceVersion`, oldest first; throws when history no longer reaches back that far. */
  *eventsAfter(resourceVersion: number): Generator<ChangeEvent> {
    if (resourceVersion < this.retainedAfter) throw new ResourceVersionTooOld(resourceVersion);
    // Binary search for the first event newer than resourceVersion.
    let low = this.historyStart;
    let high = this.history.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if ((this.history[middle]?.resourceVersion ?? 0) <= resourceVersion) low = middle + 1;
      else high = middle;
    }
    const end = this.history.length;
    for (let index = low; index < end; index += 1) {
      const event = this.history[index];
      if (event) yield event;
    }
  }

  /** The objects of a resource as they were at `resourceVersion`, rebuilt by undoing later events. */
  snapshotAt<R extends ResourceName>(resource: R, resourceVersion: number, namespace?: string): Map<string, ObjectFor<R>> {
    const later = [...this.eventsAfter(resourceVersion)].filter(
      (event) => event.resource === resource && (namespace === undefined || event.object.metadata.namespace === namespace),
    );
    const snapshot = new Map<string, ObjectFor<R>>();
    for (const object of this.objects(resource, namespace)) {
      snapshot.set(objectKey(object.metadata.namespace, object.metadata.name), object);
    }
    for (let index = later.length - 1; index >= 0; index -= 1) {
      const event = later[index];
      if (!event) continue;
      const key = objectKey(event.object.metadata.namespace, event.object.metadata.name);
      if (event.type === 'ADDED') snapshot.delete(key);
      else if (event.previous) snapshot.set(key, event.previous as ObjectFor<R>);
    }
    return snapshot;
  }

  /** Forgets all history: any older resourceVersion is now too old. */
  compact(): void {
    this.history = [];
    this.historyStart = 0;
    this.retainedAfter = this.revision;
  }

  private nextRevision(): number {
    this.revision += 1;
    return this.revision;
  }

  private record(event: ChangeEvent): void {
    this.history.push(event);
    if (this.history.length - this.historyStart > this.historyLimit) {
      const dropped = this.history[this.historyStart];
      this.historyStart += 1;
      if (dropped) this.retainedAfter = dropped.resourceVersion;
      // Reclaim the dropped prefix in bulk so trimming stays amortized O(1).
      if (this.historyStart >= this.historyLimit) {
        this.history = this.history.slice(this.historyStart);
        this.historyStart = 0;
      }
    }
    this.onChange(event);
  }
}
