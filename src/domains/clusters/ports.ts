import type { ClusterRecord, ClusterState } from './cluster-record.js';
import type {
  ClusterObjectEvent,
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
} from './model.js';

/** Persistence of registered clusters (implemented in src/infra/db). */
export interface ClusterStore {
  list(): Promise<ClusterRecord[]>;
  findById(id: string): Promise<ClusterRecord | null>;
  findByIds(ids: readonly string[]): Promise<ClusterRecord[]>;
  findByName(name: string): Promise<ClusterRecord | null>;
  insert(record: ClusterRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<ClusterRecord, 'id' | 'createdAt'>>): Promise<void>;
  remove(id: string): Promise<void>;
}

export interface LiveClusterStatus {
  readonly state: ClusterState;
  readonly reason?: string;
  readonly lastSeenAt?: string;
}

/** What the informer caches know about one cluster right now. Reads never call the apiserver. */
export interface ClusterLiveView {
  status(): LiveClusterStatus;
  nodes(): NodeProjection[];
  namespaces(): NamespaceProjection[];
  pods(namespace?: string): PodProjection[];
  workloads(namespace?: string): WorkloadProjection[];
  services(namespace?: string): ServiceProjection[];
  persistentVolumes(): PersistentVolumeProjection[];
  persistentVolumeClaims(namespace?: string): PersistentVolumeClaimProjection[];
  storageClasses(): StorageClassProjection[];
  /** Kubernetes events, newest first. */
  events(namespace?: string): KubernetesEventProjection[];
  podDisruptionBudgets(namespace?: string): PodDisruptionBudgetProjection[];
}

/**
 * The live connections to clusters (implemented by the informer pool in src/infra/k8s). With
 * replicas, one of them watches each cluster and the others read its mirror; views look the same.
 */
export interface ClusterConnections {
  /** Idempotent: one set of watches per cluster whatever the number of callers; other details replace them. */
  connect(clusterId: string, kubeconfig: string, context: string | null): void;
  disconnect(clusterId: string): Promise<void>;
  /** The cluster was removed: disconnect, and drop what is kept of it for other replicas (its mirror). */
  remove?(clusterId: string): Promise<void>;
  view(clusterId: string): ClusterLiveView | undefined;
  /** The clusters this process serves now (watched here, or read from the replica that watches them). */
  connectedIds(): string[];
  /** Resolves once the cluster's connection is past CONNECTING, or after `timeoutMs`; at once when not connected. */
  settled(clusterId: string, timeoutMs: number): Promise<void>;
}

/**
 * How a registration, change or removal of a cluster reaches every replica (implemented over the
 * event bus in src/infra/nats): each one then reads the cluster again and connects, reconnects or
 * disconnects it. Only the id travels; the database says what it now is.
 */
export interface ClusterChanges {
  announce(clusterId: string): Promise<void>;
  /** Calls `onChange` for every announcement, this replica's included; resolves once listening. */
  listen(onChange: (clusterId: string) => void): Promise<() => Promise<void>>;
}

/** Checks a kubeconfig before it is saved: reachable, authorized, which version. */
export interface ClusterProbe {
  probe(kubeconfig: string, context: string | null): Promise<{ kubernetesVersion: string }>;
}

export interface StreamedEvent<T> {
  readonly event: T;
  readonly cursor: string;
}

/** Published when a cluster's connection status changes. */
export interface ClusterStatusEvent {
  readonly v: 1;
  readonly clusterId: string;
  readonly state: ClusterState;
  readonly reason?: string;
  readonly lastSeenAt?: string;
}

/** Live cluster changes, fed from the event bus. Each resolves once the subscription is live. */
export interface ClusterEventSource {
  podEvents(clusterId: string, namespace: string | undefined, after: string | undefined): Promise<AsyncIterableIterator<StreamedEvent<ClusterObjectEvent<PodProjection>>>>;
  workloadEvents(
    clusterId: string,
    namespace: string | undefined,
    after: string | undefined,
  ): Promise<AsyncIterableIterator<StreamedEvent<ClusterObjectEvent<WorkloadProjection>>>>;
  /** Status changes of every cluster. */
  statusEvents(): Promise<AsyncIterableIterator<StreamedEvent<ClusterStatusEvent>>>;
}

/** Seals kubeconfigs at rest. */
export interface SecretSealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
}

export type ScalableKind = 'Deployment' | 'StatefulSet';
export type RestartableKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';

export type EvictionOutcome = 'EVICTED' | 'GONE' | 'BLOCKED_BY_DISRUPTION_BUDGET';

/**
 * Writes to a cluster's API server (implemented in src/infra/k8s). Failures are DomainErrors:
 * NOT_FOUND for a missing object, BAD_USER_INPUT for one the API server rejects as invalid,
 * UNAVAILABLE (with `clusterId`) when the cluster cannot be reached.
 */
export interface ClusterOperations {
  scaleWorkload(clusterId: string, kind: ScalableKind, namespace: string, name: string, replicas: number): Promise<void>;
  /** What `kubectl rollout restart` does: stamps the pod template so the controller rolls every pod. */
  restartWorkload(clusterId: string, kind: RestartableKind, namespace: string, name: string, restartedAt: string): Promise<void>;
  deletePod(clusterId: string, namespace: string, name: string): Promise<void>;
  setNodeSchedulable(clusterId: string, nodeName: string, schedulable: boolean): Promise<void>;
  /** One eviction through the Eviction API, which honours PodDisruptionBudgets (429 → blocked). */
  evictPod(clusterId: string, namespace: string, name: string): Promise<EvictionOutcome>;
}
