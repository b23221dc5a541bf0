/**
 * The watches of one cluster: ONE reflector per kind (see informed-kinds.ts), whatever the number
 * of readers or subscribers (DESIGN.md, "one shared informer per (cluster, kind)"). Serves cache
 * reads (it is the cluster's ClusterLiveView), publishes every change and every status change on
 * the event bus.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterObjectEvent, ClusterObjectKindName, WatchEventType } from '../../domains/clusters/model.js';
import type { ClusterLiveView } from '../../domains/clusters/ports.js';
import { randomBytes } from 'node:crypto';
import type { EventBus } from '../../shared/event-bus.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { CachedClusterReads } from './cached-cluster-reads.js';
import { Outbox, type OutboxStats } from '../nats/outbox.js';
import { subjects } from '../nats/subjects.js';
import { clusterStatusOf, type ClusterConnectionStatus } from './cluster-status.js';
import { INFORMED_KINDS, KIND_DEFINITIONS, type InformedKind, type InformedProjections, type KindDefinition } from './informed-kinds.js';
import { describeError, type ReflectorTransport } from './kube-transport.js';
import { Reflector, type ReflectorState, type ReflectorTuning } from './reflector.js';
import { loadKubeConfig, STRICT_KUBECONFIG, type KubeconfigAllowances } from './kubeconfig.js';
import { changeIdentity, MissedChanges, type ClusterOutboxMessage, type MissedObject } from './missed-changes.js';
import { realTimers, type Timers } from './timers.js';
import type { ClusterStateWriter } from './cluster-state.js';

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
  /** Most events waiting for the bus (KDA_OUTBOX_MAX_EVENTS); beyond, the oldest are dropped and a resync follows. */
  readonly outboxMaxEvents?: number;
  /** Replicas: where every published change is mirrored for the others (src/infra/k8s/cluster-state.ts). */
  readonly mirror?: ClusterMirrorSettings;
  /** Replicas: the caches as the previous holder left them, and where its watches may resume. */
  readonly seed?: ClusterSeed;
}

export interface ClusterMirrorSettings {
  readonly writer: ClusterStateWriter;
  /** Identifies the connection (kubeconfig and context) resume points are valid for. */
  readonly connection: string;
}

export interface ClusterSeed {
  readonly objects: { readonly [K in InformedKind]?: readonly InformedProjections[K][] };
  /** Per kind, the resourceVersion to watch from (only those reached with this connection). */
  readonly resumeFrom: { readonly [K in InformedKind]?: string };
}

/** How often the mirror's resume points are brought forward. */
const CHECKPOINT_MS = 1_000;
/** How often a bounded kind's mirror forgets what its cache forgot silently. */
const BOUNDED_PRUNE_MS = 60_000;

/** `absent`: not served by the cluster; `failed`: the last list or watch did not reach the apiserver. */
export type WatchState = 'listing' | 'synced' | 'failed' | 'absent';
export const WATCH_STATES: readonly WatchState[] = ['listing', 'synced', 'failed', 'absent'];

export interface WatchStats {
  readonly kind: InformedKind;
  readonly state: WatchState;
  readonly relists: number;
  readonly gone: number;
}

function watchStateOf(state: ReflectorState): WatchState {
  if (state.absent === true) return 'absent';
  if (!state.healthy) return 'failed';
  return state.synced ? 'synced' : 'listing';
}

export const DEFAULT_OUTBOX_MAX_EVENTS = 10_000;

type Reflectors = { readonly [K in InformedKind]: Reflector<InformedProjections[K]> };

