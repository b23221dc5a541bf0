/**
 * A list+watch reflector in the manner of client-go's, because the client library's informer
 * stops for good after a network error, loops without backoff on 410 Gone and hangs on a silent
 * watch (DESIGN.md, "What the libraries do not do for us").
 *
 * Cycle: paged list -> diff against the cache (differences become events) -> watch from the
 * list's resourceVersion with bookmarks -> when the watch ends, resume from the last seen
 * resourceVersion; on 410 Gone relist once and diff again. The cache keeps projections only, and
 * a change whose projection is unchanged (ignoring resourceVersion) produces no event.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import type { WatchEventType } from '../../domains/clusters/model.js';
import { silentLogger, type Logger } from '../../shared/logger.js';
import { Backoff, DEFAULT_BACKOFF, type BackoffSettings } from './backoff.js';
import { describeError, errorFromStatus, isGone, KubeApiError, KubeApiTransport, type ReflectorTransport, type WatchHandle } from './kube-transport.js';
import { ProjectionCache, type CacheBound } from './projection-cache.js';
import { resourceVersionOf } from './raw-object.js';
import { sameProjection } from './same-projection.js';
import { realTimers, type Timers } from './timers.js';

export interface ReflectorEvent<T> {
  readonly type: WatchEventType;
  readonly object: T;
  /** For a change the watch delivered: its resourceVersion (a watch from there continues after it). Absent for a list's differences. */
  readonly resourceVersion?: string;
}

export interface ReflectorState {
  /** The cache has been filled by a first successful list (stays true afterwards). */
  readonly synced: boolean;
  /** The last list or watch connection attempt reached the apiserver. */
  readonly healthy: boolean;
  readonly error?: string;
  /** With `error`: the HTTP status the apiserver answered with; absent when it did not answer at all. */
  readonly statusCode?: number;
  /** The apiserver does not serve this kind (404 on its list path): the cache is empty and stays so. */
  readonly absent?: true;
}

export interface ReflectorTuning {
  readonly backoff?: BackoffSettings;
  /** A watch with no event and no bookmark for this long is destroyed and resumed. */
  readonly watchDeadlineMs?: number;
  /** Server-side watch timeout, so watches rotate even when the connection stays healthy. */
  readonly watchTimeoutSeconds?: number;
  /** `limit` per list page. */
  readonly pageSize?: number;
  readonly listTimeoutMs?: number;
  /** A watch closed cleanly sooner than this without any event counts as a failure (backoff). */
  readonly minHealthyWatchMs?: number;
  /** How often a kind found absent (404) is listed again, in case its API got installed. */
  readonly absentRecheckMs?: number;
}

export interface ReflectorOptions<T extends object> extends ReflectorTuning {
  /** Used in logs. */
  readonly name?: string;
  /** Collection path, e.g. `/api/v1/pods`. */
  readonly listPath: string;
  /** Either a kubeconfig (the real apiserver transport is built from it) or a transport. */
  readonly kubeConfig?: KubeConfig;
  readonly transport?: ReflectorTransport;
  readonly project: (raw: unknown) => T;
  readonly keyOf: (item: T) => string;
  /** Object identity (uid): same key with another identity is a delete plus an add, not a modify. */
  readonly identityOf?: (item: T) => string;
  /** Indexes the cache by namespace (see `itemsIn`). */
  readonly namespaceOf?: (item: T) => string | undefined;
  /** Keeps only the newest items; older ones are forgotten silently (no DELETED event). */
  readonly bound?: CacheBound<T>;
  /** A 404 on the list path means the kind is not served: empty and synced, not a failure. */
  readonly absentWhenNotFound?: boolean;
  readonly onEvent?: (event: ReflectorEvent<T>) => void;
  readonly onStateChange?: (state: ReflectorState) => void;
  /** After each list (or a 404 that empties the cache) and the events it caused: the cache is the whole truth now. */
  readonly onListed?: () => void;
  readonly logger?: Logger;
  readonly timers?: Timers;
  readonly random?: () => number;
}

export const REFLECTOR_DEFAULTS = {
  watchDeadlineMs: 120_000,
  watchTimeoutSeconds: 300,
  pageSize: 500,
  listTimeoutMs: 60_000,
  minHealthyWatchMs: 1_000,
  absentRecheckMs: 300_000,
} as const;

