import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DataSource } from 'typeorm';
import { adminTokenBannerLine, DEFAULT_LIMITS, isLoopbackHost, type GatewayConfig } from './config/config.js';
import { startDemo } from './demo/index.js';
import { createApolloHandler } from './graphql/apollo.js';
import { createAuditRecorder } from './graphql/audit-middleware.js';
import { createContextFactory, type GatewayContext } from './graphql/context.js';
import { createCorsRoute } from './graphql/cors.js';
import { OperationGuard } from './graphql/cost/operation-guard.js';
import { createErrorFormatter } from './graphql/errors.js';
import { createGraphiqlHandler } from './graphql/graphiql.js';
import { createReadiness } from './graphql/health.js';
import { closeServer, createHttpServer, createStartingServer, listen } from './graphql/http-server.js';
import { createOperationTelemetry } from './graphql/operation-telemetry.js';
import { RateLimiter, rateLimitKeys } from './graphql/rate-limit.js';
import { buildGatewaySchema } from './graphql/schema.js';
import { SharedSubscriptions, subscriptionScope } from './graphql/shared-subscriptions.js';
import { attachWebsocket, nextPayloadSerializer } from './graphql/websocket.js';
import type { Logger } from './shared/logger.js';
import { createGatewayMetrics } from './shared/metrics.js';
import { pageLimitsFor, type PageLimits } from './shared/pagination.js';
import { wireAlerts, type AlertsWiring } from './wiring/alerts.js';
import { wireAppMaps, type AppMapsWiring } from './wiring/app-maps.js';
import { wireVulnerabilities } from './wiring/vulnerabilities.js';
import type { VulnerabilityService } from './domains/monitoring/vulnerabilities/index.js';
import { wireBuilds, type BuildsWiring } from './wiring/builds.js';
import { wireCatalog, type CatalogWiring } from './wiring/catalog.js';
import { wireClusters, type ClustersWiring } from './wiring/clusters.js';
import { wireIdentity, type IdentityWiring } from './wiring/identity.js';
import { startTracing } from './infra/telemetry/tracing.js';
import { openInfra, type Infra } from './wiring/infra.js';
import { wireMapPackages, type MapPackagesWiring } from './wiring/map-packages.js';
import { wireMonitoring, type MonitoringWiring } from './wiring/monitoring.js';
import { wireMetering } from './wiring/metering.js';
import { createCostsCsvRoute } from './graphql/costs-csv.js';
import type { MeteringService } from './domains/metering/index.js';
import { StopList } from './wiring/stop-list.js';
import { observeGateway } from './wiring/telemetry.js';
import { wireWorkspaces, type WorkspacesWiring } from './wiring/workspaces.js';

export const GRAPHQL_PATH = '/graphql';
const SHUTDOWN_GRACE_MS = 5_000;

export interface AppOptions {
  readonly logger: Logger;
  /** Test seam: hands over the opened database (e.g. to read its statement counters). */
  readonly onDatabaseOpen?: (dataSource: DataSource) => void;
  /** How often open websockets re-present their credentials (default 30 s). */
  readonly credentialRecheckMs?: number;
}

export interface App {
  /** http://host:port of the running gateway. */
  readonly url: string;
  readonly server: Server;
  /** What to print for a person who just started the gateway. */
  banner(): string;
  /** Drains HTTP and websockets, stops watches, drains the bus, closes the database. */
  stop(): Promise<void>;
}

async function checkDatabase(dataSource: DataSource): Promise<void> {
  await dataSource.query('SELECT 1');
}

/**
 * The one composition root, read top to bottom: config (given) → infra → each domain's wiring →
 * the demo world → domains start → edge and servers. Everything started is stopped in reverse.
 */
