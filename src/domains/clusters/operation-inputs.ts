import { Field, ID, InputType, Int } from 'type-graphql';
import type { RestartableKind, ScalableKind } from './ports.js';
import { RestartableKindEnum, ScalableKindEnum } from './workload-types.js';

@InputType({ description: 'Sets the replica count of a Deployment or StatefulSet.' })
export class ScaleWorkloadInput {
  @Field(() => ID, { description: 'Cluster of the workload.' })
  clusterId!: string;

  @Field({ description: 'Namespace of the workload.' })
  namespace!: string;

  @Field(() => ScalableKindEnum, { description: 'Deployment or StatefulSet.' })
  kind!: ScalableKind;

  @Field({ description: 'Name of the workload.' })
  name!: string;

  @Field(() => Int, { description: 'Replicas wanted (0 to 1000).' })
  replicas!: number;
}

@InputType({ description: 'Replaces every pod of a workload, a few at a time (like `kubectl rollout restart`).' })
export class RestartWorkloadInput {
  @Field(() => ID, { description: 'Cluster of the workload.' })
  clusterId!: string;

  @Field({ description: 'Namespace of the workload.' })
  namespace!: string;

  @Field(() => RestartableKindEnum, { description: 'Deployment, StatefulSet or DaemonSet.' })
  kind!: RestartableKind;

  @Field({ description: 'Name of the workload.' })
  name!: string;
}

@InputType({ description: 'Evicts the pods of a node so it can be taken out of service (like `kubectl drain`).' })
export class DrainNodeInput {
  @Field(() => ID, { description: 'Cluster of the node.' })
  clusterId!: string;

  @Field({ description: 'Node name.' })
  name!: string;

  @Field(() => Int, { nullable: true, description: 'Seconds to keep retrying evictions that PodDisruptionBudgets refuse (default 60, at most 600).' })
  timeoutSeconds?: number | null;

  @Field(() => Boolean, { nullable: true, description: 'Drain even though DaemonSet pods run on the node; they stay (default true).' })
  ignoreDaemonSets?: boolean | null;
}

@InputType({ description: 'A node to mark unschedulable (like `kubectl cordon`).' })
export class CordonNodeInput {
  @Field(() => ID, { description: 'Cluster of the node.' })
  clusterId!: string;

  @Field({ description: 'Node name.' })
  name!: string;
}

@InputType({ description: 'A cordoned node to make schedulable again (like `kubectl uncordon`).' })
export class UncordonNodeInput {
  @Field(() => ID, { description: 'Cluster of the node.' })
  clusterId!: string;

  @Field({ description: 'Node name.' })
  name!: string;
}

@InputType({ description: 'A pod to delete (its controller, if any, replaces it).' })
export class DeletePodInput {
  @Field(() => ID, { description: 'Cluster of the pod.' })
  clusterId!: string;

  @Field({ description: 'Namespace of the pod.' })
  namespace!: string;

  @Field({ description: 'Name of the pod.' })
  name!: string;
}
