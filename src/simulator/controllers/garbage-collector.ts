/**
 * The garbage collector. Background: once an owner is gone, its dependents are deleted (and theirs
 * in turn, as each goes), except those another existing owner still holds, which only lose the
 * reference. Foreground: an owner marked with the `foregroundDeletion` finalizer has its dependents
 * deleted first (those with dependents of their own in the foreground too); it goes once none with
 * `blockOwnerDeletion` remains.
 */
import { deleteNow, deleteOrMark, dependentsOf, FOREGROUND_FINALIZER, hasFinalizer, isDeleting, markDeleting, ownerExists, ownerOf } from '../deletion.js';
import type { KubeObject } from '../object-types.js';
import { objectKey, type ResourceName } from '../resources.js';
import type { ControllerContext } from './context.js';

function dropReference(context: ControllerContext, resource: ResourceName, object: KubeObject, ownerUid: string): void {
  context.store.update(resource, objectKey(object.metadata.namespace, object.metadata.name), (draft: KubeObject) => {
    draft.metadata.ownerReferences = (draft.metadata.ownerReferences ?? []).filter((reference) => reference.uid !== ownerUid);
  });
}

/** Another owner that exists and is not itself waiting for its dependents to go. */
function hasSolidOwner(context: ControllerContext, object: KubeObject, exceptUid: string): boolean {
  return (object.metadata.ownerReferences ?? []).some((reference) => {
    if (reference.uid === exceptUid || !ownerExists(context.store, reference, object)) return false;
    const owner = ownerOf(context.store, reference, object)?.object;
    return owner === undefined || !hasFinalizer(owner, FOREGROUND_FINALIZER);
  });
}

/** Background propagation, after the owner with `ownerUid` was deleted. */
export function collectDependents(context: ControllerContext, ownerUid: string): void {
  for (const { resource, object } of dependentsOf(context.store, ownerUid)) {
    if (hasSolidOwner(context, object, ownerUid)) dropReference(context, resource, object, ownerUid);
    else if (!isDeleting(object)) deleteOrMark(context.store, context.state, resource, object);
  }
}

/** Foreground propagation for an owner marked with `foregroundDeletion`; runs again as its dependents go. */
export function collectForeground(context: ControllerContext, resource: ResourceName, key: string): void {
  const owner = context.store.get(resource, key);
  if (owner === undefined || !isDeleting(owner) || !hasFinalizer(owner, FOREGROUND_FINALIZER)) return;
  const uid = owner.metadata.uid;
  for (const dependent of dependentsOf(context.store, uid)) {
    const { object } = dependent;
    if (isDeleting(object)) continue;
    if (hasSolidOwner(context, object, uid)) dropReference(context, dependent.resource, object, uid);
    else if (dependentsOf(context.store, object.metadata.uid).length > 0) markDeleting(context.store, dependent.resource, object, FOREGROUND_FINALIZER);
    else deleteOrMark(context.store, context.state, dependent.resource, object);
  }
  const blocking = dependentsOf(context.store, uid).filter(({ object }) =>
    (object.metadata.ownerReferences ?? []).some((reference) => reference.uid === uid && reference.blockOwnerDeletion === true),
  );
  if (blocking.length > 0) return;
  const remaining = (owner.metadata.finalizers ?? []).filter((finalizer) => finalizer !== FOREGROUND_FINALIZER);
  // The apiserver deletes an object as the update that empties its finalizers lands: no MODIFIED first.
  if (remaining.length === 0) {
    deleteNow(context.store, context.state, resource, owner);
    return;
  }
  context.store.update(resource, key, (draft: KubeObject) => {
    draft.metadata.finalizers = remaining;
  });
}
