/**
 * The watches of one cluster: ONE reflector per kind (nodes, namespaces, pods), whatever the
 * number of readers or subscribers (DESIGN.md, "one shared informer per (cluster, kind)").
 * Serves cache reads, publishes every change and every status change on the event bus.
 */
import { KubeConfig } from '@kubernetes/client-node';
import type {
  ClusterObjectEvent,
  NamespaceProjection,
  NodeProjection,
  PodProjection,
  WatchEventType,
} from '../../domains/clusters/model.js';
import type { EventBus, PublishOptions } from '../../shared/event-bus.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { subjects } from '../nats/subjects.js';
import { describeError, type ReflectorTransport } from './kube-transport.js';
import { projectNamespace, projectNode, projectPod } from './projections.js';
import { Reflector, type ReflectorEvent, type ReflectorTuning } from './reflector.js';
import { realTimers, type Timers } from './timers.js';

export type InformedKind = 'nodes' | 'namespaces' | 'pods';

export const LIST_PATHS: Readonly<Record<InformedKind, string>> = {
  nodes: '/api/v1/nodes',
  namespaces: '/api/v1/namespaces',
  pods: '/api/v1/pods',
};

export type ClusterConnectionState = 'CONNECTING' | 'RUNNING' | 'UNREACHABLE';

export interface ClusterConnectionStatus {
  readonly state: ClusterConnectionState;
  readonly reason?: string;
  /** ISO time we last heard from the apiserver. */
  readonly lastSeenAt?: string;
}

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
}

/** The kind-independent side of a reflector. */
type ReflectorControl = Pick<Reflector<object>, 'start' | 'stop' | 'currentState' | 'hasSynced' | 'lastContactAt'>;

const podKey = (pod: PodProjection): string => `${pod.namespace}/${pod.name}`;

