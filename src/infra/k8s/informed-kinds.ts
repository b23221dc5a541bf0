/**
 * Every kind the informers watch per cluster: where it is listed, how it is projected and keyed,
 * and under which kind name its changes are published (all five workload kinds publish as
 * `workloads`).
 */
import type {
  ClusterObjectKindName,
  KubernetesEventProjection,
  NamespaceProjection,
  NodeProjection,
  PersistentVolumeClaimProjection,
  PersistentVolumeProjection,
  PodDisruptionBudgetProjection,
  PodProjection,
  ServiceProjection,
  StorageClassProjection,
  WorkloadProjection,
} from '../../domains/clusters/model.js';
import type { VulnerabilityReportProjection } from '../../domains/monitoring/vulnerabilities/model.js';
import type { CacheBound } from './projection-cache.js';
import { projectNamespace, projectNode, projectPod } from './projections.js';
import {
  projectKubernetesEvent,
  projectPersistentVolume,
  projectPersistentVolumeClaim,
  projectPodDisruptionBudget,
  projectService,
  projectStorageClass,
} from './resource-projections.js';
import { projectVulnerabilityReport } from './vulnerability-projections.js';
import { projectCronJob, projectDaemonSet, projectDeployment, projectJob, projectStatefulSet } from './workload-projections.js';

/** What each reflector caches. */
export interface InformedProjections {
  nodes: NodeProjection;
  namespaces: NamespaceProjection;
  pods: PodProjection;
  deployments: WorkloadProjection;
  statefulsets: WorkloadProjection;
  daemonsets: WorkloadProjection;
  jobs: WorkloadProjection;
  cronjobs: WorkloadProjection;
  services: ServiceProjection;
  persistentvolumes: PersistentVolumeProjection;
  persistentvolumeclaims: PersistentVolumeClaimProjection;
  storageclasses: StorageClassProjection;
  events: KubernetesEventProjection;
  poddisruptionbudgets: PodDisruptionBudgetProjection;
  /** Trivy Operator's CRD: absent (empty) on clusters that do not run it. */
  vulnerabilityreports: VulnerabilityReportProjection;
}

export type InformedKind = keyof InformedProjections;

/** Kept per cluster; events churn without end, so only the newest are remembered. */
export const MAX_EVENTS_PER_CLUSTER = 1_000;

export interface KindDefinition<T> {
  readonly listPath: string;
  readonly publishAs: ClusterObjectKindName;
  readonly project: (raw: unknown) => T;
  readonly keyOf: (item: T) => string;
  /** Namespaced kinds: the namespace of an item (cache index and subject token). */
  readonly namespaceOf?: (item: T) => string;
  readonly bound?: CacheBound<T>;
  /**
   * The cluster cannot work without it, so a 404 is a failure; any other kind may be absent
   * (an older or trimmed-down cluster) and is then empty.
   */
  readonly required: boolean;
}

const byName = (item: { name: string }): string => item.name;
const byNamespacedName = (item: { namespace: string; name: string }): string => `${item.namespace}/${item.name}`;
const namespaceOf = (item: { namespace: string }): string => item.namespace;

function namespaced<T extends { namespace: string; name: string }>(listPath: string, publishAs: ClusterObjectKindName, project: (raw: unknown) => T): KindDefinition<T> {
  return { listPath, publishAs, project, keyOf: byNamespacedName, namespaceOf, required: false };
}

export const KIND_DEFINITIONS: { readonly [K in InformedKind]: KindDefinition<InformedProjections[K]> } = {
  nodes: { listPath: '/api/v1/nodes', publishAs: 'nodes', project: projectNode, keyOf: byName, required: true },
  namespaces: { listPath: '/api/v1/namespaces', publishAs: 'namespaces', project: projectNamespace, keyOf: byName, required: true },
  pods: { ...namespaced('/api/v1/pods', 'pods', projectPod), required: true },
  deployments: namespaced('/apis/apps/v1/deployments', 'workloads', projectDeployment),
  statefulsets: namespaced('/apis/apps/v1/statefulsets', 'workloads', projectStatefulSet),
  daemonsets: namespaced('/apis/apps/v1/daemonsets', 'workloads', projectDaemonSet),
  jobs: namespaced('/apis/batch/v1/jobs', 'workloads', projectJob),
  cronjobs: namespaced('/apis/batch/v1/cronjobs', 'workloads', projectCronJob),
  services: namespaced('/api/v1/services', 'services', projectService),
  persistentvolumes: {
    listPath: '/api/v1/persistentvolumes',
    publishAs: 'persistentvolumes',
    project: projectPersistentVolume,
    keyOf: byName,
    required: false,
  },
  persistentvolumeclaims: namespaced('/api/v1/persistentvolumeclaims', 'persistentvolumeclaims', projectPersistentVolumeClaim),
  storageclasses: {
    listPath: '/apis/storage.k8s.io/v1/storageclasses',
    publishAs: 'storageclasses',
    project: projectStorageClass,
    keyOf: byName,
    required: false,
  },
  events: {
    listPath: '/api/v1/events',
    publishAs: 'events',
    project: projectKubernetesEvent,
    // Events have no stable name across reporters; the uid is their identity.
    keyOf: (event) => `${event.namespace}/${event.uid}`,
    namespaceOf,
    bound: { maxItems: MAX_EVENTS_PER_CLUSTER, recencyOf: (event) => event.lastSeen },
    required: false,
  },
  poddisruptionbudgets: namespaced('/apis/policy/v1/poddisruptionbudgets', 'poddisruptionbudgets', projectPodDisruptionBudget),
  vulnerabilityreports: namespaced('/apis/aquasecurity.github.io/v1alpha1/vulnerabilityreports', 'vulnerabilityreports', projectVulnerabilityReport),
};

export const INFORMED_KINDS = Object.keys(KIND_DEFINITIONS) as InformedKind[];

/** The collection path of each kind, e.g. `/apis/apps/v1/deployments`. */
export const LIST_PATHS: { readonly [K in InformedKind]: string } = Object.fromEntries(INFORMED_KINDS.map((kind) => [kind, KIND_DEFINITIONS[kind].listPath])) as {
  [K in InformedKind]: string;
};
