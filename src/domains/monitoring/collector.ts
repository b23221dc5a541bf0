/**
 * Polls metrics.k8s.io of every connected cluster, once per cluster across all replicas: each
 * cluster has a lease (the gateway gives the one its watches run under, else `metrics.<clusterId>`)
 * and only its holder reads, publishes and stores. The
 * rollup and purge run under their own lease (`metrics.housekeeping`), so tables stay bounded
 * whatever the number of replicas. A poll that fails is published as an outage, so every replica
 * can say why a cluster's usage is missing.
 */
import type { Logger } from '../../shared/logger.js';
import { MetricsOutageError, SAMPLE_VERSION, toSample, type ClusterSample, type MetricsMessage } from './model.js';
import type { ClusterRoster, JobLease, JobLeases, MetricsFeed, MetricsReader, MetricsStore, PodRequests } from './ports.js';

export interface CollectorSettings {
  readonly intervalMs: number;
  readonly fineRetentionMs: number;
  readonly coarseRetentionMs: number;
  /** How often the rollup and purge run (default: every 20 intervals, at most 5 minutes). */
  readonly housekeepingMs?: number;
  /** Rows one purge statement deletes (default 5000). */
  readonly purgeBatch?: number;
}

export interface CollectorDeps {
  readonly roster: ClusterRoster;
  readonly reader: MetricsReader;
  readonly leases: JobLeases;
  /** The lease a cluster's poll runs under; left out, a lease of its own (`metrics.<clusterId>`) from `leases`. */
  readonly clusterLease?: (clusterId: string, ttlMs: number) => JobLease;
  readonly feed: MetricsFeed;
  readonly store: MetricsStore;
  readonly settings: CollectorSettings;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Requests stored beside usage (metering charges the larger); left out, pods carry none. */
  readonly requests?: PodRequests;
}

export const HOUSEKEEPING_LEASE = 'metrics.housekeeping';

export function pollLeaseKey(clusterId: string): string {
  return `metrics.${clusterId}`;
}

export class MetricsCollector {
  private readonly leases = new Map<string, JobLease>();
  private readonly polling = new Set<string>();
  private housekeepingLease: JobLease | undefined;
  private timer: NodeJS.Timeout | undefined;
  private housekeepingTimer: NodeJS.Timeout | undefined;
  private housekeeping: Promise<void> | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly now: () => number;

  constructor(private readonly deps: CollectorDeps) {
    this.now = deps.now ?? Date.now;
  }

  start(): void {
    const { settings } = this.deps;
    // A lease lapses after three missed polls: a crashed holder is replaced within about that.
    const ttlMs = Math.max(3 * settings.intervalMs, 1000);
    this.housekeepingLease = this.deps.leases.acquire(HOUSEKEEPING_LEASE, ttlMs);
    this.timer = setInterval(() => this.tick(ttlMs), settings.intervalMs);
    this.timer.unref();
    const housekeepingMs = settings.housekeepingMs ?? Math.min(20 * settings.intervalMs, 5 * 60_000);
    this.housekeepingTimer = setInterval(() => void this.runHousekeeping(), housekeepingMs);
    this.housekeepingTimer.unref();
    // Leases are won asynchronously; the first poll waits for the first tick.
    this.syncLeases(ttlMs);
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.housekeepingTimer);
    await Promise.allSettled([...this.inFlight, this.housekeeping]);
    await Promise.allSettled([...this.leases.values(), ...(this.housekeepingLease ? [this.housekeepingLease] : [])].map((lease) => lease.release()));
    this.leases.clear();
  }

  /** Rolls up and purges now, if this replica holds the housekeeping lease (tests call it too). */
  async runHousekeeping(): Promise<void> {
    if (this.housekeeping !== undefined || this.housekeepingLease?.isHeld() !== true) return;
    const { store, settings } = this.deps;
    this.housekeeping = (async () => {
      const now = this.now();
      try {
        await store.rollUp(now, 48);
        await store.purge(now - settings.fineRetentionMs, now - settings.coarseRetentionMs, settings.purgeBatch ?? 5000);
      } catch (error) {
        this.deps.logger.warn('metrics rollup or purge failed', { error: String(error) });
      }
    })().finally(() => {
      this.housekeeping = undefined;
    });
    await this.housekeeping;
  }

  private tick(ttlMs: number): void {
    this.syncLeases(ttlMs);
    for (const [clusterId, lease] of this.leases) {
      // A slow cluster is not polled twice at once.
      if (!lease.isHeld() || this.polling.has(clusterId)) continue;
      this.polling.add(clusterId);
      const poll = this.poll(clusterId).finally(() => {
        this.polling.delete(clusterId);
        this.inFlight.delete(poll);
      });
      this.inFlight.add(poll);
    }
  }

  private syncLeases(ttlMs: number): void {
    const current = new Set(this.deps.roster.clusterIds());
    for (const clusterId of current) {
      if (this.leases.has(clusterId)) continue;
      this.leases.set(clusterId, this.deps.clusterLease?.(clusterId, ttlMs) ?? this.deps.leases.acquire(pollLeaseKey(clusterId), ttlMs));
    }
    for (const [clusterId, lease] of this.leases) {
      if (current.has(clusterId)) continue;
      this.leases.delete(clusterId);
      void lease.release();
    }
  }

  private async poll(clusterId: string): Promise<void> {
    const at = this.now();
    let message: MetricsMessage;
    try {
      message = withRequests(toSample(clusterId, at, await this.deps.reader.read(clusterId)), this.deps.requests?.of(clusterId));
    } catch (error) {
      const outage = error instanceof MetricsOutageError ? { code: error.code, reason: error.message } : { code: 'UNAVAILABLE' as const, reason: String(error) };
      message = { v: SAMPLE_VERSION, clusterId, at, outage };
    }
    try {
      await this.deps.feed.publish(message);
    } catch (error) {
      this.deps.logger.warn('cannot publish a metrics sample', { clusterId, error: String(error) });
    }
    if ('outage' in message) return;
    try {
      await this.deps.store.insert(message);
    } catch (error) {
      this.deps.logger.warn('cannot store a metrics sample', { clusterId, error: String(error) });
    }
  }
}

function withRequests(sample: ClusterSample, requests: ReadonlyMap<string, { readonly cpuMillicores: number; readonly memoryBytes: number }> | undefined): ClusterSample {
  if (requests === undefined) return sample;
  const pods = sample.pods.map((pod) => {
    const requested = requests.get(`${pod.namespace}/${pod.name}`);
    return requested === undefined ? pod : { ...pod, cpuRequestMillicores: requested.cpuMillicores, memoryRequestBytes: requested.memoryBytes };
  });
  return { ...sample, pods };
}
