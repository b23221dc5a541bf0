export * from './audit/index.js';
export { AccessCache, accessScopeKey } from './access-cache.js';
export { callerOf, type WorkspacesContext } from './context.js';
export { MemberConnection, WorkspaceConnection } from './connections.js';
export { ClusterAllotment, Member, StorageAllotment, Workspace, WorkspaceRoleEnum } from './graphql-types.js';
export { createWorkspaceLoaders, type WorkspaceLoaders } from './loaders.js';
export { decideAdd, decideRemoval, decideRoleChange, type MemberChange } from './member-rules.js';
// The role matrix itself stays inside this domain: other code asks the access scope.
export { buildAccessScope, createAccessResolver, type AccessGrantReader, type WorkspacePermission } from './permissions.js';
export type { AccessChanges, AccessGrantStore, AllotmentStore, ClusterDirectory, MemberStore, StorageAllotmentStore, UserDirectory, WorkspaceStore } from './ports.js';
export {
  WORKSPACE_ROLES,
  type AccessGrant,
  type AllotmentRecord,
  type Caller,
  type MemberRecord,
  type StorageAllotmentRecord,
  type StorageGrant,
  type WorkspaceMembership,
  type WorkspaceRecord,
  type WorkspaceRole,
} from './records.js';
export { workspacesOfUser } from './user-workspaces.js';
export { createWorkspaceAccess, type WorkspaceAccess, type WorkspaceAccessDeps } from './workspace-access.js';
export { WorkspaceResolver } from './workspace-resolver.js';
export {
  WorkspaceService,
  type AllotClusterInput,
  type AllotStorageInput,
  type CreateWorkspaceInput,
  type MemberInput,
  type UpdateWorkspaceInput,
  type WorkspaceServiceDeps,
} from './workspace-service.js';
export { workspaceNodeLookups } from './node-lookups.js';
