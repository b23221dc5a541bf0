import { FULL_ACCESS, NO_ACCESS, type AccessResolver, type AccessScope, type NamespaceScope, type Permission, type StorageClassScope } from '../../shared/access.js';
import { buildNamespaceOf, isBuildNamespace } from '../../shared/build-namespaces.js';
import { isSystemAdmin, type AccessGrant, type StorageGrant, type WorkspaceMembership, type WorkspaceRole } from './records.js';

/** What a role allows on the workspace itself (as opposed to its clusters). */
export type WorkspacePermission =
  /** See the workspace, its members and its allotments. */
  | 'workspace:read'
  /** Rename and describe it; add, remove and change members. */
  | 'workspace:manage';

export interface RoleGrants {
  /** Granted on the clusters and namespaces allotted to the workspace, nowhere else. */
  readonly clusters: readonly Permission[];
  readonly workspace: readonly WorkspacePermission[];
}

/**
 * THE role matrix: everything a workspace role allows. `node:operate` and `cluster:manage` act on a
 * whole cluster, beyond any one workspace's share of it, so no workspace role grants them: they stay
 * with system administrators (who get FULL_ACCESS).
 * DEVOPS and OPERATOR differ only in what later domains add (builds, deployments).
 */
export const ROLE_MATRIX: Readonly<Record<WorkspaceRole, RoleGrants>> = {
  //         on allotted clusters / namespaces, and the workspace's builds, catalog packages, releases and application maps     on the workspace
  MANAGER: {
    clusters: ['cluster:read', 'workload:operate', 'build:read', 'build:run', 'catalog:read', 'catalog:write', 'release:read', 'release:write', 'appmap:read', 'appmap:write'],
    workspace: ['workspace:read', 'workspace:manage'],
  },
  DEVOPS: {
    clusters: ['cluster:read', 'workload:operate', 'build:read', 'build:run', 'catalog:read', 'catalog:write', 'release:read', 'release:write', 'appmap:read', 'appmap:write'],
    workspace: ['workspace:read'],
  },
  OPERATOR: { clusters: ['cluster:read', 'workload:operate', 'build:read', 'catalog:read', 'release:read', 'appmap:read'], workspace: ['workspace:read'] },
  VIEWER: { clusters: ['cluster:read', 'build:read', 'catalog:read', 'release:read', 'appmap:read'], workspace: ['workspace:read'] },
};

export function roleAllowsOnWorkspace(role: WorkspaceRole, permission: WorkspacePermission): boolean {
  return ROLE_MATRIX[role].workspace.includes(permission);
}

export function roleAllowsOnClusters(role: WorkspaceRole, permission: Permission): boolean {
  return ROLE_MATRIX[role].clusters.includes(permission);
}

interface ClusterGrants {
  /** Permissions on every namespace but build namespaces (from allotments of the whole cluster). */
  readonly wholeCluster: Set<Permission>;
  readonly byNamespace: Map<string, Set<Permission>>;
}

function addAll(target: Set<Permission>, permissions: readonly Permission[]): void {
  for (const permission of permissions) target.add(permission);
}

/**
 * The scope given by a user's grants (their roles times their workspaces' allotments). A user in
 * several workspaces gets the union. Asked without a namespace, `allows` answers for the whole
 * cluster — except `cluster:read`, which then means "may see the cluster at all". Workspace-level
 * permissions (builds, registries) come from the memberships alone, allotted clusters or not.
 *
 * Build namespaces are the exception to every allotment: a workspace's own (`kda-builds-<slug>`)
 * comes with each cluster allotted to it, and no other is reached through any allotment, whole
 * cluster or named — so one team never sees, nor deletes, another team's build pods.
 */
