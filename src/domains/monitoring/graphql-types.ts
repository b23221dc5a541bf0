import { DateTimeResolver } from 'graphql-scalars';
import { Extensions, Field, Float, ID, InputType, Int, ObjectType } from 'type-graphql';
import { fieldCost } from '../../shared/field-cost.js';

@ObjectType({ description: 'Usage of a container at the last sample.' })
export class ContainerUsage {
  @Field({ description: 'Container name.' })
  name!: string;

  @Field(() => Float, { description: 'CPU used, in cores (0.25 = 250 millicores).' })
  cpuCores!: number;

  @Field(() => Float, { description: 'Memory used (working set), in bytes.' })
  memoryBytes!: number;
}

@ObjectType({ description: 'What a pod used at the last sample metrics.k8s.io gave.' })
export class PodUsage {
  @Field(() => Float, { description: 'CPU used by its containers, in cores.' })
  cpuCores!: number;

  @Field(() => Float, { description: 'Memory used by its containers, in bytes.' })
  memoryBytes!: number;

  @Extensions(fieldCost({ perItem: 0 }))
  @Field(() => [ContainerUsage], { description: 'Per container, in the order metrics.k8s.io reports them.' })
  containers!: ContainerUsage[];

  @Field(() => DateTimeResolver, { description: 'When the sample was taken (the gateway polls every KDA_METRICS_INTERVAL_SECONDS).' })
  sampledAt!: Date;
}

@ObjectType({
  description: 'Usage against what there is: of a cluster, a node, a workload or an application map, at the last sample. Allocatable figures are null where they do not apply.',
})
export class CapacityUsage {
  @Field(() => Float, { description: 'CPU used, in cores.' })
  cpuCores!: number;

  @Field(() => Float, { description: 'Memory used (working set), in bytes.' })
  memoryBytes!: number;

  @Field(() => Int, { nullable: true, description: 'Pods running (with usage reported); null for a node (see ClusterNode.podCount).' })
  pods!: number | null;

  @Field(() => Float, { nullable: true, description: 'CPU available to pods (allocatable), in cores.' })
  cpuAllocatableCores!: number | null;

  @Field(() => Float, { nullable: true, description: 'Memory available to pods (allocatable), in bytes.' })
  memoryAllocatableBytes!: number | null;

  @Field(() => Int, { nullable: true, description: 'How many pods may run (allocatable).' })
  podsAllocatable!: number | null;

  @Field(() => Float, { nullable: true, description: 'CPU used as a percentage of allocatable (may pass 100: system daemons run outside allocatable).' })
  cpuPercent!: number | null;

  @Field(() => Float, { nullable: true, description: 'Memory used as a percentage of allocatable.' })
  memoryPercent!: number | null;

  @Field(() => Float, { nullable: true, description: 'Pods as a percentage of the pods allocatable.' })
  podsPercent!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "Bytes used on the nodes' root filesystems (images, containers' writable layers, logs), as each kubelet's Summary API reports it; summed over the nodes that answered. Null for an application map, and when no kubelet answered.",
  })
  storageBytes!: number | null;

  @Field(() => Float, { nullable: true, description: "Size of those filesystems, in bytes (the nodes' ephemeral-storage capacity as the kubelet sees it)." })
  storageCapacityBytes!: number | null;

  @Field(() => Float, { nullable: true, description: 'Storage used as a percentage of that size.' })
  storagePercent!: number | null;

  @Field(() => DateTimeResolver, { description: 'When the sample was taken.' })
  sampledAt!: Date;
}

@ObjectType({ description: 'One point of a series: the average and the peak over the step starting at `t`.' })
export class MetricPoint {
  @Field(() => DateTimeResolver, { description: 'Start of the step.' })
  t!: Date;

  @Field(() => Float, { description: 'Average over the step.' })
  avg!: number;

  @Field(() => Float, { description: 'Highest sample in the step (for a map over the 1-hour rollups: the sum of its pods’ peaks, an upper bound).' })
  max!: number;
}

@ObjectType({ description: 'Usage history ready to chart. Steps without samples have no point (a gap, not a zero).' })
export class MetricsHistory {
  @Field(() => DateTimeResolver, { description: 'Start of the range.' })
  from!: Date;

  @Field(() => DateTimeResolver, { description: 'End of the range (a `to` in the future is brought back to now).' })
  to!: Date;

  @Field(() => Int, { description: 'Seconds per point: the one asked for, or the one chosen to keep the series at 500 points or fewer.' })
  step!: number;

  @Field({ description: 'Whether the points come from the 1-hour rollups (the range starts before the fine samples kept, KDA_METRICS_FINE_RETENTION_HOURS).' })
  coarse!: boolean;

  @Extensions(fieldCost({ weight: 1 }))
  @Field(() => [MetricPoint], { description: 'CPU used, in cores, oldest first.' })
  cpu!: MetricPoint[];

  @Extensions(fieldCost({ weight: 1 }))
  @Field(() => [MetricPoint], { description: 'Memory used, in bytes, oldest first.' })
  memory!: MetricPoint[];
}

@InputType({
  description:
    'What a history is about, one of: `{clusterId}` (the cluster’s nodes summed), `{clusterId, nodeName}`, `{clusterId, namespace, podName}`, or `{appMapId}` (the pods of its workloads summed).',
})
export class MetricTarget {
  @Field(() => ID, { nullable: true, description: 'A cluster the caller sees.' })
  clusterId?: string | null;

  @Field(() => String, { nullable: true, description: 'A node of that cluster.' })
  nodeName?: string | null;

  @Field(() => String, { nullable: true, description: 'The namespace of the pod (with podName).' })
  namespace?: string | null;

  @Field(() => String, { nullable: true, description: 'A pod of that namespace (with namespace).' })
  podName?: string | null;

  @Field(() => ID, { nullable: true, description: 'An application map the caller may read (alone).' })
  appMapId?: string | null;
}