/** Watch events that show the watch delivers: changes and bookmarks (not ERROR). */
const PROGRESS_EVENT_TYPES: ReadonlySet<string> = new Set(['ADDED', 'MODIFIED', 'DELETED', 'BOOKMARK']);

/** The watch answered with lines that are not watch events (a plain list, an HTML page). */
export class NotAWatchStreamError extends Error {
  constructor(listPath: string) {
    super(`the watch on ${listPath} answered with something that is not a watch event (a plain list?)`);
    this.name = 'NotAWatchStreamError';
  }
}

type ListOutcome = 'listed' | 'failed' | 'absent';

type WatchOutcome =
  | { readonly kind: 'stopped' }
  | { readonly kind: 'closed'; readonly productive: boolean }
  | { readonly kind: 'deadline'; readonly connected: boolean }
  | { readonly kind: 'failed'; readonly error: unknown; readonly connected: boolean };

export class Reflector<T extends object> {
  private readonly cache: ProjectionCache<T>;
  private readonly transport: ReflectorTransport;
  private readonly backoff: Backoff;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly tuning: Required<Omit<ReflectorTuning, 'backoff'>>;
  private resourceVersion: string | undefined;
  private state: ReflectorState = { synced: false, healthy: true };
  private contactAt: number | undefined;
  private watchEventsSinceList = false;
  private lists = 0;
  private goneCount = 0;
  private stopped = false;
  private loop: Promise<void> | undefined;
  private listAbort: AbortController | undefined;
  private abortWatch: (() => void) | undefined;
  private wakeSleeper: (() => void) | undefined;
  /** The resourceVersion of the watch event being applied, for the events it causes. */
  private watchEventVersion: string | undefined;

