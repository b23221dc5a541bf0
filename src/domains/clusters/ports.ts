import type { ClusterRecord, ClusterState } from './cluster-record.js';
import type { ClusterObjectEvent, NamespaceProjection, NodeProjection, PodProjection } from './model.js';

/** Persistence of registered clusters (implemented in src/infra/db). */
export interface ClusterStore {
  list(): Promise<ClusterRecord[]>;
  findById(id: string): Promise<ClusterRecord | null>;
  findByIds(ids: readonly string[]): Promise<ClusterRecord[]>;
  findByName(name: string): Promise<ClusterRecord | null>;
  insert(record: ClusterRecord): Promise<void>;
  update(id: string, patch: Partial<Omit<ClusterRecord, 'id' | 'createdAt'>>): Promise<void>;
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
}

/** The live connections to clusters (implemented by the informer pool in src/infra/k8s). */
export interface ClusterConnections {
  /** Idempotent: one set of watches per cluster whatever the number of callers. */
  connect(clusterId: string, kubeconfig: string, context: string | null): void;
  disconnect(clusterId: string): Promise<void>;
  view(clusterId: string): ClusterLiveView | undefined;
}

/** Checks a kubeconfig before it is saved: reachable, authorized, which version. */
export interface ClusterProbe {
  probe(kubeconfig: string, context: string | null): Promise<{ kubernetesVersion: string }>;
}

export interface StreamedEvent<T> {
  readonly event: T;
  readonly cursor: string;
}

/** Live pod changes, fed from the event bus. */
export interface ClusterEventSource {
  /** Resolves once the subscription is live: every later change is delivered. */
  podEvents(
    clusterId: string,
    namespace: string | undefined,
    after: string | undefined,
  ): Promise<AsyncIterableIterator<StreamedEvent<ClusterObjectEvent<PodProjection>>>>;
}

/** Seals kubeconfigs at rest. */
export interface SecretSealer {
  seal(plaintext: string): string;
  open(sealed: string): string;
}
