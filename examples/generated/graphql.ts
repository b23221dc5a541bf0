/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Where a cluster runs. */
export type ClusterProvider =
  /** Azure Kubernetes Service. */
  | 'AKS'
  /** Amazon Elastic Kubernetes Service. */
  | 'EKS'
  /** Google Kubernetes Engine. */
  | 'GKE'
  /** A cluster in your own data center. */
  | 'ON_PREMISE'
  /** Any other Kubernetes distribution or cloud. */
  | 'OTHER';

/** Health of the connection between the gateway and a cluster. */
export type ClusterStatus =
  /** Registered; the first list of its objects has not finished yet. */
  | 'CONNECTING'
  /** Reachable, but some watches or nodes are unhealthy. */
  | 'DEGRADED'
  /** All watches are synced and healthy. */
  | 'RUNNING'
  /** The API server does not answer; the gateway keeps retrying with backoff. */
  | 'UNREACHABLE';

/** Workload kinds whose replica count can be set. */
export type ScalableWorkloadKind =
  /** A Deployment. */
  | 'DEPLOYMENT'
  /** A StatefulSet. */
  | 'STATEFUL_SET';

/** Sets the replica count of a Deployment or StatefulSet. */
export type ScaleWorkloadInput = {
  /** Cluster of the workload. */
  clusterId: string;
  /** Deployment or StatefulSet. */
  kind: ScalableWorkloadKind;
  /** Name of the workload. */
  name: string;
  /** Namespace of the workload. */
  namespace: string;
  /** Replicas wanted (0 to 1000). */
  replicas: number;
};

/** What happened to an object. */
export type WatchEventType =
  /** The object appeared (created, or first seen by the gateway). */
  | 'ADDED'
  /** The object is gone. */
  | 'DELETED'
  /** The object changed. */
  | 'MODIFIED';

/** Kubernetes controller kinds the gateway shows as workloads. */
export type WorkloadKind =
  /** A CronJob: Jobs created on a schedule. */
  | 'CRON_JOB'
  /** A DaemonSet: one pod per eligible node. */
  | 'DAEMON_SET'
  /** A Deployment: stateless replicas rolled out through ReplicaSets. */
  | 'DEPLOYMENT'
  /** A Job: pods that run to completion. */
  | 'JOB'
  /** A StatefulSet: replicas with stable names and storage. */
  | 'STATEFUL_SET';

export type ClustersQueryVariables = Exact<{ [key: string]: never; }>;


export type ClustersQuery = { clusters: Array<{ id: string, name: string, provider: ClusterProvider, region: string, status: ClusterStatus, podCount: number | null, capacity: { cpuCores: number, memoryBytes: number, pods: number } | null, requested: { cpuCores: number, memoryBytes: number, pods: number } | null }> };

export type PodsPageQueryVariables = Exact<{
  clusterId: string;
  namespace?: string | null | undefined;
  first: number;
  after?: string | null | undefined;
}>;


export type PodsPageQuery = { cluster: { id: string, name: string, pods: { totalCount: number, pageInfo: { hasNextPage: boolean, endCursor: string | null }, edges: Array<{ cursor: string, node: { id: string, name: string, namespace: string, phase: string, ready: boolean, restarts: number } }> } | null } | null };

export type NodeByIdQueryVariables = Exact<{
  id: string;
}>;