export class ClusterInformers {
  readonly clusterId: string;
  private readonly logger: Logger;
  private readonly timers: Timers;
  private readonly nodeReflector: Reflector<NodeProjection>;
  private readonly namespaceReflector: Reflector<NamespaceProjection>;
  private readonly podReflector: Reflector<PodProjection>;
  /** namespace -> pod keys, so a namespace read is not a scan of every pod. */
  private readonly podKeysByNamespace = new Map<string, Set<string>>();
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
    const kubeConfig = loadKubeConfig(options.kubeconfigYaml, options.context ?? undefined);
    const common = <T extends object>(kind: InformedKind) => ({
      ...options.tuning,
      name: `${options.clusterId}/${kind}`,
      listPath: LIST_PATHS[kind],
      ...(options.transportFor ? { transport: options.transportFor(kind, kubeConfig) } : { kubeConfig }),
      logger: this.logger,
      timers: this.timers,
      identityOf: (item: T & { uid: string }) => item.uid,
      onStateChange: () => this.refreshStatus(),
    });
    this.nodeReflector = new Reflector<NodeProjection>({
      ...common<NodeProjection>('nodes'),
      project: projectNode,
      keyOf: (node) => node.name,
      onEvent: (event) => this.publishObject('nodes', event, undefined),
    });
    this.namespaceReflector = new Reflector<NamespaceProjection>({
      ...common<NamespaceProjection>('namespaces'),
      project: projectNamespace,
      keyOf: (namespace) => namespace.name,
      onEvent: (event) => this.publishObject('namespaces', event, undefined),
    });
    this.podReflector = new Reflector<PodProjection>({
      ...common<PodProjection>('pods'),
      project: projectPod,
      keyOf: podKey,
      onEvent: (event) => {
        this.indexPod(event);
        this.publishObject('pods', event, event.object.namespace);
      },
    });
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const reflector of this.reflectors()) reflector.start();
  }

  nodes(): NodeProjection[] {
    return this.nodeReflector.items();
  }

  namespaces(): NamespaceProjection[] {
    return this.namespaceReflector.items();
  }

  pods(namespace?: string): PodProjection[] {
    if (namespace === undefined) return this.podReflector.items();
    const keys = this.podKeysByNamespace.get(namespace);
    if (keys === undefined) return [];
    const pods: PodProjection[] = [];
    for (const key of keys) {
      const pod = this.podReflector.get(key);
      if (pod !== undefined) pods.push(pod);
    }
    return pods;
  }

  status(): ClusterConnectionStatus {
    return { ...this.lastStatus, ...this.lastSeen() };
  }

  /** Listener for the composition root (e.g. to persist the status); returns an unsubscribe. */
  onStatusChange(listener: ClusterStatusListener): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }

  /** Resolves true once every kind has been listed, false on timeout or stop. */
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
    await Promise.all(this.reflectors().map((reflector) => reflector.stop()));
    await this.publishing;
  }

  private reflectors(): ReflectorControl[] {
    return [this.nodeReflector, this.namespaceReflector, this.podReflector];
  }

  private indexPod(event: ReflectorEvent<PodProjection>): void {
    const { namespace } = event.object;
    const key = podKey(event.object);
    if (event.type === 'DELETED') {
      const keys = this.podKeysByNamespace.get(namespace);
      keys?.delete(key);
      if (keys?.size === 0) this.podKeysByNamespace.delete(namespace);
      return;
    }
    let keys = this.podKeysByNamespace.get(namespace);
    if (keys === undefined) {
      keys = new Set();
      this.podKeysByNamespace.set(namespace, keys);
    }
    keys.add(key);
  }

  private publishObject<T extends { uid: string; resourceVersion: string }>(
    kind: InformedKind,
    event: ReflectorEvent<T>,
    namespace: string | undefined,
  ): void {
    const payload: ClusterObjectEvent<T> = { v: 1, type: event.type, clusterId: this.clusterId, kind, object: event.object };
    this.enqueuePublish(subjects.clusterObjects(this.clusterId, kind, namespace), payload, {
      messageId: objectMessageId(this.clusterId, kind, event.type, event.object),
    });
  }

  private refreshStatus(): void {
    if (this.stopped) return;
    if (this.allSynced()) for (const settle of [...this.syncWaiters]) settle(true);
    const next = this.computeStatus();
    const changed = next.state !== this.lastStatus.state;
    // The reason stays current for reads, but only a change of state is news: while the apiserver
    // is down each kind fails and recovers on its own schedule, and that should not flap the bus.
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
    const kinds: [InformedKind, ReflectorControl][] = [
      ['nodes', this.nodeReflector],
      ['namespaces', this.namespaceReflector],
      ['pods', this.podReflector],
    ];
    const unhealthy = kinds.find(([, reflector]) => !reflector.currentState.healthy);
    if (unhealthy !== undefined) {
      const [kind, reflector] = unhealthy;
      return { state: 'UNREACHABLE', reason: `${kind}: ${reflector.currentState.error ?? 'unreachable'}` };
    }
    return this.allSynced() ? { state: 'RUNNING' } : { state: 'CONNECTING' };
  }

  private allSynced(): boolean {
    return this.nodeReflector.hasSynced && this.namespaceReflector.hasSynced && this.podReflector.hasSynced;
  }

  private lastSeen(): { lastSeenAt?: string } {
    const times = this.reflectors()
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
export function objectMessageId(
  clusterId: string,
  kind: InformedKind,
  type: WatchEventType,
  object: { uid: string; resourceVersion: string },
): string {
  return type === 'DELETED'
    ? `${clusterId}:${kind}:${object.uid}:${type}`
    : `${clusterId}:${kind}:${object.uid}:${object.resourceVersion}:${type}`;
}

function loadKubeConfig(yaml: string, context: string | undefined): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(yaml);
  if (context !== undefined) {
    if (kubeConfig.getContextObject(context) === null) throw new Error(`kubeconfig has no context "${context}"`);
    kubeConfig.setCurrentContext(context);
  }
  if (kubeConfig.getCurrentCluster() === null) throw new Error('kubeconfig has no current cluster');
  return kubeConfig;
}