export class ClusterInformers extends CachedClusterReads implements ClusterLiveView {
  readonly clusterId: string;
  /** The connection's credentials, also used by the write operations. */
  readonly kubeConfig: KubeConfig;
  private readonly logger: Logger;
  private readonly timers: Timers;
  private readonly reflectors: Reflectors;
  private readonly statusListeners = new Set<ClusterStatusListener>();
  private readonly syncWaiters = new Set<(synced: boolean) => void>();
  private lastStatus: ClusterConnectionStatus = { state: 'CONNECTING' };
  private readonly outbox: Outbox<ClusterOutboxMessage>;
  private readonly missed = new MissedChanges();
  /** Status messages have no natural id; this instance's prefix and a counter make retries idempotent. */
  private readonly statusIdPrefix = randomBytes(6).toString('hex');
  private statusMessages = 0;
  private started = false;
  private stopped = false;
  /** Per kind, the last resume point written to the mirror. */
  private readonly checkpointed = new Map<InformedKind, string>();
  private checkpointTimer: ReturnType<typeof setInterval> | undefined;
  private checkpointing: Promise<void> = Promise.resolve();
  private sincePrune = 0;

  constructor(private readonly options: ClusterInformersOptions) {
    super();
    this.clusterId = options.clusterId;
    // Fail now, not at the first publish, when the id cannot be a subject token.
    subjects.clusterObjects(options.clusterId, 'status');
    this.logger = (options.logger ?? silentLogger).child({ clusterId: options.clusterId });
    this.timers = options.timers ?? realTimers;
    this.kubeConfig = loadKubeConfig(options.kubeconfigYaml, options.context ?? null, options.kubeconfigAllowances ?? STRICT_KUBECONFIG);
    this.outbox = new Outbox<ClusterOutboxMessage>({
      name: `cluster/${options.clusterId}`,
      maxEvents: options.outboxMaxEvents ?? DEFAULT_OUTBOX_MAX_EVENTS,
      publish: (message) => this.publish(message),
      onDrop: (message) => {
        if (message.prune === undefined) this.missed.record(message);
      },
      resync: (queued) => this.resyncMessages(queued),
      timers: this.timers,
      logger: this.logger,
    });
    const reflectors: Partial<Record<InformedKind, unknown>> = {};
    for (const kind of INFORMED_KINDS) reflectors[kind] = this.createReflector(kind);
    this.reflectors = reflectors as Reflectors;
    if (options.seed !== undefined) this.applySeed(options.seed);
  }

  start(): void {
    if (this.started || this.stopped) return;
    this.started = true;
    for (const reflector of this.allReflectors()) reflector.start();
    if (this.options.mirror !== undefined) {
      this.checkpointTimer = setInterval(() => this.checkpointInBackground(), CHECKPOINT_MS);
      this.checkpointTimer.unref();
    }
  }

  status(): ClusterConnectionStatus {
    return { ...this.lastStatus, ...this.lastSeen() };
  }

