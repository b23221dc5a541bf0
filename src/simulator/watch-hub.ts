/**
 * Open watch streams and the delivery of change events to them. An event is serialized once per
 * variant (plain object, object that left a selection, Table for kubectl) and the same string is
 * written to every watcher that wants that variant.
 */
import type { ServerResponse } from 'node:http';
import { statusObject } from './k8s-types.js';
import type { KubeObject } from './object-types.js';
import { apiVersionOf, resourceNames, resourceTypes, type ResourceName } from './resources.js';
import type { Selector } from './selectors.js';
import type { ChangeEvent, ObjectStore } from './store.js';
import { toTable, type IncludeObject } from './tables.js';

/** A watcher that buffers this much unsent output is too slow; the apiserver drops those too. */
const MAX_BUFFERED_BYTES = 32 * 1024 * 1024;

export interface WatchOptions {
  readonly resource: ResourceName;
  readonly namespace: string | undefined;
  readonly labelSelector: Selector;
  readonly fieldSelector: Selector;
  /** undefined or 0: start with synthetic ADDED events for the current objects. */
  readonly resourceVersion: number | undefined;
  readonly allowBookmarks: boolean;
  readonly timeoutSeconds: number | undefined;
  /** Set when the client asked for meta.k8s.io Table objects (kubectl get -w). */
  readonly table: { readonly includeObject: IncludeObject } | undefined;
}

class Watcher {
  /** Events up to this version have been delivered (or were not for this watcher). */
  lastDelivered = 0;
  /** Opened while the hub was silent: its initial events are still owed. */
  started = false;
  timedOutWhileSilent = false;
  timeout: NodeJS.Timeout | undefined;
  readonly format: string;
  private readonly filtersByContent: boolean;

  constructor(
    readonly options: WatchOptions,
    readonly response: ServerResponse,
  ) {
    this.format = options.table === undefined ? 'json' : `table:${options.table.includeObject}`;
    this.filtersByContent = !options.labelSelector.empty || !options.fieldSelector.empty;
  }

  matches(object: KubeObject): boolean {
    const { namespace, labelSelector, fieldSelector, resource } = this.options;
    if (namespace !== undefined && object.metadata.namespace !== namespace) return false;
    if (!labelSelector.empty && !labelSelector.matches(object.metadata.labels ?? {})) return false;
    if (!fieldSelector.empty && !fieldSelector.matches(resourceTypes[resource].fieldsOf(object))) return false;
    return true;
  }

  /** The watch line this watcher must get for an event, or undefined when the event is not for it. */
  lineFor(event: ChangeEvent): string | undefined {
    if (event.resource !== this.options.resource) return undefined;
    const matchesNow = this.matches(event.object);
    if (event.type === 'MODIFIED' && this.filtersByContent) {
      const matchedBefore = event.previous !== undefined && this.matches(event.previous);
      if (matchesNow && !matchedBefore) return this.cachedLine(event, 'entered', 'ADDED', event.object);
      if (!matchesNow && matchedBefore && event.previous !== undefined) {
        // Like the apiserver's watch cache: the last state that matched, at the event's version.
        const previous = { ...event.previous, metadata: { ...event.previous.metadata, resourceVersion: String(event.resourceVersion) } };
        return this.cachedLine(event, 'left', 'DELETED', previous as KubeObject);
      }
    }
    if (!matchesNow) return undefined;
    return this.cachedLine(event, 'same', event.type, event.object);
  }

  private cachedLine(event: ChangeEvent, variant: string, type: string, object: KubeObject): string {
    const key = `${variant}|${this.format}`;
    event.serialized ??= new Map();
    let line = event.serialized.get(key);
    if (line === undefined) {
      line = this.encode(type, object, String(event.resourceVersion));
      event.serialized.set(key, line);
    }
    return line;
  }

  encode(type: string, object: KubeObject, resourceVersion: string): string {
    const table = this.options.table;
    const payload = table === undefined ? object : toTable(this.options.resource, [object], resourceVersion, table.includeObject, Date.now());
    return `${JSON.stringify({ type, object: payload })}\n`;
  }

  write(line: string): void {
    if (this.response.destroyed || this.response.writableEnded) return;
    this.response.write(line);
    if (this.response.writableLength > MAX_BUFFERED_BYTES) this.response.destroy();
  }
}

export function goneLine(resourceVersion: number): string {
  const status = statusObject(410, 'Expired', `too old resource version: ${resourceVersion}`);
  return `${JSON.stringify({ type: 'ERROR', object: status })}\n`;
}

