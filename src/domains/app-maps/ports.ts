import type { ClusterFacts, MapClaim, MapPod, MapService, MapWorkload, NamespaceObjects } from './objects.js';
import type { AppMapPatch, AppMapRecord } from './records.js';

/** Persistence (implemented in src/infra/db). */
export interface AppMapStore {
  findById(id: string): Promise<AppMapRecord | null>;
  findByIds(ids: readonly string[]): Promise<AppMapRecord[]>;
  /** The maps of these workspaces ('ALL': of every one), optionally of one cluster or of one name, by name. */
  list(filter: { readonly workspaceIds: 'ALL' | readonly string[]; readonly clusterId?: string | undefined; readonly name?: string | undefined }): Promise<AppMapRecord[]>;
  /** `duplicate-name`: the workspace has a map of that name in that namespace of that cluster; `missing-parent`: the workspace or cluster is gone. */
  insert(record: AppMapRecord): Promise<'inserted' | 'duplicate-name' | 'missing-parent'>;
  update(id: string, patch: AppMapPatch): Promise<'updated' | 'duplicate-name' | 'missing'>;
  /** Deletes the row only: the cluster's objects are never touched. False when it was already gone. */
  delete(id: string): Promise<boolean>;
  /** The maps a release made or adopted. */
  findByRelease(releaseId: string): Promise<AppMapRecord[]>;
  /** The maps of these releases, in one statement. */
  findByReleases(releaseIds: readonly string[]): Promise<AppMapRecord[]>;
}

export type AppMapPermission = 'appmap:read' | 'appmap:write';

export interface PrincipalLike {
  readonly userId: string | null;
  readonly systemRole: string;
}

/** The workspaces' answers this domain needs (plugged in from the workspaces domain's access scope). */
export interface AppMapGate {
  exists(workspaceId: string): Promise<boolean>;
  allows(principal: PrincipalLike, workspaceId: string, permission: AppMapPermission): Promise<boolean>;
  allowedAmong(principal: PrincipalLike, workspaceIds: readonly string[], permission: AppMapPermission): Promise<ReadonlySet<string>>;
  /** The workspaces whose maps the caller may read ('ALL' for administrators). */
  workspacesAllowing(principal: PrincipalLike, permission: AppMapPermission): Promise<'ALL' | ReadonlySet<string>>;
  /** Per workspace: cluster id → its allotted namespaces (null: the whole cluster), in one statement. */
  allotmentsOfWorkspaces(workspaceIds: readonly string[]): Promise<ReadonlyMap<string, ReadonlyMap<string, readonly string[] | null>>>;
}

/** The clusters as maps read them: their records and live status, and their informer caches (never the apiserver). */
export interface AppMapClusters {
  /** The registered clusters among these ids, with their live status, in one statement. */
  facts(clusterIds: readonly string[]): Promise<ReadonlyMap<string, ClusterFacts>>;
  /** What the caches hold in a namespace now; null when this process has no connection to the cluster. */
  objects(clusterId: string, namespace: string): NamespaceObjects | null;
  /** The local key the graph's Pod, Workload, Service and PersistentVolumeClaim nodes have for an object. */
  objectKey(clusterId: string, namespace: string, name: string, uid: string): string;
}

export type ObservedKind = 'workloads' | 'pods' | 'services' | 'persistentvolumeclaims';

/** One change a live map stream folds in. */
export type AppMapChange =
  | { readonly source: 'workloads'; readonly clusterId: string; readonly type: WatchType; readonly object: MapWorkload }
  | { readonly source: 'pods'; readonly clusterId: string; readonly type: WatchType; readonly object: MapPod }
  | { readonly source: 'services'; readonly clusterId: string; readonly type: WatchType; readonly object: MapService }
  | { readonly source: 'persistentvolumeclaims'; readonly clusterId: string; readonly type: WatchType; readonly object: MapClaim }
  | { readonly source: 'cluster'; readonly clusterId: string; readonly state: string; readonly reason?: string }
  | { readonly source: 'map'; readonly appMapId: string };

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface MapTarget {
  readonly clusterId: string;
  readonly namespace: string;
}

/** Changes as they arrive; `backlog()`, when there, says how many are waiting already. */
export type ChangeStream = AsyncIterableIterator<AppMapChange> & { readonly backlog?: () => number };

/** Live changes from the event bus (implemented over the subscription hub in src/infra/nats). */
export interface AppMapChangeFeed {
  /**
   * Changes of the objects in these namespaces, of these clusters' status, and of these maps,
   * merged into one stream; resolves once every bus subscription is live. `return()` releases them.
   */
  open(targets: readonly MapTarget[], appMapIds: readonly string[]): Promise<ChangeStream>;
  /** Tells every replica's streams that a map was created, changed or deleted. */
  announce(appMapId: string): Promise<void>;
}
