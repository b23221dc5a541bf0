/**
 * Every cluster connection of this gateway: one ClusterInformers per cluster, hence one watch per
 * (cluster, kind) whatever the number of subscribers. Owns their lifecycle (replace on new
 * kubeconfig, stop on disconnect and at shutdown).
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { EventBus } from '../../shared/event-bus.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import type { ClusterConnectionStatus, ClusterInformersOptions, WatchStats } from './cluster-informers.js';
import type { ClusterStateStore } from './cluster-state.js';
import { describeError } from './kube-transport.js';
import { LeasedCluster } from './leased-cluster.js';
import type { Leases } from '../nats/lease.js';
import type { OutboxStats } from '../nats/outbox.js';
import type { ReflectorTuning } from './reflector.js';

export interface InformerPoolOptions {
  readonly bus: EventBus;
  readonly logger?: Logger;
  readonly tuning?: ReflectorTuning;
  /** Replaces the apiserver transport (tests). */
  readonly transportFor?: ClusterInformersOptions['transportFor'];
  /** What kubeconfigs may ask of the host; strict when absent. */
  readonly kubeconfigAllowances?: ClusterInformersOptions['kubeconfigAllowances'];
  /** Per cluster: most events waiting for the bus (KDA_OUTBOX_MAX_EVENTS). */
  readonly outboxMaxEvents?: number;
  /** Replicas: each cluster watched by the holder of its lease, mirrored for the others. Absent: this process watches every cluster. */
  readonly shared?: SharedClusters;
}

export interface SharedClusters {
  readonly leases: Leases;
  readonly state: ClusterStateStore;
  /** A dead holder's lease lapses this long after its last renewal (KDA_CLUSTER_LEASE_SECONDS). */
  readonly leaseTtlMs: number;
}

/** The lease whose holder watches a cluster (and polls its metrics and follows its builds). */
export function clusterLeaseKey(clusterId: string): string {
  return `cluster.${clusterId}.watch`;
}

export type PoolStatusListener = (clusterId: string, status: ClusterConnectionStatus) => void;
export type PoolHoldListener = (clusterId: string, holds: boolean) => void;

interface PoolEntry {
  readonly informers: LeasedCluster;
  /** What the connection was made from; a different one means reconnect. */
  readonly fingerprint: string;
}

export class InformerPool {
  private readonly entries = new Map<string, PoolEntry>();
  private readonly listeners = new Set<PoolStatusListener>();
  private readonly holdListeners = new Set<PoolHoldListener>();
  /** Replaced connections still shutting down; stopAll waits for them. */
  private readonly stopping = new Set<Promise<void>>();
  private readonly logger: Logger;

  constructor(private readonly options: InformerPoolOptions) {
    this.logger = options.logger ?? silentLogger;
  }

  /**
   * Idempotent: the same cluster with the same kubeconfig and context returns the running
   * connection; a different kubeconfig or context replaces it. Throws on an unusable kubeconfig.
   */
  connect(clusterId: string, kubeconfigYaml: string, context?: string | null): LeasedCluster {
    const fingerprint = JSON.stringify([kubeconfigYaml, context ?? null]);
    const existing = this.entries.get(clusterId);
    if (existing?.fingerprint === fingerprint) return existing.informers;

    const shared = this.options.shared;
    const informers: LeasedCluster = new LeasedCluster({
      informers: {
        clusterId,
        kubeconfigYaml,
        context: context ?? null,
        bus: this.options.bus,
        logger: this.logger,
        ...(this.options.tuning ? { tuning: this.options.tuning } : {}),
        ...(this.options.transportFor ? { transportFor: this.options.transportFor } : {}),
        ...(this.options.kubeconfigAllowances ? { kubeconfigAllowances: this.options.kubeconfigAllowances } : {}),
        ...(this.options.outboxMaxEvents === undefined ? {} : { outboxMaxEvents: this.options.outboxMaxEvents }),
      },
      ...(shared === undefined ? {} : { shared: { lease: shared.leases.acquire(clusterLeaseKey(clusterId), shared.leaseTtlMs), state: shared.state } }),
      logger: this.logger,
      onHoldChange: (holds) => {
        if (this.entries.get(clusterId)?.informers === informers) this.notifyHold(clusterId, holds);
      },
    });
    informers.onStatusChange((status) => {
      // A replaced connection may still be winding down; only the current one speaks for the cluster.
      if (this.entries.get(clusterId)?.informers === informers) this.notify(clusterId, status);
    });
    this.entries.set(clusterId, { informers, fingerprint });
    if (existing !== undefined) this.stopInBackground(clusterId, existing.informers);
    informers.start();
    this.logger.info('cluster connection started', { clusterId });
    return informers;
  }

