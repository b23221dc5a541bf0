/**
 * How objects leave the store, shared by the DELETE handler and the garbage collector: at once when
 * nothing holds them back, otherwise marked (deletionTimestamp) until their finalizers are gone.
 * `foregroundDeletion` is the garbage collector's own finalizer: the owner stays until its blocking
 * dependents are deleted.
 */
import type { ClusterState } from './cluster-state.js';
import type { OwnerReference } from './k8s-types.js';
import type { KubeObject } from './object-types.js';
import { objectKey, resourceNames, resourceOfKind, resourceTypes, type ResourceName } from './resources.js';
import type { ObjectStore } from './store.js';

export const FOREGROUND_FINALIZER = 'foregroundDeletion';

export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';

export const PROPAGATION_POLICIES: readonly PropagationPolicy[] = ['Foreground', 'Background', 'Orphan'];

export interface Dependent {
  readonly resource: ResourceName;
  readonly object: KubeObject;
}

/** Every object, of any resource, that names `ownerUid` in its ownerReferences. */
export function dependentsOf(store: ObjectStore, ownerUid: string): Dependent[] {
  const found: Dependent[] = [];
  for (const resource of resourceNames) {
    for (const object of store.dependents(resource, ownerUid)) found.push({ resource, object });
  }
  return found;
}

/** The object an owner reference points at, if it (that very uid) still exists. */
export function ownerOf(store: ObjectStore, reference: OwnerReference, dependent: KubeObject): { resource: ResourceName; object: KubeObject } | undefined {
  const resource = resourceOfKind(reference.kind);
  if (resource === undefined) return undefined;
  const namespace = resourceTypes[resource].namespaced ? dependent.metadata.namespace : undefined;
  const object = store.get(resource, objectKey(namespace, reference.name));
  return object?.metadata.uid === reference.uid ? { resource, object } : undefined;
}

/** Owners of kinds the simulator does not serve are taken to exist: the collector leaves their dependents alone. */
export function ownerExists(store: ObjectStore, reference: OwnerReference, dependent: KubeObject): boolean {
  return resourceOfKind(reference.kind) === undefined || ownerOf(store, reference, dependent) !== undefined;
}

export function isDeleting(object: KubeObject): boolean {
  return object.metadata.deletionTimestamp !== undefined;
}

export function hasFinalizer(object: KubeObject, finalizer: string): boolean {
  return object.metadata.finalizers?.includes(finalizer) === true;
}

/** Removes the object now: pods and nodes through the cluster state (node accounting), the rest from the store. */
export function deleteNow(store: ObjectStore, state: ClusterState, resource: ResourceName, object: KubeObject): KubeObject {
  const { namespace, name } = object.metadata;
  switch (resource) {
    case 'pods':
      return state.deletePod(namespace ?? '', name);
    case 'namespaces':
      state.removeNamespace(name);
      return object;
    case 'nodes':
      state.removeNode(name);
      return object;
    default:
      return store.delete(resource, objectKey(namespace, name));
  }
}

/** Sets deletionTimestamp (and bumps generation, as the apiserver does), adding `finalizer` if given. */
export function markDeleting(store: ObjectStore, resource: ResourceName, object: KubeObject, finalizer?: string): KubeObject {
  const first = !isDeleting(object);
  if (!first && (finalizer === undefined || hasFinalizer(object, finalizer))) return object;
  return store.update(resource, objectKey(object.metadata.namespace, object.metadata.name), (draft: KubeObject) => {
    if (first) {
      draft.metadata.deletionTimestamp = new Date().toISOString();
      draft.metadata.deletionGracePeriodSeconds = 0;
      if (draft.metadata.generation !== undefined) draft.metadata.generation += 1;
    }
    if (finalizer !== undefined && !hasFinalizer(draft, finalizer)) draft.metadata.finalizers = [...(draft.metadata.finalizers ?? []), finalizer];
  });
}

/** Deletes now, or marks when finalizers hold the object back. */
export function deleteOrMark(store: ObjectStore, state: ClusterState, resource: ResourceName, object: KubeObject): KubeObject {
  if ((object.metadata.finalizers ?? []).length > 0) return markDeleting(store, resource, object);
  return deleteNow(store, state, resource, object);
}

/** A marked object whose last finalizer went is deleted. */
export function deleteIfFinalized(store: ObjectStore, state: ClusterState, resource: ResourceName, object: KubeObject): KubeObject {
  if (!isDeleting(object) || (object.metadata.finalizers ?? []).length > 0) return object;
  return deleteNow(store, state, resource, object);
}

/** Orphan propagation: the dependents lose their reference to the owner and stay. */
export function orphanDependents(store: ObjectStore, owner: KubeObject): void {
  for (const { resource, object } of dependentsOf(store, owner.metadata.uid)) {
    store.update(resource, objectKey(object.metadata.namespace, object.metadata.name), (draft: KubeObject) => {
      draft.metadata.ownerReferences = (draft.metadata.ownerReferences ?? []).filter((reference) => reference.uid !== owner.metadata.uid);
    });
  }
}
