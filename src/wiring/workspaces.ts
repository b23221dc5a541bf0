import { DEFAULT_LIMITS, type GatewayLimits } from '../config/config.js';
import type { ClusterService } from '../domains/clusters/index.js';
import type { IdentityService } from '../domains/identity/index.js';
import { AccessCache, createAccessResolver, createWorkspaceAccess, WorkspaceService, type AuditLog, type WorkspaceAccess } from '../domains/workspaces/index.js';
import { createAuditLogStore } from '../infra/db/audit-log-store.js';
import { createWorkspaceStores } from '../infra/db/workspace-stores.js';
import { createAccessChanges } from '../infra/nats/access-changes.js';
import type { Infra } from './infra.js';
import type { StopList } from './stop-list.js';

export interface WorkspacesWiring {
  readonly service: WorkspaceService;
  /** Every caller's access scope, cached per process and dropped on every replica when rights change. */
  readonly access: AccessCache;
  /** Workspace-level decisions for other domains (builds, registries), from the same scopes. */
  readonly workspaceAccess: WorkspaceAccess;
  readonly auditLog: AuditLog;
}

export interface WorkspacesNeighbours {
  readonly identity: IdentityService;
  readonly clusters: ClusterService;
}

/** Workspaces, their members and allotments, and the access scope every decision goes through. */
export async function wireWorkspaces(
  infra: Infra,
  neighbours: WorkspacesNeighbours,
  stops: StopList,
  limits: Pick<GatewayLimits, 'accessCacheSeconds'> = DEFAULT_LIMITS,
): Promise<WorkspacesWiring> {
  const stores = createWorkspaceStores(infra.dataSource);
  const access = new AccessCache(createAccessResolver({ grants: stores.grants }), createAccessChanges(infra.bus), infra.logger, { maxAgeMs: limits.accessCacheSeconds * 1000 });
  await access.start();
  stops.add(() => access.stop());
  const { identity, clusters } = neighbours;
  const service = new WorkspaceService({
    ...stores,
    users: { exists: async (userId) => (await identity.getUser(userId)) !== null },
    clusters: {
      exists: async (clusterId) => (await clusters.get(clusterId)) !== null,
      storageClassNames: async (clusterId) => new Set((await clusters.liveView(clusterId)).storageClasses().map((storageClass) => storageClass.name)),
    },
    accessChanged: () => access.invalidate(),
    now: () => new Date(),
  });
  const workspaceAccess = createWorkspaceAccess({
    scopeFor: (caller) => access.scopeFor(caller),
    workspaces: stores.workspaces,
    allotments: stores.allotments,
    storage: stores.storage,
  });
  return { service, access, workspaceAccess, auditLog: createAuditLogStore(infra.dataSource) };
}
