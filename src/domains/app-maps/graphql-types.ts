import { DateTimeResolver } from 'graphql-scalars';
import { Extensions, Field, Float, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { globalIdOf, Node } from '../../shared/node.js';
import type { HealthStatus } from './health.js';
import type { AppMapRecord } from './records.js';

export const AppMapHealthEnum = { HEALTHY: 'HEALTHY', PROGRESSING: 'PROGRESSING', DEGRADED: 'DEGRADED', SUSPENDED: 'SUSPENDED', MISSING: 'MISSING' } as const satisfies Record<
  HealthStatus,
  HealthStatus
>;
registerEnumType(AppMapHealthEnum, {
  name: 'AppMapHealth',
  description:
    'Health of an application map or of one of its objects, judged as GitOps tools (Argo CD) judge it. From best to worst: HEALTHY, SUSPENDED, PROGRESSING, MISSING, DEGRADED; a map takes the worst of its objects.',
  valuesConfig: {
    HEALTHY: { description: 'Running as asked: rollouts done, replicas available, claims bound, load balancers addressed.' },
    PROGRESSING: { description: 'On its way: a rollout in progress, pods starting, a claim waiting to be bound, a load balancer waiting for its address.' },
    DEGRADED: {
      description: 'Failing: a rollout past its progress deadline, a failed Job, a crash-looping or unpullable container, a lost claim.',
    },
    SUSPENDED: { description: 'Held on purpose: a paused Deployment, a suspended Job or CronJob.' },
    MISSING: { description: 'Nothing to judge: no workload matches the map, or its cluster cannot be read (the reason says which).' },
  },
});

@ObjectType({ description: 'Replica counts, summed over workloads.' })
export class AppMapReplicas {
  @Field(() => Int, { description: 'Replicas wanted.' })
  desired!: number;

  @Field(() => Int, { description: 'Pods reporting Ready.' })
  ready!: number;

  @Field(() => Int, { description: 'Available replicas (StatefulSets: current; Jobs: active).' })
  available!: number;

  @Field(() => Int, { description: 'Replicas on the newest pod template.' })
  updated!: number;
}

@ObjectType({ description: 'A logical part of an application map (front, back, data…) and how it fares.' })
export class AppMapGroup {
  @Field({ description: 'Name of the group, unique in its map.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Label selector on the workloads’ labels; null when the group lists its workloads by name.' })
  selector!: string | null;

  @Field(() => [String], { nullable: true, description: 'The workload names the group was given; null when it selects them by label.' })
  workloadNames!: string[] | null;

  @Field(() => [String], { description: 'The map’s workloads in the group now, by name.' })
  workloads!: string[];

  @Field(() => AppMapHealthEnum, { description: 'The worst of its workloads and their pods.' })
  health!: HealthStatus;

  @Field(() => String, { nullable: true, description: 'Why, naming the object; null when healthy.' })
  healthReason!: string | null;
}

@ObjectType({ description: 'An image the map’s workloads run: the version of the application on this cluster.' })
export class AppMapImage {
  @Field({ description: 'The image reference as the pod templates give it.' })
  image!: string;

  @Field({ description: 'The reference without tag and digest.' })
  repository!: string;

  @Field(() => String, { nullable: true, description: 'The tag; null when the reference has none (a digest, or the implicit latest).' })
  tag!: string | null;

  @Field(() => [String], { description: 'The workloads that run it.' })
  workloads!: string[];
}

@ObjectType({
  implements: Node,
  description:
    'An application map: a named group of workloads in one namespace of one cluster, drawn by a label selector, with a stage and the cluster’s provider and region. Its picture (workloads, pods, services, volumes, events, health) is read from the gateway’s watch caches whenever it is asked for. Deleting a map never deletes anything in the cluster.',
})
export class AppMap {
  record!: AppMapRecord;

  @Field(() => ID, { description: 'Global id of the map.' })
  id!: string;

  @Field({ description: 'Name: a DNS label, unique per workspace, cluster and namespace (what a release names to attach to it).' })
  name!: string;

  @Field({ description: 'What it is (may be empty).' })
  description!: string;

  @Extensions(globalIdOf('Workspace'))
  @Field(() => ID, { description: 'The workspace that owns it.' })
  workspaceId!: string;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'The cluster it lives on.' })
  clusterId!: string;

  @Field({ description: 'The namespace its workloads run in.' })
  namespace!: string;

  @Field({ description: 'Its stage: DEV, STAGING, PROD, or one of the workspace’s own stage names.' })
  stage!: string;

  @Field({ description: 'Label selector on the workloads’ labels that draws the map (kubectl syntax); empty: every workload of the namespace.' })
  selector!: string;

  @Extensions(globalIdOf('Release'))
  @Field(() => ID, { nullable: true, description: 'The release deployed into the map (deployPackage made or adopted it); null for a map drawn around running workloads.' })
  releaseId!: string | null;

  @Field({
    description:
      'Continuous deployment: when on, every successful build of an image the map runs rolls the map’s release forward to the new tag, as a revision (action IMAGE_UPDATE). Off unless turned on with updateAppMap.',
  })
  continuousDeployment!: boolean;

  @Field(() => DateTimeResolver, { description: 'When it was created.' })
  createdAt!: Date;

  @Field(() => DateTimeResolver, { description: 'When its name, stage, selector, groups or description last changed.' })
  updatedAt!: Date;
}