export function buildAccessScope(grants: readonly AccessGrant[], storageGrants: readonly StorageGrant[] = [], memberships: readonly WorkspaceMembership[] = []): AccessScope {
  const byWorkspace = new Map<string, Set<Permission>>();
  for (const membership of memberships) {
    const granted = byWorkspace.get(membership.workspaceId) ?? new Set<Permission>();
    addAll(granted, ROLE_MATRIX[membership.role].clusters);
    byWorkspace.set(membership.workspaceId, granted);
  }

  const byCluster = new Map<string, ClusterGrants>();
  for (const grant of grants) {
    let cluster = byCluster.get(grant.clusterId);
    if (cluster === undefined) {
      cluster = { wholeCluster: new Set(), byNamespace: new Map() };
      byCluster.set(grant.clusterId, cluster);
    }
    const permissions = ROLE_MATRIX[grant.role].clusters;
    const ownBuildNamespace = buildNamespaceOf(grant.workspaceSlug);
    if (grant.namespaces === null) addAll(cluster.wholeCluster, permissions);
    const named = (grant.namespaces ?? []).filter((namespace) => !isBuildNamespace(namespace));
    for (const namespace of [...named, ownBuildNamespace]) {
      let granted = cluster.byNamespace.get(namespace);
      if (granted === undefined) {
        granted = new Set();
        cluster.byNamespace.set(namespace, granted);
      }
      addAll(granted, permissions);
    }
  }

  /** Whole-cluster rights reach every namespace but build namespaces; those come by name only. */
  const grantedIn = (cluster: ClusterGrants, namespace: string, permission: Permission): boolean =>
    (cluster.wholeCluster.has(permission) && !isBuildNamespace(namespace)) || (cluster.byNamespace.get(namespace)?.has(permission) ?? false);

  const readableNamespaces = (cluster: ClusterGrants): Set<string> =>
    new Set([...cluster.byNamespace].filter(([, granted]) => granted.has('cluster:read')).map(([namespace]) => namespace));
  const visible = new Set([...byCluster].filter(([, cluster]) => cluster.wholeCluster.has('cluster:read') || readableNamespaces(cluster).size > 0).map(([clusterId]) => clusterId));

  // A storage class counts only through a workspace that still has the cluster allotted.
  const allotted = new Set(grants.map((grant) => `${grant.workspaceId}/${grant.clusterId}`));
  const storageByCluster = new Map<string, Set<string>>();
  for (const storage of storageGrants) {
    if (!allotted.has(`${storage.workspaceId}/${storage.clusterId}`)) continue;
    const classes = storageByCluster.get(storage.clusterId) ?? new Set<string>();
    classes.add(storage.storageClassName);
    storageByCluster.set(storage.clusterId, classes);
  }

  return {
    isSystemAdmin: false,
    visibleClusterIds: () => visible,
    storageClassesOf(clusterId): StorageClassScope {
      const cluster = byCluster.get(clusterId);
      if (cluster === undefined || !visible.has(clusterId)) return new Set<string>();
      // The whole cluster allotted: its storage classes come with it.
      if (cluster.wholeCluster.has('cluster:read')) return 'ALL';
      return storageByCluster.get(clusterId) ?? new Set<string>();
    },
    namespacesOf(clusterId): NamespaceScope {
      const cluster = byCluster.get(clusterId);
      if (cluster === undefined) return new Set<string>();
      return cluster.wholeCluster.has('cluster:read') ? { has: (namespace) => grantedIn(cluster, namespace, 'cluster:read') } : readableNamespaces(cluster);
    },
    allows(permission, clusterId, namespace) {
      const cluster = byCluster.get(clusterId);
      if (cluster === undefined) return false;
      if (namespace !== undefined) return grantedIn(cluster, namespace, permission);
      if (cluster.wholeCluster.has(permission)) return true;
      return permission === 'cluster:read' && visible.has(clusterId);
    },
    allowsInWorkspace(permission, workspaceId) {
      return byWorkspace.get(workspaceId)?.has(permission) ?? false;
    },
    workspacesAllowing(permission) {
      return new Set([...byWorkspace].filter(([, granted]) => granted.has(permission)).map(([workspaceId]) => workspaceId));
    },
  };
}

/** Reads the grants of one user; each method is one statement. */
export interface AccessGrantReader {
  /** Memberships joined to allotments. */
  grantsOf(userId: string): Promise<AccessGrant[]>;
  storageGrantsOf(userId: string): Promise<StorageGrant[]>;
  /** Every membership, allotted or not (workspace-level permissions). */
  membershipsOf(userId: string): Promise<WorkspaceMembership[]>;
}

/** The AccessResolver of src/shared/access.ts: three queries per caller (run together), none for administrators. */
export function createAccessResolver(deps: { readonly grants: AccessGrantReader }): AccessResolver {
  return async (principal) => {
    if (isSystemAdmin(principal)) return FULL_ACCESS;
    if (principal.userId === null) return NO_ACCESS;
    const [grants, storageGrants, memberships] = await Promise.all([
      deps.grants.grantsOf(principal.userId),
      deps.grants.storageGrantsOf(principal.userId),
      deps.grants.membershipsOf(principal.userId),
    ]);
    return buildAccessScope(grants, storageGrants, memberships);
  };
}
