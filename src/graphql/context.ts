import { buildNamespaceOf } from '../shared/build-namespaces.js';
import { NO_ACCESS } from '../shared/access.js';
import type { PageLimits, PagingContext } from '../shared/pagination.js';
import { createClusterLoaders, type ClusterLoaders, type ClusterService, type ClustersContext, type DayTwoService } from '../domains/clusters/index.js';
import { createIdentityLoaders, type Authenticator, type IdentityLoaders, type IdentityContext, type IdentityService, type Principal } from '../domains/identity/index.js';
import {
  createWorkspaceLoaders,
  type AccessCache,
  type WorkspaceLoaders,
  type AuditContext,
  type AuditLog,
  type WorkspacesContext,
  type WorkspaceService,
} from '../domains/workspaces/index.js';
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
    create: (principal, deadline) => new OperationContext(services, principal, deadline),
  };
}

/**
 * Services are read through the prototype and loaders are made on first use: a subscription's
 * context lives as long as it does, mostly idle, and thousands of them are open at once — each is
 * a caller, a deadline and three empty loader slots, with no closure of its own.
 */
class OperationContext implements GatewayContext {
  private madeWorkspaceLoaders: WorkspaceLoaders | undefined;
  private madeClusterLoaders: ClusterLoaders | undefined;
  private madeIdentityLoaders: IdentityLoaders | undefined;

  constructor(
    private readonly wired: GatewayServices,
    readonly principal: Principal | null,
    readonly deadline: OperationDeadline | undefined,
  ) {}

  get pageLimits(): PageLimits {
    return this.wired.pageLimits;
  }
  get builds(): BuildService {
    return this.wired.builds;
  }
  get registries(): RegistryService {
    return this.wired.registries;
  }
  get catalog(): CatalogService {
    return this.wired.catalog;
  }
  get releases(): ReleaseService {
    return this.wired.releases;
  }
  get appMaps(): AppMapService {
    return this.wired.appMaps;
  }
  get mapPackages(): MapPackageService {
    return this.wired.mapPackages;
  }
  get alerts(): AlertService {
    return this.wired.alerts;
  }
  get vulnerabilities(): VulnerabilityService {
    return this.wired.vulnerabilities;
  }
  get monitoring(): MonitoringService {
    return this.wired.monitoring;
  }
  get metering(): MeteringService {
    return this.wired.metering;
  }
  get clusters(): ClusterService {
    return this.wired.clusters;
  }
  get dayTwo(): DayTwoService {
    return this.wired.dayTwo;
  }
  get identity(): IdentityService {
    return this.wired.identity;
  }
  get workspaces(): WorkspaceService {
    return this.wired.workspaces;
  }
  get auditLog(): AuditLog {
    return this.wired.auditLog;
  }
  get audit(): AuditRecorder {
    return this.wired.audit;
  }
  get loaders(): ClusterLoaders {
    return (this.madeClusterLoaders ??= createClusterLoaders(this.wired.clusters));
  }
  get identityLoaders(): IdentityLoaders {
    return (this.madeIdentityLoaders ??= createIdentityLoaders(this.wired.identity));
  }
  get workspaceLoaders(): WorkspaceLoaders {
    return (this.madeWorkspaceLoaders ??= createWorkspaceLoaders(this.wired.workspaces));
  }

  access(): ReturnType<GatewayContext['access']> {
    return this.principal === null ? Promise.resolve(NO_ACCESS) : this.wired.access.scopeFor(this.principal);
  }

  async allotmentsOf(workspaceId: string): ReturnType<GatewayContext['allotmentsOf']> {
    const workspace = this.principal === null ? null : await this.wired.workspaces.getVisible(this.principal, workspaceId);
    if (workspace === null) return null;
    const [allotments, storage] = await Promise.all([
      this.workspaceLoaders.allotmentsByWorkspaceId.load(workspaceId),
      this.workspaceLoaders.storageByWorkspaceId.load(workspaceId),
    ]);
    return allotments.map((allotment) => ({
      ...allotment,
      buildNamespace: buildNamespaceOf(workspace.slug),
      storageClasses: storage.filter((item) => item.clusterId === allotment.clusterId).map((item) => item.storageClassName),
    }));
  }
}
