import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { localKeyOf } from '../../shared/global-id.js';
import { callerOf, type MonitoringContext } from './context.js';
import { AppMapMetricsTick, ClusterMetricsTick, PodMetricsTick } from './live-types.js';
import type { MapTick } from './map-ticks.js';
import { MAX_METRIC_MAPS } from './map-ticks.js';
import { coresOf, isOutage, type PodSample } from './model.js';
import type { StreamedMetrics } from './ports.js';

function podTick(pod: PodSample) {
  return {
    name: pod.name,
    cpuCores: coresOf(pod.cpuMillicores),
    memoryBytes: pod.memoryBytes,
    containers: pod.containers.map((container) => ({ name: container.name, cpuCores: coresOf(container.cpuMillicores), memoryBytes: container.memoryBytes })),
  };
}

const byName = (left: { name: string }, right: { name: string }) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0);

/** Live usage from the samples the poller publishes: every replica delivers them, whichever polled. */
@Resolver()
export class MetricsLiveResolver {
  @Subscription(() => ClusterMetricsTick, {
    description: 'A cluster’s usage at every poll (KDA_METRICS_INTERVAL_SECONDS), nodes included; resumable with `after`. NOT_FOUND for a cluster the caller does not see.',
    subscribe: async ({ args, context }) => {
      const { clusterId, after } = args as { clusterId: string; after?: string | null };
      const monitoring = context as MonitoringContext;
      return monitoring.monitoring.clusterTicks(callerOf(monitoring), localKeyOf(clusterId, 'Cluster'), after ?? undefined);
    },
  })
  clusterMetrics(
    @Root() tick: StreamedMetrics,
    @Arg('clusterId', () => ID, { description: 'The cluster.' }) _clusterId: string,
    @Arg('after', () => String, { nullable: true, description: 'A tick’s cursor: replays what followed it first (while the bus keeps it).' }) _after: string | null | undefined,
    @Ctx() _context: MonitoringContext,
  ): ClusterMetricsTick {
    const { message, cursor } = tick;
    const base = { cursor, clusterId: message.clusterId, sampledAt: new Date(message.at) };
    if (isOutage(message)) return { ...base, cpuCores: null, memoryBytes: null, pods: null, nodes: [], unavailableReason: message.outage.reason };
    return {
      ...base,
      cpuCores: coresOf(message.totals.cpuMillicores),
      memoryBytes: message.totals.memoryBytes,
      pods: message.totals.pods,
      nodes: message.nodes.map((node) => ({ name: node.name, cpuCores: coresOf(node.cpuMillicores), memoryBytes: node.memoryBytes })).sort(byName),
      unavailableReason: null,
    };
  }

  @Subscription(() => PodMetricsTick, {
    description: 'The usage of every running pod of a namespace at every poll; resumable with `after`. NOT_FOUND for a namespace the caller does not see.',
    subscribe: async ({ args, context }) => {
      const { clusterId, namespace, after } = args as { clusterId: string; namespace: string; after?: string | null };
      const monitoring = context as MonitoringContext;
      return monitoring.monitoring.namespaceTicks(callerOf(monitoring), localKeyOf(clusterId, 'Cluster'), namespace, after ?? undefined);
    },
  })
  podMetrics(
    @Root() tick: StreamedMetrics,
    @Arg('clusterId', () => ID, { description: 'The cluster.' }) _clusterId: string,
    @Arg('namespace', () => String, { description: 'The namespace.' }) namespace: string,
    @Arg('after', () => String, { nullable: true, description: 'A tick’s cursor: replays what followed it first (while the bus keeps it).' }) _after: string | null | undefined,
    @Ctx() _context: MonitoringContext,
  ): PodMetricsTick {
    const { message, cursor } = tick;
    const base = { cursor, clusterId: message.clusterId, namespace, sampledAt: new Date(message.at) };
    if (isOutage(message)) return { ...base, pods: [], unavailableReason: message.outage.reason };
    return {
      ...base,
      pods: message.pods
        .filter((pod) => pod.namespace === namespace)
        .map(podTick)
        .sort(byName),
      unavailableReason: null,
    };
  }

  @Subscription(() => AppMapMetricsTick, {
    description: `The usage, restarts and replicas of application maps on any number of clusters, live: at every poll of a map’s cluster, one tick per map of that cluster. Every map must be one the caller may read (NOT_FOUND otherwise, also when that changes mid-stream); 1-${MAX_METRIC_MAPS} maps. Resumable with \`after\`.`,
    subscribe: async ({ args, context }) => {
      const { appMapIds, after } = args as { appMapIds: string[]; after?: string | null };
      const monitoring = context as MonitoringContext;
      return monitoring.monitoring.mapTicks(
        callerOf(monitoring),
        appMapIds.map((id) => localKeyOf(id, 'AppMap')),
        after ?? undefined,
      );
    },
  })
  appMapMetrics(
    @Root() tick: MapTick,
    @Arg('appMapIds', () => [ID], { description: `The maps to follow (1-${MAX_METRIC_MAPS}), on any clusters.` }) _appMapIds: string[],
    @Arg('after', () => String, { nullable: true, description: 'A tick’s cursor: each cluster replays what followed it first (while the bus keeps it).' })
    _after: string | null | undefined,
    @Ctx() _context: MonitoringContext,
  ): AppMapMetricsTick {
    return {
      cursor: tick.cursor,
      appMapId: tick.appMapId,
      clusterId: tick.clusterId,
      sampledAt: new Date(tick.at),
      cpuCores: tick.used === null ? null : coresOf(tick.used.cpuMillicores),
      memoryBytes: tick.used === null ? null : Math.round(tick.used.memoryBytes),
      pods: tick.used?.pods ?? null,
      restarts: tick.members.restarts,
      ready: tick.members.ready,
      desired: tick.members.desired,
      unavailableReason: tick.unavailableReason,
    };
  }
}
