import { Extensions, Field, ID, ObjectType } from 'type-graphql';
import { globalIdOf } from '../../shared/node.js';
import { Cluster } from './cluster-type.js';
import { ClusterNode, Pod } from './graphql-types.js';
import { Workload } from './workload-types.js';

/** What each cluster mutation answers: the changed object as it is now (deletions: the deleted id). */

@ObjectType({ description: 'The cluster just connected.' })
export class RegisterClusterPayload {
  @Field(() => Cluster, { description: 'The new cluster (CONNECTING until its watches have synced).' })
  cluster!: Cluster;
}

@ObjectType({ description: 'The cluster after the change.' })
export class UpdateClusterPayload {
  @Field(() => Cluster, { description: 'The cluster as it is now.' })
  cluster!: Cluster;
}

@ObjectType({ description: 'What removing a cluster forgot.' })
export class RemoveClusterPayload {
  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'Id of the removed cluster.' })
  removedClusterId!: string;
}

@ObjectType({ description: 'The node after cordoning.' })
export class CordonNodePayload {
  @Field(() => ClusterNode, { description: 'The node, now unschedulable.' })
  node!: ClusterNode;
}

@ObjectType({ description: 'The node after uncordoning.' })
export class UncordonNodePayload {
  @Field(() => ClusterNode, { description: 'The node, schedulable again.' })
  node!: ClusterNode;
}

@ObjectType({ description: 'A pod a drain left on the node, and why.' })
export class SkippedPod {
  @Field(() => Pod, { description: 'The pod.' })
  pod!: Pod;

  @Field({ description: 'Why it was not evicted.' })
  reason!: string;
}

@ObjectType({ description: 'What a drain did, and the node after it.' })
export class DrainNodePayload {
  @Field(() => ClusterNode, { description: 'The node, now cordoned.' })
  node!: ClusterNode;

  @Field(() => [Pod], { description: 'Pods evicted (their controllers recreate them elsewhere).' })
  evicted!: Pod[];

  @Field(() => [SkippedPod], { description: 'Pods left on purpose (DaemonSet and static pods).' })
  skipped!: SkippedPod[];

  @Field(() => [Pod], { description: 'Pods whose eviction PodDisruptionBudgets kept refusing until the timeout.' })
  blocked!: Pod[];

  @Field({ description: 'True when every pod that had to leave was evicted.' })
  complete!: boolean;
}

@ObjectType({ description: 'The pod a deletion removed.' })
export class DeletePodPayload {
  @Extensions(globalIdOf('Pod'))
  @Field(() => ID, { description: 'Id of the deleted pod.' })
  deletedPodId!: string;

  @Field(() => Pod, { description: 'The pod as last seen before its deletion.' })
  pod!: Pod;
}

@ObjectType({ description: 'The workload after the new replica count was accepted.' })
export class ScaleWorkloadPayload {
  @Field(() => Workload, { description: 'The workload as last seen; follow `workloadEvents` to watch the pods change.' })
  workload!: Workload;
}

@ObjectType({ description: 'The workload after the restart was requested.' })
export class RestartWorkloadPayload {
  @Field(() => Workload, { description: 'The workload as last seen; its pods are replaced a few at a time.' })
  workload!: Workload;
}
