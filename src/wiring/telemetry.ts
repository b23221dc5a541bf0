import type { DataSource } from 'typeorm';
import type { ClusterService } from '../domains/clusters/index.js';
import { poolMetrics } from '../infra/db/instrumentation.js';
import { WATCH_STATES } from '../infra/k8s/cluster-informers.js';
import type { InformerPool } from '../infra/k8s/informer-pool.js';
import type { OutboxStats } from '../infra/nats/outbox.js';
import type { SubscriptionHub } from '../infra/nats/subscription-hub.js';
import type { GatewayMetrics, ObservedMetric } from '../shared/metrics.js';
import { observe } from '../shared/metrics.js';
import { outboxMetrics } from './outbox-metrics.js';

export interface ObservedParts {
  readonly websocketConnections: () => number;
  readonly sharedSubscriptionGroups: () => number;
  /** The most events one subscriber has had waiting on its socket since the start. */
  readonly subscriptionBacklogPeak: () => number;
  /** The most events one subscriber has had waiting to be read from the bus since the start. */
  readonly subscriptionQueuePeak: () => number;
  /** The most bytes one open websocket holds now that the network has not taken. */
  readonly websocketBufferedBytesMax: () => number;
  readonly hub: SubscriptionHub;
  readonly informers: InformerPool;
  readonly clusters: Pick<ClusterService, 'list'>;
  readonly buildsOutbox: () => OutboxStats;
  readonly dataSource: DataSource;
}

/**
 * The metrics read from the gateway's state when /metrics is scraped: connections, subscription
 * sharing, outboxes, clusters and their watches, the database pool.
 */
export function observeGateway(metrics: GatewayMetrics, parts: ObservedParts): void {
  const { informers } = parts;
  // Labels carry the cluster's name (what people know it by) next to its id (what stays stable).
  const clusterNames = async (): Promise<ReadonlyMap<string, string>> => {
    try {
      return new Map((await parts.clusters.list()).map((snapshot) => [snapshot.record.id, snapshot.record.name]));
    } catch {
      // The database may be what is failing: the scrape still answers, with ids for names.
      return new Map();
    }
  };
  type Watch = ReturnType<InformerPool['watchStats']>[number];
  const watchLabels = (watch: Watch, names: ReadonlyMap<string, string>) => ({
    cluster_id: watch.clusterId,
    cluster: names.get(watch.clusterId) ?? watch.clusterId,
    kind: watch.kind,
  });
  const watches = (value: (watch: Watch) => number) => async () => {
    const names = await clusterNames();
    return informers.watchStats().map((watch) => ({ labels: watchLabels(watch, names), value: value(watch) }));
  };
  const observed: ObservedMetric[] = [
    { name: 'kda_websocket_connections', help: 'Open graphql-ws connections.', collect: () => [{ value: parts.websocketConnections() }] },
    {
      name: 'kda_shared_subscription_groups',
      help: 'Distinct subscriptions executed once for all their subscribers.',
      collect: () => [{ value: parts.sharedSubscriptionGroups() }],
    },
    {
      name: 'kda_subscription_backlog_peak',
      help: 'The most events one websocket subscriber has had waiting on its socket since the start (bounded by KDA_SUBSCRIPTION_BACKLOG).',
      collect: () => [{ value: parts.subscriptionBacklogPeak() }],
    },
    {
      name: 'kda_subscription_queue_peak',
      help: 'The most events one subscriber has had waiting to be read from the bus since the start (a subscriber sent at its socket’s pace: replays, merged streams; bounded at 1000).',
      collect: () => [{ value: parts.subscriptionQueuePeak() }],
    },
    {
      name: 'kda_websocket_buffered_bytes_max',
      help: 'The most bytes one open websocket holds now that the network has not taken (bounded by KDA_SUBSCRIPTION_BUFFER_BYTES and one frame per operation).',
      collect: () => [{ value: parts.websocketBufferedBytesMax() }],
    },
    { name: 'kda_subscription_hub_subjects', help: 'Bus subscriptions held by the subscription hub.', collect: () => [{ value: parts.hub.activeSubjects().length }] },
    {
      name: 'kda_cluster_up',
      help: '1 when the cluster is RUNNING.',
      labelNames: ['cluster_id', 'cluster'],
      collect: async () => {
        const names = await clusterNames();
        return informers.clusterIds().map((clusterId) => ({
          labels: { cluster_id: clusterId, cluster: names.get(clusterId) ?? clusterId },
          value: informers.get(clusterId)?.status().state === 'RUNNING' ? 1 : 0,
        }));
      },
    },
    {
      name: 'kda_cluster_watched_here',
      help: "1 when this replica holds the cluster's lease and watches it; 0 when it reads another replica's mirror.",
      labelNames: ['cluster_id', 'cluster'],
      collect: async () => {
        const names = await clusterNames();
        return informers.clusterIds().map((clusterId) => ({
          labels: { cluster_id: clusterId, cluster: names.get(clusterId) ?? clusterId },
          value: informers.holds(clusterId) ? 1 : 0,
        }));
      },
    },
    {
      name: 'kda_watch_state',
      help: `1 for the state each watch (one per cluster and kind) is in: ${WATCH_STATES.join(', ')}.`,
      labelNames: ['cluster_id', 'cluster', 'kind', 'state'],
      collect: async () => {
        const names = await clusterNames();
        return informers.watchStats().flatMap((watch) => WATCH_STATES.map((state) => ({ labels: { ...watchLabels(watch, names), state }, value: watch.state === state ? 1 : 0 })));
      },
    },
    {
      name: 'kda_watch_relists_total',
      help: 'Lists after a watch’s first (after 410 Gone, a failure or a reconnect), per cluster and kind, since the connection was made.',
      type: 'counter',
      labelNames: ['cluster_id', 'cluster', 'kind'],
      collect: watches((stats) => stats.relists),
    },
    {
      name: 'kda_watch_gone_total',
      help: '410 Gone answers (resourceVersion too old, expired continue token), per cluster and kind, since the connection was made.',
      type: 'counter',
      labelNames: ['cluster_id', 'cluster', 'kind'],
      collect: watches((stats) => stats.gone),
    },
    ...outboxMetrics(() => [
      ...informers.outboxStats().map(({ clusterId, stats }) => ({ labels: { outbox: 'cluster', cluster_id: clusterId }, stats })),
      { labels: { outbox: 'builds' }, stats: parts.buildsOutbox() },
    ]),
    ...poolMetrics(parts.dataSource),
  ];
  observe(metrics.registry, observed);
}
