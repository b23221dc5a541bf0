import type { Logger } from '../../shared/logger.js';
import type { ClusterRecord } from './cluster-record.js';
import type { ClusterChanges, ClusterConnections, ClusterStore, SecretSealer } from './ports.js';

/** How often a replica compares its connections with the database, should an announcement be lost. */
export const DEFAULT_CLUSTER_RESYNC_MS = 30_000;
/** How long a read waits for a cluster this replica has just started to connect on someone else's behalf. */
export const DEFAULT_CLUSTER_SETTLE_MS = 5_000;

export interface ConnectionReconcilerDeps {
  readonly store: Pick<ClusterStore, 'findById' | 'list'>;
  readonly connections: ClusterConnections;
  readonly sealer: Pick<SecretSealer, 'open'>;
  readonly changes: ClusterChanges;
  readonly logger: Logger;
  readonly resyncMs?: number;
  readonly settleMs?: number;
}

type ConnectionDetails = Pick<ClusterRecord, 'id' | 'kubeconfigEncrypted' | 'context'>;

/** Where the announcements stood when a record was read: a later one for its cluster makes it stale. */
export type ReadPosition = number;

/** A record as read at `position`, used as it is unless its cluster was announced since. */
interface KnownRecord {
  readonly record: ConnectionDetails;
  readonly position: ReadPosition;
}

/** What a connection was made from: a new seal (every kubeconfig change makes one) or context differs. */
function connectionKey(record: ConnectionDetails): string {
  return JSON.stringify([record.kubeconfigEncrypted, record.context]);
}

/**
 * Keeps this replica's cluster connections equal to the database, whichever replica changed it.
 * Every change is announced (ClusterChanges); each replica then reads the cluster again and
 * connects, reconnects or disconnects it. Should an announcement be lost, a read of a cluster this
 * replica is not connected to (or connected to with older details) connects it on the spot, and a
 * periodic comparison with the database catches the rest (a removal nobody asked about since).
 * Work on one cluster runs one step at a time, and a step uses the record its caller read only
 * if no change of that cluster was announced since (else it reads it again), so the last step
 * always applies the last committed state; a read of a stored cluster costs no extra query.
 */
export class ConnectionReconciler {
  /** Per connected cluster: the details it was connected from. */
  private readonly connectedFrom = new Map<string, string>();
  /** Details that could not be opened or connected: not retried at every read, only once they change. */
  private readonly unusable = new Map<string, string>();
  private readonly queues = new Map<string, Promise<void>>();
  /** Connections started for another replica's change, until they are past CONNECTING. */
  private readonly settling = new Map<string, Promise<void>>();
  /** Announcements heard, numbered; per cluster, the number of the last one. */
  private announcements = 0;
  private readonly lastAnnounced = new Map<string, number>();
  private stopListening: (() => Promise<void>) | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private readonly resyncMs: number;
  private readonly settleMs: number;

  constructor(private readonly deps: ConnectionReconcilerDeps) {
    this.resyncMs = deps.resyncMs ?? DEFAULT_CLUSTER_RESYNC_MS;
    this.settleMs = deps.settleMs ?? DEFAULT_CLUSTER_SETTLE_MS;
  }

  /** Listens for announcements first, so none falls between, then connects every stored cluster. */
  async start(): Promise<void> {
    this.stopListening = await this.deps.changes.listen((clusterId) => {
      this.heard(clusterId);
      void this.reconcile(clusterId, { settle: true });
    });
    await this.resync();
    this.timer = setInterval(() => void this.resync(), this.resyncMs);
    this.timer.unref();
  }

  /** No connection is made or dropped after this (shutdown); the caller stops the connections. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) clearInterval(this.timer);
    await this.stopListening?.();
    this.stopListening = undefined;
    await Promise.all([...this.queues.values()]);
  }

  /** Call before reading clusters from the database; pass it to `beforeRead` with what was read. */
  position(): ReadPosition {
    return this.announcements;
  }

  /** After a mutation committed: this replica follows at once, the others on the announcement. */
  async changed(clusterId: string): Promise<void> {
    this.heard(clusterId);
    await this.reconcile(clusterId, { settle: false });
    try {
      await this.deps.changes.announce(clusterId);
    } catch (error) {
      this.deps.logger.error('cannot announce a cluster change to other replicas', { clusterId, error: String(error) });
    }
  }

