/**
 * What the collector reads from a cluster's metrics.k8s.io and passes on: the normalized sample
 * published on the bus (`kda.v1.clusters.<id>.metrics`, DESIGN.md "Public contract") and stored.
 * CPU in millicores, memory in bytes. `v` is the message's schema version.
 */
export const SAMPLE_VERSION = 1;

export interface ContainerSample {
  readonly name: string;
  readonly cpuMillicores: number;
  readonly memoryBytes: number;
}

export interface PodSample {
  readonly namespace: string;
  readonly name: string;
  readonly cpuMillicores: number;
  readonly memoryBytes: number;
  readonly containers: readonly ContainerSample[];
  /** What the pod's spec requests (summed over its containers), when the caches know the pod: metering charges max(usage, requests). */
  readonly cpuRequestMillicores?: number;
  readonly memoryRequestBytes?: number;
}

export interface NodeSample {
  readonly name: string;
  readonly cpuMillicores: number;
  readonly memoryBytes: number;
  /** The node's root filesystem (the kubelet's Summary API); absent when the kubelet did not answer. */
  readonly storageUsedBytes?: number;
  readonly storageCapacityBytes?: number;
}

export interface SampleTotals {
  /** Summed over the nodes (what the machines use, system daemons included). */
  readonly cpuMillicores: number;
  readonly memoryBytes: number;
  /** Pods that reported usage. */
  readonly pods: number;
  /** Summed over the nodes whose kubelet reported its filesystem; absent when none did. */
  readonly storageUsedBytes?: number;
  readonly storageCapacityBytes?: number;
}

/** One poll of one cluster. `at`: when it was read (ms since the epoch), the same for every row it stores. */
export interface ClusterSample {
  readonly v: typeof SAMPLE_VERSION;
  readonly clusterId: string;
  readonly at: number;
  readonly nodes: readonly NodeSample[];
  readonly pods: readonly PodSample[];
  readonly totals: SampleTotals;
}

export type OutageCode = 'NOT_INSTALLED' | 'UNAVAILABLE';

/** A poll that found no metrics: metrics.k8s.io absent (no metrics-server) or failing (503, unreachable). */
export interface MetricsOutage {
  readonly v: typeof SAMPLE_VERSION;
  readonly clusterId: string;
  readonly at: number;
  readonly outage: { readonly code: OutageCode; readonly reason: string };
}

export type MetricsMessage = ClusterSample | MetricsOutage;

export function isOutage(message: MetricsMessage): message is MetricsOutage {
  return 'outage' in message;
}

/** What a cluster answered, before totals: the reader's result. */
export interface ReadMetrics {
  readonly nodes: readonly NodeSample[];
  readonly pods: readonly PodSample[];
}

export function toSample(clusterId: string, at: number, read: ReadMetrics): ClusterSample {
  let cpuMillicores = 0;
  let memoryBytes = 0;
  let storageUsedBytes = 0;
  let storageCapacityBytes = 0;
  let storageReported = false;
  for (const node of read.nodes) {
    cpuMillicores += node.cpuMillicores;
    memoryBytes += node.memoryBytes;
    if (node.storageUsedBytes !== undefined && node.storageCapacityBytes !== undefined) {
      storageReported = true;
      storageUsedBytes += node.storageUsedBytes;
      storageCapacityBytes += node.storageCapacityBytes;
    }
  }
  const storage = storageReported ? { storageUsedBytes, storageCapacityBytes } : {};
  return { v: SAMPLE_VERSION, clusterId, at, nodes: read.nodes, pods: read.pods, totals: { cpuMillicores, memoryBytes, pods: read.pods.length, ...storage } };
}

/** Thrown by the reader when the cluster serves no usable metrics. */
export class MetricsOutageError extends Error {
  constructor(
    readonly code: OutageCode,
    reason: string,
  ) {
    super(reason);
    this.name = 'MetricsOutageError';
  }
}

/** What a history series is about. */
export type SeriesTarget =
  | { readonly kind: 'cluster'; readonly clusterId: string }
  | { readonly kind: 'node'; readonly clusterId: string; readonly nodeName: string }
  | { readonly kind: 'pod'; readonly clusterId: string; readonly namespace: string; readonly podName: string }
  /** The pods of an application map's workloads (`<workload>-…`), summed at each sample. */
  | { readonly kind: 'pods'; readonly clusterId: string; readonly namespace: string; readonly workloadNames: readonly string[] };

export interface SeriesPoint {
  /** Start of the step, ms since the epoch. */
  readonly t: number;
  readonly avg: number;
  readonly max: number;
}

export interface Series {
  readonly cpuMillicores: readonly SeriesPoint[];
  readonly memoryBytes: readonly SeriesPoint[];
}

export interface SeriesQuery {
  readonly target: SeriesTarget;
  readonly fromMs: number;
  /** Exclusive. */
  readonly toMs: number;
  readonly stepMs: number;
  /** Read the 1-hour rollups (the range reaches past the fine samples' retention) instead of the fine samples. */
  readonly coarse: boolean;
}

const podIndexes = new WeakMap<ClusterSample, Map<string, PodSample>>();

/** A pod of a sample by namespace and name, through an index built once per sample. */
export function podOf(sample: ClusterSample, namespace: string, name: string): PodSample | undefined {
  let index = podIndexes.get(sample);
  if (index === undefined) {
    index = new Map(sample.pods.map((pod) => [`${pod.namespace}/${pod.name}`, pod]));
    podIndexes.set(sample, index);
  }
  return index.get(`${namespace}/${name}`);
}

export function nodeOf(sample: ClusterSample, name: string): NodeSample | undefined {
  return sample.nodes.find((node) => node.name === name);
}

/** Millicores as cores, to the microcore: sums of samples carry float noise that is not usage. */
export function coresOf(millicores: number): number {
  return Math.round(millicores * 1000) / 1_000_000;
}
