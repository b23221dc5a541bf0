import type { JsonObject } from '../rendering/json.js';
import type { InventoryItem, ReleaseActor, ReleaseRecord, ReleaseStatus, RevisionRecord, RevisionSummary, SourceRemoval } from './records.js';

/** Persistence (implemented in src/infra/db). Every write that spans rows is one transaction. */
export interface ReleaseStore {
  findById(id: string): Promise<ReleaseRecord | null>;
  findByIds(ids: readonly string[]): Promise<ReleaseRecord[]>;
  /** The releases of these workspaces ('ALL': of every one), newest first, narrowed by the filter. */
  list(filter: ReleaseListFilter): Promise<ReleaseRecord[]>;
  /** The release and its first revision, both or neither. */
  insert(release: ReleaseRecord, first: RevisionRecord): Promise<void>;
  /**
   * Takes the release's operation lock with one conditional UPDATE (so it holds across replicas):
   * false when another operation holds it and it has not lapsed (`staleBefore`).
   */
  lock(releaseId: string, token: string, now: Date, staleBefore: Date): Promise<boolean>;
  /** Releases the lock if `token` still holds it. */
  unlock(releaseId: string, token: string): Promise<void>;
  /**
   * Records revision n+1 as current (the previous one SUPERSEDED), drops revisions beyond the newest
   * `keep`, and releases the lock — one transaction. False when the lock was lost meanwhile (nothing written).
   */
  addRevision(change: RevisionChange, token: string, keep: number): Promise<boolean>;
  /** The release and its current revision UNINSTALLED, lock released — one transaction. */
  markUninstalled(releaseId: string, revision: number, message: string | null, token: string, at: Date): Promise<boolean>;
  /**
   * Sets the status of the release and of its revision while that revision is current and still
   * DEPLOYING (or DEPLOYED, for a workload that later fails); false when the release moved on.
   */
  setRolloutStatus(releaseId: string, revision: number, status: ReleaseStatus, message: string | null, at: Date): Promise<boolean>;
  /** Revisions kept, newest first, without their manifests. */
  revisionsOf(releaseIds: readonly string[]): Promise<Map<string, RevisionSummary[]>>;
  /** One revision with its manifests; null when it does not exist (or is no longer kept). */
  revision(releaseId: string, revision: number): Promise<RevisionRecord | null>;
  /** Releases whose rollout was being followed (to follow again after a restart). */
  listDeploying(): Promise<ReleaseRecord[]>;
  /** Settles a redeployed release's source removal if it is still PENDING (one replica wins); `message` replaces the status message. */
  finishSourceRemoval(releaseId: string, outcome: Exclude<SourceRemoval, 'PENDING'>, message: string | null, at: Date): Promise<boolean>;
  /** Redeployed releases that turned healthy but whose source is not removed yet (a restart came between). */
  listPendingSourceRemovals(): Promise<ReleaseRecord[]>;
}

export interface ReleaseListFilter {
  readonly workspaceIds: 'ALL' | readonly string[];
  readonly clusterId?: string | null | undefined;
  readonly namespace?: string | null | undefined;
  readonly appMapName?: string | null | undefined;
  /** Uninstalled releases are kept for their history; lists leave them out unless asked. */
  readonly includeUninstalled?: boolean;
}

export interface RevisionChange {
  readonly release: ReleaseRecord;
  readonly revision: RevisionRecord;
}

export type ReleasePermission = 'release:read' | 'release:write';

export interface ReleasePrincipal {
  /** Stable id of the caller: a user id, or `bootstrap-admin`. */
  readonly id: string;
  readonly userId: string | null;
  readonly displayName: string;
  readonly systemRole: string;
}

export function actorOf(principal: ReleasePrincipal): ReleaseActor {
  return { id: principal.id, userId: principal.userId, name: principal.displayName };
}

/** A storage class allotted to the workspace on a cluster, with its quota (bytes; null: unlimited). */
export interface StorageAllotmentFact {
  readonly storageClassName: string;
  readonly quotaBytes: number | null;
}

/**
 * The workspaces' answers this domain needs (plugged in by the composition root from the workspaces
 * domain's access scope and allotments): releases never re-derive a role rule.
 */
export interface ReleaseGate {
  exists(workspaceId: string): Promise<boolean>;
  allows(principal: ReleasePrincipal, workspaceId: string, permission: ReleasePermission): Promise<boolean>;
  allowedAmong(principal: ReleasePrincipal, workspaceIds: readonly string[], permission: ReleasePermission): Promise<ReadonlySet<string>>;
  workspacesAllowing(principal: ReleasePrincipal, permission: ReleasePermission): Promise<'ALL' | ReadonlySet<string>>;
  /** The cluster's namespaces allotted to the workspace: 'ALL' (the whole cluster), these, or null (not allotted). */
  allottedNamespaces(workspaceId: string, clusterId: string): Promise<'ALL' | readonly string[] | null>;
  storageAllotments(workspaceId: string, clusterId: string): Promise<readonly StorageAllotmentFact[]>;
}

/** A claim as the cluster's cache knows it. */
export interface ClaimFact {
  readonly namespace: string;
  readonly name: string;
  readonly storageClassName: string | null;
  readonly requestedBytes: number;
}

