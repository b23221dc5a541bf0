import type { MemberChange } from './member-rules.js';
import type { AccessGrant, AllotmentRecord, MemberRecord, StorageAllotmentRecord, StorageGrant, WorkspaceMembership, WorkspaceRecord } from './records.js';

/** Persistence of workspaces (implemented in src/infra/db). */
export interface WorkspaceStore {
  /** Every workspace, by name. */
  list(): Promise<WorkspaceRecord[]>;
  findById(id: string): Promise<WorkspaceRecord | null>;
  findByIds(ids: readonly string[]): Promise<WorkspaceRecord[]>;
  findByName(name: string): Promise<WorkspaceRecord | null>;
  findBySlug(slug: string): Promise<WorkspaceRecord | null>;
  /** `duplicate` when a unique index (name or slug) refuses it (a concurrent insert won the race). */
  insert(record: WorkspaceRecord): Promise<'inserted' | 'duplicate'>;
  /** The slug never changes. */
  update(id: string, changes: Partial<Pick<WorkspaceRecord, 'name' | 'description' | 'updatedAt'>>): Promise<'updated' | 'missing' | 'duplicate-name'>;
  /** Members and allotments go with it (ON DELETE CASCADE). */
  delete(id: string): Promise<boolean>;
}

export interface MemberStore {
  find(workspaceId: string, userId: string): Promise<MemberRecord | null>;
  /** Members of these workspaces, oldest first. */
  listByWorkspaceIds(workspaceIds: readonly string[]): Promise<MemberRecord[]>;
  /** Memberships of these users. */
  listByUserIds(userIds: readonly string[]): Promise<MemberRecord[]>;
  countByWorkspaceIds(workspaceIds: readonly string[]): Promise<Map<string, number>>;
  /**
   * Reads the workspace's members while holding a lock on the workspace, lets `decide` choose a
   * change (or throw), and applies it in the same transaction: two managers removing each other at
   * once cannot leave the workspace without one. `missing-workspace` when it does not exist.
   */
  change(workspaceId: string, decide: (members: readonly MemberRecord[]) => MemberChange): Promise<'applied' | 'missing-workspace'>;
}

export interface AllotmentStore {
  find(workspaceId: string, clusterId: string): Promise<AllotmentRecord | null>;
  listByWorkspaceIds(workspaceIds: readonly string[]): Promise<AllotmentRecord[]>;
  countByWorkspaceIds(workspaceIds: readonly string[]): Promise<Map<string, number>>;
  /** Inserts, or replaces the namespaces of an existing allotment (keeping its creation time). */
  put(record: AllotmentRecord): Promise<void>;
  delete(workspaceId: string, clusterId: string): Promise<boolean>;
}

/** Storage classes allotted to workspaces; they go with the cluster allotment (ON DELETE CASCADE). */
export interface StorageAllotmentStore {
  find(workspaceId: string, clusterId: string, storageClassName: string): Promise<StorageAllotmentRecord | null>;
  /** By cluster, then class name. */
  listByWorkspaceIds(workspaceIds: readonly string[]): Promise<StorageAllotmentRecord[]>;
  /** Inserts, or replaces the quota of an existing allotment (keeping its creation time). */
  put(record: StorageAllotmentRecord): Promise<void>;
  delete(workspaceId: string, clusterId: string, storageClassName: string): Promise<boolean>;
}

/** Every grant of a user, each kind in one statement: their memberships joined to their workspaces' allotments. */
export interface AccessGrantStore {
  grantsOf(userId: string): Promise<AccessGrant[]>;
  storageGrantsOf(userId: string): Promise<StorageGrant[]>;
  /** Every membership of the user, whether or not the workspace has clusters allotted. */
  membershipsOf(userId: string): Promise<WorkspaceMembership[]>;
}

/**
 * How a change of rights reaches every replica (implemented over the event bus in src/infra/nats):
 * each drops its cached access scopes when any of them announces one.
 */
export interface AccessChanges {
  announce(): Promise<void>;
  /** Calls `onChange` for every announcement, this replica's included; resolves once listening. */
  listen(onChange: () => void): Promise<() => Promise<void>>;
}

/** What this domain needs to know of users and clusters, which other domains own. */
export interface UserDirectory {
  exists(userId: string): Promise<boolean>;
}

export interface ClusterDirectory {
  exists(clusterId: string): Promise<boolean>;
  /** Names of the cluster's storage classes, from its watch cache; throws (UNAVAILABLE) when it cannot answer. */
  storageClassNames(clusterId: string): Promise<ReadonlySet<string>>;
}
