import { buildNamespaceOf } from '../shared/build-namespaces.js';
import { NO_ACCESS } from '../shared/access.js';
import type { PageLimits, PagingContext } from '../shared/pagination.js';
import { createClusterLoaders, type ClusterLoaders, type ClusterService, type ClustersContext, type DayTwoService } from '../domains/clusters/index.js';
import { createIdentityLoaders, type Authenticator, type IdentityContext, type IdentityService, type Principal } from '../domains/identity/index.js';
import { createWorkspaceLoaders, type AccessCache, type AuditContext, type AuditLog, type WorkspacesContext, type WorkspaceService } from '../domains/workspaces/index.js';
import type { AuditRecorder } from './audit-middleware.js';
import type { OperationDeadline } from './cost/deadline.js';
import type { BuildService, BuildsContext, RegistryService } from '../domains/builds/index.js';
import type { CatalogContext, CatalogService, MapPackagesContext, MapPackageService, ReleaseService, ReleasesContext } from '../domains/catalog/index.js';
import type { AppMapsContext, AppMapService } from '../domains/app-maps/index.js';
import type { AlertsContext, AlertService } from '../domains/monitoring/alerts/index.js';
import type { VulnerabilitiesContext, VulnerabilityService } from '../domains/monitoring/vulnerabilities/index.js';
import type { MonitoringContext, MonitoringService } from '../domains/monitoring/index.js';
import type { MeteringContext, MeteringService } from '../domains/metering/index.js';

/** The one per-request context: who calls, the services, and this request's DataLoaders. */
export interface GatewayContext
  extends
    ClustersContext,
    IdentityContext,
    WorkspacesContext,
    AuditContext,
    BuildsContext,
    CatalogContext,
    ReleasesContext,
    MapPackagesContext,
    AppMapsContext,
    AlertsContext,
    VulnerabilitiesContext,
    MonitoringContext,
    MeteringContext,
    PagingContext {
  readonly principal: Principal | null;
  readonly clusters: ClusterService;
  readonly dayTwo: DayTwoService;
  readonly loaders: ClusterLoaders;
  /** Records every mutation (see audit-middleware.ts). */
  readonly audit: AuditRecorder;
  /** A query's or mutation's deadline (none for a subscription's events); see cost/deadline.ts. */
  readonly deadline?: OperationDeadline | undefined;
}

export interface GatewayServices {
  readonly authenticator: Authenticator;
  readonly clusters: ClusterService;
  readonly dayTwo: DayTwoService;
  readonly identity: IdentityService;
  readonly access: AccessCache;
  readonly workspaces: WorkspaceService;
  readonly auditLog: AuditLog;
  readonly audit: AuditRecorder;
  readonly builds: BuildService;
  readonly registries: RegistryService;
  readonly catalog: CatalogService;
  readonly releases: ReleaseService;
  readonly appMaps: AppMapService;
  readonly mapPackages: MapPackageService;
  readonly alerts: AlertService;
  readonly vulnerabilities: VulnerabilityService;
  readonly monitoring: MonitoringService;
  readonly metering: MeteringService;
  /** Default and maximum page size of every connection (KDA_MAX_PAGE_SIZE). */
  readonly pageLimits: PageLimits;
}

/**
 * Authenticates once per HTTP request or websocket connection, then builds a context per operation
 * (fresh DataLoaders each time, so no cached row outlives the operation that read it).
 */
export interface ContextFactory {
  /** `null` for no credentials; throws UNAUTHENTICATED for bad ones. */
  authenticate(authorization: string | undefined | null): Promise<Principal | null>;
  create(principal: Principal | null, deadline?: OperationDeadline): GatewayContext;
}

export function createContextFactory(services: GatewayServices): ContextFactory {
  return {
    authenticate: (authorization) => services.authenticator.authenticate(authorization),
    create: (principal, deadline) => {
      // Loaders are made on first use: a subscription's context lives as long as it does, mostly idle.
      const workspaceLoaders = lazily(() => createWorkspaceLoaders(services.workspaces));
      const clusterLoaders = lazily(() => createClusterLoaders(services.clusters));
      const identityLoaders = lazily(() => createIdentityLoaders(services.identity));
      return {
        principal,
        pageLimits: services.pageLimits,
        builds: services.builds,
        registries: services.registries,
        catalog: services.catalog,
        releases: services.releases,
        appMaps: services.appMaps,
        mapPackages: services.mapPackages,
        alerts: services.alerts,
        vulnerabilities: services.vulnerabilities,
        monitoring: services.monitoring,
        metering: services.metering,
        access: () => (principal === null ? Promise.resolve(NO_ACCESS) : services.access.scopeFor(principal)),
        allotmentsOf: async (workspaceId: string) => {
          const workspace = principal === null ? null : await services.workspaces.getVisible(principal, workspaceId);
          if (workspace === null) return null;
          const [allotments, storage] = await Promise.all([
            workspaceLoaders().allotmentsByWorkspaceId.load(workspaceId),
            workspaceLoaders().storageByWorkspaceId.load(workspaceId),
          ]);
          return allotments.map((allotment) => ({
            ...allotment,
            buildNamespace: buildNamespaceOf(workspace.slug),
            storageClasses: storage.filter((item) => item.clusterId === allotment.clusterId).map((item) => item.storageClassName),
          }));
        },
        clusters: services.clusters,
        dayTwo: services.dayTwo,
        get loaders() {
          return clusterLoaders();
        },
        identity: services.identity,
        get identityLoaders() {
          return identityLoaders();
        },
        workspaces: services.workspaces,
        get workspaceLoaders() {
          return workspaceLoaders();
        },
        auditLog: services.auditLog,
        audit: services.audit,
        deadline,
      };
    },
  };
}

/** `make()` once, on the first call. */
function lazily<T>(make: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= make());
}
