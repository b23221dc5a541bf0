import type { AccessScope, Permission } from '../../shared/access.js';
import type { AllotmentStore, StorageAllotmentStore, WorkspaceStore } from './ports.js';
import type { Caller } from './records.js';

/**
 * Workspace-level decisions (builds, runs, registries, catalog packages, releases) for other domains, answered from the same
 * cached access scope as every cluster decision. Other domains name the part they need as a port
 * (builds: WorkspaceGate, catalog: CatalogGate, releases: ReleaseGate); the composition root plugs this in.
 */
export interface WorkspaceAccess {
  /** Whether the workspace exists, whoever asks (callers decide what a missing one looks like). */
  exists(workspaceId: string): Promise<boolean>;
  allows(caller: Caller, workspaceId: string, permission: Permission): Promise<boolean>;
  /** The workspaces among `workspaceIds` where the caller holds `permission`. */
  allowedAmong(caller: Caller, workspaceIds: readonly string[], permission: Permission): Promise<ReadonlySet<string>>;
  /** The workspaces where the caller holds `permission`: 'ALL' for administrators. */
  workspacesAllowing(caller: Caller, permission: Permission): Promise<'ALL' | ReadonlySet<string>>;
  /** Whether the cluster (whole or in part) is allotted to the workspace. */
  clusterAllotted(workspaceId: string, clusterId: string): Promise<boolean>;
  /** The cluster's namespaces allotted to the workspace: 'ALL' (the whole cluster), these, or null (not allotted). */
  allottedNamespaces(workspaceId: string, clusterId: string): Promise<'ALL' | readonly string[] | null>;
  /** The storage classes of the cluster allotted to the workspace, with their quotas (bytes; null: unlimited). */
  storageAllotments(workspaceId: string, clusterId: string): Promise<ReadonlyArray<{ readonly storageClassName: string; readonly quotaBytes: number | null }>>;
  /**
   * What is allotted to each of these workspaces, in one statement: cluster id → its namespaces
   * (null: the whole cluster). A workspace with nothing allotted maps to an empty map.
   */
  allotmentsOfWorkspaces(workspaceIds: readonly string[]): Promise<ReadonlyMap<string, ReadonlyMap<string, readonly string[] | null>>>;
  /** Administrators see and may do everything, across workspaces. */
  isSystemAdmin(caller: Caller): Promise<boolean>;
  /** The workspace's slug (its build namespace, its default registry project); null when it does not exist. */
  slugOf(workspaceId: string): Promise<string | null>;
}

export interface WorkspaceAccessDeps {
  readonly scopeFor: (caller: Caller) => Promise<AccessScope>;
  readonly workspaces: Pick<WorkspaceStore, 'findById'>;
  readonly allotments: Pick<AllotmentStore, 'find' | 'listByWorkspaceIds'>;
  readonly storage: Pick<StorageAllotmentStore, 'listByWorkspaceIds'>;
}

export function createWorkspaceAccess(deps: WorkspaceAccessDeps): WorkspaceAccess {
  return {
    exists: async (workspaceId) => (await deps.workspaces.findById(workspaceId)) !== null,
    allows: async (caller, workspaceId, permission) => (await deps.scopeFor(caller)).allowsInWorkspace(permission, workspaceId),
    allowedAmong: async (caller, workspaceIds, permission) => {
      const scope = await deps.scopeFor(caller);
      return new Set(workspaceIds.filter((workspaceId) => scope.allowsInWorkspace(permission, workspaceId)));
    },
    workspacesAllowing: async (caller, permission) => (await deps.scopeFor(caller)).workspacesAllowing(permission),
    clusterAllotted: async (workspaceId, clusterId) => (await deps.allotments.find(workspaceId, clusterId)) !== null,
    allottedNamespaces: async (workspaceId, clusterId) => {
      const allotment = await deps.allotments.find(workspaceId, clusterId);
      return allotment === null ? null : (allotment.namespaces ?? 'ALL');
    },
    storageAllotments: async (workspaceId, clusterId) =>
      (await deps.storage.listByWorkspaceIds([workspaceId]))
        .filter((allotment) => allotment.clusterId === clusterId)
        .map(({ storageClassName, quotaBytes }) => ({ storageClassName, quotaBytes })),
    allotmentsOfWorkspaces: async (workspaceIds) => {
      const byWorkspace = new Map(workspaceIds.map((workspaceId) => [workspaceId, new Map<string, readonly string[] | null>()]));
      if (workspaceIds.length === 0) return byWorkspace;
      for (const allotment of await deps.allotments.listByWorkspaceIds(workspaceIds)) byWorkspace.get(allotment.workspaceId)?.set(allotment.clusterId, allotment.namespaces);
      return byWorkspace;
    },
    isSystemAdmin: async (caller) => (await deps.scopeFor(caller)).isSystemAdmin,
    slugOf: async (workspaceId) => (await deps.workspaces.findById(workspaceId))?.slug ?? null,
  };
}
