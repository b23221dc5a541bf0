import { Ctx, Extensions, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppMap, mapPodNames } from '../domains/app-maps/index.js';
import { Cluster, ClusterFieldsResolver, podsOfWorkload, Workload } from '../domains/clusters/index.js';
import { ClusterNode, Pod } from '../domains/clusters/graphql-types.js';
import { CapacityUsage, coresOf, nodeOf, podOf, PodUsage, type ClusterSample } from '../domains/monitoring/index.js';
import { DomainError } from '../shared/errors.js';
import { fieldCost } from '../shared/field-cost.js';
import type { GatewayContext } from './context.js';

/**
 * Usage next to capacity, where the graph shows capacity: the monitoring domain's latest samples
 * joined to the clusters' and the maps' types here, at the edge, since no domain imports another.
 */

const percent = (used: number, of: number | null) => (of === null || of <= 0 ? null : Math.round((used / of) * 10_000) / 100);

/** A cluster's outage is reported once per operation, not once per pod or node of a long list. */
const reported = new WeakMap<GatewayContext, Set<string>>();

async function sampleOf(context: GatewayContext, clusterId: string, clusterName: string | undefined, quietAfterFirst: boolean): Promise<ClusterSample | null> {
  try {
    return await context.monitoring.latestOf(clusterId, clusterName ?? (await context.loaders.clusterById.load(clusterId))?.record.name ?? clusterId);
  } catch (error) {
    if (!quietAfterFirst || !(error instanceof DomainError) || error.code !== 'UNAVAILABLE') throw error;
    let clusters = reported.get(context);
    if (clusters === undefined) {
      clusters = new Set();
      reported.set(context, clusters);
    }
    if (clusters.has(clusterId)) return null;
    clusters.add(clusterId);
    throw error;
  }
}

function capacityUsage(
  sample: ClusterSample,
  used: { cpuMillicores: number; memoryBytes: number; pods: number | null; storageUsedBytes?: number | undefined; storageCapacityBytes?: number | undefined },
  allocatable: { cpuCores: number; memoryBytes: number; pods: number } | null,
): CapacityUsage {
  const cpuCores = coresOf(used.cpuMillicores);
  const storageBytes = used.storageUsedBytes ?? null;
  const storageCapacityBytes = used.storageCapacityBytes ?? null;
  return {
    storageBytes,
    storageCapacityBytes,
    storagePercent: storageBytes === null ? null : percent(storageBytes, storageCapacityBytes),
    cpuCores,
    memoryBytes: Math.round(used.memoryBytes),
    pods: used.pods,
    cpuAllocatableCores: allocatable?.cpuCores ?? null,
    memoryAllocatableBytes: allocatable?.memoryBytes ?? null,
    podsAllocatable: allocatable?.pods ?? null,
    cpuPercent: percent(cpuCores, allocatable?.cpuCores ?? null),
    memoryPercent: percent(used.memoryBytes, allocatable?.memoryBytes ?? null),
    podsPercent: used.pods === null ? null : percent(used.pods, allocatable?.pods ?? null),
    sampledAt: new Date(sample.at),
  };
}

/** What the named pods of a namespace use together; pods: how many of them report usage. */
function podsSummed(sample: ClusterSample, namespace: string, names: Iterable<string>): { cpuMillicores: number; memoryBytes: number; pods: number } {
  const sum = { cpuMillicores: 0, memoryBytes: 0, pods: 0 };
  for (const name of names) {
    const used = podOf(sample, namespace, name);
    if (used === undefined) continue;
    sum.cpuMillicores += used.cpuMillicores;
    sum.memoryBytes += used.memoryBytes;
    sum.pods += 1;
  }
  return sum;
}

const USAGE_DESCRIPTION =
  'metrics.k8s.io (metrics-server), polled every KDA_METRICS_INTERVAL_SECONDS. Null before the first sample; null with an UNAVAILABLE error naming the cluster (extensions.clusterId) when the cluster serves no metrics or they fail.';

