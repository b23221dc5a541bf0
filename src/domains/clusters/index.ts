export { ClusterResolver, type ClustersContext } from './cluster-resolver.js';
export { PodResolver } from './pod-resolver.js';
export { ClusterService, type RegisterClusterInput } from './cluster-service.js';
export type * from './ports.js';
export type * from './model.js';
export type { ClusterRecord, ClusterProvider, ClusterState } from './cluster-record.js';
export { createClusterLoaders, type ClusterLoaders } from './loaders.js';
