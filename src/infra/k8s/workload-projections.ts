/**
 * Deployments, StatefulSets, DaemonSets, Jobs and CronJobs in one shape (WorkloadProjection), so a
 * dashboard lists "what runs here" without knowing five APIs. Pure functions of the raw object.
 */
import type { WorkloadKind, WorkloadProjection } from '../../domains/clusters/model.js';
import { controllerOwner, projectConditions, requiredString, selectorLabels } from './projection-helpers.js';
import { asArray, asNumber, asRecord, asString, asStringMap, asTimestamp, compact, metadataOf, type RawRecord } from './raw-object.js';

export const RESTARTED_AT_ANNOTATION = 'kubectl.kubernetes.io/restartedAt';

interface RawWorkload {
  readonly metadata: RawRecord;
  readonly spec: RawRecord;
  readonly status: RawRecord;
}

function parts(raw: unknown): RawWorkload {
  const object = asRecord(raw);
  return { metadata: metadataOf(raw), spec: asRecord(object['spec']), status: asRecord(object['status']) };
}

/** The fields every workload kind shares; `template` is its pod template. */
function common(kind: WorkloadKind, { metadata, spec }: RawWorkload, template: RawRecord) {
  const templateMetadata = asRecord(template['metadata']);
  const podSpec = asRecord(template['spec']);
  const containers = asArray(podSpec['containers']).map(asRecord);
  const claimNames = asArray(podSpec['volumes'])
    .map((volume) => asString(asRecord(asRecord(volume)['persistentVolumeClaim'])['claimName']))
    .filter((name): name is string => name !== undefined);
  return {
    uid: requiredString(metadata['uid'], 'metadata.uid'),
    kind,
    name: requiredString(metadata['name'], 'metadata.name'),
    namespace: requiredString(metadata['namespace'], 'metadata.namespace'),
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    labels: asStringMap(metadata['labels']),
    selector: selectorLabels(spec['selector']),
    images: containers.map((container) => asString(container['image']) ?? ''),
    generation: asNumber(metadata['generation']),
    restartedAt: asString(asStringMap(templateMetadata['annotations'])[RESTARTED_AT_ANNOTATION]),
    createdAt: asTimestamp(metadata['creationTimestamp']),
    claimNames: claimNames.length === 0 ? undefined : claimNames,
  };
}

/** spec.strategy (Deployment) or spec.updateStrategy (StatefulSet, DaemonSet): its type, RollingUpdate when absent. */
function strategyType(strategy: unknown): string {
  return asString(asRecord(strategy)['type']) ?? 'RollingUpdate';
}

/** spec.replicas defaults to 1 when omitted (the apiserver fills it in, a raw manifest may not). */
function replicas(spec: RawRecord): number {
  return typeof spec['replicas'] === 'number' ? asNumber(spec['replicas']) : 1;
}

/** A partition above 0 (0 and absent mean the same: every pod rolls). */
function partitionOf(strategy: unknown): number | undefined {
  const partition = asNumber(asRecord(asRecord(strategy)['rollingUpdate'])['partition']);
  return partition > 0 ? partition : undefined;
}

function claimTemplatesOf(templates: unknown): string[] | undefined {
  const names = asArray(templates)
    .map((template) => asString(metadataOf(template)['name']))
    .filter((name): name is string => name !== undefined);
  return names.length === 0 ? undefined : names;
}

export function projectDeployment(raw: unknown): WorkloadProjection {
  const workload = parts(raw);
  const { spec, status } = workload;
  return compact<WorkloadProjection>({
    ...common('Deployment', workload, asRecord(spec['template'])),
    desired: replicas(spec),
    ready: asNumber(status['readyReplicas']),
    available: asNumber(status['availableReplicas']),
    updated: asNumber(status['updatedReplicas']),
    conditions: projectConditions(status['conditions']),
    observedGeneration: asNumber(status['observedGeneration']),
    paused: spec['paused'] === true ? true : undefined,
    totalReplicas: asNumber(status['replicas']),
    updateStrategy: strategyType(spec['strategy']),
  });
}

export function projectStatefulSet(raw: unknown): WorkloadProjection {
  const workload = parts(raw);
  const { spec, status } = workload;
  return compact<WorkloadProjection>({
    ...common('StatefulSet', workload, asRecord(spec['template'])),
    desired: replicas(spec),
    ready: asNumber(status['readyReplicas']),
    available: asNumber(status['currentReplicas']),
    updated: asNumber(status['updatedReplicas']),
    conditions: projectConditions(status['conditions']),
    observedGeneration: asNumber(status['observedGeneration']),
    updateStrategy: strategyType(spec['updateStrategy']),
    partition: partitionOf(spec['updateStrategy']),
    currentRevision: asString(status['currentRevision']),
    updateRevision: asString(status['updateRevision']),
    claimTemplates: claimTemplatesOf(spec['volumeClaimTemplates']),
  });
}

export function projectDaemonSet(raw: unknown): WorkloadProjection {
  const workload = parts(raw);
  const { spec, status } = workload;
  return compact<WorkloadProjection>({
    ...common('DaemonSet', workload, asRecord(spec['template'])),
    desired: asNumber(status['desiredNumberScheduled']),
    ready: asNumber(status['numberReady']),
    available: asNumber(status['numberAvailable']),
    updated: asNumber(status['updatedNumberScheduled']),
    conditions: projectConditions(status['conditions']),
    observedGeneration: asNumber(status['observedGeneration']),
    updateStrategy: strategyType(spec['updateStrategy']),
  });
}

export function projectJob(raw: unknown): WorkloadProjection {
  const workload = parts(raw);
  const { metadata, spec, status } = workload;
  const active = asNumber(status['active']);
  return compact<WorkloadProjection>({
    ...common('Job', workload, asRecord(spec['template'])),
    desired: typeof spec['parallelism'] === 'number' ? asNumber(spec['parallelism']) : 1,
    ready: asNumber(status['ready']),
    available: active,
    // A Job has one template: every pod it runs is on it.
    updated: active,
    conditions: projectConditions(status['conditions']),
    succeeded: asNumber(status['succeeded']),
    failed: asNumber(status['failed']),
    suspended: spec['suspend'] === true ? true : undefined,
    owner: controllerOwner(metadata['ownerReferences']),
    // Jobs have no observedGeneration: the Job controller acts on every generation at once.
    observedGeneration: asNumber(metadata['generation']),
  });
}

export function projectCronJob(raw: unknown): WorkloadProjection {
  const workload = parts(raw);
  const { metadata, spec, status } = workload;
  const jobSpec = asRecord(asRecord(spec['jobTemplate'])['spec']);
  return compact<WorkloadProjection>({
    ...common('CronJob', workload, asRecord(jobSpec['template'])),
    // A CronJob's selector lives on the Jobs it creates, not on the CronJob.
    selector: {},
    desired: 0,
    ready: 0,
    available: asArray(status['active']).length,
    updated: 0,
    conditions: [],
    schedule: asString(spec['schedule']) ?? '',
    suspended: spec['suspend'] === true,
    lastScheduleTime: asTimestamp(status['lastScheduleTime']),
    owner: controllerOwner(metadata['ownerReferences']),
    observedGeneration: asNumber(metadata['generation']),
  });
}
