import {
  AppMap,
  type AppMapContainer,
  type AppMapEvent,
  type AppMapGroup,
  type AppMapKubernetesEvent,
  type AppMapPod,
  type AppMapService,
  type AppMapVolume,
  type AppMapWorkload,
} from './graphql-types.js';
import type { ClaimInPicture, GroupInPicture, PodInPicture, ServiceInPicture, WorkloadInPicture } from './picture.js';
import type { AppMapUpdate } from './live-stream.js';
import type { MapEvent } from './objects.js';
import type { AppMapRecord } from './records.js';

/** Gives the key of a map's object under its graph node (Workload, Pod…). */
export type ObjectKeyOf = (name: string, uid: string) => string;

export function toAppMap(record: AppMapRecord): AppMap {
  const { id, name, description, workspaceId, clusterId, namespace, stage, selector, releaseId, continuousDeployment, createdAt, updatedAt } = record;
  return Object.assign(new AppMap(), {
    record,
    id,
    name,
    description,
    workspaceId,
    clusterId,
    namespace,
    stage,
    selector,
    releaseId,
    continuousDeployment,
    createdAt,
    updatedAt,
  });
}

export function toGroup({ group, workloads, health }: GroupInPicture): AppMapGroup {
  return {
    name: group.name,
    selector: group.selector,
    workloadNames: group.workloadNames === null ? null : [...group.workloadNames],
    workloads: [...workloads],
    health: health.status,
    healthReason: health.reason,
  };
}

export function toWorkload(entry: WorkloadInPicture, keyOf: ObjectKeyOf): AppMapWorkload {
  const { object, health, group } = entry;
  return {
    workloadId: keyOf(object.name, object.uid),
    kind: object.kind,
    name: object.name,
    group,
    desired: object.desired,
    ready: object.ready,
    available: object.available,
    updated: object.updated,
    images: [...object.images],
    suspended: object.paused === true || object.suspended === true,
    health: health.status,
    healthReason: health.reason,
  };
}

export function toPod(entry: PodInPicture, keyOf: ObjectKeyOf): AppMapPod {
  const { object, health, workload } = entry;
  return {
    podId: keyOf(object.name, object.uid),
    name: object.name,
    workload,
    phase: object.phase,
    ready: object.ready,
    restarts: object.restarts,
    nodeName: object.nodeName ?? null,
    containers: object.containers.map((container): AppMapContainer => ({
      name: container.name,
      image: container.image,
      ready: container.ready,
      restartCount: container.restartCount,
      state: container.state,
      reason: container.reason ?? null,
    })),
    health: health.status,
    healthReason: health.reason,
  };
}

export function toService(entry: ServiceInPicture, keyOf: ObjectKeyOf): AppMapService {
  const { object, health, workloads } = entry;
  return {
    serviceId: keyOf(object.name, object.uid),
    name: object.name,
    type: object.type,
    clusterIP: object.clusterIP ?? null,
    ports: object.ports.map((port) => ({
      name: port.name ?? null,
      protocol: port.protocol,
      port: port.port,
      targetPort: port.targetPort ?? null,
      nodePort: port.nodePort ?? null,
    })),
    loadBalancerIngress: [...(object.loadBalancerIngress ?? [])],
    workloads: [...workloads],
    health: health.status,
    healthReason: health.reason,
  };
}

export function toVolume(entry: ClaimInPicture, keyOf: ObjectKeyOf): AppMapVolume {
  const { object, health, workloads } = entry;
  return {
    claimId: keyOf(object.name, object.uid),
    name: object.name,
    phase: object.phase,
    storageClassName: object.storageClassName ?? null,
    requestedBytes: object.requestedBytes,
    capacityBytes: object.capacityBytes,
    accessModes: [...object.accessModes],
    workloads: [...workloads],
    health: health.status,
    healthReason: health.reason,
  };
}

export function toKubernetesEvent(event: MapEvent): AppMapKubernetesEvent {
  return {
    type: event.type,
    reason: event.reason,
    message: event.message,
    objectKind: event.involvedObject.kind,
    objectName: event.involvedObject.name,
    count: event.count,
    lastSeen: new Date(event.lastSeen),
  };
}

export function toAppMapEvent(update: AppMapUpdate): AppMapEvent {
  const { map, status } = update;
  return {
    cursor: update.cursor,
    appMapId: map.id,
    name: map.name,
    clusterId: map.clusterId,
    namespace: map.namespace,
    health: status.health.status,
    healthReason: status.health.reason,
    previousHealth: update.previousHealth?.status ?? null,
    replicas: { ...status.replicas },
    workloads: status.workloads.map((workload) => ({
      kind: workload.kind,
      name: workload.name,
      desired: workload.desired,
      ready: workload.ready,
      available: workload.available,
      updated: workload.updated,
      health: workload.health.status,
      healthReason: workload.health.reason,
    })),
    deleted: update.deleted,
    at: update.at,
  };
}