  /** `removed`: the cluster is gone for good, so the replica watching it also empties its mirror. */
  async disconnect(clusterId: string, options: { readonly removed?: boolean } = {}): Promise<void> {
    const entry = this.entries.get(clusterId);
    if (entry === undefined) return;
    this.entries.delete(clusterId);
    await entry.informers.stop(options);
    this.logger.info('cluster connection stopped', { clusterId });
  }

  get(clusterId: string): LeasedCluster | undefined {
    return this.entries.get(clusterId)?.informers;
  }

  /** Whether this replica holds the cluster's lease and watches it now. */
  holds(clusterId: string): boolean {
    return this.entries.get(clusterId)?.informers.holdsLease() === true;
  }

  /** This replica starts or stops watching a cluster (its lease won or lost); returns an unsubscribe. */
  onHoldChange(listener: PoolHoldListener): () => void {
    this.holdListeners.add(listener);
    return () => this.holdListeners.delete(listener);
  }

  /** The credentials of a connected cluster, for the write operations (undefined when not connected). */
  kubeConfigOf(clusterId: string): KubeConfig | undefined {
    return this.entries.get(clusterId)?.informers.kubeConfig;
  }

  clusterIds(): string[] {
    return [...this.entries.keys()];
  }

  /**
   * Resolves once the cluster's connection is past CONNECTING (synced, degraded or unreachable),
   * or after `timeoutMs`; at once when it is not connected.
   */
  settled(clusterId: string, timeoutMs: number): Promise<void> {
    const informers = this.get(clusterId);
    if (informers === undefined || informers.status().state !== 'CONNECTING') return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = (): void => {
        clearTimeout(timer);
        this.listeners.delete(listener);
        resolve();
      };
      const listener: PoolStatusListener = (changedId, status) => {
        if (changedId === clusterId && status.state !== 'CONNECTING') finish();
      };
      const timer = setTimeout(finish, timeoutMs);
      timer.unref();
      this.listeners.add(listener);
    });
  }

  /** Each connected cluster's events not yet on the bus. */
  outboxStats(): Array<{ readonly clusterId: string; readonly stats: OutboxStats }> {
    return [...this.entries].map(([clusterId, entry]) => ({ clusterId, stats: entry.informers.outboxStats() }));
  }

  /** Every connected cluster's watches, by kind. */
  watchStats(): Array<WatchStats & { readonly clusterId: string }> {
    return [...this.entries].flatMap(([clusterId, entry]) => entry.informers.watchStats().map((stats) => ({ clusterId, ...stats })));
  }

  /** Status changes of every connected cluster; returns an unsubscribe. */
  onStatusChange(listener: PoolStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async stopAll(): Promise<void> {
    const entries = [...this.entries.values()];
    this.entries.clear();
    await Promise.all([...entries.map((entry) => entry.informers.stop()), ...this.stopping]);
  }

  private notifyHold(clusterId: string, holds: boolean): void {
    for (const listener of this.holdListeners) {
      try {
        listener(clusterId, holds);
      } catch (error) {
        this.logger.error('cluster lease listener threw', { clusterId, error: describeError(error) });
      }
    }
  }

  private stopInBackground(clusterId: string, informers: LeasedCluster): void {
    const stopped = informers
      .stop()
      .catch((error: unknown) => this.logger.warn('cannot stop a replaced cluster connection', { clusterId, error: describeError(error) }))
      .finally(() => this.stopping.delete(stopped));
    this.stopping.add(stopped);
  }

  private notify(clusterId: string, status: ClusterConnectionStatus): void {
    for (const listener of this.listeners) {
      try {
        listener(clusterId, status);
      } catch (error) {
        this.logger.error('cluster status listener threw', { clusterId, error: describeError(error) });
      }
    }
  }
}
