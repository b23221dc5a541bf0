import { DEFAULT_METRICS, type GatewayConfig } from '../config/config.js';
import type { AppMapService } from '../domains/app-maps/index.js';
import { LatestSamples, MetricsCollector, MonitoringService, type MonitoringGate } from '../domains/monitoring/index.js';
import type { AccessCache } from '../domains/workspaces/index.js';
import { createMetricsStore } from '../infra/db/metrics-store.js';
import { createMetricsReader } from '../infra/k8s/metrics-reader.js';
import { createMetricsFeed, createMetricsStreams } from '../infra/nats/metrics-feed.js';
import type { Infra } from './infra.js';
import type { StopList } from './stop-list.js';
import { DomainError } from '../shared/errors.js';

export interface MonitoringWiring {
  readonly monitoring: MonitoringService;
  /** Starts polling (after the clusters are connected). */
  start(): Promise<void>;
  /** Rolls up and purges now on the replica that holds the lease (tests). */
  housekeep(): Promise<void>;
}

export interface MonitoringNeighbours {
  readonly access: AccessCache;
  readonly appMaps: AppMapService;
}

/**
 * Usage collection on the informers' credentials, the bus and the database. The gate answers from
 * the workspaces domain's access scope and the app-maps domain's maps, so this domain imports neither.
 */
export function wireMonitoring(config: GatewayConfig, infra: Infra, neighbours: MonitoringNeighbours, stops: StopList): MonitoringWiring {
  const settings = config.metrics ?? DEFAULT_METRICS;
  const intervalMs = settings.intervalSeconds * 1000;
  const retention = { intervalMs, fineRetentionMs: settings.fineRetentionHours * 3_600_000, coarseRetentionMs: settings.coarseRetentionDays * 86_400_000 };
  const store = createMetricsStore(infra.dataSource);
  const feed = createMetricsFeed(infra.bus, infra.logger);
  // Four missed polls: the poller is gone, and so is what "now" means for its last sample.
  const latest = new LatestSamples(feed, store, 4 * intervalMs + 5000);
  const gate: MonitoringGate = {
    seesCluster: async (principal, clusterId) => {
      const visible = (await neighbours.access.scopeFor(principal)).visibleClusterIds();
      return visible === 'ALL' || visible.has(clusterId);
    },
    seesNamespace: async (principal, clusterId, namespace) => (await neighbours.access.scopeFor(principal)).allows('cluster:read', clusterId, namespace),
    appMap: async (principal, appMapId) => {
      const record = await neighbours.appMaps.get(principal, appMapId).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
        throw error;
      });
      if (record === null) return null;
      const picture = await neighbours.appMaps.picture(record);
      return {
        clusterId: record.clusterId,
        namespace: record.namespace,
        workloadNames: picture.workloads.map((entry) => entry.object.name),
        podNames: picture.pods.map((entry) => entry.object.name),
        restarts: picture.pods.reduce((sum, entry) => sum + entry.object.restarts, 0),
        desired: picture.replicas.desired,
        ready: picture.replicas.ready,
      };
    },
  };
  const monitoring = new MonitoringService({ gate, store, latest, streams: createMetricsStreams(infra.hub), retention });
  const collector = new MetricsCollector({
    roster: { clusterIds: () => infra.informers.clusterIds() },
    reader: createMetricsReader({ kubeConfigOf: (clusterId) => infra.informers.kubeConfigOf(clusterId), timeoutMs: Math.max(2000, intervalMs - 500) }),
    leases: infra.leases,
    // A cluster's metrics are polled by the replica that watches it: one lease for both.
    clusterLease: (clusterId) => ({ isHeld: () => infra.informers.holds(clusterId), release: async () => undefined }),
    feed,
    store,
    settings: { intervalMs, fineRetentionMs: retention.fineRetentionMs, coarseRetentionMs: retention.coarseRetentionMs },
    logger: infra.logger,
    requests: {
      of: (clusterId) => {
        const byPod = new Map<string, { cpuMillicores: number; memoryBytes: number }>();
        for (const pod of infra.informers.get(clusterId)?.pods() ?? []) {
          let cpuMillicores = 0;
          let memoryBytes = 0;
          for (const container of pod.containers) {
            cpuMillicores += container.requests.cpuCores * 1000;
            memoryBytes += container.requests.memoryBytes;
          }
          byPod.set(`${pod.namespace}/${pod.name}`, { cpuMillicores, memoryBytes });
        }
        return byPod;
      },
    },
  });
  return {
    monitoring,
    async start() {
      await latest.start();
      stops.add(() => latest.stop());
      collector.start();
      stops.add(() => collector.stop());
    },
    housekeep: () => collector.runHousekeeping(),
  };
}
