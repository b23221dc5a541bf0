/**
 * One cluster as this replica serves it (issue 12, "Replicas"). The replica holding the cluster's
 * lease (`cluster.<id>.watch`) runs its watches, publishes its changes and mirrors its caches; every
 * other replica reads the mirror and opens no watch. When the holder dies its lease lapses, another
 * replica wins it and resumes the watches where the mirror says they were. Without a lease (the
 * embedded default) this replica simply watches. Reads go to whichever side is active now, and the
 * kubeconfig is loaded on every replica, so writes (day-2 operations, builds, metrics) work anywhere.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type {
  KubernetesEventProjection,
  NamespaceProjection,
  NodeProjection,
  PersistentVolumeClaimProjection,
  PersistentVolumeProjection,
  PodDisruptionBudgetProjection,
  PodProjection,
  ServiceProjection,
  StorageClassProjection,
  WorkloadProjection,
} from '../../domains/clusters/model.js';
import type { ClusterLiveView } from '../../domains/clusters/ports.js';
import type { VulnerabilityReportProjection } from '../../domains/monitoring/vulnerabilities/model.js';
import { createHash } from 'node:crypto';
import type { Logger } from '../../shared/logger.js';
import type { Lease } from '../nats/lease.js';
import type { OutboxStats } from '../nats/outbox.js';
import { subjects } from '../nats/subjects.js';
import { ClusterInformers, type ClusterInformersOptions, type ClusterStatusListener, type WatchStats } from './cluster-informers.js';
import type { ClusterStateStore } from './cluster-state.js';
import type { ClusterConnectionStatus } from './cluster-status.js';
import { describeError } from './kube-transport.js';
import { loadKubeConfig, STRICT_KUBECONFIG } from './kubeconfig.js';
import { MirrorView } from './mirror-view.js';

/** How long a new holder waits for the mirror to arrive before it watches without it. */
const SEED_WAIT_MS = 5_000;

export interface SharedWatch {
  readonly lease: Lease;
  readonly state: ClusterStateStore;
}

export interface LeasedClusterOptions {
  readonly informers: Omit<ClusterInformersOptions, 'mirror' | 'seed'>;
  /** Absent: this replica alone serves the cluster and watches it. */
  readonly shared?: SharedWatch;
  readonly logger: Logger;
  /** Told each time this replica starts or stops watching the cluster. */
  readonly onHoldChange?: (holds: boolean) => void;
}

const NO_OUTBOX: OutboxStats = { pending: 0, oldestPendingAgeMs: 0, dropped: 0, resyncs: 0 };

export class LeasedCluster implements ClusterLiveView {
  readonly clusterId: string;
  readonly kubeConfig: KubeConfig;
  private readonly connection: string;
  private readonly logger: Logger;
  private informers: ClusterInformers | undefined;
  private mirror: MirrorView | undefined;
  private readonly listeners = new Set<ClusterStatusListener>();
  /** Switches between holding and following run one at a time. */
  private switching: Promise<void> = Promise.resolve();
  private stopLeaseListener: (() => void) | undefined;
  private stopped = false;

  constructor(private readonly options: LeasedClusterOptions) {
    const { informers } = options;
    this.clusterId = informers.clusterId;
    this.logger = options.logger.child({ clusterId: informers.clusterId });
    // Fail now, not at the first publish, when the id cannot be a subject token.
    subjects.clusterObjects(informers.clusterId, 'status');
    // Fails at once on an unusable kubeconfig, on every replica alike.
    this.kubeConfig = loadKubeConfig(informers.kubeconfigYaml, informers.context ?? null, informers.kubeconfigAllowances ?? STRICT_KUBECONFIG);
    this.connection = createHash('sha256')
      .update(JSON.stringify([informers.kubeconfigYaml, informers.context ?? null]))
      .digest('base64url')
      .slice(0, 16);
  }

  start(): void {
    const shared = this.options.shared;
    if (shared === undefined) {
      this.informers = this.createInformers(undefined);
      this.informers.start();
      this.options.onHoldChange?.(true);
      return;
    }
    this.stopLeaseListener = shared.lease.onChange(() => this.follow());
    this.follow();
  }

  /** Whether this replica watches the cluster now (always, without a shared lease). */
  holdsLease(): boolean {
    return this.informers !== undefined;
  }

  /** `removed`: the cluster is gone for good; if this replica watches it, it empties the mirror once its watches stopped. */
  async stop(options: { readonly removed?: boolean } = {}): Promise<void> {
    this.stopped = true;
    this.stopLeaseListener?.();
    await this.switching;
    const informers = this.informers;
    await informers?.stop();
    await this.mirror?.stop();
    if (options.removed === true && informers !== undefined && this.options.shared !== undefined) {
      await this.options.shared.state
        .writer(this.clusterId)
        .purge()
        .catch((error: unknown) => this.logger.warn('cannot empty the mirror of a removed cluster', { error: describeError(error) }));
    }
    // Given up only once the watches stopped and their last changes are mirrored.
    await this.options.shared?.lease.release();
  }

  status(): ClusterConnectionStatus {
    return (this.informers ?? this.mirror)?.status() ?? { state: 'CONNECTING' };
  }

