import type { PriceTable } from './prices.js';

export interface PrincipalLike {
  readonly userId: string | null;
  readonly systemRole: string;
}

export interface PriceTableStore {
  list(): Promise<PriceTable[]>;
  find(provider: string, region: string): Promise<PriceTable | null>;
  put(table: PriceTable): Promise<void>;
}

/** One pod over one UTC day: hours charged on max(usage, requests) each hour (the rollups). */
export interface PodDay {
  readonly namespace: string;
  readonly name: string;
  /** Start of the UTC day, ms. */
  readonly day: number;
  readonly cpuCoreHours: number;
  readonly memoryGiBHours: number;
}

/** The hourly rollups (src/infra/db). */
export interface ChargeSource {
  podDays(clusterId: string, fromMs: number, toMs: number): Promise<PodDay[]>;
  /** Hours with a cluster-wide rollup, per UTC day (the hours the cluster was measured). */
  clusterHours(clusterId: string, fromMs: number, toMs: number): Promise<Map<number, number>>;
}

export interface ClusterFacts {
  readonly id: string;
  readonly provider: string;
  readonly region: string;
  /** Allocatable of its nodes now (the watch caches). */
  readonly cpuCores: number;
  readonly memoryBytes: number;
  /** Requested storage of its PVCs now, by namespace. */
  readonly storageBytesByNamespace: ReadonlyMap<string, number>;
}

/** A workspace's share of a cluster: whole (`namespaces: null`) or some namespaces. */
export interface Allotment {
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly namespaces: readonly string[] | null;
}

/** An application map as metering matches it: its workloads' pods are `<workload>-…` of its namespace (as the monitoring history matches them). */
export interface MeteredMap {
  readonly id: string;
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly namespace: string;
  readonly workloadNames: readonly string[];
}

/** Access and facts from the workspaces and clusters domains (wired in src/wiring/metering.ts). */
export interface MeteringGate {
  /** The workspace's allotments when the caller may read it; null otherwise (looks missing). */
  workspaceAllotments(principal: PrincipalLike, workspaceId: string): Promise<Allotment[] | null>;
  /** Whether the caller sees the cluster. */
  seesCluster(principal: PrincipalLike, clusterId: string): Promise<boolean>;
  /** Every allotment of the cluster, oldest first. */
  clusterAllotments(clusterId: string): Promise<Allotment[]>;
  cluster(clusterId: string): Promise<ClusterFacts | null>;
  /** The map when the caller may read it; null otherwise (another workspace's map looks missing). */
  appMap(principal: PrincipalLike, appMapId: string): Promise<MeteredMap | null>;
  /** Every map of the workspace, by id: a pod two maps match goes to the first. */
  workspaceMaps(workspaceId: string): Promise<MeteredMap[]>;
}
