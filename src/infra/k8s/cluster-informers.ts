/**
 * The watches of one cluster: ONE reflector per kind (see informed-kinds.ts), whatever the number
 * of readers or subscribers (DESIGN.md, "one shared informer per (cluster, kind)"). Serves cache
 * reads (it is the cluster's ClusterLiveView), publishes every change and every status change on
 * the event bus.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type {
  ClusterObjectEvent,
  ClusterObjectKindName,
  KubernetesEventProjection,
  NamespaceProjection,
  NodeProjection,
  PersistentVolumeClaimProjection,
  PersistentVolumeProjection,
  PodDisruptionBudgetProjection,
  PodProjection,
  ServiceProjection,
  StorageClassProjection,
  WatchEventType,
  WorkloadProjection,
} from '../../domains/clusters/model.js';
import type { ClusterLiveView } from '../../domains/clusters/ports.js';
import type { EventBus, PublishOptions } from '../../shared/event-bus.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { subjects } from '../nats/subjects.js';
import { clusterStatusOf, type ClusterConnectionStatus } from './cluster-status.js';
import { INFORMED_KINDS, KIND_DEFINITIONS, type InformedKind, type InformedProjections, type KindDefinition } from './informed-kinds.js';
import { describeError, type ReflectorTransport } from './kube-transport.js';
import { Reflector, type ReflectorEvent, type ReflectorTuning } from './reflector.js';
import { loadKubeConfig, STRICT_KUBECONFIG, type KubeconfigAllowances } from './kubeconfig.js';
import { realTimers, type Timers } from './timers.js';

export { LIST_PATHS, type InformedKind } from './informed-kinds.js';
export type { ClusterConnectionState, ClusterConnectionStatus } from './cluster-status.js';

/** Published on `kda.v1.<clusterId>.status._`. */
export interface ClusterStatusMessage extends ClusterConnectionStatus {
  readonly v: 1;
  readonly clusterId: string;
}

export type ClusterStatusListener = (status: ClusterConnectionStatus) => void;

export interface ClusterInformersOptions {
  readonly clusterId: string;
  readonly kubeconfigYaml: string;
  /** Kubeconfig context to use; its current-context when absent. */
  readonly context?: string | null;
  readonly bus: EventBus;
  readonly logger?: Logger;
  readonly tuning?: ReflectorTuning;
  /** Replaces the apiserver transport (tests). */
  readonly transportFor?: (kind: InformedKind, kubeConfig: KubeConfig) => ReflectorTransport;
  readonly timers?: Timers;
  /** What the kubeconfig may ask of the host (checked again at every connect); strict when absent. */
  readonly kubeconfigAllowances?: KubeconfigAllowances;
}

type Reflectors = { readonly [K in InformedKind]: Reflector<InformedProjections[K]> };

const WORKLOAD_KINDS = ['deployments', 'statefulsets', 'daemonsets', 'jobs', 'cronjobs'] as const;

export class ClusterInformers implements ClusterLiveView {
  readonly clusterId: string;
  /** The connection's credentials, also used by the write operations. */
  readonly kubeConfig: KubeConfig;
  private readonly logger: Logger;
  private readonly timers: Timers;
  private readonly reflectors: Reflectors;
  private readonly statusListeners = new Set<ClusterStatusListener>();
  private readonly syncWaiters = new Set<(synced: boolean) => void>();
  private lastStatus: ClusterConnectionStatus = { state: 'CONNECTING' };
  private publishing: Promise<void> = Promise.resolve();
  private started = false;
  private stopped = false;