/** What a workload's rollout looks like now, from the cluster's cache. */
export interface WorkloadFact {
  readonly kind: string;
  readonly namespace: string;
  readonly name: string;
  readonly uid: string;
  readonly desired: number;
  readonly ready: number;
  readonly available: number;
  readonly updated: number;
  readonly generation: number;
  readonly observedGeneration: number;
  readonly conditions: ReadonlyArray<{ readonly type: string; readonly status: string; readonly reason?: string | undefined; readonly message?: string | undefined }>;
}

/** The clusters' caches (plugged in from the informers): no apiserver call. */
export interface ReleaseClusterFacts {
  /** The claims of the cluster and its default storage class; throws UNAVAILABLE when it cannot answer. */
  claims(clusterId: string): Promise<{ readonly claims: readonly ClaimFact[]; readonly defaultStorageClass: string | null }>;
  /** The workloads of a namespace; null when the cluster is not connected. */
  workloads(clusterId: string, namespace: string): readonly WorkloadFact[] | null;
  /** Calls `onChange` whenever a workload of the namespace changes (from the bus); resolves with a stop. */
  watchWorkloads(clusterId: string, namespace: string, onChange: () => void): Promise<() => Promise<void>>;
}

/** Names one object in a cluster. */
export interface ObjectRef {
  readonly apiVersion: string;
  readonly kind: string;
  readonly namespace: string | null;
  readonly name: string;
}

export type DeleteOutcome = 'DELETED' | 'GONE' | 'REPLACED';

/**
 * Writes to and reads from a cluster's API server (implemented in src/infra/k8s with the cluster's
 * credentials). Server-side apply under one field manager. Failures are ClusterRequestErrors.
 */
export interface ReleaseCluster {
  /** The object as the API server has it now (managedFields included); null when absent. */
  read(clusterId: string, ref: ObjectRef): Promise<JsonObject | null>;
  /** Server-side apply; `dryRun`: validated and answered as if done, nothing stored. `force`: take over fields other managers own. */
  apply(clusterId: string, manifest: JsonObject, options: { readonly dryRun: boolean; readonly force: boolean }): Promise<JsonObject>;
  /** Deletes the object only if it is still the one with `uid` (a precondition the API server checks). */
  delete(clusterId: string, ref: ObjectRef, uid: string): Promise<DeleteOutcome>;
}

/** Why a request to a cluster failed, with what the API server said about which field. */
export class ClusterRequestError extends Error {
  constructor(
    readonly reason: 'INVALID' | 'CONFLICT' | 'FORBIDDEN' | 'NOT_FOUND' | 'UNAVAILABLE',
    message: string,
    /** Fields the API server blamed (Status details.causes[].field), e.g. `spec.replicas`. */
    readonly fields: readonly string[] = [],
  ) {
    super(message);
    this.name = 'ClusterRequestError';
  }
}

/** Where a release's application map is, and which release it is. */
export interface ReleasePlace {
  readonly releaseId: string;
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly namespace: string;
  readonly appMapName: string;
}

/**
 * The application maps releases make (plugged in from the app-maps domain): a deploy draws the map
 * around its objects (or adopts a map of that name drawn by hand), an uninstall takes it away.
 */
export interface ReleaseAppMaps {
  /** Throws CONFLICT when the map of that name there belongs to another release (checked before anything is applied). */
  requireFree(place: ReleasePlace): Promise<void>;
  /** Creates the release's map (selecting the release's label), or adopts the map of that name there. */
  attach(place: ReleasePlace & { readonly stage: string; readonly description: string }): Promise<void>;
  /** Deletes the map the release created; a map it adopted stays, without its release. */
  detach(releaseId: string): Promise<void>;
  /** The release of a map the caller may read; NOT_FOUND (on `field`) when the map is missing or another workspace's. */
  releaseOfMap(principal: ReleasePrincipal, appMapId: string, field: string): Promise<{ readonly releaseId: string | null; readonly name: string }>;
  /** Releases of the workspace's maps that roll forward on every successful build (continuous deployment on). */
  continuouslyDeployed(workspaceId: string): Promise<readonly string[]>;
}

export type ReleaseEventType = 'INSTALLED' | 'UPGRADED' | 'ROLLED_BACK' | 'IMAGE_UPDATED' | 'UNINSTALLED' | 'STATUS_CHANGED';

/** On the bus (`kda.v1.workspaces.<id>.releases`): normalized JSON with a version field. */
export interface ReleaseEvent {
  readonly v: 1;
  readonly type: ReleaseEventType;
  readonly workspaceId: string;
  readonly releaseId: string;
  readonly revision: number;
  readonly status: ReleaseStatus;
  readonly message: string | null;
  readonly at: string;
}

export interface StreamedReleaseEvent {
  readonly event: ReleaseEvent;
  readonly cursor: string;
}

export interface ReleaseEvents {
  publish(event: ReleaseEvent): Promise<void>;
  /** Live events of a workspace (after `after`, when given); resolves once the subscription is live. */
  stream(workspaceId: string, after: string | undefined): Promise<AsyncIterableIterator<StreamedReleaseEvent>>;
}

export type { InventoryItem };
