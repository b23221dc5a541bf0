import type { ClusterSample, MetricsMessage, ReadMetrics, Series, SeriesQuery } from './model.js';

/** Reads metrics.k8s.io of a connected cluster with its credentials (src/infra/k8s); throws MetricsOutageError. */
export interface MetricsReader {
  read(clusterId: string): Promise<ReadMetrics>;
}

/** What the pods of a cluster request now, by `namespace/name` (the watch caches), in millicores and bytes. */
export interface PodRequests {
  of(clusterId: string): ReadonlyMap<string, { readonly cpuMillicores: number; readonly memoryBytes: number }>;
}

/** The clusters this process is connected to (each replica connects to every cluster). */
export interface ClusterRoster {
  clusterIds(): readonly string[];
}

/** One job at a time across replicas (src/infra/nats/lease.ts). */
export interface JobLease {
  isHeld(): boolean;
  release(): Promise<void>;
}

export interface JobLeases {
  acquire(key: string, ttlMs: number): JobLease;
}

/** Samples on the bus: every replica sees every cluster's latest, whoever polled it. */
export interface MetricsFeed {
  publish(message: MetricsMessage): Promise<void>;
  /** Every cluster's messages from now on; resolves with the unsubscribe once subscribed. */
  subscribe(handler: (message: MetricsMessage) => void): Promise<() => Promise<void>>;
}

/** Fine samples and their 1-hour rollups (src/infra/db). */
export interface MetricsStore {
  insert(sample: ClusterSample): Promise<void>;
  /** The cluster's newest stored sample (nodes, pods and totals), if any newer than `sinceMs`. */
  latest(clusterId: string, sinceMs: number): Promise<ClusterSample | null>;
  /** Rolls every complete hour before `nowMs` not rolled up yet (at most `maxBuckets` of them) into avg/max rows; returns how many hours. */
  rollUp(nowMs: number, maxBuckets: number): Promise<number>;
  /** Deletes fine rows older than `fineBeforeMs` and rollups older than `coarseBeforeMs`, `batch` rows a statement; returns how many went. */
  purge(fineBeforeMs: number, coarseBeforeMs: number, batch: number): Promise<number>;
  series(query: SeriesQuery): Promise<Series>;
}

export interface PrincipalLike {
  readonly userId: string | null;
  readonly systemRole: string;
}

/** An application map as its usage sums it: where it runs and what runs it now. */
export interface MapMembers {
  readonly clusterId: string;
  readonly namespace: string;
  readonly workloadNames: readonly string[];
  readonly podNames: readonly string[];
  /** Container restarts of its pods, summed. */
  readonly restarts: number;
  /** Replicas its workloads want, and pods reporting Ready. */
  readonly desired: number;
  readonly ready: number;
}

/** What the caller may see (the workspaces domain's access scope, and the app-maps domain's maps). */
export interface MonitoringGate {
  /** Whether the caller sees the cluster at all (its totals and nodes). */
  seesCluster(principal: PrincipalLike, clusterId: string): Promise<boolean>;
  /** Whether the caller sees what runs in the namespace. */
  seesNamespace(principal: PrincipalLike, clusterId: string, namespace: string): Promise<boolean>;
  /** The map when the caller may read it; null otherwise (another workspace's map looks missing). */
  appMap(principal: PrincipalLike, appMapId: string): Promise<MapMembers | null>;
}

/** One message of a live stream, with the cursor a later subscription resumes after. */
export interface StreamedMetrics {
  readonly message: MetricsMessage;
  readonly cursor: string;
}

/** Live samples of one cluster from the bus (through the process-wide subscription hub). */
export interface MetricsStreams {
  /** Throws BAD_USER_INPUT (field `after`) for a cursor that is not this stream's or has expired. */
  open(clusterId: string, after: string | undefined): Promise<AsyncIterableIterator<StreamedMetrics>>;
}
