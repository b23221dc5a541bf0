/**
 * An in-memory apiserver behind the ReflectorTransport port: objects with resourceVersions, a
 * bounded event history for watch resume, compaction (410), paging, cut/silent watches and
 * failures on demand. Enough to exercise the reflector without HTTP.
 */
import {
  KubeApiError,
  type ListPage,
  type ListRequest,
  type ReflectorTransport,
  type WatchCallbacks,
  type WatchHandle,
  type WatchRequest,
} from '../../../src/infra/k8s/kube-transport.js';

/** A raw object as the fake stores it; metadata.uid and resourceVersion are assigned by the fake. */
export interface FakeObject {
  readonly metadata: {
    readonly uid: string;
    readonly name: string;
    readonly namespace?: string;
    readonly resourceVersion: string;
    readonly annotations?: Record<string, string>;
  };
  readonly [field: string]: unknown;
}

export interface FakeObjectInput {
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly [field: string]: unknown };
  readonly [field: string]: unknown;
}

interface HistoryEntry {
  readonly rv: number;
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED';
  readonly object: FakeObject;
}

interface ActiveWatch {
  readonly callbacks: WatchCallbacks;
  /** A silent watch is like a dead TCP connection: nothing arrives, nothing closes. */
  silent: boolean;
}

export class FakeApiServer implements ReflectorTransport {
  readonly watchRequests: WatchRequest[] = [];
  listCalls = 0;
  listError: Error | undefined;
  watchConnectError: Error | undefined;
  /** How a too-old resourceVersion is reported: HTTP 410 on connect, or an ERROR event. */
  goneAs: 'http' | 'event' = 'event';
  private silent = false;
  private rv = 0;
  private uidSeq = 0;
  private compactedThrough = 0;
  private readonly objects = new Map<string, FakeObject>();
  private readonly history: HistoryEntry[] = [];
  private readonly active = new Set<ActiveWatch>();

  /** Creates or replaces a `{ spec: { value } }` object (the reflector tests' kind). */
  put(name: string, value: string, annotations?: Record<string, string>): FakeObject {
    return this.apply({ metadata: { name, ...(annotations ? { annotations } : {}) }, spec: { value } });
  }

  /** Creates or replaces any object, keyed by namespace/name; keeps the uid of the one it replaces. */
  apply(input: FakeObjectInput): FakeObject {
    const key = keyOf(input.metadata);
    const existing = this.objects.get(key);
    this.rv += 1;
    const object: FakeObject = {
      ...input,
      metadata: {
        ...input.metadata,
        uid: existing?.metadata.uid ?? `uid-${input.metadata.name}-${++this.uidSeq}`,
        name: input.metadata.name,
        resourceVersion: String(this.rv),
      },
    };
    this.objects.set(key, object);
    this.record({ rv: this.rv, type: existing ? 'MODIFIED' : 'ADDED', object });
    return object;
  }

  remove(name: string, namespace?: string): void {
    const key = keyOf({ name, namespace });
    const existing = this.objects.get(key);
    if (!existing) throw new Error(`no object ${key}`);
    this.rv += 1;
    this.objects.delete(key);
    this.record({ rv: this.rv, type: 'DELETED', object: { ...existing, metadata: { ...existing.metadata, resourceVersion: String(this.rv) } } });
  }

  /** Forget history: any watch from an older resourceVersion now gets 410 Gone. */
  compact(): void {
    this.compactedThrough = this.rv;
    this.history.length = 0;
  }

  cutWatches(): void {
    for (const watch of [...this.active]) {
      this.active.delete(watch);
      watch.callbacks.onDone(new Error('socket hang up'));
    }
  }

  closeWatches(): void {
    for (const watch of [...this.active]) {
      this.active.delete(watch);
      watch.callbacks.onDone(undefined);
    }
  }

  bookmark(): void {
    for (const watch of this.active) {
      if (!watch.silent) watch.callbacks.onEvent('BOOKMARK', { metadata: { resourceVersion: String(this.rv) } });
    }
  }

  /** Silence existing and new watches until turned off; watches silenced stay dead. */
  setSilent(silent: boolean): void {
    this.silent = silent;
    if (silent) for (const watch of this.active) watch.silent = true;
  }

  get activeWatches(): number {
    return this.active.size;
  }

  async list(_path: string, request: ListRequest): Promise<ListPage> {
    this.listCalls += 1;
    if (this.listError) throw this.listError;
    const all = [...this.objects.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([, object]) => object);
    const offset = request.continueToken === undefined ? 0 : Number(request.continueToken);
    const limit = request.limit ?? all.length;
    const items = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? String(offset + limit) : undefined;
    return { items, resourceVersion: String(this.rv), ...(next === undefined ? {} : { continueToken: next }) };
  }

  async watch(_path: string, request: WatchRequest, callbacks: WatchCallbacks): Promise<WatchHandle> {
    this.watchRequests.push(request);
    if (this.watchConnectError) throw this.watchConnectError;
    const from = Number(request.resourceVersion ?? this.rv);
    const tooOld = from < this.compactedThrough;
    if (tooOld && this.goneAs === 'http') throw new KubeApiError(410, 'too old resource version', 'Expired');
    const watch: ActiveWatch = { callbacks, silent: this.silent };
    let aborted = false;
    // Replay and registration happen together so no event is delivered twice or missed.
    queueMicrotask(() => {
      if (aborted) return;
      this.active.add(watch);
      if (watch.silent) return;
      if (tooOld) {
        watch.callbacks.onEvent('ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' });
        return;
      }
      for (const entry of this.history) {
        if (entry.rv > from) watch.callbacks.onEvent(entry.type, entry.object);
      }
    });
    return {
      abort: () => {
        aborted = true;
        this.active.delete(watch);
      },
    };
  }

  private record(entry: HistoryEntry): void {
    this.history.push(entry);
    for (const watch of this.active) {
      if (!watch.silent) watch.callbacks.onEvent(entry.type, entry.object);
    }
  }
}

function keyOf(metadata: { readonly name: string; readonly namespace?: string | undefined }): string {
  return metadata.namespace === undefined ? metadata.name : `${metadata.namespace}/${metadata.name}`;
}
