import { DateTimeResolver } from 'graphql-scalars';
import { Extensions, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { fieldCost } from '../../shared/field-cost.js';
import { globalIdOf } from '../../shared/node.js';
import { ContainerUsage } from './graphql-types.js';

@ObjectType({ description: 'What a node used at one sample.' })
export class NodeUsageSample {
  @Field({ description: 'Node name.' })
  name!: string;

  @Field(() => Float, { description: 'CPU used, in cores.' })
  cpuCores!: number;

  @Field(() => Float, { description: 'Memory used, in bytes.' })
  memoryBytes!: number;
}

@ObjectType({ description: 'What a pod used at one sample.' })
export class PodUsageSample {
  @Field({ description: 'Pod name.' })
  name!: string;

  @Field(() => Float, { description: 'CPU used by its containers, in cores.' })
  cpuCores!: number;

  @Field(() => Float, { description: 'Memory used by its containers, in bytes.' })
  memoryBytes!: number;

  @Extensions(fieldCost({ perItem: 0 }))
  @Field(() => [ContainerUsage], { description: 'Per container.' })
  containers!: ContainerUsage[];
}

@ObjectType({ description: 'One poll of a cluster’s metrics, live. When the cluster serves no metrics, the figures are null and `unavailableReason` says why.' })
export class ClusterMetricsTick {
  @Field({ description: 'Pass as `after` to resume right after this tick.' })
  cursor!: string;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'The cluster.' })
  clusterId!: string;

  @Field(() => DateTimeResolver, { description: 'When the sample was taken.' })
  sampledAt!: Date;

  @Field(() => Float, { nullable: true, description: 'CPU used by all nodes, in cores.' })
  cpuCores!: number | null;

  @Field(() => Float, { nullable: true, description: 'Memory used by all nodes, in bytes.' })
  memoryBytes!: number | null;

  @Field(() => Int, { nullable: true, description: 'Pods that reported usage.' })
  pods!: number | null;

  @Extensions(fieldCost({ weight: 1 }))
  @Field(() => [NodeUsageSample], { description: 'Per node, by name (empty when unavailable).' })
  nodes!: NodeUsageSample[];

  @Field(() => String, { nullable: true, description: 'Why there are no figures: metrics.k8s.io absent (no metrics-server) or failing.' })
  unavailableReason!: string | null;
}

@ObjectType({ description: 'One poll of the pods of a namespace, live.' })
export class PodMetricsTick {
  @Field({ description: 'Pass as `after` to resume right after this tick.' })
  cursor!: string;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'The cluster.' })
  clusterId!: string;

  @Field({ description: 'The namespace.' })
  namespace!: string;

  @Field(() => DateTimeResolver, { description: 'When the sample was taken.' })
  sampledAt!: Date;

  @Extensions(fieldCost({ weight: 1 }))
  @Field(() => [PodUsageSample], { description: 'The running pods of the namespace, by name (empty when unavailable).' })
  pods!: PodUsageSample[];

  @Field(() => String, { nullable: true, description: 'Why there are no figures: metrics.k8s.io absent (no metrics-server) or failing.' })
  unavailableReason!: string | null;
}

@ObjectType({
  description:
    'One poll of an application map’s cluster, for that map: its pods’ usage summed (as AppMap.usage), its restarts and replicas. When the cluster serves no metrics, the usage figures are null and `unavailableReason` says why.',
})
export class AppMapMetricsTick {
  @Field({ description: 'Pass as `after` (with the same appMapIds) to resume: every cluster replays what followed its position in this tick.' })
  cursor!: string;

  @Extensions(globalIdOf('AppMap'))
  @Field(() => ID, { description: 'The application map.' })
  appMapId!: string;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'Its cluster.' })
  clusterId!: string;

  @Field(() => DateTimeResolver, { description: 'When the sample was taken.' })
  sampledAt!: Date;

  @Field(() => Float, { nullable: true, description: 'CPU its pods use, in cores.' })
  cpuCores!: number | null;

  @Field(() => Float, { nullable: true, description: 'Memory its pods use, in bytes.' })
  memoryBytes!: number | null;

  @Field(() => Int, { nullable: true, description: 'Its pods that reported usage.' })
  pods!: number | null;

  @Field(() => Int, { description: 'Container restarts of its pods, summed (from the cluster’s state when the tick is sent).' })
  restarts!: number;

  @Field(() => Int, { description: 'Pods reporting Ready.' })
  ready!: number;

  @Field(() => Int, { description: 'Replicas its workloads want.' })
  desired!: number;

  @Field(() => String, { nullable: true, description: 'Why there are no usage figures: metrics.k8s.io absent (no metrics-server) or failing.' })
  unavailableReason!: string | null;
}
