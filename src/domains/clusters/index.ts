export { ClusterResolver } from './cluster-resolver.js';
export { ClusterFieldsResolver } from './cluster-fields.js';
export { NodeResolver } from './node-resolver.js';
export { PodResolver } from './pod-resolver.js';
export { podsOfWorkload, WorkloadResolver } from './workload-resolver.js';
export type { ClustersContext } from './context.js';
export { ClusterService, type RegisterClusterInput, type UpdateClusterInput } from './cluster-service.js';
export { DayTwoService } from './day-two-service.js';
export { createClusterLoaders, type ClusterLoaders } from './loaders.js';
export type * from './ports.js';
export type * from './model.js';
export type { ClusterRecord, ClusterProvider, ClusterState } from './cluster-record.js';

export { Cluster } from './cluster-type.js';
export { narrowToAllotment, visibleCluster, type WorkspaceAllotment } from './context.js';
export { clusterNodeLookups } from './node-lookups.js';
export { namespacedKey } from './object-keys.js';
export { ClusterProviderEnum } from './graphql-types.js';
export { Workload } from './workload-types.js';