@ObjectType({ description: 'A container of a pod in a map.' })
export class AppMapContainer {
  @Field({ description: 'Container name.' })
  name!: string;

  @Field({ description: 'Image reference.' })
  image!: string;

  @Field({ description: 'Whether its readiness check passes.' })
  ready!: boolean;

  @Field(() => Int, { description: 'Restarts so far.' })
  restartCount!: number;

  @Field({ description: 'waiting, running, terminated or unknown.' })
  state!: string;

  @Field(() => String, { nullable: true, description: 'Why it waits or ended (CrashLoopBackOff, ImagePullBackOff, Completed…).' })
  reason!: string | null;
}

@ObjectType({ description: 'A workload of a map (Deployment, StatefulSet, DaemonSet, Job or CronJob) with its replicas and health.' })
export class AppMapWorkload {
  @Extensions(globalIdOf('Workload'))
  @Field(() => ID, { description: 'The workload’s own id (node(id:) gives the whole Workload).' })
  workloadId!: string;

  @Field({ description: 'Kubernetes kind: Deployment, StatefulSet, DaemonSet, Job or CronJob.' })
  kind!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The first group of the map that holds it; null: none.' })
  group!: string | null;

  @Field(() => Int, { description: 'Replicas wanted (DaemonSet: nodes it should run on; Job: parallelism; CronJob: 0).' })
  desired!: number;

  @Field(() => Int, { description: 'Pods reporting Ready.' })
  ready!: number;

  @Field(() => Int, { description: 'Available replicas (StatefulSet: current; Job and CronJob: active).' })
  available!: number;

  @Field(() => Int, { description: 'Replicas on the newest pod template.' })
  updated!: number;

  @Field(() => [String], { description: 'Images of its pod template, in container order.' })
  images!: string[];

  @Field({ description: 'A Deployment paused (its rollout left where it is), or a Job or CronJob suspended.' })
  suspended!: boolean;

  @Field(() => AppMapHealthEnum, { description: 'Its health.' })
  health!: HealthStatus;

  @Field(() => String, { nullable: true, description: 'Why; null when healthy.' })
  healthReason!: string | null;
}

@ObjectType({ description: 'A pod of a map: one of its workloads’ pods, or one the map’s selector takes alone.' })
export class AppMapPod {
  @Extensions(globalIdOf('Pod'))
  @Field(() => ID, { description: 'The pod’s own id (node(id:) gives the whole Pod).' })
  podId!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'The map’s workload it belongs to (by its selector); null: none.' })
  workload!: string | null;

  @Field({ description: 'Pending, Running, Succeeded, Failed or Unknown.' })
  phase!: string;

  @Field({ description: 'Whether the pod is Ready.' })
  ready!: boolean;

  @Field(() => Int, { description: 'Container restarts, summed.' })
  restarts!: number;

  @Field(() => String, { nullable: true, description: 'The node it runs on; null while unscheduled.' })
  nodeName!: string | null;

  @Field(() => [AppMapContainer], { description: 'Its containers and their images.' })
  containers!: AppMapContainer[];

  @Field(() => AppMapHealthEnum, { description: 'Its health.' })
  health!: HealthStatus;

  @Field(() => String, { nullable: true, description: 'Why; null when healthy.' })
  healthReason!: string | null;
}

@ObjectType({ description: 'A port of a service.' })
export class AppMapServicePort {
  @Field(() => String, { nullable: true, description: 'Port name.' })
  name!: string | null;

  @Field({ description: 'TCP, UDP or SCTP.' })
  protocol!: string;

  @Field(() => Int, { description: 'The service’s port.' })
  port!: number;

  @Field(() => String, { nullable: true, description: 'The pods’ port (a number or a named port).' })
  targetPort!: string | null;

  @Field(() => Int, { nullable: true, description: 'Port on every node (NodePort and LoadBalancer services).' })
  nodePort!: number | null;
}

@ObjectType({ description: 'A service of a map and the workloads it sends traffic to: how the map’s parts connect.' })
export class AppMapService {
  @Extensions(globalIdOf('Service'))
  @Field(() => ID, { description: 'The service’s own id (node(id:) gives the whole Service).' })
  serviceId!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field({ description: 'ClusterIP, NodePort, LoadBalancer or ExternalName.' })
  type!: string;

  @Field(() => String, { nullable: true, description: 'Its cluster IP (None for a headless service).' })
  clusterIP!: string | null;

  @Field(() => [AppMapServicePort], { description: 'Its ports.' })
  ports!: AppMapServicePort[];

  @Field(() => [String], { description: 'LoadBalancer: the addresses it was given; empty while pending, and for other types.' })
  loadBalancerIngress!: string[];