  /**
   * Before a read of a stored cluster: connects it here if this replica missed its registration or
   * change, and waits (briefly) for a connection started so, so the read is answered, not UNAVAILABLE.
   */
  async beforeRead(record: ConnectionDetails, position: ReadPosition): Promise<void> {
    if (!this.stopped && this.differs(record)) await this.reconcile(record.id, { settle: true }, { record, position });
    await this.settling.get(record.id);
  }

  /** A read found no such cluster: stop watching it here, should a removal announcement have been lost. */
  forgetIfConnected(clusterId: string): void {
    if (this.deps.connections.view(clusterId) !== undefined) void this.reconcile(clusterId, { settle: false });
  }

  /** Compares every connection with the database and reconciles those that differ. */
  async resync(): Promise<void> {
    if (this.stopped) return;
    let records: ClusterRecord[];
    const position = this.position();
    try {
      records = await this.deps.store.list();
    } catch (error) {
      this.deps.logger.warn('cannot compare cluster connections with the database', { error: String(error) });
      return;
    }
    const stored = new Set(records.map((record) => record.id));
    const stale = records.filter((record) => this.differs(record));
    const removed = this.deps.connections.connectedIds().filter((clusterId) => !stored.has(clusterId));
    await Promise.all([
      ...stale.map((record) => this.reconcile(record.id, { settle: true }, { record, position })),
      ...removed.map((clusterId) => this.reconcile(clusterId, { settle: true })),
    ]);
  }

  private heard(clusterId: string): void {
    this.announcements += 1;
    this.lastAnnounced.set(clusterId, this.announcements);
  }

  private differs(record: ConnectionDetails): boolean {
    const key = connectionKey(record);
    if (this.unusable.get(record.id) === key) return false;
    return this.deps.connections.view(record.id) === undefined || this.connectedFrom.get(record.id) !== key;
  }

  /** Queues one step for the cluster behind those already queued; resolves when it ran. */
  private reconcile(clusterId: string, options: { readonly settle: boolean }, known?: KnownRecord): Promise<void> {
    const previous = this.queues.get(clusterId) ?? Promise.resolve();
    const step = previous.then(() => this.apply(clusterId, options, known));
    const queued = step
      .catch((error: unknown) => this.deps.logger.error('cannot follow a cluster change', { clusterId, error: String(error) }))
      .finally(() => {
        if (this.queues.get(clusterId) === queued) this.queues.delete(clusterId);
      });
    this.queues.set(clusterId, queued);
    return queued;
  }

  private async apply(clusterId: string, options: { readonly settle: boolean }, known: KnownRecord | undefined): Promise<void> {
    if (this.stopped) return;
    const { connections } = this.deps;
    const fresh = known !== undefined && (this.lastAnnounced.get(clusterId) ?? 0) <= known.position;
    const record = fresh ? known.record : await this.deps.store.findById(clusterId);
    if (record === null) {
      this.connectedFrom.delete(clusterId);
      this.unusable.delete(clusterId);
      await (connections.remove ? connections.remove(clusterId) : connections.disconnect(clusterId));
      return;
    }
    if (!this.differs(record)) return;
    const key = connectionKey(record);
    let kubeconfig: string;
    try {
      kubeconfig = this.deps.sealer.open(record.kubeconfigEncrypted);
    } catch (error) {
      this.unusable.set(clusterId, key);
      this.deps.logger.error('cannot open the stored kubeconfig of a cluster', { clusterId, error: String(error) });
      return;
    }
    // A connection made from other details stops before the new one starts: no two publish at once.
    if (connections.view(clusterId) !== undefined) await connections.disconnect(clusterId);
    try {
      connections.connect(clusterId, kubeconfig, record.context);
    } catch (error) {
      this.unusable.set(clusterId, key);
      this.connectedFrom.delete(clusterId);
      this.deps.logger.error('cannot connect a stored cluster', { clusterId, error: String(error) });
      return;
    }
    this.connectedFrom.set(clusterId, key);
    this.unusable.delete(clusterId);
    if (options.settle) this.awaitSettling(clusterId);
  }

  private awaitSettling(clusterId: string): void {
    const settled = this.deps.connections.settled(clusterId, this.settleMs).finally(() => {
      if (this.settling.get(clusterId) === settled) this.settling.delete(clusterId);
    });
    this.settling.set(clusterId, settled);
  }
}
