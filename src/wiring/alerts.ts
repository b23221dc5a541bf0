import type { ClusterLiveView } from '../domains/clusters/index.js';
import type { VulnerabilityService } from '../domains/monitoring/vulnerabilities/index.js';
import { AlertEvaluator, AlertService, type AlertGate, type AlertSources } from '../domains/monitoring/alerts/index.js';
import { createAlertStore, createAlertThresholdStore } from '../infra/db/alert-store.js';
import type { Infra } from './infra.js';
import type { StopList } from './stop-list.js';

const ALERT_RETENTION_MS = 30 * 24 * 3_600_000;

export interface AlertsWiring {
  readonly alerts: AlertService;
  /** Starts evaluating every connected cluster's caches on a timer. */
  start(): void;
}

export interface AlertsNeighbours {
  readonly gate: AlertGate;
  /** A connected cluster's watch caches; undefined when it is not connected. */
  readonly cachedView: (clusterId: string) => ClusterLiveView | undefined;
  readonly intervalSeconds: number;
  /** CRITICAL findings of the images workloads run (from the same caches). */
  readonly vulnerabilities: VulnerabilityService;
  /** Each node's usage at the cluster's latest fresh sample (the monitoring domain's); null when there is none. */
  readonly latestNodeUsage: (clusterId: string) => Promise<ReadonlyArray<{ readonly name: string; readonly cpuMillicores: number; readonly memoryBytes: number }> | null>;
}

/** Alerts on the database, judged from the informer caches every replica holds. */
export function wireAlerts(infra: Infra, neighbours: AlertsNeighbours, stops: StopList): AlertsWiring {
  const store = createAlertStore(infra.dataSource);
  const thresholds = createAlertThresholdStore(infra.dataSource);
  const sources: AlertSources = {
    clusterIds: () => infra.informers.clusterIds(),
    view: (clusterId) => {
      const live = neighbours.cachedView(clusterId);
      // The caches of a cluster that does not answer (or not yet) are old news: its alerts wait for it.
      // A DEGRADED one answers (nodes NotReady are what alerts are for).
      const state = live?.status().state;
      if (live === undefined || state === 'UNREACHABLE' || state === 'CONNECTING') return undefined;
      return {
        nodes: () => live.nodes(),
        pods: () => live.pods(),
        workloads: () => live.workloads(),
        criticalFindings: () => neighbours.vulnerabilities.criticalFindings(clusterId),
        nodeUsage: () => neighbours.latestNodeUsage(clusterId),
      };
    },
  };
  const evaluator = new AlertEvaluator({
    store,
    sources,
    thresholds,
    gate: neighbours.gate,
    now: () => new Date(),
    intervalMs: neighbours.intervalSeconds * 1000,
    retentionMs: ALERT_RETENTION_MS,
    warn: (message, fields) => infra.logger.warn(message, fields),
  });
  stops.add(() => evaluator.stop());
  return { alerts: new AlertService({ store, gate: neighbours.gate, thresholds }), start: () => evaluator.start() };
}
