/**
 * A replica that does not hold a cluster's lease reads the cluster from the holder's mirror
 * (cluster-state.ts) instead of watching it: the same caches, filled from the state store, with no
 * request to the apiserver. When this replica wins the lease, the mirror is the seed of its watches.
 */
import type { ClusterLiveView } from '../../domains/clusters/ports.js';
import type { ClusterSeed } from './cluster-informers.js';
import type { ClusterStateStore, MirrorUpdate, ResumePoint } from './cluster-state.js';
import type { ClusterConnectionStatus } from './cluster-status.js';
import { INFORMED_KINDS, KIND_DEFINITIONS, type InformedKind, type InformedProjections, type KindDefinition } from './informed-kinds.js';
import { CachedClusterReads } from './cached-cluster-reads.js';
import { ProjectionCache } from './projection-cache.js';

type Caches = { readonly [K in InformedKind]: ProjectionCache<InformedProjections[K]> };

export class MirrorView extends CachedClusterReads implements ClusterLiveView {
  private readonly caches: Caches;
  private readonly resumePoints = new Map<InformedKind, ResumePoint>();
  private current: ClusterConnectionStatus = { state: 'CONNECTING' };
  private initialized = false;
  private readonly initializedWaiters = new Set<() => void>();
  private stopFollowing: (() => Promise<void>) | undefined;
  private stopped = false;

  constructor(
    private readonly clusterId: string,
    private readonly store: ClusterStateStore,
    private readonly onStatus: (status: ClusterConnectionStatus) => void,
  ) {
    super();
    const caches: Partial<Record<InformedKind, unknown>> = {};
    for (const kind of INFORMED_KINDS) {
      // The reflectors' own cache settings: the same namespace index, the same bound on events.
      const definition = KIND_DEFINITIONS[kind] as KindDefinition<object>;
      caches[kind] = new ProjectionCache<object>({
        ...(definition.namespaceOf ? { namespaceOf: definition.namespaceOf } : {}),
        ...(definition.bound ? { bound: definition.bound } : {}),
      });
    }
    this.caches = caches as Caches;
  }

  /** Resolves once listening (the initial entries may still be arriving: see `whenInitialized`). */
  async start(): Promise<void> {
    const stop = await this.store.follow(
      this.clusterId,
      (update) => this.apply(update),
      () => {
        this.initialized = true;
        for (const wake of [...this.initializedWaiters]) wake();
      },
    );
    if (this.stopped) await stop();
    else this.stopFollowing = stop;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const wake of [...this.initializedWaiters]) wake();
    await this.stopFollowing?.();
  }

  /** Resolves true once every entry the store held at the start is here; false after `timeoutMs`. */
  whenInitialized(timeoutMs: number): Promise<boolean> {
    if (this.initialized || this.stopped) return Promise.resolve(this.initialized);
    return new Promise<boolean>((resolve) => {
      const wake = (): void => {
        clearTimeout(timer);
        this.initializedWaiters.delete(wake);
        resolve(this.initialized);
      };
      const timer = setTimeout(wake, timeoutMs);
      timer.unref();
      this.initializedWaiters.add(wake);
    });
  }

  /** The caches and, for this connection, where the previous holder's watches got to. */
  seed(connection: string): ClusterSeed {
    const objects: Partial<Record<InformedKind, object[]>> = {};
    const resumeFrom: Partial<Record<InformedKind, string>> = {};
    for (const kind of INFORMED_KINDS) {
      objects[kind] = (this.caches[kind] as ProjectionCache<object>).values();
      const point = this.resumePoints.get(kind);
      if (point?.connection === connection) resumeFrom[kind] = point.resourceVersion;
    }
    return { objects: objects as ClusterSeed['objects'], resumeFrom };
  }

  status(): ClusterConnectionStatus {
    return this.current;
  }

  protected read<K extends InformedKind>(kind: K, namespace: string | undefined): InformedProjections[K][] {
    const cache = this.caches[kind] as ProjectionCache<InformedProjections[K]>;
    return namespace === undefined ? cache.values() : cache.inNamespace(namespace);
  }

  private apply(update: MirrorUpdate): void {
    if (this.stopped) return;
    switch (update.type) {
      case 'object': {
        const cache = this.caches[update.kind] as ProjectionCache<object>;
        if (cache.get(update.key) !== undefined || cache.admit(update.key, update.object)) cache.set(update.key, update.object);
        return;
      }
      case 'deleted':
        (this.caches[update.kind] as ProjectionCache<object>).delete(update.key);
        return;
      case 'resume':
        this.resumePoints.set(update.kind, update.point);
        return;
      case 'status': {
        const changed = update.status.state !== this.current.state || update.status.reason !== this.current.reason;
        this.current = update.status;
        if (changed) this.onStatus(update.status);
        return;
      }
    }
  }
}