  @Field(() => [String], { description: 'The map’s workloads whose pods it selects.' })
  workloads!: string[];

  @Field(() => AppMapHealthEnum, { description: 'Its health (a LoadBalancer progresses until it has an address).' })
  health!: HealthStatus;

  @Field(() => String, { nullable: true, description: 'Why; null when healthy.' })
  healthReason!: string | null;
}

@ObjectType({ description: 'A volume claim of a map and the workloads that use it.' })
export class AppMapVolume {
  @Extensions(globalIdOf('PersistentVolumeClaim'))
  @Field(() => ID, { description: 'The claim’s own id (node(id:) gives the whole PersistentVolumeClaim).' })
  claimId!: string;

  @Field({ description: 'Claim name.' })
  name!: string;

  @Field({ description: 'Pending, Bound or Lost.' })
  phase!: string;

  @Field(() => String, { nullable: true, description: 'Its storage class.' })
  storageClassName!: string | null;

  @Field(() => Float, { description: 'Storage asked for, in bytes.' })
  requestedBytes!: number;

  @Field(() => Float, { description: 'Storage of the bound volume, in bytes (0 until bound).' })
  capacityBytes!: number;

  @Field(() => [String], { description: 'Access modes (ReadWriteOnce…).' })
  accessModes!: string[];

  @Field(() => [String], { description: 'The map’s workloads that mount it (or claim it through a StatefulSet’s claim template).' })
  workloads!: string[];

  @Field(() => AppMapHealthEnum, { description: 'Bound: HEALTHY; Pending: PROGRESSING; Lost: DEGRADED.' })
  health!: HealthStatus;

  @Field(() => String, { nullable: true, description: 'Why; null when healthy.' })
  healthReason!: string | null;
}

@ObjectType({ description: 'A Kubernetes event about one of a map’s objects (its workloads and their ReplicaSets and Jobs, pods, services, claims).' })
export class AppMapKubernetesEvent {
  @Field({ description: 'Normal or Warning.' })
  type!: string;

  @Field({ description: 'Machine-readable reason (Scheduled, Pulled, BackOff, ScalingReplicaSet…).' })
  reason!: string;

  @Field({ description: 'What happened, in words.' })
  message!: string;

  @Field({ description: 'Kind of the object it is about.' })
  objectKind!: string;

  @Field({ description: 'Name of the object it is about.' })
  objectName!: string;

  @Field(() => Int, { description: 'How many times it happened.' })
  count!: number;

  @Field(() => DateTimeResolver, { description: 'When it last happened.' })
  lastSeen!: Date;
}

@ObjectType({ description: 'A workload’s replica counts and health, as an appMapEvents event reports them.' })
export class AppMapWorkloadStatus {
  @Field({ description: 'Kubernetes kind.' })
  kind!: string;

  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => Int, { description: 'Replicas wanted.' })
  desired!: number;

  @Field(() => Int, { description: 'Pods reporting Ready.' })
  ready!: number;

  @Field(() => Int, { description: 'Available replicas.' })
  available!: number;

  @Field(() => Int, { description: 'Replicas on the newest pod template.' })
  updated!: number;

  @Field(() => AppMapHealthEnum, { description: 'Its health.' })
  health!: HealthStatus;

  @Field(() => String, { nullable: true, description: 'Why; null when healthy.' })
  healthReason!: string | null;
}

@ObjectType({
  description: 'A change of an application map’s rollout or health: sent when its verdict, its reason or a replica count of one of its workloads changed (nothing else is news).',
})
export class AppMapEvent {
  @Field({ description: 'Pass as `after` (with the same appMapIds) to resume: the stream first sends each map whose state changed since this event, then live changes.' })
  cursor!: string;

  @Extensions(globalIdOf('AppMap'))
  @Field(() => ID, { description: 'The map.' })
  appMapId!: string;

  @Field({ description: 'Its name.' })
  name!: string;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'Its cluster.' })
  clusterId!: string;

  @Field({ description: 'Its namespace.' })
  namespace!: string;

  @Field(() => AppMapHealthEnum, { description: 'Its verdict now.' })
  health!: HealthStatus;

  @Field(() => String, { nullable: true, description: 'Why, naming the object; null when healthy.' })
  healthReason!: string | null;

  @Field(() => AppMapHealthEnum, { nullable: true, description: 'The verdict before this change; null when the stream does not know it (right after a resume).' })
  previousHealth!: HealthStatus | null;

  @Field(() => AppMapReplicas, { description: 'Replica counts summed over its workloads.' })
  replicas!: AppMapReplicas;

  @Field(() => [AppMapWorkloadStatus], { description: 'Each workload’s counts and health (at most 200, by kind and name).' })
  workloads!: AppMapWorkloadStatus[];

  @Field({ description: 'True when the map was deleted: its last event (health MISSING).' })
  deleted!: boolean;

  @Field(() => DateTimeResolver, { description: 'When the gateway saw the change.' })
  at!: Date;
}