@Resolver(() => Cluster)
export class ClusterUsageResolver {
  @Extensions(fieldCost({ weight: 1 }))
  @FieldResolver(() => CapacityUsage, {
    nullable: true,
    description: `CPU, memory and disk its nodes use (system daemons included) and the pods running in the namespaces the caller sees, against what the nodes make allocatable, from the last sample of ${USAGE_DESCRIPTION}`,
  })
  async usage(@Root() cluster: Cluster, @Ctx() context: GatewayContext): Promise<CapacityUsage | null> {
    const sample = await sampleOf(context, cluster.id, cluster.name, false);
    if (sample === null) return null;
    let allocatable: { cpuCores: number; memoryBytes: number; pods: number } | null = null;
    try {
      allocatable = new ClusterFieldsResolver().allocatable(cluster, context);
    } catch {
      // Not connected on this replica: usage without the allocatable side.
    }
    // CPU and memory are the machines' (as capacity is); pods only those of namespaces the caller sees.
    const scope = cluster.namespaceScope;
    const pods = scope === 'ALL' ? sample.totals.pods : sample.pods.filter((pod) => scope.has(pod.namespace)).length;
    return capacityUsage(sample, { ...sample.totals, pods }, allocatable);
  }
}

@Resolver(() => ClusterNode)
export class NodeUsageResolver {
  @Extensions(fieldCost({ weight: 1 }))
  @FieldResolver(() => CapacityUsage, {
    nullable: true,
    description: `CPU and memory the node uses (its pods and system daemons) against its allocatable, and its root filesystem against its size, from ${USAGE_DESCRIPTION}`,
  })
  async usage(@Root() node: ClusterNode, @Ctx() context: GatewayContext): Promise<CapacityUsage | null> {
    const sample = await sampleOf(context, node.clusterId, undefined, true);
    const used = sample === null ? undefined : nodeOf(sample, node.name);
    if (sample === null || used === undefined) return null;
    return capacityUsage(sample, { ...used, pods: null }, { cpuCores: node.allocatable.cpuCores, memoryBytes: node.allocatable.memoryBytes, pods: node.allocatable.pods });
  }
}

@Resolver(() => Pod)
export class PodUsageResolver {
  @Extensions(fieldCost({ weight: 1 }))
  @FieldResolver(() => PodUsage, { nullable: true, description: `CPU and memory the pod’s containers use, from ${USAGE_DESCRIPTION} Null too for a pod that does not run.` })
  async usage(@Root() pod: Pod, @Ctx() context: GatewayContext): Promise<PodUsage | null> {
    const sample = await sampleOf(context, pod.clusterId, undefined, true);
    const used = sample === null ? undefined : podOf(sample, pod.namespace, pod.name);
    if (sample === null || used === undefined) return null;
    return {
      cpuCores: coresOf(used.cpuMillicores),
      memoryBytes: used.memoryBytes,
      containers: used.containers.map((container) => ({ name: container.name, cpuCores: coresOf(container.cpuMillicores), memoryBytes: container.memoryBytes })),
      sampledAt: new Date(sample.at),
    };
  }
}

@Resolver(() => Workload)
export class WorkloadUsageResolver {
  @Extensions(fieldCost({ weight: 1 }))
  @FieldResolver(() => CapacityUsage, {
    nullable: true,
    description: `What the workload's pods use together (pods: how many of them report usage); no allocatable side. From ${USAGE_DESCRIPTION}`,
  })
  async usage(@Root() workload: Workload, @Ctx() context: GatewayContext): Promise<CapacityUsage | null> {
    const sample = await sampleOf(context, workload.clusterId, undefined, true);
    if (sample === null) return null;
    const names = (await podsOfWorkload(context, workload)).map((pod) => pod.name);
    return capacityUsage(sample, podsSummed(sample, workload.namespace, names), null);
  }
}

@Resolver(() => AppMap)
export class AppMapUsageResolver {
  // Draws the map's picture (shared with its other fields in the same request).
  @Extensions(fieldCost({ weight: 3 }))
  @FieldResolver(() => CapacityUsage, {
    nullable: true,
    description: `What the map’s pods use together (pods: how many of them report usage); no allocatable side. From ${USAGE_DESCRIPTION}`,
  })
  async usage(@Root() map: AppMap, @Ctx() context: GatewayContext): Promise<CapacityUsage | null> {
    const sample = await sampleOf(context, map.clusterId, undefined, true);
    if (sample === null) return null;
    return capacityUsage(sample, podsSummed(sample, map.namespace, await mapPodNames(context, map.record)), null);
  }
}
