/**
 * A reflector's store: projections by key, with an optional namespace index (so a namespace read
 * is not a scan of every object) and an optional bound that keeps only the newest items (for
 * kinds that churn without end, such as events).
 */
export interface CacheBound<T> {
  readonly maxItems: number;
  /** Larger is newer; compared with `<`. */
  readonly recencyOf: (item: T) => string | number;
}

export interface ProjectionCacheOptions<T> {
  readonly namespaceOf?: (item: T) => string | undefined;
  readonly bound?: CacheBound<T>;
}

export class ProjectionCache<T> {
  private readonly items = new Map<string, T>();
  private readonly keysByNamespace = new Map<string, Set<string>>();

  constructor(private readonly options: ProjectionCacheOptions<T> = {}) {
    if (options.bound !== undefined && !(options.bound.maxItems >= 1)) throw new Error('cache bound needs maxItems >= 1');
  }

  get size(): number {
    return this.items.size;
  }

  get(key: string): T | undefined {
    return this.items.get(key);
  }

  values(): T[] {
    return [...this.items.values()];
  }

  entries(): IterableIterator<[string, T]> {
    return this.items.entries();
  }

  inNamespace(namespace: string): T[] {
    if (this.options.namespaceOf === undefined) throw new Error('this cache has no namespace index');
    const keys = this.keysByNamespace.get(namespace);
    if (keys === undefined) return [];
    const found: T[] = [];
    for (const key of keys) {
      const item = this.items.get(key);
      if (item !== undefined) found.push(item);
    }
    return found;
  }

  /**
   * Makes room for a new key when the cache is bounded and full: evicts the oldest item, unless
   * the newcomer is older still, in which case it is not admitted (returns false).
   * Eviction is silent: the object still exists in the cluster, we just stop remembering it.
   */
  admit(key: string, item: T): boolean {
    const bound = this.options.bound;
    if (bound === undefined || this.items.has(key) || this.items.size < bound.maxItems) return true;
    let oldestKey: string | undefined;
    let oldest: string | number | undefined;
    for (const [candidateKey, candidate] of this.items) {
      const recency = bound.recencyOf(candidate);
      if (oldest === undefined || recency < oldest) {
        oldest = recency;
        oldestKey = candidateKey;
      }
    }
    if (oldestKey === undefined || oldest === undefined || !(oldest < bound.recencyOf(item))) return false;
    this.delete(oldestKey);
    return true;
  }

  /** Of these items, the keys of those the bound would keep (all of them when unbounded). */
  newestKeys(items: readonly T[], keyOf: (item: T) => string): Set<string> {
    const bound = this.options.bound;
    if (bound === undefined || items.length <= bound.maxItems) return new Set(items.map(keyOf));
    const sorted = [...items].sort((a, b) => {
      const left = bound.recencyOf(a);
      const right = bound.recencyOf(b);
      return left < right ? 1 : left > right ? -1 : 0;
    });
    return new Set(sorted.slice(0, bound.maxItems).map(keyOf));
  }

  set(key: string, item: T): void {
    const previous = this.items.get(key);
    this.items.set(key, item);
    const namespaceOf = this.options.namespaceOf;
    if (namespaceOf === undefined) return;
    const before = previous === undefined ? undefined : namespaceOf(previous);
    const after = namespaceOf(item);
    if (previous !== undefined && before === after) return;
    if (previous !== undefined) this.unindex(key, before);
    if (after === undefined) return;
    let keys = this.keysByNamespace.get(after);
    if (keys === undefined) {
      keys = new Set();
      this.keysByNamespace.set(after, keys);
    }
    keys.add(key);
  }

  delete(key: string): void {
    const previous = this.items.get(key);
    if (previous === undefined) return;
    this.items.delete(key);
    if (this.options.namespaceOf !== undefined) this.unindex(key, this.options.namespaceOf(previous));
  }

  private unindex(key: string, namespace: string | undefined): void {
    if (namespace === undefined) return;
    const keys = this.keysByNamespace.get(namespace);
    keys?.delete(key);
    if (keys?.size === 0) this.keysByNamespace.delete(namespace);
  }
}
