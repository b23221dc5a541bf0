/**
 * The persistent volume binder: a pending claim binds to an available volume of its class that is
 * large enough, or gets one provisioned when its class has a provisioner; a volume whose claim is
 * deleted is deleted or released by its reclaim policy.
 */
import { randomUUID } from 'node:crypto';
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

export function reconcileClaim(context: ControllerContext, namespace: string, name: string): void {
  const claim = context.store.get('persistentvolumeclaims', objectKey(namespace, name));
  if (claim === undefined || claim.status.phase === 'Bound') return;
  const requested = parseQuantity(claim.spec.resources.requests.storage) ?? 0;
  const className = claim.spec.storageClassName ?? '';
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
