/**
 * The objects of one namespace of one cluster as a live map stream knows them: seeded from the
 * informer cache, then folded from the bus. The bus may bring a change the cache already holds
 * (both are fed by the same watch, the cache first), or an older one after a newer: a change whose
 * resourceVersion is not newer than the one held is ignored when both are numbers (as every
 * apiserver's are in practice; otherwise the change is taken as it comes).
 */
import type { MapClaim, MapPod, MapService, MapWorkload, NamespaceObjects } from './objects.js';
import type { ObservedKind, WatchType } from './ports.js';

const MAX_TOMBSTONES = 2_000;

interface ObservedObjects {
  readonly workloads: MapWorkload;
  readonly pods: MapPod;
  readonly services: MapService;
  readonly persistentvolumeclaims: MapClaim;
}

function versionOf(resourceVersion: string): number | undefined {
  return /^\d{1,15}$/.test(resourceVersion) ? Number(resourceVersion) : undefined;
}

export class NamespaceState {
  private readonly objects: { readonly [K in ObservedKind]: Map<string, ObservedObjects[K]> } = {
    workloads: new Map(),
    pods: new Map(),
    services: new Map(),
    persistentvolumeclaims: new Map(),
  };
  private readonly versions = new Map<string, number>();
  /** Deleted objects' last versions, so a late change cannot bring one back. */
  private readonly tombstones = new Map<string, number>();
  private seeded = false;

  /** Replaces everything with the cache's contents; null (no connection here) leaves the state unseeded. */
  seed(cached: NamespaceObjects | null): void {
    if (cached === null) return;
    for (const map of Object.values(this.objects)) map.clear();
    this.versions.clear();
    this.seeded = true;
    const put = <K extends ObservedKind>(kind: K, items: readonly ObservedObjects[K][]) => {
      for (const item of items) this.store(kind, item);
    };
    put('workloads', cached.workloads);
    put('pods', cached.pods);
    put('services', cached.services);
    put('persistentvolumeclaims', cached.claims);
  }

  get isSeeded(): boolean {
    return this.seeded;
  }

  /** Folds one change in; false when it changed nothing (stale, or a deletion of something unknown). */
  apply<K extends ObservedKind>(kind: K, type: WatchType, object: ObservedObjects[K]): boolean {
    const version = versionOf(object.resourceVersion);
    const known = this.versions.get(object.uid) ?? this.tombstones.get(object.uid);
    if (version !== undefined && known !== undefined && version <= known) return false;
    if (type === 'DELETED') {
      this.versions.delete(object.uid);
      if (version !== undefined) this.remember(object.uid, version);
      return this.objects[kind].delete(object.uid);
    }
    this.store(kind, object);
    return true;
  }

  /** What a picture is drawn from; null until seeded from a cache. Events are not followed live. */
  current(): NamespaceObjects | null {
    if (!this.seeded) return null;
    return {
      workloads: [...this.objects.workloads.values()],
      pods: [...this.objects.pods.values()],
      services: [...this.objects.services.values()],
      claims: [...this.objects.persistentvolumeclaims.values()],
      events: [],
    };
  }

  private store<K extends ObservedKind>(kind: K, object: ObservedObjects[K]): void {
    this.objects[kind].set(object.uid, object);
    const version = versionOf(object.resourceVersion);
    if (version === undefined) this.versions.delete(object.uid);
    else this.versions.set(object.uid, version);
    this.tombstones.delete(object.uid);
  }

  private remember(uid: string, version: number): void {
    this.tombstones.set(uid, version);
    if (this.tombstones.size > MAX_TOMBSTONES) {
      const oldest = this.tombstones.keys().next().value;
      if (oldest !== undefined) this.tombstones.delete(oldest);
    }
  }
}
