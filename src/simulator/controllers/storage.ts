/**
 * The persistent volume binder: a pending claim binds to an available volume of its class that is
 * large enough, or gets one provisioned when its class has a provisioner; a volume whose claim is
 * deleted is deleted or released by its reclaim policy.
 */
import { randomUUID } from 'node:crypto';
import type { PodObject } from '../k8s-types.js';
import type { PersistentVolumeClaimObject, PersistentVolumeObject } from '../object-types.js';
import { parseQuantity } from '../quantity.js';
import { objectKey } from '../resources.js';
import type { ObjectStore } from '../store.js';
import type { ControllerContext } from './context.js';

const NO_PROVISIONER = 'kubernetes.io/no-provisioner';

export function defaultStorageClassName(store: ObjectStore): string | undefined {
  for (const storageClass of store.objects('storageclasses')) {
    if (storageClass.metadata.annotations?.['storageclass.kubernetes.io/is-default-class'] === 'true') return storageClass.metadata.name;
  }
  return undefined;
}

/** Names of the claims a pod mounts. */
export function claimsUsedBy(pod: PodObject): string[] {
  return (pod.spec.volumes ?? []).flatMap((volume) => (volume.persistentVolumeClaim === undefined ? [] : [volume.persistentVolumeClaim.claimName]));
}

export function reconcileClaim(context: ControllerContext, namespace: string, name: string): void {
  const claim = context.store.get('persistentvolumeclaims', objectKey(namespace, name));
  if (claim === undefined || claim.status.phase !== 'Pending') return;
  const requested = parseQuantity(claim.spec.resources.requests.storage) ?? 0;
  const className = claim.spec.storageClassName ?? '';
  const storageClass = className === '' ? undefined : context.store.get('storageclasses', className);
  // WaitForFirstConsumer: no volume is chosen before a pod that mounts the claim exists.
  if (claim.spec.volumeName === undefined && storageClass?.volumeBindingMode === 'WaitForFirstConsumer' && !hasConsumer(context, claim)) {
    if (!context.instant) {
      context.events.record({
        involvedObject: claim,
        reason: 'WaitForFirstConsumer',
        message: 'waiting for first consumer to be created before binding',
        source: { component: 'persistentvolume-controller' },
      });
    }
    return;
  }
  let volume: PersistentVolumeObject | undefined;
  if (claim.spec.volumeName !== undefined) {
    volume = context.store.get('persistentvolumes', claim.spec.volumeName);
  } else {
    let best: PersistentVolumeObject | undefined;
    for (const candidate of context.store.objects('persistentvolumes')) {
      if (candidate.status.phase !== 'Available' || candidate.spec.claimRef !== undefined) continue;
      if ((candidate.spec.storageClassName ?? '') !== className) continue;
      const size = parseQuantity(candidate.spec.capacity.storage) ?? 0;
      if (size < requested || !claim.spec.accessModes.every((mode) => candidate.spec.accessModes.includes(mode))) continue;
      if (best === undefined || size < (parseQuantity(best.spec.capacity.storage) ?? 0)) best = candidate;
    }
    volume = best ?? provision(context, claim);
    // A class that names no existing StorageClass can still bind a volume of that class, but nothing provisions one.
    if (volume === undefined && className !== '' && storageClass === undefined) warn(context, claim, 'ProvisioningFailed', `storageclass.storage.k8s.io "${className}" not found`);
  }
  if (volume === undefined || (volume.spec.claimRef !== undefined && volume.spec.claimRef.uid !== claim.metadata.uid)) return;
  bind(context, claim, volume);
}

