import type { Server } from 'node:http';
import type { DataSource } from 'typeorm';
import { adminTokenBannerLine, DEFAULT_LIMITS, isLoopbackHost, type GatewayConfig } from './config/config.js';
import { ClusterService, DayTwoService } from './domains/clusters/index.js';
import { BOOTSTRAP_ADMIN, createAuthenticator, createJwtVerifier, IdentityService } from './domains/identity/index.js';
import { createApolloHandler } from './graphql/apollo.js';
import { AccessCache } from './graphql/access-cache.js';
import { createContextFactory, type GatewayContext } from './graphql/context.js';
import { createErrorFormatter } from './graphql/errors.js';
import { createClusterEventSource } from './graphql/cluster-event-source.js';
import { createCorsRoute } from './graphql/cors.js';
import { createGraphiqlHandler } from './graphql/graphiql.js';
import { createReadiness } from './graphql/health.js';
import { SharedSubscriptions, subscriptionScope } from './graphql/shared-subscriptions.js';
import { RateLimiter } from './graphql/rate-limit.js';
import { closeServer, createHttpServer, listen } from './graphql/http-server.js';
import { renderMetrics } from './graphql/metrics.js';
import { buildGatewaySchema } from './graphql/schema.js';
import { SubscriptionHub } from './graphql/subscription-hub.js';
import { attachWebsocket } from './graphql/websocket.js';
import { createSecretBox, loadOrCreateLocalSecretKey } from './infra/crypto/secret-box.js';
import { createApiTokenStore } from './infra/db/api-token-store.js';
import { createClusterStore } from './infra/db/cluster-store.js';
import { createUserStore } from './infra/db/user-store.js';
import { createWorkspaceStores } from './infra/db/workspace-stores.js';
import { createAuditLogStore } from './infra/db/audit-log-store.js';
import { createAccessResolver, WorkspaceService } from './domains/workspaces/index.js';
import { createAuditRecorder } from './graphql/audit-middleware.js';
import { openDatabase } from './infra/db/data-source.js';
import { createClusterProbe } from './infra/k8s/cluster-probe.js';
import { createClusterOperations } from './infra/k8s/cluster-operations.js';
import { InformerPool } from './infra/k8s/informer-pool.js';
import { createMemoryBus } from './infra/nats/memory-bus.js';
import { createNatsBus } from './infra/nats/nats-bus.js';
import type { EventBus } from './shared/event-bus.js';
import type { Logger } from './shared/logger.js';
import { pageLimitsFor } from './shared/pagination.js';
import { startDemoClusters } from './demo-clusters.js';
import { seedDemoWorkspaces } from './demo-workspaces.js';
import { seedDemoBuilds, startDemoRegistry } from './demo-builds.js';
import { wireBuilds } from './wire-builds.js';

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

async function openBus(config: GatewayConfig, logger: Logger): Promise<EventBus> {
  return config.bus.kind === 'nats' ? createNatsBus({ url: config.bus.url, logger }) : createMemoryBus();
}

async function checkDatabase(dataSource: DataSource): Promise<void> {
  await dataSource.query('SELECT 1');
}

