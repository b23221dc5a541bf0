/**
 * Normalized projections of Kubernetes objects: what the informer caches keep and what the bus
 * carries. Plain JSON-safe data (no Dates, no class instances), versioned on the wire.
 */
export interface ResourceQuantities {
  /** CPU in cores (e.g. 0.5 for "500m"). */
  readonly cpuCores: number;
  readonly memoryBytes: number;
  /** Ephemeral storage in bytes. */
  readonly storageBytes: number;
  readonly pods: number;
}

export interface NodeCondition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface NodeTaint {
  readonly key: string;
  readonly value?: string;
  readonly effect: string;
}

export interface NodeProjection {
  readonly uid: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly labels: Record<string, string>;
  /** From node-role.kubernetes.io/<role> labels. */
  readonly roles: string[];
  readonly ready: boolean;
  readonly unschedulable: boolean;
  readonly kubeletVersion?: string;
  readonly internalIP?: string;
  readonly capacity: ResourceQuantities;
  readonly allocatable: ResourceQuantities;
  readonly conditions: NodeCondition[];
  readonly taints: NodeTaint[];
  readonly createdAt?: string;
}

export interface ContainerProjection {
  readonly name: string;
  readonly image: string;
  readonly ready: boolean;
  readonly restartCount: number;
  /** waiting | running | terminated | unknown */
  readonly state: string;
  readonly reason?: string;
  readonly startedAt?: string;
  readonly requests: { readonly cpuCores: number; readonly memoryBytes: number };
  readonly limits: { readonly cpuCores: number; readonly memoryBytes: number };
}

export interface OwnerReference {
  readonly kind: string;
  readonly name: string;
  readonly uid: string;
}

export interface PodProjection {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly restarts: number;
  readonly nodeName?: string;
  readonly podIP?: string;
  readonly startedAt?: string;
  readonly createdAt?: string;
  readonly labels: Record<string, string>;
  readonly containers: ContainerProjection[];
  readonly owner?: OwnerReference;
  /** Set while the pod is being deleted. */
  readonly deletionTimestamp?: string;
}

export interface NamespaceProjection {
  readonly uid: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly phase: string;
  readonly labels: Record<string, string>;
}

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** What the informers publish on `kda.v1.<clusterId>.<kind>.<namespace>`. */
export interface ClusterObjectEvent<T> {
  readonly v: 1;
  readonly type: WatchEventType;
  readonly clusterId: string;
  readonly kind: 'pods' | 'nodes' | 'namespaces';
  readonly object: T;
}
