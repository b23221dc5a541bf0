/**
 * The cluster objects a map is drawn from, as this domain reads them: the fields it needs of the
 * informer caches' projections (which satisfy these shapes), so it never imports the clusters domain.
 */
export interface Condition {
  readonly type: string;
  readonly status: string;
  readonly reason?: string;
  readonly message?: string;
}

export interface MapWorkload {
  readonly uid: string;
  /** Deployment, StatefulSet, DaemonSet, Job or CronJob. */
  readonly kind: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly labels: Readonly<Record<string, string>>;
  /** The pod selector's matchLabels. */
  readonly selector: Readonly<Record<string, string>>;
  readonly desired: number;
  readonly ready: number;
  readonly available: number;
  readonly updated: number;
  readonly images: readonly string[];
  readonly conditions: readonly Condition[];
  readonly generation: number;
  readonly observedGeneration: number;
  readonly succeeded?: number;
  readonly failed?: number;
  readonly suspended?: boolean;
  readonly paused?: boolean;
  readonly totalReplicas?: number;
  readonly updateStrategy?: string;
  readonly partition?: number;
  readonly currentRevision?: string;
  readonly updateRevision?: string;
  readonly claimNames?: readonly string[];
  readonly claimTemplates?: readonly string[];
  readonly owner?: { readonly kind: string; readonly name: string };
}

export interface MapContainer {
  readonly name: string;
  readonly image: string;
  readonly ready: boolean;
  readonly restartCount: number;
  /** waiting | running | terminated | unknown */
  readonly state: string;
  readonly reason?: string;
}

export interface MapPod {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly restarts: number;
  readonly nodeName?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly containers: readonly MapContainer[];
  readonly owner?: { readonly kind: string; readonly name: string };
  readonly deletionTimestamp?: string;
  readonly createdAt?: string;
}

export interface MapServicePort {
  readonly name?: string;
  readonly protocol: string;
  readonly port: number;
  readonly targetPort?: string;
  readonly nodePort?: number;
}

export interface MapService {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly type: string;
  readonly clusterIP?: string;
  readonly ports: readonly MapServicePort[];
  readonly selector: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly loadBalancerIngress?: readonly string[];
}

export interface MapClaim {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly requestedBytes: number;
  readonly capacityBytes: number;
  readonly accessModes: readonly string[];
  readonly storageClassName?: string;
  /** Pending, Bound, Lost */
  readonly phase: string;
  /** The claim's labels, when the cache keeps them (claims of a StatefulSet carry its selector's). */
  readonly labels?: Readonly<Record<string, string>>;
}

export interface MapEvent {
  readonly uid: string;
  readonly type: string;
  readonly reason: string;
  readonly message: string;
  readonly involvedObject: { readonly kind: string; readonly name: string };
  readonly count: number;
  readonly lastSeen: string;
}

/** What the caches hold in one namespace of one cluster. */
export interface NamespaceObjects {
  readonly workloads: readonly MapWorkload[];
  readonly pods: readonly MapPod[];
  readonly services: readonly MapService[];
  readonly claims: readonly MapClaim[];
  /** Newest first. */
  readonly events: readonly MapEvent[];
}

/** A cluster as a map shows it: where it runs, and whether its caches can be trusted now. */
export interface ClusterFacts {
  readonly id: string;
  readonly name: string;
  readonly provider: string;
  readonly region: string;
  /** CONNECTING, RUNNING, DEGRADED or UNREACHABLE. */
  readonly state: string;
  readonly reason?: string;
}
