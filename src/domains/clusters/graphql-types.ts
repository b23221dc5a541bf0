import { GraphQLJSONObject, DateTimeResolver } from 'graphql-scalars';
import { Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/node.js';
import { CLUSTER_PROVIDERS, CLUSTER_STATES, type ClusterProvider, type ClusterState } from './cluster-record.js';

export const ClusterProviderEnum = Object.fromEntries(CLUSTER_PROVIDERS.map((value) => [value, value])) as { [K in ClusterProvider]: K };
registerEnumType(ClusterProviderEnum, {
  name: 'ClusterProvider',
  description: 'Where a cluster runs.',
  valuesConfig: {
    ON_PREMISE: { description: 'A cluster in your own data center.' },
    GKE: { description: 'Google Kubernetes Engine.' },
    EKS: { description: 'Amazon Elastic Kubernetes Service.' },
    AKS: { description: 'Azure Kubernetes Service.' },
    OTHER: { description: 'Any other Kubernetes distribution or cloud.' },
  },
});

export const ClusterStateEnum = Object.fromEntries(CLUSTER_STATES.map((value) => [value, value])) as { [K in ClusterState]: K };
registerEnumType(ClusterStateEnum, {
  name: 'ClusterStatus',
  description: 'Health of the connection between the gateway and a cluster.',
  valuesConfig: {
    CONNECTING: { description: 'Registered; the first list of its objects has not finished yet.' },
    RUNNING: { description: 'All watches are synced and healthy.' },
    DEGRADED: { description: 'Reachable, but some watches or nodes are unhealthy.' },
    UNREACHABLE: { description: 'The API server does not answer; the gateway keeps retrying with backoff.' },
  },
});

export enum WatchEventKind {
  ADDED = 'ADDED',
  MODIFIED = 'MODIFIED',
  DELETED = 'DELETED',
}
registerEnumType(WatchEventKind, {
  name: 'WatchEventType',
  description: 'What happened to an object.',
  valuesConfig: {
    ADDED: { description: 'The object appeared (created, or first seen by the gateway).' },
    MODIFIED: { description: 'The object changed.' },
    DELETED: { description: 'The object is gone.' },
  },
});

@ObjectType({ description: 'An amount of compute resources.' })
export class Resources {
  @Field(() => Float, { description: 'CPU in cores (0.5 = 500 millicores).' })
  cpuCores!: number;

  @Field(() => Float, { description: 'Memory in bytes.' })
  memoryBytes!: number;

  @Field(() => Float, { description: 'Ephemeral storage in bytes.' })
  storageBytes!: number;

  @Field(() => Int, { description: 'Number of pods.' })
  pods!: number;
}

@ObjectType({ description: 'A condition Kubernetes reports for a node (Ready, MemoryPressure…) or a workload (Available, Progressing, Complete…).' })
export class Condition {
  @Field({ description: 'Condition type, e.g. Ready.' })
  type!: string;

  @Field({ description: 'True, False or Unknown.' })
  status!: string;

  @Field(() => String, { nullable: true, description: 'Machine-readable reason of the last transition.' })
  reason!: string | null;

  @Field(() => String, { nullable: true, description: 'Human-readable detail.' })
  message!: string | null;
}

@ObjectType({ description: 'A node taint: pods without a matching toleration are kept off the node.' })
export class Taint {
  @Field({ description: 'Taint key.' })
  key!: string;

  @Field(() => String, { nullable: true, description: 'Taint value.' })
  value!: string | null;

  @Field({ description: 'NoSchedule, PreferNoSchedule or NoExecute.' })
  effect!: string;
}

@ObjectType({ implements: Node, description: 'A Kubernetes node of a cluster (a machine that runs pods).' })
export class ClusterNode {
  @Field(() => ID, { description: 'Global id: a node recreated under the same name gets a new one.' })
  id!: string;

  @Field({ description: 'Node name, unique in its cluster.' })
  name!: string;

  @Field(() => [String], { description: 'Roles from node-role.kubernetes.io labels, e.g. control-plane, worker.' })
  roles!: string[];

  @Field({ description: 'Whether the node reports Ready.' })
  ready!: boolean;

  @Field({ description: 'Whether new pods may be scheduled here (false when cordoned).' })
  schedulable!: boolean;

  @Field(() => String, { nullable: true, description: 'Kubelet version, e.g. v1.31.4.' })
  kubeletVersion!: string | null;

  @Field(() => String, { nullable: true, description: 'Internal IP address.' })
  internalIP!: string | null;

  @Field(() => Resources, { description: 'Total resources of the node.' })
  capacity!: Resources;

  @Field(() => Resources, { description: 'Resources available to pods after system reservations.' })
  allocatable!: Resources;

  @Field(() => [Condition], { description: 'Conditions the node reports.' })
  conditions!: Condition[];

  @Field(() => [Taint], { description: 'Taints on the node.' })
  taints!: Taint[];

  @Field(() => GraphQLJSONObject, { description: 'Node labels.' })
  labels!: Record<string, string>;

  @Field(() => Int, { description: 'Number of pods placed on this node.' })
  podCount!: number;

  /** Not a field: lets `ClusterNode.pods` find its cluster. */
  clusterId!: string;
}

@ObjectType({ description: 'A container of a pod.' })
export class Container {
  @Field({ description: 'Container name, unique in its pod.' })
  name!: string;

  @Field({ description: 'Image reference.' })
  image!: string;

  @Field({ description: 'Whether the container passes its readiness checks.' })
  ready!: boolean;

  @Field(() => Int, { description: 'How many times the container restarted.' })
  restartCount!: number;

  @Field({ description: 'waiting, running, terminated or unknown.' })
  state!: string;

  @Field(() => String, { nullable: true, description: 'Why the container is waiting or terminated, e.g. CrashLoopBackOff.' })
  reason!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the current run of the container started.' })
  startedAt!: string | null;
}

@ObjectType({ description: 'The controller that owns an object, e.g. a ReplicaSet or StatefulSet.' })
export class WorkloadRef {
  @Field({ description: 'Kubernetes kind of the owner.' })
  kind!: string;

  @Field({ description: 'Name of the owner.' })
  name!: string;

  @Field({ description: 'UID of the owner.' })
  uid!: string;
}

@ObjectType({ implements: Node, description: 'A Kubernetes pod, as the gateway last saw it.' })
export class Pod {
  @Field(() => ID, { description: 'Global id: unique across clusters; a pod recreated under the same name gets a new one.' })
  id!: string;

  @Field({ description: 'Pod name.' })
  name!: string;

  @Field({ description: 'Namespace of the pod.' })
  namespace!: string;

  @Field({ description: 'Kubernetes UID.' })
  uid!: string;

  @Field({ description: 'Pending, Running, Succeeded, Failed or Unknown.' })
  phase!: string;

  @Field({ description: 'Whether the pod reports Ready.' })
  ready!: boolean;

  @Field(() => Int, { description: 'Restarts summed over its containers.' })
  restarts!: number;

  @Field(() => String, { nullable: true, description: 'Node the pod is placed on.' })
  nodeName!: string | null;

  @Field(() => String, { nullable: true, description: 'Pod IP address.' })
  podIP!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the pod started.' })
  startedAt!: string | null;

  @Field(() => GraphQLJSONObject, { description: 'Pod labels.' })
  labels!: Record<string, string>;

  @Field(() => [Container], { description: 'Containers of the pod.' })
  containers!: Container[];

  @Field(() => WorkloadRef, { nullable: true, description: 'Controller that owns the pod.' })
  owner!: WorkloadRef | null;

  /** Not a field: lets `Pod.cluster` find its cluster. */
  clusterId!: string;
}

@ObjectType({ description: 'A change to a pod, streamed live.' })
export class PodEvent {
  @Field(() => WatchEventKind, { description: 'ADDED, MODIFIED or DELETED.' })
  type!: WatchEventKind;

  @Field(() => Pod, { description: 'The pod after the change (for DELETED: its last state).' })
  pod!: Pod;

  @Field({ description: 'Opaque position in the event stream; pass as `after` to resume right after this event.' })
  cursor!: string;
}
