import type {
  KubernetesEventProjection,
  PersistentVolumeClaimProjection,
  PersistentVolumeProjection,
  ServiceProjection,
  StorageClassProjection,
  WorkloadProjection,
} from './model.js';
import type { ClusterEvent, PersistentVolume, PersistentVolumeClaim, Service, StorageClass, StorageSummary } from './storage-types.js';
import type { Workload } from './workload-types.js';
import { clusterScopedKey, namespacedKey } from './object-keys.js';

/** Spec observed by the controller and every wanted pod ready on the newest template. */
function isRolledOut(workload: WorkloadProjection): boolean {
  if (workload.kind === 'Job' || workload.kind === 'CronJob') return workload.observedGeneration >= workload.generation;
  return workload.observedGeneration >= workload.generation && workload.updated >= workload.desired && workload.ready >= workload.desired;
}

export function toWorkload(clusterId: string, workload: WorkloadProjection): Workload {
  return {
    id: namespacedKey(clusterId, workload.namespace, workload.name, workload.uid),
    clusterId,
    kind: workload.kind,
    name: workload.name,
    namespace: workload.namespace,
    desired: workload.desired,
    ready: workload.ready,
    available: workload.available,
    updated: workload.updated,
    rolledOut: isRolledOut(workload),
    images: workload.images,
    conditions: workload.conditions.map((condition) => ({ type: condition.type, status: condition.status, reason: condition.reason ?? null, message: condition.message ?? null })),
    labels: workload.labels,
    selector: workload.selector,
    succeeded: workload.succeeded ?? null,
    failed: workload.failed ?? null,
    schedule: workload.schedule ?? null,
    suspended: workload.suspended ?? null,
    lastScheduleTime: workload.lastScheduleTime ?? null,
    restartedAt: workload.restartedAt ?? null,
    createdAt: workload.createdAt ?? null,
  };
}

export function toService(clusterId: string, service: ServiceProjection): Service {
  return {
    id: namespacedKey(clusterId, service.namespace, service.name, service.uid),
    name: service.name,
    namespace: service.namespace,
    type: service.type,
    clusterIP: service.clusterIP ?? null,
    externalIPs: service.externalIPs,
    ports: service.ports.map((port) => ({
      name: port.name ?? null,
      protocol: port.protocol,
      port: port.port,
      targetPort: port.targetPort ?? null,
      nodePort: port.nodePort ?? null,
    })),
    selector: service.selector,
    createdAt: service.createdAt ?? null,
  };
}

export function toPersistentVolume(clusterId: string, volume: PersistentVolumeProjection): PersistentVolume {
  return {
    id: clusterScopedKey(clusterId, volume.name, volume.uid),
    name: volume.name,
    capacityBytes: volume.capacityBytes,
    accessModes: volume.accessModes,
    reclaimPolicy: volume.reclaimPolicy ?? null,
    storageClassName: volume.storageClassName ?? null,
    phase: volume.phase,
    claim: volume.claim ? { namespace: volume.claim.namespace, name: volume.claim.name } : null,
  };
}

export function toPersistentVolumeClaim(clusterId: string, claim: PersistentVolumeClaimProjection): PersistentVolumeClaim {
  return {
    id: namespacedKey(clusterId, claim.namespace, claim.name, claim.uid),
    name: claim.name,
    namespace: claim.namespace,
    requestedBytes: claim.requestedBytes,
    capacityBytes: claim.capacityBytes,
    accessModes: claim.accessModes,
    storageClassName: claim.storageClassName ?? null,
    phase: claim.phase,
    volumeName: claim.volumeName ?? null,
  };
}

export function toStorageClass(clusterId: string, storageClass: StorageClassProjection): StorageClass {
  return {
    id: clusterScopedKey(clusterId, storageClass.name, storageClass.uid),
    name: storageClass.name,
    provisioner: storageClass.provisioner,
    reclaimPolicy: storageClass.reclaimPolicy ?? null,
    volumeBindingMode: storageClass.volumeBindingMode ?? null,
    allowVolumeExpansion: storageClass.allowVolumeExpansion,
    isDefault: storageClass.isDefault,
  };
}

export function summarizeStorage(volumes: readonly PersistentVolumeProjection[], claims: readonly PersistentVolumeClaimProjection[]): StorageSummary {
  return {
    capacityBytes: volumes.reduce((sum, volume) => sum + volume.capacityBytes, 0),
    boundBytes: volumes.filter((volume) => volume.phase === 'Bound').reduce((sum, volume) => sum + volume.capacityBytes, 0),
    volumeCount: volumes.length,
    claimCount: claims.length,
  };
}

export function toClusterEvent(clusterId: string, event: KubernetesEventProjection): ClusterEvent {
  return {
    id: clusterScopedKey(clusterId, event.namespace, event.uid),
    type: event.type,
    reason: event.reason,
    message: event.message,
    namespace: event.namespace,
    involvedObject: { kind: event.involvedObject.kind, name: event.involvedObject.name, namespace: event.involvedObject.namespace ?? null },
    count: event.count,
    firstSeen: event.firstSeen ?? null,
    lastSeen: event.lastSeen,
    source: event.source ?? null,
  };
}