/** The one composition root: builds the edges, the domain services, the schema and the servers. */
export async function createApp(config: GatewayConfig, options: AppOptions): Promise<App> {
  const { logger } = options;
  const limits = config.limits ?? DEFAULT_LIMITS;
  const cleanups: Array<() => Promise<void>> = [];
  const stopAll = async () => {
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        logger.error('error while stopping', { error: error instanceof Error ? error.stack : String(error) });
      }
    }
  };

  try {
    const secretKey = config.secretKey ?? (await loadOrCreateLocalSecretKey(config.dataDir));
    const dataSource = await openDatabase(config.database);
    cleanups.push(() => dataSource.destroy());
    options.onDatabaseOpen?.(dataSource);

    const bus = await openBus(config, logger);
    cleanups.push(() => bus.close());

    const hub = new SubscriptionHub(bus);
    cleanups.push(async () => hub.close());

    const workspaceStores = createWorkspaceStores(dataSource);
    const access = new AccessCache(createAccessResolver({ grants: workspaceStores.grants }), bus, logger);
    await access.start();
    cleanups.push(() => access.stop());

    const informers = new InformerPool({ bus, logger });
    cleanups.push(() => informers.stopAll());

    const clusters = new ClusterService({
      store: createClusterStore(dataSource),
      connections: {
        connect: (clusterId, kubeconfig, context) => informers.connect(clusterId, kubeconfig, context),
        disconnect: (clusterId) => informers.disconnect(clusterId),
        view: (clusterId) => informers.get(clusterId),
      },
      probe: createClusterProbe({ allowExecCredentials: config.allowExecCredentials ?? false, timeoutMs: 10_000 }),
      sealer: createSecretBox(secretKey),
      events: createClusterEventSource(hub),
      logger,
    });
    informers.onStatusChange((clusterId, status) => {
      clusters.recordStatus(clusterId, status).catch((error: unknown) => logger.warn('cannot record cluster status', { clusterId, error: String(error) }));
    });

    // The embedded default's image registry, unless a real one is configured.
    const demoRegistry = config.simulator && config.registryUrl === undefined ? await startDemoRegistry(logger) : undefined;
    if (demoRegistry !== undefined) cleanups.push(() => demoRegistry.close());
    if (config.simulator) {
      const started = await startDemoClusters(clusters, logger, config.dataDir);
      // Stop watching before the simulated apiservers go away, so no reconnect noise is logged.
      cleanups.push(async () => {
        await informers.stopAll();
        await started.close();
      });
    }
    await clusters.connectAll();

    const dayTwo = new DayTwoService({
      operations: createClusterOperations(informers),
      liveView: (clusterId) => clusters.liveView(clusterId),
      now: () => new Date(),
      delay: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    });

    const schema = await buildGatewaySchema();
    const identity = new IdentityService({ users: createUserStore(dataSource), tokens: createApiTokenStore(dataSource), now: () => new Date(), logger });
    const authenticator = createAuthenticator({ adminToken: config.adminToken, identity, jwt: createJwtVerifier(config.jwt ?? {}) });
    const workspaces = new WorkspaceService({
      ...workspaceStores,
      users: { exists: async (userId) => (await identity.getUser(userId)) !== null },
      clusters: {
        exists: async (clusterId) => (await clusters.get(clusterId)) !== null,
        storageClassNames: async (clusterId) => new Set((await clusters.liveView(clusterId)).storageClasses().map((storageClass) => storageClass.name)),
      },
      accessChanged: () => access.invalidate(),
      now: () => new Date(),
    });
    if (config.simulator) {
      const clusterIdByName = new Map((await clusters.list()).map((snapshot) => [snapshot.record.name, snapshot.record.id]));
      await seedDemoWorkspaces({ identity, workspaces, admin: BOOTSTRAP_ADMIN, clusterIdByName, logger });
    }
    const auditLog = createAuditLogStore(dataSource);
    const audit = createAuditRecorder(auditLog, logger);
    const { builds, registries, builtinRegistry } = await wireBuilds({ dataSource, secretKey, informers, bus, hub, workspaceStores, config, logger, cleanups, simulatedRegistryUrl: demoRegistry?.url });
    if (demoRegistry !== undefined && builtinRegistry !== null) {
      const clusterIdByName = new Map((await clusters.list()).map((snapshot) => [snapshot.record.name, snapshot.record.id]));
      await seedDemoBuilds({ builds, registries, workspaces, admin: BOOTSTRAP_ADMIN, registry: builtinRegistry, clusterIdByName, logger });
    }
    const contexts = createContextFactory({ authenticator, clusters, dayTwo, identity, access, workspaces, auditLog, audit, builds, registries, pageLimits: pageLimitsFor(config.maxPageSize) });
    const formatError = createErrorFormatter(logger, { debugErrors: config.debugErrors ?? false });
    const sharedSubscriptions = new SharedSubscriptions(subscriptionScope, (contextValue) => contexts.create((contextValue as GatewayContext).principal));
    const rateLimiter = new RateLimiter(limits.rateLimit);
    const apollo = await createApolloHandler({ schema, contexts, formatError, limits, maxBodyBytes: limits.maxBodyBytes, rateLimiter, debugErrors: config.debugErrors ?? false });
    cleanups.push(() => apollo.stop());

    let websocketConnections = 0;
    const server = createHttpServer({
      graphqlPath: GRAPHQL_PATH,
      graphql: (request, response) => apollo.handle(request, response),
      routes: [
        createCorsRoute({ path: GRAPHQL_PATH, allowedOrigins: config.corsOrigins ?? [] }),
        createGraphiqlHandler({
          endpointPath: GRAPHQL_PATH,
          onAssetError: (error) => logger.error('GraphiQL files cannot be read', { error: String(error) }),
          // The embedded default's token is well known; pre-filling it saves a first-time user a step,
          // but only while nobody but this machine can load the page.
          ...(config.embedded && config.adminToken && isLoopbackHost(config.host) ? { defaultHeaders: { Authorization: `Bearer ${config.adminToken}` } } : {}),
        }),
      ],
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
      metrics: () =>
        renderMetrics([
          { name: 'kda_websocket_connections', help: 'Open graphql-ws connections.', collect: () => [{ value: websocketConnections }] },
          { name: 'kda_shared_subscription_groups', help: 'Distinct subscriptions executed once for all their subscribers.', collect: () => [{ value: sharedSubscriptions.groupCount() }] },
          { name: 'kda_subscription_hub_subjects', help: 'Bus subscriptions held by the subscription hub.', collect: () => [{ value: hub.activeSubjects().length }] },
          {
            name: 'kda_cluster_up',
            help: '1 when the cluster is RUNNING.',
            collect: () => informers.clusterIds().map((clusterId) => ({ labels: { cluster_id: clusterId }, value: informers.get(clusterId)?.status().state === 'RUNNING' ? 1 : 0 })),
          },
        ]),
      logger,
    });
    const websocket = attachWebsocket({
      httpServer: server,
      path: GRAPHQL_PATH,
      schema,
      contexts,
      formatError,
      limits,
      maxPayloadBytes: limits.maxWebsocketPayloadBytes,
      maxSubscriptionsPerSocket: limits.maxSubscriptionsPerSocket,
      allowedOrigins: config.corsOrigins ?? [],
      debugErrors: config.debugErrors ?? false,
      credentialRecheckMs: options.credentialRecheckMs ?? 30_000,
      rateLimiter,
      sharedSubscriptions,
      onConnectionCountChange: (open) => {
        websocketConnections = open;
      },
    });
    const port = await listen(server, config.host, config.port);
    cleanups.push(() => closeServer(server, SHUTDOWN_GRACE_MS));
    cleanups.push(() => websocket.stop());

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
          config.embedded ? `Embedded mode: database ${config.database.kind === 'embedded' ? config.database.file : ''}, in-process event bus, simulated clusters.` : '',
          adminTokenBannerLine(config),
          '',
        ]
          .filter((line, index, lines) => line !== '' || index === 0 || index === lines.length - 1)
          .join('\n'),
      stop: stopAll,
    };
  } catch (error) {
    await stopAll();
    throw error;
  }
}
