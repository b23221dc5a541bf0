/**
 * appMapMetrics: the usage of several application maps, on any number of clusters, in one stream.
 * One hub stream per cluster the maps run on (the same samples clusterMetrics delivers), merged; each
 * sample of a cluster yields one tick per map of that cluster. The cursor records every cluster's
 * position, so a resumed stream replays each cluster from where it stood.
 */
import { BadInputError, NotFoundError } from '../../shared/errors.js';
import { isOutage, podOf, type MetricsMessage } from './model.js';
import type { MapMembers, MetricsStreams, MonitoringGate, PrincipalLike, StreamedMetrics } from './ports.js';

/** Maps one subscription may follow (as appMapEvents). */
export const MAX_METRIC_MAPS = 50;

export interface MapTick {
  /** Every followed cluster's position after this tick's sample. */
  readonly cursor: string;
  readonly appMapId: string;
  readonly clusterId: string;
  readonly at: number;
  readonly members: MapMembers;
  /** Summed over the map's pods that reported usage; null when the cluster serves no metrics. */
  readonly used: { readonly cpuMillicores: number; readonly memoryBytes: number; readonly pods: number } | null;
  readonly unavailableReason: string | null;
}

export interface MapTickDeps {
  readonly gate: MonitoringGate;
  readonly streams: MetricsStreams;
}

function encodeCursor(positions: ReadonlyMap<string, string>): string {
  return Buffer.from(JSON.stringify(Object.fromEntries(positions))).toString('base64url');
}

function decodeCursor(after: string): Map<string, string> {
  const invalid = () => new BadInputError('after', 'is not a cursor of appMapMetrics');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
  } catch {
    throw invalid();
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw invalid();
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.length === 0 || entries.some(([, value]) => typeof value !== 'string')) throw invalid();
  return new Map(entries as Array<[string, string]>);
}

export function usedBy(message: MetricsMessage, members: MapMembers): MapTick['used'] {
  if (isOutage(message)) return null;
  let cpuMillicores = 0;
  let memoryBytes = 0;
  let pods = 0;
  for (const name of members.podNames) {
    const used = podOf(message, members.namespace, name);
    if (used === undefined) continue;
    cpuMillicores += used.cpuMillicores;
    memoryBytes += used.memoryBytes;
    pods += 1;
  }
  return { cpuMillicores, memoryBytes, pods };
}

/** Opens the stream: every map must be readable by the caller (another team's map is NOT_FOUND, as a missing one). */
export async function openMapTicks(deps: MapTickDeps, principal: PrincipalLike, appMapIds: readonly string[], after: string | undefined): Promise<AsyncIterableIterator<MapTick>> {
  const ids = [...new Set(appMapIds)].sort();
  if (ids.length === 0 || ids.length > MAX_METRIC_MAPS) throw new BadInputError('appMapIds', `name 1-${MAX_METRIC_MAPS} application maps`);
  const positions = after === undefined ? new Map<string, string>() : decodeCursor(after);
  const mapsByCluster = new Map<string, string[]>();
  for (const id of ids) {
    const members = await deps.gate.appMap(principal, id);
    if (members === null) throw new NotFoundError('AppMap', id, 'appMapIds');
    mapsByCluster.set(members.clusterId, [...(mapsByCluster.get(members.clusterId) ?? []), id]);
  }
  const sources = new Map<string, AsyncIterableIterator<StreamedMetrics>>();
  try {
    for (const clusterId of [...mapsByCluster.keys()].sort()) sources.set(clusterId, await deps.streams.open(clusterId, positions.get(clusterId)));
  } catch (error) {
    await Promise.all([...sources.values()].map(async (source) => source.return?.()));
    throw error;
  }
  return new MapTickStream(deps.gate, principal, mapsByCluster, sources, positions);
}

type Pulled = { readonly clusterId: string; readonly result: IteratorResult<StreamedMetrics> };

/** Not an async generator: graphql-ws's `return()` must reach the hub streams at once, even mid-wait. */
class MapTickStream implements AsyncIterableIterator<MapTick> {
  private readonly queue: MapTick[] = [];
  private readonly pending = new Map<string, Promise<Pulled>>();
  private closed = false;

  constructor(
    private readonly gate: MonitoringGate,
    private readonly principal: PrincipalLike,
    private readonly mapsByCluster: ReadonlyMap<string, readonly string[]>,
    private readonly sources: ReadonlyMap<string, AsyncIterableIterator<StreamedMetrics>>,
    private readonly positions: Map<string, string>,
  ) {}

  [Symbol.asyncIterator](): AsyncIterableIterator<MapTick> {
    return this;
  }

  async next(): Promise<IteratorResult<MapTick>> {
    for (;;) {
      if (this.closed) return { done: true, value: undefined };
      const queued = this.queue.shift();
      if (queued !== undefined) return { done: false, value: queued };
      for (const [clusterId, source] of this.sources)
        if (!this.pending.has(clusterId))
          this.pending.set(
            clusterId,
            source.next().then((result) => ({ clusterId, result })),
          );
      const { clusterId, result } = await Promise.race(this.pending.values());
      this.pending.delete(clusterId);
      if (result.done) {
        await this.return();
        continue;
      }
      try {
        this.queue.push(...(await this.ticksOf(clusterId, result.value)));
      } catch (error) {
        await this.return();
        throw error;
      }
    }
  }

  async return(): Promise<IteratorResult<MapTick>> {
    if (!this.closed) {
      this.closed = true;
      await Promise.all([...this.sources.values()].map(async (source) => source.return?.()));
    }
    return { done: true, value: undefined };
  }

  /** Each map is read again at every sample: its pods change, and a caller who lost it gets NOT_FOUND. */
  private async ticksOf(clusterId: string, { message, cursor }: StreamedMetrics): Promise<MapTick[]> {
    this.positions.set(clusterId, cursor);
    const position = encodeCursor(this.positions);
    const ticks: MapTick[] = [];
    for (const appMapId of this.mapsByCluster.get(clusterId) ?? []) {
      const members = await this.gate.appMap(this.principal, appMapId);
      if (members === null) throw new NotFoundError('AppMap', appMapId, 'appMapIds');
      ticks.push({
        cursor: position,
        appMapId,
        clusterId,
        at: message.at,
        members,
        used: usedBy(message, members),
        unavailableReason: isOutage(message) ? message.outage.reason : null,
      });
    }
    return ticks;
  }
}
