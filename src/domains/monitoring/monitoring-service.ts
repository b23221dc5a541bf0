import { BadInputError, DomainError, NotFoundError } from '../../shared/errors.js';
import { planRange, type Retention } from './history.js';
import { isOutage, type ClusterSample, type Series, type SeriesTarget } from './model.js';
import type { LatestSamples } from './latest.js';
import { openMapTicks, type MapTick } from './map-ticks.js';
import type { MetricsStore, MetricsStreams, MonitoringGate, PrincipalLike, StreamedMetrics } from './ports.js';

/** What `metrics(target:)` names, with local ids; exactly one shape. */
export interface TargetRequest {
  readonly clusterId?: string | null | undefined;
  readonly nodeName?: string | null | undefined;
  readonly namespace?: string | null | undefined;
  readonly podName?: string | null | undefined;
  readonly appMapId?: string | null | undefined;
}

export interface HistoryAnswer {
  readonly from: Date;
  readonly to: Date;
  readonly stepSeconds: number;
  readonly coarse: boolean;
  readonly series: Series;
}

export interface MonitoringServiceDeps {
  readonly gate: MonitoringGate;
  readonly store: MetricsStore;
  readonly latest: LatestSamples;
  readonly streams: MetricsStreams;
  readonly retention: Retention;
  readonly now?: () => number;
}

/** A Kubernetes namespace name (RFC 1123 label). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export class MonitoringService {
  private readonly now: () => number;

  constructor(private readonly deps: MonitoringServiceDeps) {
    this.now = deps.now ?? Date.now;
  }

  /**
   * The newest sample of a cluster the caller already sees; null when there is none yet. A cluster
   * whose metrics.k8s.io is absent or failing is UNAVAILABLE, naming it.
   */
  async latestOf(clusterId: string, clusterName: string): Promise<ClusterSample | null> {
    const message = await this.deps.latest.of(clusterId);
    if (message === null) return null;
    if (isOutage(message)) {
      const why = message.outage.code === 'NOT_INSTALLED' ? 'it serves no metrics.k8s.io (is metrics-server installed?)' : message.outage.reason;
      throw new DomainError('UNAVAILABLE', `Usage of cluster ${clusterName} is unavailable: ${why}`, {
        // The edge encodes it as the cluster's global id (src/graphql/errors.ts).
        clusterId,
        cluster: clusterName,
        reason: message.outage.code,
      });
    }
    return message;
  }

  /** Each node's usage at the cluster's newest fresh sample, for usage alerts; null without one (or during an outage). */
  async latestNodes(clusterId: string): Promise<ClusterSample['nodes'] | null> {
    const message = await this.deps.latest.of(clusterId);
    return message === null || isOutage(message) ? null : message.nodes;
  }

  onMessage: LatestSamples['onMessage'] = (listener) => this.deps.latest.onMessage(listener);

  /** A cluster's ticks from now (or after `after`), while the caller still sees the cluster. */
  async clusterTicks(principal: PrincipalLike, clusterId: string, after: string | undefined): Promise<AsyncIterableIterator<StreamedMetrics>> {
    const sees = () => this.deps.gate.seesCluster(principal, clusterId);
    if (!(await sees())) throw new NotFoundError('Cluster', clusterId, 'clusterId');
    return whileAllowed(await this.deps.streams.open(clusterId, after), sees, () => new NotFoundError('Cluster', clusterId, 'clusterId'));
  }

  /** appMapMetrics: see map-ticks.ts. */
  mapTicks(principal: PrincipalLike, appMapIds: readonly string[], after: string | undefined): Promise<AsyncIterableIterator<MapTick>> {
    return openMapTicks(this.deps, principal, appMapIds, after);
  }

  /** A namespace's ticks, while the caller still sees what runs in it. */
  async namespaceTicks(principal: PrincipalLike, clusterId: string, namespace: string, after: string | undefined): Promise<AsyncIterableIterator<StreamedMetrics>> {
    if (namespace.length > 63 || !NAMESPACE_NAME.test(namespace)) throw new BadInputError('namespace', `${JSON.stringify(namespace)} is not a namespace name`);
    const sees = () => this.deps.gate.seesNamespace(principal, clusterId, namespace);
    const missing = () => new NotFoundError('Namespace', `${namespace} of cluster ${clusterId}`, 'namespace');
    if (!(await sees())) throw missing();
    return whileAllowed(await this.deps.streams.open(clusterId, after), sees, missing);
  }

  async history(principal: PrincipalLike, request: TargetRequest, from: Date, to: Date, stepSeconds: number | null | undefined): Promise<HistoryAnswer> {
    const range = planRange(from, to, stepSeconds, this.deps.retention, this.now());
    const target = await this.resolveTarget(principal, request);
    const series = await this.deps.store.series({ target, ...range });
    return { from: new Date(range.fromMs), to: new Date(range.toMs), stepSeconds: range.stepMs / 1000, coarse: range.coarse, series };
  }

  private async resolveTarget(principal: PrincipalLike, request: TargetRequest): Promise<SeriesTarget> {
    const { gate } = this.deps;
    const given = (value: string | null | undefined): value is string => value !== null && value !== undefined;
    if (given(request.appMapId)) {
      if (given(request.clusterId) || given(request.nodeName) || given(request.namespace) || given(request.podName))
        throw new DomainError('BAD_USER_INPUT', 'target: an appMapId stands alone (no clusterId, nodeName, namespace or podName)', { field: 'target' });
      const map = await gate.appMap(principal, request.appMapId);
      if (map === null) throw new NotFoundError('AppMap', request.appMapId, 'target.appMapId');
      return { kind: 'pods', clusterId: map.clusterId, namespace: map.namespace, workloadNames: map.workloadNames };
    }
    if (!given(request.clusterId))
      throw new DomainError('BAD_USER_INPUT', 'target: give a clusterId (with a nodeName, or a namespace and podName) or an appMapId', { field: 'target' });
    const clusterId = request.clusterId;
    if (given(request.nodeName) && (given(request.namespace) || given(request.podName)))
      throw new DomainError('BAD_USER_INPUT', 'target: a nodeName goes without namespace and podName', { field: 'target' });
    if (given(request.namespace) !== given(request.podName)) throw new DomainError('BAD_USER_INPUT', 'target: a pod needs both namespace and podName', { field: 'target' });
    if (given(request.namespace) && given(request.podName)) {
      if (!(await gate.seesNamespace(principal, clusterId, request.namespace))) throw new NotFoundError('Pod', `${request.namespace}/${request.podName}`, 'target');
      return { kind: 'pod', clusterId, namespace: request.namespace, podName: request.podName };
    }
    if (!(await gate.seesCluster(principal, clusterId))) throw new NotFoundError('Cluster', clusterId, 'target.clusterId');
    return given(request.nodeName) ? { kind: 'node', clusterId, nodeName: request.nodeName } : { kind: 'cluster', clusterId };
  }
}

/**
 * Checks the caller's right before each tick; a right revoked ends the stream with `refusal`. Not
 * an async generator: graphql-ws's `return()` must reach the source at once, even mid-wait.
 */
function whileAllowed<T>(source: AsyncIterableIterator<T>, allowed: () => Promise<boolean>, refusal: () => Error): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      const result = await source.next();
      if (result.done) return result;
      if (!(await allowed())) {
        await source.return?.();
        throw refusal();
      }
      return result;
    },
    return: async () => (await source.return?.()) ?? { done: true, value: undefined },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
