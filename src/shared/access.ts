/**
 * What a caller may see and do, as one object per request (or per subscription event). Built by the
 * workspaces domain from memberships and allotments; read by every other domain, which therefore
 * never needs to know about workspaces. The role matrix lives in one place: workspaces/permissions.ts.
 */
export type Permission =
  /** See a cluster, the namespaces allotted, and what runs in them (queries and subscriptions). */
  | 'cluster:read'
  /** Day-2 work on workloads and pods in an allotted namespace: scale, restart, delete a pod. */
  | 'workload:operate'
  /** Cordon, uncordon and drain nodes: cluster-wide, so never granted by a workspace role. */
  | 'node:operate'
  /** Register, change and remove clusters: system administrators only. */
  | 'cluster:manage'
  /** See a workspace's builds, runs, logs and registries (checked per workspace, not per cluster). */
  | 'build:read'
  /** Define and run builds of a workspace, and cancel runs (per workspace). */
  | 'build:run'
  /** See a workspace's own catalog packages and their versions (per workspace; global packages need no right). */
  | 'catalog:read'
  /** Create, change and delete a workspace's own catalog packages and their versions (per workspace). */
  | 'catalog:write'
  /** See a workspace's releases: their revisions, history, inventory and rollout (per workspace). */
  | 'release:read'
  /** Deploy, upgrade, roll back and uninstall a workspace's releases, into its allotted clusters and namespaces (per workspace). */
  | 'release:write'
  /** See a workspace's application maps and their picture (per workspace). */
  | 'appmap:read'
  /** Create, change and delete a workspace's application maps (per workspace; only on what is allotted to it). */
  | 'appmap:write';

/**
 * Namespaces of one cluster a caller may see: all of them, or those `has` accepts — a set of names,
 * or (a whole cluster allotted) every namespace but other workspaces' build namespaces.
 */
export type NamespaceScope = 'ALL' | { has(namespace: string): boolean };

/** Storage classes of one cluster a caller may see and use: all of them, or these (by name). */
export type StorageClassScope = 'ALL' | ReadonlySet<string>;

export interface AccessScope {
  /** System administrators see and may do everything. */
  readonly isSystemAdmin: boolean;
  /** Clusters visible at all: 'ALL' for administrators. */
  visibleClusterIds(): 'ALL' | ReadonlySet<string>;
  /** Namespaces of a cluster the caller may see; an empty set when the cluster is not visible. */
  namespacesOf(clusterId: string): NamespaceScope;
  /**
   * Storage classes of a cluster the caller may see: 'ALL' for administrators and whole-cluster
   * allotments, otherwise those allotted to the caller's workspaces there (empty when none, or when
   * the cluster is not visible).
   */
  storageClassesOf(clusterId: string): StorageClassScope;
  /** Whether `permission` is granted on the cluster (and namespace, for namespaced permissions). */
  allows(permission: Permission, clusterId: string, namespace?: string): boolean;
  /**
   * Whether the caller's role in the workspace grants `permission` there, whatever is allotted to it:
   * builds, runs and registries belong to a workspace, not to a cluster.
   */
  allowsInWorkspace(permission: Permission, workspaceId: string): boolean;
  /** The workspaces where the caller's role grants `permission` ('ALL' for administrators): lists across workspaces. */
  workspacesAllowing(permission: Permission): 'ALL' | ReadonlySet<string>;
}

/** Builds the scope of a caller from the current memberships (never cached across requests). */
export type AccessResolver = (principal: { readonly userId: string | null; readonly systemRole: string }) => Promise<AccessScope>;

export const FULL_ACCESS: AccessScope = {
  isSystemAdmin: true,
  visibleClusterIds: () => 'ALL',
  namespacesOf: () => 'ALL',
  storageClassesOf: () => 'ALL',
  allows: () => true,
  allowsInWorkspace: () => true,
  workspacesAllowing: () => 'ALL',
};

export function namespaceVisible(scope: NamespaceScope, namespace: string): boolean {
  return scope === 'ALL' || scope.has(namespace);
}

export function storageClassVisible(scope: StorageClassScope, storageClassName: string): boolean {
  return scope === 'ALL' || scope.has(storageClassName);
}

/** A caller who belongs to no workspace: sees no cluster. */
export const NO_ACCESS: AccessScope = {
  isSystemAdmin: false,
  visibleClusterIds: () => new Set<string>(),
  namespacesOf: () => new Set<string>(),
  storageClassesOf: () => new Set<string>(),
  allows: () => false,
  allowsInWorkspace: () => false,
  workspacesAllowing: () => new Set<string>(),
};