export class WatchHub {
  private readonly watchers = Object.fromEntries(resourceNames.map((name) => [name, new Set<Watcher>()])) as Record<ResourceName, Set<Watcher>>;
  private silent = false;
  private readonly bookmarkTimer: NodeJS.Timeout;

  constructor(
    private readonly store: () => ObjectStore,
    bookmarkIntervalMs: number,
  ) {
    this.bookmarkTimer = setInterval(() => this.sendBookmarks(), bookmarkIntervalMs);
    this.bookmarkTimer.unref();
  }

  get count(): number {
    let total = 0;
    for (const name of resourceNames) total += this.watchers[name].size;
    return total;
  }

  /** Open watches on one resource. */
  countOf(resource: ResourceName): number {
    return this.watchers[resource].size;
  }

  open(response: ServerResponse, options: WatchOptions): void {
    response.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    response.flushHeaders();
    const watcher = new Watcher(options, response);
    const set = this.watchers[options.resource];
    set.add(watcher);
    const forget = () => {
      set.delete(watcher);
      if (watcher.timeout) clearTimeout(watcher.timeout);
    };
    // Fires when the stream ends or the client goes away (socket closed).
    response.on('close', forget);
    if (options.timeoutSeconds !== undefined && options.timeoutSeconds > 0) {
      watcher.timeout = setTimeout(() => {
        if (this.silent) watcher.timedOutWhileSilent = true;
        else response.end();
      }, options.timeoutSeconds * 1000);
      watcher.timeout.unref();
    }
    if (!this.silent) this.start(watcher);
  }

  dispatch(event: ChangeEvent): void {
    if (this.silent) return;
    for (const watcher of this.watchers[event.resource]) {
      if (!watcher.started) continue;
      const line = watcher.lineFor(event);
      if (line !== undefined) watcher.write(line);
      watcher.lastDelivered = event.resourceVersion;
    }
  }

  /** While silent, watch streams stay open but get nothing; afterwards each catches up from history. */
  setSilent(silent: boolean): void {
    if (this.silent === silent) return;
    this.silent = silent;
    if (silent) return;
    for (const watcher of this.allWatchers()) {
      if (watcher.timedOutWhileSilent) watcher.response.end();
      else if (!watcher.started) this.start(watcher);
      else this.replay(watcher, watcher.lastDelivered);
    }
  }

  /** Destroys every watch connection mid-stream, as a network failure would. */
  cutAll(): void {
    for (const watcher of this.allWatchers()) {
      watcher.response.socket?.destroy();
      watcher.response.destroy();
    }
  }

  close(): void {
    clearInterval(this.bookmarkTimer);
    this.cutAll();
  }

  private start(watcher: Watcher): void {
    watcher.started = true;
    const store = this.store();
    const requested = watcher.options.resourceVersion;
    if (requested === undefined || requested === 0) {
      const current = String(store.resourceVersion);
      for (const object of store.objects(watcher.options.resource, watcher.options.namespace)) {
        if (watcher.matches(object)) watcher.write(watcher.encode('ADDED', object, current));
      }
      watcher.lastDelivered = store.resourceVersion;
      return;
    }
    this.replay(watcher, requested);
  }

  private replay(watcher: Watcher, after: number): void {
    const store = this.store();
    if (after < store.oldestResumable) {
      watcher.write(goneLine(after));
      watcher.response.end();
      return;
    }
    for (const event of store.eventsAfter(after)) {
      const line = watcher.lineFor(event);
      if (line !== undefined) watcher.write(line);
    }
    watcher.lastDelivered = store.resourceVersion;
  }

  private sendBookmarks(): void {
    if (this.silent) return;
    const resourceVersion = String(this.store().resourceVersion);
    for (const resource of Object.keys(this.watchers) as ResourceName[]) {
      const watchers = [...this.watchers[resource]].filter((watcher) => watcher.started && watcher.options.allowBookmarks);
      if (watchers.length === 0) continue;
      const { kind } = resourceTypes[resource];
      const line = `${JSON.stringify({ type: 'BOOKMARK', object: { kind, apiVersion: apiVersionOf(resource), metadata: { resourceVersion } } })}\n`;
      for (const watcher of watchers) watcher.write(line);
    }
  }

  private *allWatchers(): Generator<Watcher> {
    for (const resource of Object.keys(this.watchers) as ResourceName[]) yield* [...this.watchers[resource]];
  }
}