function provision(context: ControllerContext, claim: PersistentVolumeClaimObject): PersistentVolumeObject | undefined {
  const className = claim.spec.storageClassName;
  const storageClass = className === undefined ? undefined : context.store.get('storageclasses', className);
  if (storageClass === undefined || storageClass.provisioner === NO_PROVISIONER) return undefined;
  const name = `pvc-${claim.metadata.uid}`;
  const volume: PersistentVolumeObject = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: {
      name,
      uid: randomUUID(),
      resourceVersion: '',
      creationTimestamp: context.instant ? claim.metadata.creationTimestamp : new Date().toISOString(),
      annotations: { 'pv.kubernetes.io/provisioned-by': storageClass.provisioner },
    },
    spec: {
      capacity: { storage: claim.spec.resources.requests.storage },
      accessModes: [...claim.spec.accessModes],
      persistentVolumeReclaimPolicy: storageClass.reclaimPolicy,
      storageClassName: storageClass.metadata.name,
      volumeMode: claim.spec.volumeMode,
      ...(storageClass.provisioner.includes('nfs')
        ? { nfs: { server: storageClass.parameters?.['server'] ?? '192.168.100.5', path: `/export/${claim.metadata.namespace}-${claim.metadata.name}-${name}` } }
        : { csi: { driver: storageClass.provisioner, volumeHandle: name, fsType: 'ext4' } }),
    },
    status: { phase: 'Available' },
  };
  const created = context.store.create('persistentvolumes', volume);
  if (!context.instant) {
    context.events.record({
      involvedObject: claim,
      reason: 'ProvisioningSucceeded',
      message: `Successfully provisioned volume ${name} using ${storageClass.provisioner}`,
      source: { component: `${storageClass.provisioner}` },
    });
  }
  return created;
}

function bind(context: ControllerContext, claim: PersistentVolumeClaimObject, volume: PersistentVolumeObject): void {
  const at = new Date().toISOString();
  context.store.update('persistentvolumes', volume.metadata.name, (draft) => {
    draft.spec.claimRef = {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name: claim.metadata.name,
      namespace: claim.metadata.namespace,
      uid: claim.metadata.uid,
      resourceVersion: claim.metadata.resourceVersion,
    };
    draft.status = { phase: 'Bound', lastPhaseTransitionTime: at };
    draft.metadata.annotations = { ...draft.metadata.annotations, 'pv.kubernetes.io/bound-by-controller': 'yes' };
  });
  context.store.update('persistentvolumeclaims', objectKey(claim.metadata.namespace, claim.metadata.name), (draft) => {
    draft.spec.volumeName = volume.metadata.name;
    draft.status = { phase: 'Bound', accessModes: [...volume.spec.accessModes], capacity: { storage: volume.spec.capacity.storage } };
    draft.metadata.annotations = { ...draft.metadata.annotations, 'pv.kubernetes.io/bind-completed': 'yes', 'pv.kubernetes.io/bound-by-controller': 'yes' };
  });
}

/** After a claim is deleted: its volume is deleted (reclaim Delete) or kept as Released. */
export function releaseVolume(context: ControllerContext, claim: PersistentVolumeClaimObject): void {
  const volumeName = claim.spec.volumeName;
  if (volumeName === undefined) return;
  const volume = context.store.get('persistentvolumes', volumeName);
  if (volume === undefined || volume.spec.claimRef?.uid !== claim.metadata.uid) return;
  if (volume.spec.persistentVolumeReclaimPolicy === 'Delete') {
    context.store.delete('persistentvolumes', volumeName);
  } else {
    context.store.update('persistentvolumes', volumeName, (draft) => {
      draft.status = { phase: 'Released', lastPhaseTransitionTime: new Date().toISOString() };
    });
  }
}

/** A bound volume went away: its claim is Lost, as the binder reports it. */
export function markClaimLost(context: ControllerContext, volumeName: string): void {
  for (const claim of context.store.objects('persistentvolumeclaims')) {
    if (claim.spec.volumeName !== volumeName || claim.status.phase !== 'Bound') continue;
    context.store.update('persistentvolumeclaims', objectKey(claim.metadata.namespace, claim.metadata.name), (draft) => {
      draft.status = { phase: 'Lost' };
    });
    if (!context.instant) {
      context.events.record({
        involvedObject: claim,
        reason: 'ClaimLost',
        message: 'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
        type: 'Warning',
        source: { component: 'persistentvolume-controller' },
      });
    }
  }
}

function hasConsumer(context: ControllerContext, claim: PersistentVolumeClaimObject): boolean {
  for (const pod of context.store.objects('pods', claim.metadata.namespace)) if (claimsUsedBy(pod).includes(claim.metadata.name)) return true;
  return false;
}

function warn(context: ControllerContext, claim: PersistentVolumeClaimObject, reason: string, message: string): void {
  if (context.instant) return;
  context.events.record({ involvedObject: claim, reason, message, type: 'Warning', source: { component: 'persistentvolume-controller' } });
}
