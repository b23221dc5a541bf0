/**
 * LIST semantics: selectors, resourceVersion/resourceVersionMatch, and limit/continue paging over
 * a consistent snapshot (every page of one list is cut from the state at the first page's
 * version, as etcd serves it). Snapshots are sorted once and kept briefly for the following pages.
 */
import type { KubeObject } from './object-types.js';
import { objectKey, resourceTypes, type ResourceName } from './resources.js';
import type { Selector } from './selectors.js';
import { ResourceVersionTooOld, type ObjectStore } from './store.js';

export interface ListQuery {
  readonly resource: ResourceName;
  readonly namespace: string | undefined;
  readonly labelSelector: Selector;
  readonly fieldSelector: Selector;
  readonly limit: number | undefined;
  readonly continueToken: string | undefined;
  readonly resourceVersion: string | undefined;
  readonly resourceVersionMatch: string | undefined;
}

export interface ListResult {
  readonly items: KubeObject[];
  readonly resourceVersion: string;
  readonly continueToken: string | undefined;
  readonly remainingItemCount: number | undefined;
}

/** A list request the apiserver would refuse; `code`/`reason` become the Status. */
export class ListError extends Error {
  constructor(
    readonly code: number,
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

interface Snapshot {
  readonly keys: string[];
  readonly objects: KubeObject[];
}

interface ContinueState {
  readonly rv: number;
  readonly start: string;
}

const SNAPSHOTS_KEPT = 16;

export class ListService {
  private readonly snapshots = new Map<string, Snapshot>();

  constructor(private readonly store: () => ObjectStore) {}

  list(query: ListQuery): ListResult {
    const store = this.store();
    let atVersion = store.resourceVersion;
    let startAfter: string | undefined;
    if (query.continueToken !== undefined && query.continueToken !== '') {
      const state = decodeContinue(query.continueToken);
      if (state.rv < store.oldestResumable) {
        throw new ListError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
        );
      }
      atVersion = state.rv;
      startAfter = state.start;
    } else if (query.resourceVersionMatch === 'Exact') {
      const requested = parseVersion(query.resourceVersion);
      if (requested === undefined || requested === 0) {
        throw new ListError(400, 'BadRequest', 'resourceVersionMatch "Exact" requires a non-zero resourceVersion');
      }
      if (requested > store.resourceVersion) {
        throw new ListError(504, 'Timeout', `Too large resource version: ${requested}, current: ${store.resourceVersion}`);
      }
      if (requested < store.oldestResumable) throw new ListError(410, 'Expired', `too old resource version: ${requested}`);
      atVersion = requested;
    } else if (query.resourceVersionMatch !== undefined && query.resourceVersionMatch !== '' && query.resourceVersionMatch !== 'NotOlderThan') {
      throw new ListError(400, 'BadRequest', `unsupported resourceVersionMatch "${query.resourceVersionMatch}"`);
    }
    // NotOlderThan, "0" and unset are all served from the newest state, which satisfies each.

    const snapshot = this.snapshot(query.resource, query.namespace, atVersion);
    const first = startAfter === undefined ? 0 : firstIndexAfter(snapshot.keys, startAfter);
    const limit = query.limit !== undefined && query.limit > 0 ? query.limit : Number.POSITIVE_INFINITY;
    const items: KubeObject[] = [];
    let index = first;
    for (; index < snapshot.objects.length && items.length < limit; index += 1) {
      const object = snapshot.objects[index];
      if (object !== undefined && matches(query, object)) items.push(object);
    }
    const more = index < snapshot.objects.length && hasMatchFrom(query, snapshot.objects, index);
    const lastKey = snapshot.keys[index - 1];
    const unfiltered = query.labelSelector.empty && query.fieldSelector.empty;
    return {
      items,
      resourceVersion: String(atVersion),
      continueToken: more && lastKey !== undefined ? encodeContinue({ rv: atVersion, start: lastKey }) : undefined,
      remainingItemCount: more && unfiltered ? snapshot.objects.length - index : undefined,
    };
  }

  private snapshot(resource: ResourceName, namespace: string | undefined, atVersion: number): Snapshot {
    const cacheKey = `${resource}|${namespace ?? ''}|${atVersion}`;
    const cached = this.snapshots.get(cacheKey);
    if (cached) {
      // Refresh its place in the LRU order.
      this.snapshots.delete(cacheKey);
      this.snapshots.set(cacheKey, cached);
      return cached;
    }
    const store = this.store();
    let entries: Array<[string, KubeObject]>;
    try {
      entries =
        atVersion === store.resourceVersion
          ? [...store.objects(resource, namespace)].map((object) => [objectKey(object.metadata.namespace, object.metadata.name), object])
          : [...store.snapshotAt(resource, atVersion, namespace)];
    } catch (error) {
      if (error instanceof ResourceVersionTooOld) throw new ListError(410, 'Expired', error.message);
      throw error;
    }
    entries.sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0));
    const snapshot = { keys: entries.map(([key]) => key), objects: entries.map(([, object]) => object) };
    this.snapshots.set(cacheKey, snapshot);
    if (this.snapshots.size > SNAPSHOTS_KEPT) {
      const oldest = this.snapshots.keys().next().value;
      if (oldest !== undefined) this.snapshots.delete(oldest);
    }
    return snapshot;
  }
}

function matches(query: ListQuery, object: KubeObject): boolean {
  if (!query.labelSelector.empty && !query.labelSelector.matches(object.metadata.labels ?? {})) return false;
  if (query.fieldSelector.empty) return true;
  return query.fieldSelector.matches(resourceTypes[query.resource].fieldsOf(object));
}

function hasMatchFrom(query: ListQuery, objects: readonly KubeObject[], from: number): boolean {
  if (query.labelSelector.empty && query.fieldSelector.empty) return true;
  for (let index = from; index < objects.length; index += 1) {
    const object = objects[index];
    if (object !== undefined && matches(query, object)) return true;
  }
  return false;
}

function firstIndexAfter(keys: readonly string[], start: string): number {
  let low = 0;
  let high = keys.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((keys[middle] ?? '') <= start) low = middle + 1;
    else high = middle;
  }
  return low;
}

export function parseVersion(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  if (!/^\d+$/.test(text)) throw new ListError(400, 'BadRequest', `invalid resource version: ${JSON.stringify(text)}`);
  return Number(text);
}

function encodeContinue(state: ContinueState): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv: state.rv, start: state.start }), 'utf8').toString('base64url');
}

function decodeContinue(token: string): ContinueState {
  try {
    const decoded: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (typeof decoded === 'object' && decoded !== null) {
      const { rv, start } = decoded as { rv?: unknown; start?: unknown };
      if (typeof rv === 'number' && typeof start === 'string') return { rv, start };
    }
  } catch {
    // fall through to the error below
  }
  throw new ListError(400, 'BadRequest', 'continue key is not valid');
}