export async function createApp(config: GatewayConfig, options: AppOptions): Promise<App> {
  const { logger } = options;
  const stops = new StopList(logger);
  try {
    if (config.tracing !== undefined) {
      const tracing = startTracing(config.tracing);
      stops.add(() => tracing.stop());
    }
    // Listening from the start: a gateway waiting for NATS is alive and says what it waits for.
    const dependencies: Record<string, { ok: boolean }> = { database: { ok: false }, bus: { ok: false } };
    const server = createStartingServer(() => dependencies);
    await listen(server, config.host, config.port);
    stops.add(() => closeServer(server, 0));
    const infra = await openInfra(config, { ...options, metrics: createGatewayMetrics(), onDependency: (name, ok) => (dependencies[name] = { ok }) }, stops);

    const identity = wireIdentity(infra, config);
    const clusters = wireClusters(infra, config.limits ?? DEFAULT_LIMITS);
    const workspaces = await wireWorkspaces(infra, { identity: identity.service, clusters: clusters.service }, stops, config.limits ?? DEFAULT_LIMITS);
    const builds = wireBuilds(
      infra,
      config,
      // Runs finish only once everything is wired and started: `catalog` is there by then.
      { workspaceGate: workspaces.workspaceAccess, onImagePushed: (pushed) => catalog.releases.rollForward(pushed) },
      stops,
    );
    const limits = config.limits ?? DEFAULT_LIMITS;
    const appMaps = wireAppMaps(infra, { gate: workspaces.workspaceAccess, clusters: clusters.service });
    const catalog = wireCatalog(
      infra,
      {
        catalogGate: workspaces.workspaceAccess,
        releaseGate: workspaces.workspaceAccess,
        liveView: (clusterId) => clusters.service.liveView(clusterId),
        cachedView: (clusterId) => infra.informers.get(clusterId),
        rolloutSeconds: limits.releaseRolloutSeconds,
        releaseHistory: limits.releaseHistory,
        outboxMaxEvents: limits.outboxMaxEvents,
        appMaps: { service: appMaps.appMaps, links: appMaps.releaseLinks },
      },
      stops,
    );
    const mapPackages = wireMapPackages(infra, { catalog: catalog.catalog, appMaps: appMaps.appMaps });
    const vulnerabilities = wireVulnerabilities(infra.informers);
    const monitoring = wireMonitoring(config, infra, { access: workspaces.access, appMaps: appMaps.appMaps }, stops);
    const metering = wireMetering(infra, { access: workspaces.access, workspaces: workspaces.service, appMaps: appMaps.appMaps });
    const workspaceAccess = workspaces.workspaceAccess;
    const alerts = wireAlerts(
      infra,
      {
        gate: {
          exists: (workspaceId) => workspaceAccess.exists(workspaceId),
          allows: (principal, workspaceId, permission) => workspaceAccess.allows(principal, workspaceId, permission),
          allotmentsOfWorkspaces: (workspaceIds) => workspaceAccess.allotmentsOfWorkspaces(workspaceIds),
          manages: (principal, workspaceId) => workspaces.service.may(principal, workspaceId, 'workspace:manage'),
        },
        cachedView: (clusterId) => infra.informers.get(clusterId),
        intervalSeconds: limits.alertIntervalSeconds,
        vulnerabilities,
        latestNodeUsage: (clusterId) => monitoring.monitoring.latestNodes(clusterId),
      },
      stops,
    );

    if (config.simulator) {
      const demo = await startDemo({
        allowEgress: (hostAndPort) => infra.egressPolicy.allow(hostAndPort),
        config,
        logger,
        clusters: clusters.service,
        identity: identity.service,
        workspaces: workspaces.service,
        builds: builds.builds,
        registries: builds.registries,
        catalog: catalog.catalog,
        appMaps: appMaps.appMaps,
        stopWatching: () => clusters.stopWatching(),
      });
      stops.add(() => demo.stop());
    }
    await clusters.start();
    // Before the watches stop (openInfra's stop): no other replica's change starts one again.
    stops.add(() => clusters.service.stop());
    await builds.start();
    await catalog.start();
    alerts.start();
    await monitoring.start();

    return await startServers(
      config,
      options,
      { infra, identity, clusters, workspaces, builds, catalog, appMaps, mapPackages, alerts, vulnerabilities, monitoring, metering },
      stops,
      server,
    );
  } catch (error) {
    await stops.stopAll();
    throw error;
  }
}

/** Lists whose length the gateway knows: each of these holds at most one item per cluster. */
const PER_CLUSTER_LISTS = new Set(['Query.clusters', 'Workspace.clusters', 'Workspace.allotments']);