export type NodeByIdQuery = { node:
    | { __typename: 'ApiToken', id: string }
    | { __typename: 'AppMap', id: string }
    | { __typename: 'AuditEntry', id: string }
    | { __typename: 'Build', id: string }
    | { __typename: 'BuildRun', id: string }
    | { __typename: 'CatalogPackage', id: string }
    | { __typename: 'CatalogPackageVersion', id: string }
    | { __typename: 'Cluster', name: string, status: ClusterStatus, id: string }
    | { __typename: 'ClusterAllotment', id: string }
    | { __typename: 'ClusterEvent', id: string }
    | { __typename: 'ClusterNode', id: string }
    | { __typename: 'Member', id: string }
    | { __typename: 'PersistentVolume', id: string }
    | { __typename: 'PersistentVolumeClaim', id: string }
    | { __typename: 'Pod', name: string, namespace: string, phase: string, id: string }
    | { __typename: 'Registry', id: string }
    | { __typename: 'RegistryRepository', id: string }
    | { __typename: 'RegistryTag', id: string }
    | { __typename: 'Release', id: string }
    | { __typename: 'ReleaseRevision', id: string }
    | { __typename: 'Service', id: string }
    | { __typename: 'StorageAllotment', id: string }
    | { __typename: 'StorageClass', id: string }
    | { __typename: 'User', id: string }
    | { __typename: 'Workload', id: string }
    | { __typename: 'Workspace', id: string }
   | null };

export type PodEventsSubscriptionVariables = Exact<{
  clusterId: string;
  namespace?: string | null | undefined;
  after?: string | null | undefined;
}>;


export type PodEventsSubscription = { podEvents: { type: WatchEventType, cursor: string, pod: { id: string, name: string, namespace: string, phase: string, ready: boolean, restarts: number } } };

export type ScaleWorkloadMutationVariables = Exact<{
  input: ScaleWorkloadInput;
}>;


export type ScaleWorkloadMutation = { scaleWorkload: { workload: { id: string, kind: WorkloadKind, namespace: string, name: string, desired: number, ready: number } } };


export const ClustersDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"Clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"clusters"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"provider"}},{"kind":"Field","name":{"kind":"Name","value":"region"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"podCount"}},{"kind":"Field","name":{"kind":"Name","value":"capacity"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryBytes"}},{"kind":"Field","name":{"kind":"Name","value":"pods"}}]}},{"kind":"Field","name":{"kind":"Name","value":"requested"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cpuCores"}},{"kind":"Field","name":{"kind":"Name","value":"memoryBytes"}},{"kind":"Field","name":{"kind":"Name","value":"pods"}}]}}]}}]}}]} as unknown as DocumentNode<ClustersQuery, ClustersQueryVariables>;
export const PodsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"PodsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clusterId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cluster"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clusterId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"pods"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"restarts"}}]}}]}}]}}]}}]}}]} as unknown as DocumentNode<PodsPageQuery, PodsPageQueryVariables>;
export const NodeByIdDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"NodeById"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"id"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"node"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"id"},"value":{"kind":"Variable","name":{"kind":"Name","value":"id"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"__typename"}},{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Pod"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}}]}},{"kind":"InlineFragment","typeCondition":{"kind":"NamedType","name":{"kind":"Name","value":"Cluster"}},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]} as unknown as DocumentNode<NodeByIdQuery, NodeByIdQueryVariables>;
export const PodEventsDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"PodEvents"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"clusterId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"podEvents"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"clusterId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"clusterId"}}},{"kind":"Argument","name":{"kind":"Name","value":"namespace"},"value":{"kind":"Variable","name":{"kind":"Name","value":"namespace"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"type"}},{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"pod"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"phase"}},{"kind":"Field","name":{"kind":"Name","value":"ready"}},{"kind":"Field","name":{"kind":"Name","value":"restarts"}}]}}]}}]}}]} as unknown as DocumentNode<PodEventsSubscription, PodEventsSubscriptionVariables>;
export const ScaleWorkloadDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"mutation","name":{"kind":"Name","value":"ScaleWorkload"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"input"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ScaleWorkloadInput"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"scaleWorkload"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"input"},"value":{"kind":"Variable","name":{"kind":"Name","value":"input"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"workload"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"kind"}},{"kind":"Field","name":{"kind":"Name","value":"namespace"}},{"kind":"Field","name":{"kind":"Name","value":"name"}},{"kind":"Field","name":{"kind":"Name","value":"desired"}},{"kind":"Field","name":{"kind":"Name","value":"ready"}}]}}]}}]}}]} as unknown as DocumentNode<ScaleWorkloadMutation, ScaleWorkloadMutationVariables>;