  nodes(): NodeProjection[] {
    return this.view()?.nodes() ?? [];
  }

  namespaces(): NamespaceProjection[] {
    return this.view()?.namespaces() ?? [];
  }

  pods(namespace?: string): PodProjection[] {
    return this.view()?.pods(namespace) ?? [];
  }

  workloads(namespace?: string): WorkloadProjection[] {
    return this.view()?.workloads(namespace) ?? [];
  }

  services(namespace?: string): ServiceProjection[] {
    return this.view()?.services(namespace) ?? [];
  }

  persistentVolumes(): PersistentVolumeProjection[] {
    return this.view()?.persistentVolumes() ?? [];
  }

  persistentVolumeClaims(namespace?: string): PersistentVolumeClaimProjection[] {
    return this.view()?.persistentVolumeClaims(namespace) ?? [];
  }

  storageClasses(): StorageClassProjection[] {
    return this.view()?.storageClasses() ?? [];
  }

  events(namespace?: string): KubernetesEventProjection[] {
    return this.view()?.events(namespace) ?? [];
  }

  podDisruptionBudgets(namespace?: string): PodDisruptionBudgetProjection[] {
    return this.view()?.podDisruptionBudgets(namespace) ?? [];
  }

  vulnerabilityReports(namespace?: string): VulnerabilityReportProjection[] {
    return this.view()?.vulnerabilityReports(namespace) ?? [];
  }

  /** This replica's watches, by kind: none while another replica holds the lease. */
  watchStats(): WatchStats[] {
    return this.informers?.watchStats() ?? [];
  }

  outboxStats(): OutboxStats {
    return this.informers?.outboxStats() ?? NO_OUTBOX;
  }

  /** Resolves true once the cluster is past CONNECTING here (listed, or read from the mirror); false on timeout. */
  whenSynced(timeoutMs: number): Promise<boolean> {
    if (this.informers !== undefined) return this.informers.whenSynced(timeoutMs);
    if (this.status().state !== 'CONNECTING') return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const finish = (synced: boolean): void => {
        clearTimeout(timer);
        unsubscribe();
        resolve(synced);
      };
      const unsubscribe = this.onStatusChange((status) => {
        if (status.state !== 'CONNECTING') finish(true);
      });
      const timer = setTimeout(() => finish(this.status().state !== 'CONNECTING'), timeoutMs);
      timer.unref();
    });
  }

  onStatusChange(listener: ClusterStatusListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private view(): (ClusterLiveView & { vulnerabilityReports(namespace?: string): VulnerabilityReportProjection[] }) | undefined {
    return this.informers ?? this.mirror;
  }

  private createInformers(seed: ClusterInformersOptions['seed']): ClusterInformers {
    const shared = this.options.shared;
    const informers = new ClusterInformers({
      ...this.options.informers,
      ...(shared === undefined ? {} : { mirror: { writer: shared.state.writer(this.clusterId), connection: this.connection } }),
      ...(seed === undefined ? {} : { seed }),
    });
    informers.onStatusChange((status) => {
      if (this.informers === informers) this.notify(status);
    });
    return informers;
  }

  /** Holds or follows, as the lease says now. */
  private follow(): void {
    this.switching = this.switching
      .then(() => this.switchTo(this.options.shared?.lease.isHeld() === true))
      .catch((error: unknown) => this.logger.error('cannot switch between watching and following a cluster', { error: describeError(error) }));
  }

  private async switchTo(hold: boolean): Promise<void> {
    if (this.stopped) return;
    const shared = this.options.shared!;
    if (hold && this.informers === undefined) {
      const mirror = this.mirror ?? (await this.startMirror(shared));
      const complete = await mirror.whenInitialized(SEED_WAIT_MS);
      if (this.stopped || !shared.lease.isHeld()) return;
      // A partial mirror is no place to resume a watch from: list, and diff against what arrived.
      const seed = mirror.seed(this.connection);
      const informers = this.createInformers(complete ? seed : { objects: seed.objects, resumeFrom: {} });
      this.informers = informers;
      this.mirror = undefined;
      await mirror.stop();
      informers.start();
      this.logger.info('cluster lease won: watching the cluster', {});
      this.notify(informers.status());
      this.options.onHoldChange?.(true);
    } else if (!hold && this.mirror === undefined) {
      const informers = this.informers;
      if (informers !== undefined) {
        this.logger.info('cluster lease lost: following the replica that holds it', {});
        this.options.onHoldChange?.(false);
        await informers.stop();
      }
      this.mirror = await this.startMirror(shared);
      this.informers = undefined;
      this.notify(this.mirror.status());
    }
  }

  private async startMirror(shared: SharedWatch): Promise<MirrorView> {
    const mirror = new MirrorView(this.clusterId, shared.state, (status) => {
      if (this.mirror === mirror) this.notify(status);
    });
    await mirror.start();
    return mirror;
  }

  private notify(status: ClusterConnectionStatus): void {
    if (this.stopped) return;
    for (const listener of [...this.listeners]) {
      try {
        listener(status);
      } catch (error) {
        this.logger.error('status listener threw', { error: describeError(error) });
      }
    }
  }
}