  constructor(private readonly options: ClusterInformersOptions) {
    this.clusterId = options.clusterId;
    // Fail now, not at the first publish, when the id cannot be a subject token.
    subjects.clusterObjects(options.clusterId, 'status');
    this.logger = (options.logger ?? silentLogger).child({ clusterId: options.clusterId });
    this.timers = options.timers ?? realTimers;
    this.kubeConfig = loadKubeConfig(options.kubeconfigYaml, options.context ?? null, options.kubeconfigAllowances ?? STRICT_KUBECONFIG);
    const reflectors: Partial<Record<InformedKind, unknown>> = {};
    for (const kind of INFORMED_KINDS) reflectors[kind] = this.createReflector(kind);
    this.reflectors = reflectors as Reflectors;
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const reflector of this.allReflectors()) reflector.start();
  }

  nodes(): NodeProjection[] {
    return this.reflectors.nodes.items();
  }

  namespaces(): NamespaceProjection[] {
    return this.reflectors.namespaces.items();
  }

  pods(namespace?: string): PodProjection[] {
    return this.read('pods', namespace);
  }

  /** Deployments, StatefulSets, DaemonSets, Jobs and CronJobs together. */
  workloads(namespace?: string): WorkloadProjection[] {
    return WORKLOAD_KINDS.flatMap((kind) => this.read(kind, namespace));
  }

  services(namespace?: string): ServiceProjection[] {
    return this.read('services', namespace);
  }

  persistentVolumes(): PersistentVolumeProjection[] {
    return this.reflectors.persistentvolumes.items();
  }

  persistentVolumeClaims(namespace?: string): PersistentVolumeClaimProjection[] {
    return this.read('persistentvolumeclaims', namespace);
  }

  storageClasses(): StorageClassProjection[] {
    return this.reflectors.storageclasses.items();
  }

  /** The newest events first (at most MAX_EVENTS_PER_CLUSTER are kept). */
  events(namespace?: string): KubernetesEventProjection[] {
    return this.read('events', namespace).sort((a, b) => (a.lastSeen < b.lastSeen ? 1 : a.lastSeen > b.lastSeen ? -1 : 0));
  }

  podDisruptionBudgets(namespace?: string): PodDisruptionBudgetProjection[] {
    return this.read('poddisruptionbudgets', namespace);
  }

  status(): ClusterConnectionStatus {
    return { ...this.lastStatus, ...this.lastSeen() };
  }

  /** Kinds this cluster's apiserver does not serve (404 on their list path); empty in the caches. */
  absentKinds(): InformedKind[] {
    return INFORMED_KINDS.filter((kind) => this.reflectors[kind].currentState.absent === true);
  }

  /** Listener for the composition root (e.g. to persist the status); returns an unsubscribe. */
  onStatusChange(listener: ClusterStatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /**
   * Resolves true once every kind has been listed (a kind the cluster does not serve counts as
   * listed), false on timeout or stop. A kind that keeps failing (403) keeps this false.
   */
  whenSynced(timeoutMs: number): Promise<boolean> {
    if (this.allSynced()) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise<boolean>((resolve) => {
      const settle = (synced: boolean): void => {
        this.timers.clearTimeout(timer);
        this.syncWaiters.delete(settle);
        resolve(synced);
      };
      const timer = this.timers.setTimeout(() => settle(false), timeoutMs);
      this.syncWaiters.add(settle);
    });
  }

  /** Stops every watch; resolves once pending publishes are done. No event or status after this. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const settle of [...this.syncWaiters]) settle(false);
    await Promise.all(this.allReflectors().map((reflector) => reflector.stop()));
    await this.publishing;
  }

  private createReflector<K extends InformedKind>(kind: K): Reflector<InformedProjections[K]> {
    type T = InformedProjections[K];
    // TypeScript cannot correlate the mapped type's key with its value here; the table's type does.
    const definition = KIND_DEFINITIONS[kind] as KindDefinition<T>;
    const { transportFor, tuning } = this.options;
    return new Reflector<T>({
      ...tuning,
      name: `${this.clusterId}/${kind}`,
      listPath: definition.listPath,
      ...(transportFor ? { transport: transportFor(kind, this.kubeConfig) } : { kubeConfig: this.kubeConfig }),
      logger: this.logger,
      timers: this.timers,
      project: definition.project,
      keyOf: definition.keyOf,
      identityOf: (item) => (item as { uid: string }).uid,
      ...(definition.namespaceOf ? { namespaceOf: definition.namespaceOf } : {}),
      ...(definition.bound ? { bound: definition.bound } : {}),
      absentWhenNotFound: !definition.required,
      onEvent: (event) => {
        this.publishObject(definition.publishAs, event, definition.namespaceOf?.(event.object));
        // Node readiness is part of the cluster's status.
        if (kind === 'nodes') this.refreshStatus();
      },
      onStateChange: () => this.refreshStatus(),
    });
  }

  private read<K extends InformedKind>(kind: K, namespace: string | undefined): InformedProjections[K][] {
    const reflector = this.reflectors[kind] as Reflector<InformedProjections[K]>;
    return namespace === undefined ? reflector.items() : reflector.itemsIn(namespace);
  }

  private allReflectors(): Reflector<object>[] {
    return INFORMED_KINDS.map((kind) => this.reflectors[kind] as Reflector<object>);
  }

  private publishObject<T extends object>(kind: ClusterObjectKindName, event: ReflectorEvent<T>, namespace: string | undefined): void {
    const object = event.object as T & { uid: string; resourceVersion: string };
    const payload: ClusterObjectEvent<T> = { v: 1, type: event.type, clusterId: this.clusterId, kind, object: event.object };
    this.enqueuePublish(subjects.clusterObjects(this.clusterId, kind, namespace), payload, {
      messageId: objectMessageId(this.clusterId, kind, event.type, object),
    });
  }

  private refreshStatus(): void {
    if (this.stopped) return;
    if (this.allSynced()) for (const settle of [...this.syncWaiters]) settle(true);
    const next = this.computeStatus();
    const previous = this.lastStatus;
    // The reason stays current for reads, but only a change of state is news: while the apiserver
    // is down each kind fails and recovers on its own schedule, and that should not flap the bus.
    // A DEGRADED reason is news though (another kind failing, other nodes NotReady).
    const changed = next.state !== previous.state || (next.state === 'DEGRADED' && next.reason !== previous.reason);
    this.lastStatus = next;
    if (!changed) return;
    const status = this.status();
    this.logger.info('cluster status changed', { state: status.state, reason: status.reason });
    const message: ClusterStatusMessage = { v: 1, clusterId: this.clusterId, ...status };
    this.enqueuePublish(subjects.clusterObjects(this.clusterId, 'status'), message, {});
    for (const listener of this.statusListeners) {
      try {
        listener(status);
      } catch (error) {
        this.logger.error('status listener threw', { error: describeError(error) });
      }
    }
  }

  private computeStatus(): ClusterConnectionStatus {
    const kinds = INFORMED_KINDS.map((kind) => ({
      kind,
      required: KIND_DEFINITIONS[kind].required,
      state: this.reflectors[kind].currentState,
    }));
    return clusterStatusOf(kinds, this.reflectors.nodes.items());
  }

  private allSynced(): boolean {
    return this.allReflectors().every((reflector) => reflector.hasSynced);
  }

  private lastSeen(): { lastSeenAt?: string } {
    const times = this.allReflectors()
      .map((reflector) => reflector.lastContactAt)
      .filter((time): time is number => time !== undefined);
    return times.length === 0 ? {} : { lastSeenAt: new Date(Math.max(...times)).toISOString() };
  }

  /** Publishes strictly in order (ADDED before MODIFIED before DELETED), never rejecting the chain. */
  private enqueuePublish(subject: string, data: unknown, options: PublishOptions): void {
    this.publishing = this.publishing
      .then(() => this.options.bus.publish(subject, data, options))
      .catch((error: unknown) => this.logger.warn('cannot publish cluster event', { subject, error: describeError(error) }));
  }
}

/**
 * Same change, same id, whichever gateway replica publishes it, so JetStream de-duplicates.
 * A deletion is identified by uid alone: one replica may learn it from the watch (deletion
 * resourceVersion) and another from a relist (last known resourceVersion), and a uid dies once.
 */
export function objectMessageId(clusterId: string, kind: ClusterObjectKindName, type: WatchEventType, object: { uid: string; resourceVersion: string }): string {
  return type === 'DELETED' ? `${clusterId}:${kind}:${object.uid}:${type}` : `${clusterId}:${kind}:${object.uid}:${object.resourceVersion}:${type}`;
}
