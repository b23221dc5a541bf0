/** Roles inside a workspace (values are part of the API). What each may do: permissions.ts. */
export const WORKSPACE_ROLES = ['MANAGER', 'DEVOPS', 'OPERATOR', 'VIEWER'] as const;
export type WorkspaceRole = (typeof WORKSPACE_ROLES)[number];

/** A team's space, as stored. */
export interface WorkspaceRecord {
  id: string;
  /** Unique. */
  name: string;
  /**
   * Unique, set at creation and never changed: the workspace's name in other systems — its build
   * namespace (`kda-builds-<slug>`) and, unless allotted otherwise, its project in registries.
   */
  slug: string;
  description: string | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A user's membership of a workspace. */
export interface MemberRecord {
  workspaceId: string;
  userId: string;
  role: WorkspaceRole;
  createdAt: Date;
}

/** A cluster allotted to a workspace, whole (`namespaces: null`) or limited to some namespaces. */
export interface AllotmentRecord {
  workspaceId: string;
  clusterId: string;
  /** Sorted, without duplicates; `null`: every namespace of the cluster. */
  namespaces: string[] | null;
  createdAt: Date;
}

/** A storage class of an allotted cluster, allotted to a workspace with an optional quota. */
export interface StorageAllotmentRecord {
  workspaceId: string;
  clusterId: string;
  storageClassName: string;
  /** Bytes the workspace's claims of this class may request in all; `null`: unlimited. */
  quotaBytes: number | null;
  createdAt: Date;
}

/** One storage class a user may use: allotted to one of their workspaces on a cluster. */
export interface StorageGrant {
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly storageClassName: string;
}

/** One row of "what a user may reach": a role of theirs and one allotment of that workspace. */
export interface AccessGrant {
  readonly workspaceId: string;
  /** Names the workspace's build namespace, which comes with every cluster allotted to it. */
  readonly workspaceSlug: string;
  readonly role: WorkspaceRole;
  readonly clusterId: string;
  readonly namespaces: readonly string[] | null;
}

/** A user's role in one workspace: the source of workspace-level permissions (builds, registries). */
export interface WorkspaceMembership {
  readonly workspaceId: string;
  readonly role: WorkspaceRole;
}

/** Who is asking. Kept to what this domain needs, so it does not depend on identity's Principal. */
export interface Caller {
  readonly userId: string | null;
  readonly systemRole: string;
}

export function isSystemAdmin(caller: Caller): boolean {
  return caller.systemRole === 'ADMIN';
}