function costSources(pageLimits: PageLimits, clusterCount: () => number) {
  return {
    defaultPageSize: pageLimits.defaultSize,
    maxPageSize: pageLimits.maxSize,
    listSizeOf: (typeName: string, fieldName: string) => (PER_CLUSTER_LISTS.has(`${typeName}.${fieldName}`) ? Math.max(1, clusterCount()) : undefined),
  };
}

interface Wired {
  readonly infra: Infra;
  readonly identity: IdentityWiring;
  readonly clusters: ClustersWiring;
  readonly workspaces: WorkspacesWiring;
  readonly builds: BuildsWiring;
  readonly catalog: CatalogWiring;
  readonly appMaps: AppMapsWiring;
  readonly mapPackages: MapPackagesWiring;
  readonly alerts: AlertsWiring;
  readonly vulnerabilities: VulnerabilityService;
  readonly monitoring: MonitoringWiring;
  readonly metering: MeteringService;
}

/** The edge: schema, per-request contexts, Apollo over HTTP, graphql-ws, GraphiQL, health and metrics. */
async function startServers(config: GatewayConfig, options: AppOptions, wired: Wired, stops: StopList, starting: Server): Promise<App> {
  const { logger } = options;
  const limits = config.limits ?? DEFAULT_LIMITS;
  const { infra, identity, workspaces } = wired;
  const { dataSource, bus, hub, informers, metrics } = infra;
  const clusters = wired.clusters.service;
  const schema = await buildGatewaySchema();
  const pageLimits = pageLimitsFor(config.maxPageSize);
  const guard = new OperationGuard(
    schema,
    limits,
    costSources(pageLimits, () => informers.clusterIds().length),
  );
  const audit = createAuditRecorder(workspaces.auditLog, logger);
  const contexts = createContextFactory({
    authenticator: identity.authenticator,
    identity: identity.service,
    clusters,
    dayTwo: wired.clusters.dayTwo,
    access: workspaces.access,
    workspaces: workspaces.service,
    auditLog: workspaces.auditLog,
    audit,
    builds: wired.builds.builds,
    registries: wired.builds.registries,
    catalog: wired.catalog.catalog,
    releases: wired.catalog.releases,
    appMaps: wired.appMaps.appMaps,
    mapPackages: wired.mapPackages.mapPackages,
    alerts: wired.alerts.alerts,
    vulnerabilities: wired.vulnerabilities,
    monitoring: wired.monitoring.monitoring,
    metering: wired.metering,
    pageLimits,
  });
  const formatError = createErrorFormatter(logger, { debugErrors: config.debugErrors ?? false });
  const telemetry = createOperationTelemetry(metrics, logger);
  const sharedSubscriptions = new SharedSubscriptions({
    scopeOf: subscriptionScope,
    freshContext: (contextValue) => contexts.create((contextValue as GatewayContext).principal),
    serializePayload: nextPayloadSerializer(formatError),
    backlog: { maxFrames: limits.subscriptionBacklog, maxBufferedBytes: limits.subscriptionBufferBytes },
    onDropped: (count) => metrics.eventsDropped.inc({ reason: 'backlog' }, count),
    onDelivered: (field, count, lagSeconds) => telemetry.delivered(field, count, lagSeconds),
    onUnchanged: (field) => metrics.eventsUnchanged.inc({ field }),
  });
  const rateLimiter = new RateLimiter(limits.rateLimit);
  // The budget's kind (token, principal, address), never the caller itself: bounded labels.
  rateLimiter.onRejected = (caller) => metrics.rateLimitRejections.inc({ budget: caller.slice(0, caller.indexOf(':')) });
  const apollo = await createApolloHandler({
    schema,
    contexts,
    formatError,
    limits,
    maxBodyBytes: limits.maxBodyBytes,
    rateLimiter,
    guard,
    debugErrors: config.debugErrors ?? false,
    allowAnonymousIntrospection: config.embedded,
    telemetry,
  });
  stops.add(() => apollo.stop());

  let websocketConnections = 0;
  const server = createHttpServer(
    {
      graphqlPath: GRAPHQL_PATH,
      graphql: (request, response, requestId) => apollo.handle(request, response, requestId),
      routes: [
        createCorsRoute({ path: GRAPHQL_PATH, allowedOrigins: config.corsOrigins ?? [] }),
        createCostsCsvRoute({
          authenticate: (authorization) => contexts.authenticate(authorization),
          metering: wired.metering,
          spend: (principal, address) => rateLimiter.takeEach(rateLimitKeys(principal, address)),
        }),
        createGraphiqlHandler({
          endpointPath: GRAPHQL_PATH,
          onAssetError: (error) => logger.error('GraphiQL files cannot be read', { error: String(error) }),
          // The embedded default's token is well known; pre-filling it saves a first-time user a step,
          // but only while nobody but this machine can load the page.
          ...(config.embedded && config.adminToken && isLoopbackHost(config.host) ? { defaultHeaders: { Authorization: `Bearer ${config.adminToken}` } } : {}),
        }),
      ],
      readinessDetailFor: async (authorization) => {
        const principal = await contexts.authenticate(authorization).catch(() => null);
        return principal !== null && (await workspaces.access.scopeFor(principal)).isSystemAdmin;
      },
      readiness: createReadiness({
        required: { database: () => checkDatabase(dataSource), bus: () => bus.checkReady() },
        informational: async () =>
          Object.fromEntries(
            (await clusters.list()).map((snapshot) => {
              const status = clusters.liveStatus(snapshot);
              return [`cluster:${snapshot.record.name}`, { ok: status.state === 'RUNNING', detail: status.reason ?? status.state }];
            }),
          ),
      }),
      metrics: async () => ({ contentType: metrics.registry.contentType, body: await metrics.registry.metrics() }),
      logger,
    },
    starting,
  );
  const websocket = attachWebsocket({
    httpServer: server,
    path: GRAPHQL_PATH,
    schema,
    contexts,
    formatError,
    limits,
    maxPayloadBytes: limits.maxWebsocketPayloadBytes,
    maxSubscriptionsPerSocket: limits.maxSubscriptionsPerSocket,
    maxSubscriptionsPerUser: limits.maxSubscriptionsPerUser,
    maxBufferedBytes: limits.subscriptionBufferBytes,
    onAnswerWithheld: () => metrics.rateLimitRejections.inc({ budget: 'socket_buffer' }),
    keepAliveMs: limits.websocketKeepAliveSeconds * 1000,
    allowedOrigins: config.corsOrigins ?? [],
    debugErrors: config.debugErrors ?? false,
    credentialRecheckMs: options.credentialRecheckMs ?? 30_000,
    rateLimiter,
    guard,
    sharedSubscriptions,
    onConnectionCountChange: (open) => {
      websocketConnections = open;
    },
    telemetry,
  });
  observeGateway(metrics, {
    websocketConnections: () => websocketConnections,
    sharedSubscriptionGroups: () => sharedSubscriptions.groupCount(),
    subscriptionBacklogPeak: () => sharedSubscriptions.backlogPeak(),
    subscriptionQueuePeak: () => hub.backlogPeak(),
    websocketBufferedBytesMax: () => websocket.maxBufferedBytes(),
    hub,
    informers,
    clusters,
    buildsOutbox: () => wired.builds.outboxStats(),
    dataSource,
  });
  const port = (server.address() as AddressInfo).port;
  stops.add(() => closeServer(server, SHUTDOWN_GRACE_MS));
  stops.add(() => websocket.stop());

  const displayHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${displayHost}:${port}`;
  logger.info('gateway listening', { url: `${url}${GRAPHQL_PATH}`, database: config.database.kind, bus: config.bus.kind, simulator: config.simulator });
  return {
    url,
    server,
    banner: () =>
      [
        '',
        `KDA Gateway is up: open ${url}${GRAPHQL_PATH} in a browser for GraphiQL.`,
        config.embedded
          ? `Embedded mode: database ${config.database.kind === 'embedded' ? config.database.file : ''}, in-process event bus${config.simulator ? ', simulated clusters' : ', no simulated clusters (KDA_SIMULATOR=off)'}.`
          : '',
        adminTokenBannerLine(config),
        '',
      ]
        .filter((line, index, lines) => line !== '' || index === 0 || index === lines.length - 1)
        .join('\n'),
    stop: () => stops.stopAll(),
  };
}