  constructor(private readonly options: ReflectorOptions<T>) {
    this.timers = options.timers ?? realTimers;
    this.logger = (options.logger ?? silentLogger).child({ reflector: options.name ?? options.listPath });
    this.cache = new ProjectionCache<T>({
      ...(options.namespaceOf ? { namespaceOf: options.namespaceOf } : {}),
      ...(options.bound ? { bound: options.bound } : {}),
    });
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF, options.random);
    this.tuning = {
      watchDeadlineMs: options.watchDeadlineMs ?? REFLECTOR_DEFAULTS.watchDeadlineMs,
      watchTimeoutSeconds: options.watchTimeoutSeconds ?? REFLECTOR_DEFAULTS.watchTimeoutSeconds,
      pageSize: options.pageSize ?? REFLECTOR_DEFAULTS.pageSize,
      listTimeoutMs: options.listTimeoutMs ?? REFLECTOR_DEFAULTS.listTimeoutMs,
      minHealthyWatchMs: options.minHealthyWatchMs ?? REFLECTOR_DEFAULTS.minHealthyWatchMs,
      absentRecheckMs: options.absentRecheckMs ?? REFLECTOR_DEFAULTS.absentRecheckMs,
    };
    if (options.transport) {
      this.transport = options.transport;
    } else if (options.kubeConfig) {
      this.transport = new KubeApiTransport(options.kubeConfig, {
        // Slightly longer than our deadline so that ours, which also counts bookmarks, fires first.
        watchInactivityMs: this.tuning.watchDeadlineMs + 1_000,
        listTimeoutMs: this.tuning.listTimeoutMs,
      });
    } else {
      throw new Error('Reflector needs a kubeConfig or a transport');
    }
  }

  /**
   * Before start: the cache as another replica last published it, and the resourceVersion its
   * watch had reached. The first thing this reflector does is then a watch from there, not a list:
   * the apiserver replays every change since (each already published is no news against the seed),
   * and a 410 Gone relists and diffs against the seed as usual.
   */
  seed(items: readonly T[], resourceVersion: string | undefined): void {
    if (this.loop !== undefined) throw new Error('seed a reflector before it starts');
    for (const item of items) this.cache.set(this.options.keyOf(item), item);
    this.resourceVersion = resourceVersion;
    // A 410 straight away relists at once: the seed was never a list of this reflector's.
    this.watchEventsSinceList = true;
    if (resourceVersion !== undefined) this.state = { synced: true, healthy: true };
  }

  start(): void {
    if (this.loop !== undefined || this.stopped) return;
    this.loop = this.run().catch((error: unknown) => {
      this.logger.error('reflector loop crashed', { error: describeError(error) });
    });
  }

  /** Aborts the list or watch in flight and clears timers; no callback fires once this is called. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.listAbort?.abort();
    this.abortWatch?.();
    this.wakeSleeper?.();
    await this.loop;
  }

  items(): T[] {
    return this.cache.values();
  }

  /** Items of one namespace, from the namespace index (needs `namespaceOf`). */
  itemsIn(namespace: string): T[] {
    return this.cache.inNamespace(namespace);
  }

  get(key: string): T | undefined {
    return this.cache.get(key);
  }

  /** Every cached key (the mirror keeps these after a list). */
  keys(): Set<string> {
    return new Set([...this.cache.entries()].map(([key]) => key));
  }

  get hasSynced(): boolean {
    return this.state.synced;
  }

  get lastResourceVersion(): string | undefined {
    return this.resourceVersion;
  }

  get currentState(): ReflectorState {
    return this.state;
  }

  /** Lists after the first (each resync after a 410, a failure or a restart), and 410 Gone answers, since this reflector started. */
  get counters(): { readonly relists: number; readonly gone: number } {
    return { relists: Math.max(0, this.lists - 1), gone: this.goneCount };
  }

  /** When the apiserver last answered (list page, watch accepted, event or bookmark); epoch ms. */
  get lastContactAt(): number | undefined {
    return this.contactAt;
  }

  private async run(): Promise<void> {
    let needList = this.resourceVersion === undefined;
    while (!this.stopped) {
      if (needList) {
        const listed = await this.listAndReplace();
        if (listed === 'failed') {
          await this.sleep(this.backoff.next());
          continue;
        }
        if (listed === 'absent') {
          await this.sleep(this.tuning.absentRecheckMs);
          continue;
        }
      }
      const outcome = await this.watchOnce();
      if (this.stopped) return;
      needList = await this.afterWatch(outcome);
    }
  }

  /** Decides how to go on after a watch ended; returns whether to relist. */
  private async afterWatch(outcome: WatchOutcome): Promise<boolean> {
    switch (outcome.kind) {
      case 'stopped':
        return false;
      case 'closed':
        if (outcome.productive) this.backoff.reset();
        else await this.sleep(this.backoff.next());
        return false;
      case 'deadline':
        if (!outcome.connected) {
          this.setState({ synced: this.state.synced, healthy: false, error: 'watch connection timed out' });
          await this.sleep(this.backoff.next());
        } else {
          this.logger.warn('watch went silent past its deadline; resuming', { resourceVersion: this.resourceVersion });
        }
        return false;
      case 'failed':
        if (isGone(outcome.error)) {
          this.goneCount += 1;
          this.logger.info('resourceVersion too old (410 Gone); relisting', { resourceVersion: this.resourceVersion });
          // A watch that is Gone straight after a relist must not turn into a relist loop.
          if (!this.watchEventsSinceList) await this.sleep(this.backoff.next());
          return true;
        }
        if (!outcome.connected) this.setFailed(outcome.error);
        this.logger.warn('watch ended with an error; resuming', {
          error: describeError(outcome.error),
          resourceVersion: this.resourceVersion,
        });
        await this.sleep(this.backoff.next());
        return false;
    }
  }

  /** Paged list; on success the cache is replaced and the differences are emitted. */
  private async listAndReplace(): Promise<ListOutcome> {
    const abort = new AbortController();
    this.listAbort = abort;
    this.lists += 1;
    try {
      const items: unknown[] = [];
      let continueToken: string | undefined;
      let resourceVersion: string;
      do {
        const page = await this.transport.list(this.options.listPath, {
          limit: this.tuning.pageSize,
          ...(continueToken === undefined ? {} : { continueToken }),
          signal: abort.signal,
        });
        if (this.stopped) return 'failed';
        this.contactAt = this.timers.now();
        for (const item of page.items) items.push(item);
        resourceVersion = page.resourceVersion;
        continueToken = page.continueToken;
      } while (continueToken !== undefined);
      this.replaceAll(items, resourceVersion);
      // The backoff is not reset here but by a watch that works: a server whose every watch fails
      // at once (410 straight after each list, a plain list instead of a stream) must see the
      // delays grow, not a list and a watch every initialMs.
      this.setState({ synced: true, healthy: true });
      return 'listed';
    } catch (error) {
      if (this.stopped) return 'failed';
      if (this.options.absentWhenNotFound && error instanceof KubeApiError && error.statusCode === 404) {
        this.markAbsent();
        return 'absent';
      }
      this.logger.warn('list failed', { error: describeError(error) });
      // An expired continue token (410) just means "start the list over"; the cluster is fine.
      if (isGone(error)) this.goneCount += 1;
      else this.setFailed(error);
      return 'failed';
    } finally {
      this.listAbort = undefined;
    }
  }

  /** Not served: whatever we had is gone (the API was removed), and that is logged once. */
  private markAbsent(): void {
    if (!this.state.absent) this.logger.info('kind not served by this cluster (404 on its list path); treating it as empty');
    this.replaceAll([], undefined);
    this.backoff.reset();
    this.contactAt = this.timers.now();
    this.setState({ synced: true, healthy: true, absent: true });
  }

  private replaceAll(rawItems: readonly unknown[], resourceVersion: string | undefined): void {
    const listed = new Set<string>();
    const projected: T[] = [];
    for (const raw of rawItems) {
      const item = this.projectSafely(raw);
      if (item === undefined) continue;
      listed.add(this.options.keyOf(item));
      projected.push(item);
    }
    const kept = this.cache.newestKeys(projected, this.options.keyOf);
    for (const item of projected) {
      if (kept.has(this.options.keyOf(item))) this.upsert(item, false);
    }
    for (const [key, cached] of [...this.cache.entries()]) {
      if (kept.has(key)) continue;
      this.cache.delete(key);
      // Listed but beyond the bound: forgotten, not deleted.
      if (!listed.has(key)) this.emit('DELETED', cached);
    }
    this.resourceVersion = resourceVersion;
    this.watchEventsSinceList = false;
    if (this.stopped) return;
    try {
      this.options.onListed?.();
    } catch (error) {
      this.logger.error('onListed listener threw', { error: describeError(error) });
    }
  }

  private watchOnce(): Promise<WatchOutcome> {
    // stop() may land between a list and this watch, when there was nothing in flight to abort.
    if (this.stopped) return Promise.resolve({ kind: 'stopped' });
    return new Promise<WatchOutcome>((resolve) => {
      const startedAt = this.timers.now();
      let connected = false;
      let received = false;
      let settled = false;
      let handle: WatchHandle | undefined;
      let deadline: unknown;
      const finish = (outcome: WatchOutcome): void => {
        if (settled) return;
        settled = true;
        this.timers.clearTimeout(deadline);
        this.abortWatch = undefined;
        handle?.abort();
        resolve(outcome);
      };
      const armDeadline = (): void => {
        this.timers.clearTimeout(deadline);
        deadline = this.timers.setTimeout(() => finish({ kind: 'deadline', connected }), this.tuning.watchDeadlineMs);
      };
      this.abortWatch = () => finish({ kind: 'stopped' });
      armDeadline();
      this.transport
        .watch(
          this.options.listPath,
          {
            ...(this.resourceVersion === undefined ? {} : { resourceVersion: this.resourceVersion }),
            timeoutSeconds: this.tuning.watchTimeoutSeconds,
            allowWatchBookmarks: true,
          },
          {
            onEvent: (type, object) => {
              if (settled || this.stopped) return;
              connected = true;
              if (type === undefined) {
                // A line that is no watch event at all, e.g. the plain list a proxy answers when it
                // drops `watch=true`: the stream is useless, and retrying at once would be a loop.
                finish({ kind: 'failed', error: new NotAWatchStreamError(this.options.listPath), connected: true });
                return;
              }
              // Only a real change or bookmark proves the watch works; an ERROR event does not.
              if (PROGRESS_EVENT_TYPES.has(type)) {
                if (!received) this.backoff.reset();
                received = true;
              }
              this.contactAt = this.timers.now();
              armDeadline();
              const error = this.applyWatchEvent(type, object);
              if (error !== undefined) finish({ kind: 'failed', error, connected: true });
            },
            onDone: (error) => {
              const productive = received || this.timers.now() - startedAt >= this.tuning.minHealthyWatchMs;
              finish(error === undefined ? { kind: 'closed', productive } : { kind: 'failed', error, connected: true });
            },
          },
        )
        .then(
          (accepted) => {
            handle = accepted;
            if (settled) {
              accepted.abort();
              return;
            }
            connected = true;
            this.contactAt = this.timers.now();
            this.setState({ synced: this.state.synced, healthy: true });
          },
          (error: unknown) => finish({ kind: 'failed', error, connected: false }),
        );
    });
  }

  /** Applies one watch event to the cache; returns an error when the watch must end. */
  private applyWatchEvent(type: string, raw: unknown): unknown {
    switch (type) {
      case 'ADDED':
      case 'MODIFIED': {
        const item = this.projectSafely(raw);
        this.watchEventVersion = resourceVersionOf(raw);
        if (item !== undefined) this.upsert(item);
        this.watchEventVersion = undefined;
        break;
      }
      case 'DELETED': {
        const item = this.projectSafely(raw);
        this.watchEventVersion = resourceVersionOf(raw);
        if (item !== undefined) this.remove(item);
        this.watchEventVersion = undefined;
        break;
      }
      case 'BOOKMARK':
        break;
      case 'ERROR':
        return errorFromStatus(raw);
      default:
        this.logger.warn('unknown watch event type', { type });
        return undefined;
    }
    this.resourceVersion = resourceVersionOf(raw) ?? this.resourceVersion;
    this.watchEventsSinceList = true;
    return undefined;
  }

  /** `admit` false: the caller trims the cache itself afterwards (a relist). */
  private upsert(item: T, admit = true): void {
    const key = this.options.keyOf(item);
    const previous = this.cache.get(key);
    if (previous === undefined && admit && !this.cache.admit(key, item)) return;
    this.cache.set(key, item);
    if (previous === undefined) {
      this.emit('ADDED', item);
    } else if (this.options.identityOf && this.options.identityOf(previous) !== this.options.identityOf(item)) {
      // Only the event's last effect carries its resourceVersion: a watch resumed there has seen all of it.
      const version = this.watchEventVersion;
      this.watchEventVersion = undefined;
      this.emit('DELETED', previous);
      this.watchEventVersion = version;
      this.emit('ADDED', item);
    } else if (!sameProjection(previous, item)) {
      this.emit('MODIFIED', item);
    }
  }

  private remove(item: T): void {
    const key = this.options.keyOf(item);
    const previous = this.cache.get(key);
    // Unknown, or a newer incarnation under the same name: nothing of ours was deleted.
    if (previous === undefined) return;
    if (this.options.identityOf && this.options.identityOf(previous) !== this.options.identityOf(item)) return;
    this.cache.delete(key);
    this.emit('DELETED', item);
  }

  private projectSafely(raw: unknown): T | undefined {
    try {
      return this.options.project(raw);
    } catch (error) {
      this.logger.warn('skipping object that cannot be projected', { error: describeError(error) });
      return undefined;
    }
  }

  private emit(type: WatchEventType, object: T): void {
    if (this.stopped) return;
    try {
      const resourceVersion = this.watchEventVersion;
      this.options.onEvent?.(resourceVersion === undefined ? { type, object } : { type, object, resourceVersion });
    } catch (error) {
      this.logger.error('onEvent listener threw', { error: describeError(error) });
    }
  }

  private setFailed(error: unknown): void {
    const statusCode = error instanceof KubeApiError ? error.statusCode : undefined;
    this.setState({
      synced: this.state.synced,
      healthy: false,
      error: describeError(error),
      ...(statusCode === undefined ? {} : { statusCode }),
    });
  }

  private setState(next: ReflectorState): void {
    const current = this.state;
    if (
      current.synced === next.synced &&
      current.healthy === next.healthy &&
      current.error === next.error &&
      current.statusCode === next.statusCode &&
      current.absent === next.absent
    ) {
      return;
    }
    this.state = next;
    if (this.stopped) return;
    try {
      this.options.onStateChange?.(next);
    } catch (error) {
      this.logger.error('onStateChange listener threw', { error: describeError(error) });
    }
  }

  private sleep(ms: number): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        this.timers.clearTimeout(handle);
        this.wakeSleeper = undefined;
        resolve();
      };
      const handle = this.timers.setTimeout(wake, ms);
      this.wakeSleeper = wake;
    });
  }
}
