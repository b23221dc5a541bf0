import { connectionType } from '../../shared/connection-types.js';
import type { ConnectionValues } from '../../shared/pagination.js';
import { ClusterNode, Pod } from './graphql-types.js';
import { ClusterEvent, PersistentVolume, PersistentVolumeClaim, Service } from './storage-types.js';
import { Workload } from './workload-types.js';

/** The paged lists of a cluster (src/shared/pagination.ts pages them). */
export const PodConnection = connectionType(Pod, { name: 'Pod', noun: 'pod', plural: 'pods' });
export type PodConnection = ConnectionValues<Pod>;

export const ClusterNodeConnection = connectionType(ClusterNode, { name: 'ClusterNode', noun: 'node', plural: 'nodes' });
export type ClusterNodeConnection = ConnectionValues<ClusterNode>;

export const WorkloadConnection = connectionType(Workload, { name: 'Workload', noun: 'workload', plural: 'workloads' });
export type WorkloadConnection = ConnectionValues<Workload>;

export const ServiceConnection = connectionType(Service, { name: 'Service', noun: 'service', plural: 'services' });
export type ServiceConnection = ConnectionValues<Service>;

export const PersistentVolumeConnection = connectionType(PersistentVolume, { name: 'PersistentVolume', noun: 'persistent volume', plural: 'persistent volumes' });
export type PersistentVolumeConnection = ConnectionValues<PersistentVolume>;

export const PersistentVolumeClaimConnection = connectionType(PersistentVolumeClaim, {
  name: 'PersistentVolumeClaim',
  noun: 'persistent volume claim',
  plural: 'persistent volume claims',
});
export type PersistentVolumeClaimConnection = ConnectionValues<PersistentVolumeClaim>;

export const ClusterEventConnection = connectionType(ClusterEvent, { name: 'ClusterEvent', noun: 'event', plural: 'events' });
export type ClusterEventConnection = ConnectionValues<ClusterEvent>;

/** Sort keys: unique within each list, so a cursor names one position. */
export const byNamespaceAndName = { key: (item: { namespace: string; name: string }) => [item.namespace, item.name] } as const;
export const byName = { key: (item: { name: string }) => [item.name] } as const;