  /** Each kind's watch: its state and how often it relisted and met 410 Gone (for /metrics). */
  watchStats(): WatchStats[] {
    return INFORMED_KINDS.map((kind) => {
      const reflector = this.reflectors[kind];
      return { kind, state: watchStateOf(reflector.currentState), ...reflector.counters };
    });
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

  /** Events not yet on the bus (lag while NATS is unreachable). */
  outboxStats(): OutboxStats {
    return this.outbox.stats();
  }

  /**
   * Stops every watch; resolves once pending publishes are done, or abandoned when the bus refuses
   * one (NATS down: a shutdown does not wait for it). No event or status after this.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const settle of [...this.syncWaiters]) settle(false);
    await Promise.all(this.allReflectors().map((reflector) => reflector.stop()));
    await this.outbox.close();
    clearInterval(this.checkpointTimer);
    // A clean handover: the next holder resumes where these watches stopped.
    await this.checkpointing;
    if (this.started) await this.checkpoint().catch(() => undefined);
  }

  private applySeed(seed: ClusterSeed): void {
    for (const kind of INFORMED_KINDS) {
      const reflector = this.reflectors[kind] as Reflector<object>;
      const resumeFrom = seed.resumeFrom[kind];
      reflector.seed(seed.objects[kind] ?? [], resumeFrom);
      if (resumeFrom !== undefined) this.checkpointed.set(kind, resumeFrom);
    }
    this.lastStatus = this.computeStatus();
  }

  /** On the bus first, then in the mirror: what the mirror holds was always published. */
  private async publish(message: ClusterOutboxMessage): Promise<void> {
    const writer = this.options.mirror?.writer;
    if (message.prune !== undefined) {
      await writer?.prune(message.prune.kind, message.prune.keep);
      return;
    }
    await this.options.bus.publish(message.subject, message.data, { messageId: message.messageId });
    if (writer === undefined) return;
    const change = message.change;
    if (change === undefined) {
      const { v: _v, clusterId: _clusterId, ...status } = message.data as ClusterStatusMessage;
      await writer.putStatus(status);
      return;
    }
    const definition = KIND_DEFINITIONS[change.kind] as KindDefinition<object>;
    const key = definition.keyOf(change.object);
    const stored = change.type === 'DELETED' ? writer.deleteObject(change.kind, key) : writer.putObject(change.kind, key, change.object);
    // The mirror's resume point follows each change the watch delivered, so a new holder's seed is
    // never newer than where its watches resume: replayed changes then step nothing back in time.
    const resumeAt = message.resumeAt;
    if (resumeAt === undefined || this.options.mirror === undefined) return void (await stored);
    const point = writer.putResumePoint(change.kind, { resourceVersion: resumeAt, connection: this.options.mirror.connection });
    await Promise.all([stored, point]);
    this.checkpointed.set(change.kind, resumeAt);
  }

  private checkpointInBackground(): void {
    this.checkpointing = this.checkpointing
      .then(() => this.checkpoint())
      .catch((error: unknown) => this.logger.warn("cannot write the cluster mirror's resume points", { error: describeError(error) }));
    this.sincePrune += CHECKPOINT_MS;
    if (this.sincePrune < BOUNDED_PRUNE_MS) return;
    this.sincePrune = 0;
    for (const kind of INFORMED_KINDS) if (KIND_DEFINITIONS[kind].bound !== undefined) this.enqueuePrune(kind);
  }

  /**
   * For each kind with nothing waiting for the bus: brings its resume point forward to its
   * reflector's own version (after a list, or bookmarks), everything before which is published and
   * mirrored. Per kind, so a busy kind (pods) does not keep the quiet ones from ever checkpointing.
   */
  private async checkpoint(): Promise<void> {
    const mirror = this.options.mirror;
    const unaccepted = this.outbox.unaccepted();
    if (mirror === undefined || unaccepted === undefined) return;
    const busy = new Set(unaccepted.map((message) => message.change?.kind));
    // Read and sent at once: a change published meanwhile writes its own, later, point after these.
    const writes: Promise<void>[] = [];
    for (const kind of INFORMED_KINDS) {
      const version = this.reflectors[kind].lastResourceVersion;
      if (version === undefined || this.checkpointed.get(kind) === version) continue;
      if (busy.has(kind)) continue;
      this.checkpointed.set(kind, version);
      writes.push(
        mirror.writer.putResumePoint(kind, { resourceVersion: version, connection: mirror.connection }).catch((error: unknown) => {
          if (this.checkpointed.get(kind) === version) this.checkpointed.delete(kind);
          throw error;
        }),
      );
    }
    await Promise.all(writes);
  }

  private enqueuePrune(kind: InformedKind): void {
    if (this.options.mirror === undefined) return;
    const keep = (this.reflectors[kind] as Reflector<object>).keys();
    this.outbox.enqueue({ subject: '', data: null, messageId: `${this.clusterId}:prune:${kind}`, prune: { kind, keep } });
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
        this.outbox.enqueue({ ...this.objectMessage(kind, event.type, event.object), ...(event.resourceVersion === undefined ? {} : { resumeAt: event.resourceVersion }) });
        // Node readiness is part of the cluster's status.
        if (kind === 'nodes') this.refreshStatus();
      },
      onStateChange: () => this.refreshStatus(),
      onListed: () => this.enqueuePrune(kind),
    });
  }

  protected read<K extends InformedKind>(kind: K, namespace: string | undefined): InformedProjections[K][] {
    const reflector = this.reflectors[kind] as Reflector<InformedProjections[K]>;
    return namespace === undefined ? reflector.items() : reflector.itemsIn(namespace);
  }

  private allReflectors(): Reflector<object>[] {
    return INFORMED_KINDS.map((kind) => this.reflectors[kind] as Reflector<object>);
  }

  private objectMessage<K extends InformedKind>(kind: K, type: WatchEventType, object: InformedProjections[K]): ClusterOutboxMessage {
    const definition = KIND_DEFINITIONS[kind] as KindDefinition<InformedProjections[K]>;
    const publishAs = definition.publishAs;
    const identified = object as InformedProjections[K] & { uid: string; resourceVersion: string };
    const payload: ClusterObjectEvent<InformedProjections[K]> = { v: 1, type, clusterId: this.clusterId, kind: publishAs, object, observedAt: Date.now() };
    return {
      subject: subjects.clusterObjects(this.clusterId, publishAs, definition.namespaceOf?.(object)),
      data: payload,
      messageId: objectMessageId(this.clusterId, publishAs, type, identified),
      change: { kind, type, uid: identified.uid, object },
    };
  }

  private statusMessage(): ClusterOutboxMessage {
    const message: ClusterStatusMessage = { v: 1, clusterId: this.clusterId, ...this.status() };
    this.statusMessages += 1;
    return { subject: subjects.clusterObjects(this.clusterId, 'status'), data: message, messageId: `${this.clusterId}:status:${this.statusIdPrefix}:${this.statusMessages}` };
  }

  /**
   * After the outbox dropped events: each object they were about, as it is now (or its deletion),
   * and the current status. An object with changes still queued is left to them: they come after
   * this and end at its current state, and it would otherwise step back in time in between.
   */
  private resyncMessages(queued: readonly ClusterOutboxMessage[]): ClusterOutboxMessage[] {
    const stillQueued = new Set(queued.flatMap((message) => (message.change ? [changeIdentity(message.change)] : [])));
    const { objects, status } = this.missed.take();
    const messages = objects.filter((missed) => !stillQueued.has(changeIdentity(missed))).flatMap((missed) => this.currentStateOf(missed));
    if (status && !queued.some((message) => message.change === undefined && message.prune === undefined)) messages.push(this.statusMessage());
    return messages;
  }

  private currentStateOf(missed: MissedObject): ClusterOutboxMessage[] {
    const kind = missed.kind;
    const definition = KIND_DEFINITIONS[kind] as KindDefinition<object>;
    const reflector = this.reflectors[kind] as Reflector<object>;
    const current = reflector.get(definition.keyOf(missed.lastKnown));
    if (current !== undefined && (current as { uid: string }).uid === missed.uid) {
      return [this.objectMessage(kind, missed.neverAnnounced ? 'ADDED' : 'MODIFIED', current as InformedProjections[typeof kind])];
    }
    // A bounded kind forgets old objects without a DELETED; absence there is not a deletion.
    if (definition.bound !== undefined) return [];
    return [this.objectMessage(kind, 'DELETED', missed.lastKnown as InformedProjections[typeof kind])];
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
    this.outbox.enqueue(this.statusMessage());
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
}

/**
 * Same object state, same id, whichever gateway replica publishes it, so JetStream de-duplicates.
 * An ADDED or MODIFIED is identified by uid and resourceVersion, not by its type: a replica that
 * joins (or restarts) lists the cluster and announces each object as ADDED at the version another
 * replica already published as MODIFIED, and that is no news. A deletion is identified by uid
 * alone: one replica may learn it from the watch (deletion resourceVersion) and another from a
 * relist (last known resourceVersion), and a uid dies once.
 */
export function objectMessageId(clusterId: string, kind: ClusterObjectKindName, type: WatchEventType, object: { uid: string; resourceVersion: string }): string {
  return type === 'DELETED' ? `${clusterId}:${kind}:${object.uid}:DELETED` : `${clusterId}:${kind}:${object.uid}:${object.resourceVersion}`;
}
