import { GraphQLJSONObject, DateTimeResolver } from 'graphql-scalars';
import { Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/node.js';
import { Condition, WatchEventKind } from './graphql-types.js';
import type { WorkloadKind } from './model.js';

/** GraphQL names are SCREAMING_CASE; the values inside stay the Kubernetes kinds. */
export const WorkloadKindEnum = {
  DEPLOYMENT: 'Deployment',
  STATEFUL_SET: 'StatefulSet',
  DAEMON_SET: 'DaemonSet',
  JOB: 'Job',
  CRON_JOB: 'CronJob',
} as const satisfies Record<string, WorkloadKind>;
registerEnumType(WorkloadKindEnum, {
  name: 'WorkloadKind',
  description: 'Kubernetes controller kinds the gateway shows as workloads.',
  valuesConfig: {
    DEPLOYMENT: { description: 'A Deployment: stateless replicas rolled out through ReplicaSets.' },
    STATEFUL_SET: { description: 'A StatefulSet: replicas with stable names and storage.' },
    DAEMON_SET: { description: 'A DaemonSet: one pod per eligible node.' },
    JOB: { description: 'A Job: pods that run to completion.' },
    CRON_JOB: { description: 'A CronJob: Jobs created on a schedule.' },
  },
});

export const ScalableKindEnum = { DEPLOYMENT: 'Deployment', STATEFUL_SET: 'StatefulSet' } as const satisfies Record<string, WorkloadKind>;
registerEnumType(ScalableKindEnum, {
  name: 'ScalableWorkloadKind',
  description: 'Workload kinds whose replica count can be set.',
  valuesConfig: { DEPLOYMENT: { description: 'A Deployment.' }, STATEFUL_SET: { description: 'A StatefulSet.' } },
});

export const RestartableKindEnum = { DEPLOYMENT: 'Deployment', STATEFUL_SET: 'StatefulSet', DAEMON_SET: 'DaemonSet' } as const satisfies Record<string, WorkloadKind>;
registerEnumType(RestartableKindEnum, {
  name: 'RestartableWorkloadKind',
  description: 'Workload kinds that can be restarted by a rolling replacement of their pods.',
  valuesConfig: { DEPLOYMENT: { description: 'A Deployment.' }, STATEFUL_SET: { description: 'A StatefulSet.' }, DAEMON_SET: { description: 'A DaemonSet.' } },
});

@ObjectType({ implements: Node, description: 'A Deployment, StatefulSet, DaemonSet, Job or CronJob, as the gateway last saw it.' })
export class Workload {
  @Field(() => ID, { description: 'Global id: unique across clusters; a workload recreated under the same name gets a new one.' })
  id!: string;

  @Field(() => WorkloadKindEnum, { description: 'Controller kind.' })
  kind!: WorkloadKind;

  @Field({ description: 'Name.' })
  name!: string;

  @Field({ description: 'Namespace.' })
  namespace!: string;

  @Field(() => Int, { description: 'Replicas wanted (DaemonSet: nodes it should run on; Job: parallelism; CronJob: 0).' })
  desired!: number;

  @Field(() => Int, { description: 'Pods reporting Ready.' })
  ready!: number;

  @Field(() => Int, { description: 'Pods available to serve (Deployment, DaemonSet), current (StatefulSet) or active (Job, CronJob).' })
  available!: number;

  @Field(() => Int, { description: 'Pods running the newest template.' })
  updated!: number;

  @Field({ description: 'Whether the controller has caught up with the latest spec and every wanted pod is ready.' })
  rolledOut!: boolean;

  @Field(() => [String], { description: 'Container images of the pod template.' })
  images!: string[];

  @Field(() => [Condition], { description: 'Controller conditions.' })
  conditions!: Condition[];

  @Field(() => GraphQLJSONObject, { description: 'Labels of the workload.' })
  labels!: Record<string, string>;

  @Field(() => GraphQLJSONObject, { description: 'Labels that select its pods.' })
  selector!: Record<string, string>;

  @Field(() => Int, { nullable: true, description: 'Job: pods that succeeded.' })
  succeeded!: number | null;

  @Field(() => Int, { nullable: true, description: 'Job: pods that failed.' })
  failed!: number | null;

  @Field(() => String, { nullable: true, description: 'CronJob: schedule in cron syntax.' })
  schedule!: string | null;

  @Field(() => Boolean, { nullable: true, description: 'CronJob: whether new runs are suspended.' })
  suspended!: boolean | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'CronJob: when a Job was last created.' })
  lastScheduleTime!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Last rollout restart requested.' })
  restartedAt!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When the workload was created.' })
  createdAt!: string | null;

  /** Not a field: lets nested fields find the cluster. */
  clusterId!: string;
}

@ObjectType({ description: 'A change to a workload, streamed live.' })
export class WorkloadEvent {
  @Field(() => WatchEventKind, { description: 'ADDED, MODIFIED or DELETED.' })
  type!: WatchEventKind;

  @Field(() => Workload, { description: 'The workload after the change (for DELETED: its last state).' })
  workload!: Workload;

  @Field({ description: 'Opaque position in the event stream; pass as `after` to resume right after this event.' })
  cursor!: string;
}
