/**
 * appMapEvents: the verdict and replica counts of several maps, on any number of clusters, in one
 * stream. It folds the clusters' object events from the bus into the namespaces the maps are drawn
 * from, redraws the maps a change touches, and reports a map only when its state (verdict, reason,
 * replica counts) differs from what it last reported. Every report is checked against the caller's
 * rights when it is delivered: a caller who left the map's workspace gets FORBIDDEN, which ends it.
 */
import { BadInputError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import type { Health } from './health.js';
import { NamespaceState } from './namespace-state.js';
import type { ClusterFacts } from './objects.js';
import { drawPicture } from './picture.js';
import type { AppMapChange, AppMapChangeFeed, AppMapClusters, AppMapGate, AppMapStore, ChangeStream, MapTarget, PrincipalLike } from './ports.js';
import type { AppMapRecord } from './records.js';
import { digestOf, statusOf, type MapStatus } from './status.js';
import { decodeStreamCursor, encodeStreamCursor } from './stream-cursor.js';

/** Maps one subscription may follow. */
export const MAX_STREAM_MAPS = 50;

export interface AppMapUpdate {
  /** Pass as `after` to resume: the stream then reports each map whose state differs from this event's view of it. */
  readonly cursor: string;
  readonly map: AppMapRecord;
  readonly status: MapStatus;
  /** The verdict reported before (or found when the stream started); null after a resume, or for a map just deleted. */
  readonly previousHealth: Health | null;
  /** The map was deleted: this is its last event. */
  readonly deleted: boolean;
  readonly at: Date;
}

export interface MapStreamDeps {
  readonly store: Pick<AppMapStore, 'findById' | 'findByIds'>;
  readonly gate: AppMapGate;
  readonly clusters: AppMapClusters;
  readonly feed: Pick<AppMapChangeFeed, 'open'>;
  readonly now: () => Date;
}

const CONNECTED = new Set(['RUNNING', 'DEGRADED']);
/** Changes folded in before the maps they touch are redrawn, at most, while more are already waiting. */
const MAX_COALESCED_CHANGES = 100;
const DELETED_HEALTH: Health = { status: 'MISSING', reason: 'the application map was deleted' };

function targetKey(clusterId: string, namespace: string): string {
  return `${clusterId}/${namespace}`;
}

/** Opens the stream: every map must exist and be readable by the caller (another team's map is NOT_FOUND, as a missing one). */
export async function openMapStream(
  deps: MapStreamDeps,
  principal: PrincipalLike,
  appMapIds: readonly string[],
  after: string | null | undefined,
): Promise<AsyncIterableIterator<AppMapUpdate>> {
  const ids = [...new Set(appMapIds)].sort();
  if (ids.length === 0 || ids.length > MAX_STREAM_MAPS) throw new BadInputError('appMapIds', `name 1-${MAX_STREAM_MAPS} application maps`);
  const records = new Map((await deps.store.findByIds(ids)).map((record) => [record.id, record]));
  const readable = await deps.gate.allowedAmong(principal, [...new Set([...records.values()].map((record) => record.workspaceId))], 'appmap:read');
  for (const id of ids) {
    const record = records.get(id);
    if (record === undefined || !readable.has(record.workspaceId)) throw new NotFoundError('AppMap', id, 'appMapIds');
  }
  const resumed = after === null || after === undefined ? null : decodeStreamCursor(after, ids);
  const targets = new Map<string, MapTarget>();
  for (const record of records.values()) targets.set(targetKey(record.clusterId, record.namespace), { clusterId: record.clusterId, namespace: record.namespace });
  // Live before the caches are read: nothing that happens in between is missed.
  const changes = await deps.feed.open([...targets.values()], ids);
  const stream = new MapStream(deps, principal, ids, records, changes);
  try {
    await stream.start([...targets.values()], resumed);
  } catch (error) {
    await stream.return();
    throw error;
  }
  return stream;
}

class MapStream implements AsyncIterableIterator<AppMapUpdate> {
  private readonly namespaces = new Map<string, NamespaceState>();
  private facts: ReadonlyMap<string, ClusterFacts> = new Map();
  private allotments: ReadonlyMap<string, ReadonlyMap<string, readonly string[] | null>> = new Map();
  private readonly digests = new Map<string, string>();
  private readonly reported = new Map<string, Health | null>();
  private readonly pending: AppMapUpdate[] = [];
  /** Maps touched by changes folded in but not redrawn yet (a burst of changes is drawn once). */
  private readonly dirty = new Set<string>();
  private coalesced = 0;
  private finished = false;

  constructor(
    private readonly deps: MapStreamDeps,
    private readonly principal: PrincipalLike,
    private readonly ids: readonly string[],
    private readonly records: Map<string, AppMapRecord>,
    private readonly changes: ChangeStream,
  ) {}

  async start(targets: readonly MapTarget[], resumed: ReadonlyMap<string, string> | null): Promise<void> {
    await this.refreshContext();
    for (const target of targets) {
      const state = new NamespaceState();
      state.seed(this.deps.clusters.objects(target.clusterId, target.namespace));
      this.namespaces.set(targetKey(target.clusterId, target.namespace), state);
    }
    if (resumed === null) {
      // A live stream starts from what the caches show: only changes from here on are news.
      for (const record of this.records.values()) {
        const status = this.statusOf(record);
        this.digests.set(record.id, digestOf(status));
        this.reported.set(record.id, status.health);
      }
      return;
    }
    for (const [id, digest] of resumed) this.digests.set(id, digest);
    for (const record of this.records.values()) this.redraw(record, null);
  }

  async next(): Promise<IteratorResult<AppMapUpdate>> {
    for (;;) {
      const update = this.pending.shift();
      if (update !== undefined) {
        await this.checkAccess(update.map);
        return { done: false, value: update };
      }
      if (this.finished) return { done: true, value: undefined };
      const result = await this.changes.next();
      if (result.done === true) {
        this.finished = true;
        continue;
      }
      await this.apply(result.value);
      // A rollout's changes come in bursts: drawing a map once per burst reports the same
      // changes of state at a fraction of the cost (a redraw reads the whole namespace).
      this.coalesced += 1;
      if ((this.changes.backlog?.() ?? 0) > 0 && this.coalesced < MAX_COALESCED_CHANGES) continue;
      this.redrawDirty();
    }
  }

  async return(): Promise<IteratorResult<AppMapUpdate>> {
    this.finished = true;
    this.pending.length = 0;
    await this.changes.return?.();
    return { done: true, value: undefined };
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private async checkAccess(map: AppMapRecord): Promise<void> {
    if (await this.deps.gate.allows(this.principal, map.workspaceId, 'appmap:read')) return;
    await this.return();
    throw new ForbiddenError(`Access to application map ${map.name} was revoked`);
  }

  private async refreshContext(): Promise<void> {
    const records = [...this.records.values()];
    [this.facts, this.allotments] = await Promise.all([
      this.deps.clusters.facts([...new Set(records.map((record) => record.clusterId))]),
      this.deps.gate.allotmentsOfWorkspaces([...new Set(records.map((record) => record.workspaceId))]),
    ]);
  }

  private async apply(change: AppMapChange): Promise<void> {
    switch (change.source) {
      case 'map':
        return this.mapChanged(change.appMapId);
      case 'cluster':
        return this.clusterChanged(change.clusterId, change.state, change.reason);
      default: {
        const state = this.namespaces.get(targetKey(change.clusterId, change.object.namespace));
        if (state === undefined) return;
        if (!state.apply(change.source, change.type, change.object)) return;
        this.redrawWhere((record) => record.clusterId === change.clusterId && record.namespace === change.object.namespace);
      }
    }
  }

  private clusterChanged(clusterId: string, state: string, reason: string | undefined): void {
    const known = this.facts.get(clusterId);
    if (known === undefined) return;
    const facts = new Map(this.facts);
    const { reason: _previousReason, ...rest } = known;
    facts.set(clusterId, { ...rest, state, ...(reason === undefined ? {} : { reason }) });
    this.facts = facts;
    if (CONNECTED.has(state) && !CONNECTED.has(known.state)) {
      // Back in touch: the cache has relisted; start again from it.
      for (const [key, namespaceState] of this.namespaces) {
        if (key.startsWith(`${clusterId}/`)) namespaceState.seed(this.deps.clusters.objects(clusterId, key.slice(clusterId.length + 1)));
      }
    }
    this.redrawWhere((record) => record.clusterId === clusterId);
  }

  private async mapChanged(appMapId: string): Promise<void> {
    const before = this.records.get(appMapId);
    if (before === undefined) return;
    const record = await this.deps.store.findById(appMapId);
    if (record === null) {
      this.records.delete(appMapId);
      this.report(before, { health: DELETED_HEALTH, replicas: { desired: 0, ready: 0, available: 0, updated: 0 }, workloads: [] }, true);
      if (this.records.size === 0) this.finished = true;
      return;
    }
    this.records.set(appMapId, record);
    await this.refreshContext();
    this.redraw(record, this.reported.get(appMapId) ?? null);
  }

  private redrawWhere(affected: (record: AppMapRecord) => boolean): void {
    for (const record of this.records.values()) if (affected(record)) this.dirty.add(record.id);
  }

  private redrawDirty(): void {
    this.coalesced = 0;
    for (const id of this.dirty) {
      const record = this.records.get(id);
      if (record !== undefined) this.redraw(record, this.reported.get(id) ?? null);
    }
    this.dirty.clear();
  }

  private redraw(record: AppMapRecord, previous: Health | null): void {
    const status = this.statusOf(record);
    if (this.digests.get(record.id) === digestOf(status)) return;
    this.report(record, status, false, previous);
  }

  private report(record: AppMapRecord, status: MapStatus, deleted: boolean, previous: Health | null = null): void {
    this.digests.set(record.id, digestOf(status));
    this.reported.set(record.id, status.health);
    const cursor = encodeStreamCursor(
      this.ids,
      this.ids.map((id) => this.digests.get(id) ?? '-'),
    );
    this.pending.push({ cursor, map: record, status, previousHealth: deleted ? null : previous, deleted, at: this.deps.now() });
  }

  private statusOf(record: AppMapRecord): MapStatus {
    const allotted = this.allotments.get(record.workspaceId)?.get(record.clusterId);
    return statusOf(
      drawPicture({
        map: record,
        cluster: this.facts.get(record.clusterId) ?? null,
        allotted: allotted === null || (allotted !== undefined && allotted.includes(record.namespace)),
        objects: this.namespaces.get(targetKey(record.clusterId, record.namespace))?.current() ?? null,
      }),
    );
  }
}
