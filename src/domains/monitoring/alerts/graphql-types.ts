import { DateTimeResolver } from 'graphql-scalars';
import { Extensions, Field, Float, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { connectionType } from '../../../shared/connection-types.js';
import { globalIdOf } from '../../../shared/node.js';
import type { ConnectionValues } from '../../../shared/pagination.js';

export const AlertKindEnum = {
  NODE_NOT_READY: 'NODE_NOT_READY',
  POD_CRASH_LOOPING: 'POD_CRASH_LOOPING',
  WORKLOAD_UNAVAILABLE: 'WORKLOAD_UNAVAILABLE',
  CRITICAL_VULNERABILITY: 'CRITICAL_VULNERABILITY',
  USAGE_OVER_THRESHOLD: 'USAGE_OVER_THRESHOLD',
} as const;
registerEnumType(AlertKindEnum, {
  name: 'AlertKind',
  description: 'What an alert is about.',
  valuesConfig: {
    NODE_NOT_READY: { description: 'A node of the cluster is not Ready (its kubelet stopped reporting, or reports a problem).' },
    POD_CRASH_LOOPING: { description: 'A container of a pod is in CrashLoopBackOff.' },
    WORKLOAD_UNAVAILABLE: { description: 'A Deployment, StatefulSet or DaemonSet is past its progress deadline, or none of its replicas is available.' },
    CRITICAL_VULNERABILITY: {
      description:
        'A workload runs an image whose vulnerability report (Trivy Operator) has CRITICAL findings; one alert per workload and image, resolved when the image goes or is fixed.',
    },
    USAGE_OVER_THRESHOLD: {
      description:
        'A node of a cluster allotted to the workspace uses more CPU or memory (latest sample) than the workspace’s threshold, in percent of its allocatable (setAlertThresholds). Only that workspace sees it; resolved when usage falls back to the threshold or the threshold is turned off.',
    },
  },
});

export const AlertSeverityEnum = { CRITICAL: 'CRITICAL', WARNING: 'WARNING' } as const;
registerEnumType(AlertSeverityEnum, {
  name: 'AlertSeverity',
  description: 'How urgent an alert is.',
  valuesConfig: {
    CRITICAL: { description: 'Something is down: a node not Ready, a workload with nothing available.' },
    WARNING: { description: 'Something is failing but still serving: a crash-looping pod, a rollout past its deadline with replicas left.' },
  },
});

export const AlertStateEnum = { OPEN: 'OPEN', RESOLVED: 'RESOLVED', ALL: 'ALL' } as const;
registerEnumType(AlertStateEnum, {
  name: 'AlertState',
  description: 'Which alerts to list.',
  valuesConfig: { OPEN: { description: 'Still open.' }, RESOLVED: { description: 'Resolved (kept for their history).' }, ALL: { description: 'Both.' } },
});

@ObjectType({ description: 'Something in a cluster that needs a human now: opened when the gateway sees it in the watch caches, resolved when it is gone, kept with its history.' })
export class Alert {
  @Extensions(globalIdOf('Alert'))
  @Field(() => ID, { description: 'Global id of the alert (one per opening: the same condition coming back opens a new one).' })
  id!: string;

  @Field(() => AlertKindEnum, { description: 'What it is about.' })
  kind!: keyof typeof AlertKindEnum;

  @Field(() => AlertSeverityEnum, { description: 'How urgent.' })
  severity!: keyof typeof AlertSeverityEnum;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'The cluster.' })
  clusterId!: string;

  @Field(() => String, { nullable: true, description: 'The namespace of the object; null for a node.' })
  namespace!: string | null;

  @Field({ description: 'Kind of the object (Node, Pod, Deployment, StatefulSet, DaemonSet).' })
  objectKind!: string;

  @Field({ description: 'Name of the object.' })
  objectName!: string;

  @Field({ description: 'What is wrong, for a human.' })
  message!: string;

  @Field(() => DateTimeResolver, { description: 'When the gateway first saw it.' })
  openedAt!: Date;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it was seen gone; null while open.' })
  resolvedAt!: Date | null;
}

export const AlertConnection = connectionType(Alert, { name: 'Alert', noun: 'alert', plural: 'alerts' });
export type AlertConnection = ConnectionValues<Alert>;

/** Open ones first, then newest first (ids end the key: they are unique). */
export const ALERTS_OPEN_THEN_NEWEST = {
  key: (alert: Alert) => [alert.resolvedAt === null ? 1 : 0, alert.openedAt.getTime(), alert.id],
  descending: true,
} as const;

@ObjectType({ description: 'A workspace’s usage thresholds: a node of its clusters above one opens a USAGE_OVER_THRESHOLD alert that only this workspace sees.' })
export class AlertThresholds {
  @Extensions(globalIdOf('Workspace'))
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field(() => Float, { nullable: true, description: 'CPU a node may use, in percent of its allocatable (0-100); null: off.' })
  cpuPercent!: number | null;

  @Field(() => Float, { nullable: true, description: 'Memory a node may use, in percent of its allocatable (0-100); null: off.' })
  memoryPercent!: number | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When they were last set; null: never (both off).' })
  updatedAt!: Date | null;
}

@InputType({ description: 'A workspace’s usage thresholds, both replaced at once.' })
export class SetAlertThresholdsInput {
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field(() => Float, { nullable: true, description: 'CPU, in percent of a node’s allocatable (0-100); null or left out: off.' })
  cpuPercent?: number | null;

  @Field(() => Float, { nullable: true, description: 'Memory, in percent of a node’s allocatable (0-100); null or left out: off.' })
  memoryPercent?: number | null;
}

@ObjectType({ description: 'What setAlertThresholds stored.' })
export class SetAlertThresholdsPayload {
  @Field(() => AlertThresholds, { description: 'The workspace’s thresholds now.' })
  thresholds!: AlertThresholds;
}
