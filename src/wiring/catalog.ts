import type { AppMapService, ReleaseLinks } from '../domains/app-maps/index.js';
import type { ClusterEventSource, ClusterLiveView } from '../domains/clusters/index.js';
import { createClusterEventSource } from '../infra/nats/cluster-event-source.js';
import {
  cachingCompiler,
  CatalogService,
  ReleaseService,
  RolloutFollowers,
  type CatalogGate,
  type ReleaseAppMaps,
  type ReleaseClusterFacts,
  type ReleaseGate,
  type WorkloadFact,
} from '../domains/catalog/index.js';
import { createCatalogStores } from '../infra/db/catalog-stores.js';
import { createReleaseStore } from '../infra/db/release-stores.js';
import { createReleaseCluster } from '../infra/k8s/release-cluster.js';
import { createReleaseEvents } from '../infra/nats/release-events.js';
import type { Infra } from './infra.js';
import type { StopList } from './stop-list.js';

/** Compiled parameter schemas kept per process: the catalog's versions in use, not every one ever imported. */
const COMPILED_SCHEMAS_KEPT = 200;
/** An operation lock older than this belongs to a replica that died mid-operation (operations last seconds). */
const RELEASE_LOCK_TTL_MS = 5 * 60_000;

export interface CatalogWiring {
  readonly catalog: CatalogService;
  readonly releases: ReleaseService;
  /** Follows again the rollouts a previous run of the gateway was following. */
  start(): Promise<void>;
}

export interface CatalogNeighbours {
  /** Who may read and write a workspace's packages: the workspaces domain's access scope. */
  readonly catalogGate: CatalogGate;
  /** Who may deploy, and where (allotted clusters, namespaces and storage): the workspaces domain again. */
  readonly releaseGate: ReleaseGate;
  /** A connected cluster's watch caches; throws (NOT_FOUND / UNAVAILABLE) when it cannot answer. */
  readonly liveView: (clusterId: string) => Promise<ClusterLiveView>;
  /** The same caches without waiting: undefined when the cluster is not connected. */
  readonly cachedView: (clusterId: string) => ClusterLiveView | undefined;
  readonly rolloutSeconds: number;
  readonly releaseHistory: number;
  /** Most release events waiting for NATS (KDA_OUTBOX_MAX_EVENTS). */
  readonly outboxMaxEvents: number;
  /** The application maps releases draw (the app-maps domain). */
  readonly appMaps: { readonly service: AppMapService; readonly links: ReleaseLinks };
}

/** What releases read of the clusters' caches: claims for the storage quota, workloads for rollouts. */
function clusterFacts(neighbours: CatalogNeighbours, clusterEvents: ClusterEventSource): ReleaseClusterFacts {
  return {
    claims: async (clusterId) => {
      const live = await neighbours.liveView(clusterId);
      return {
        claims: live
          .persistentVolumeClaims()
          .map((claim) => ({ namespace: claim.namespace, name: claim.name, storageClassName: claim.storageClassName ?? null, requestedBytes: claim.requestedBytes })),
        defaultStorageClass: live.storageClasses().find((storageClass) => storageClass.isDefault)?.name ?? null,
      };
    },
    workloads: (clusterId, namespace) =>
      neighbours
        .cachedView(clusterId)
        ?.workloads(namespace)
        .map((workload): WorkloadFact => ({
          kind: workload.kind,
          namespace: workload.namespace,
          name: workload.name,
          uid: workload.uid,
          desired: workload.desired,
          ready: workload.ready,
          available: workload.available,
          updated: workload.updated,
          generation: workload.generation,
          observedGeneration: workload.observedGeneration,
          conditions: workload.conditions,
        })) ?? null,
    watchWorkloads: async (clusterId, namespace, onChange) => {
      const events = await clusterEvents.workloadEvents(clusterId, namespace, undefined);
      void (async () => {
        for await (const _event of events) onChange();
      })().catch(() => undefined);
      return async () => {
        await events.return?.();
      };
    },
  };
}

/** Releases draw their maps through the app-maps domain; a map's release is read with the caller's rights there. */
function releaseMaps({ service, links }: CatalogNeighbours['appMaps']): ReleaseAppMaps {
  return {
    requireFree: (place) => links.requireFree(place),
    attach: async (place) => {
      await links.attach(place);
    },
    detach: (releaseId) => links.detach(releaseId),
    releaseOfMap: async (principal, appMapId, field) => {
      const map = await service.get(principal, appMapId, field);
      return { releaseId: map.releaseId, name: map.name };
    },
    continuouslyDeployed: (workspaceId) => links.continuouslyDeployed(workspaceId),
  };
}

/** Catalog packages and versions on the database (rendering is pure), and the releases that deploy them to clusters. */
export function wireCatalog(infra: Infra, neighbours: CatalogNeighbours, stops: StopList): CatalogWiring {
  const { logger } = infra;
  const stores = createCatalogStores(infra.dataSource);
  const compile = cachingCompiler(COMPILED_SCHEMAS_KEPT);
  const catalog = new CatalogService({ ...stores, gate: neighbours.catalogGate, compile, now: () => new Date() });
  const releaseStore = createReleaseStore(infra.dataSource);
  const events = createReleaseEvents(infra.bus, infra.hub, { maxEvents: neighbours.outboxMaxEvents, logger });
  // Registered before the followers: stops run in reverse, so followers stop first, then this drains.
  stops.add(() => events.close());
  const facts = clusterFacts(neighbours, createClusterEventSource(infra.hub));
  const warn = (message: string, fields: Record<string, unknown>) => logger.warn(message, fields);
  const followers = new RolloutFollowers({
    facts,
    store: releaseStore,
    publish: (event) => events.publish(event),
    now: () => new Date(),
    timeoutMs: neighbours.rolloutSeconds * 1000,
    warn,
  });
  stops.add(() => followers.stopAll());
  const releases = new ReleaseService({
    releases: releaseStore,
    packages: stores.packages,
    versions: stores.versions,
    gate: neighbours.releaseGate,
    cluster: createReleaseCluster(infra.informers),
    facts,
    events,
    followers,
    maps: releaseMaps(neighbours.appMaps),
    compile,
    now: () => new Date(),
    historyLimit: neighbours.releaseHistory,
    lockTtlMs: RELEASE_LOCK_TTL_MS,
    warn,
  });
  return { catalog, releases, start: () => releases.resumeFollowing() };
}
