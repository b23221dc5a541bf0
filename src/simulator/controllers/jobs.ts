/**
 * The Job controller (pods run to completion; failures retried up to backoffLimit; conditions
 * Complete/Failed) and the CronJob controller (a run creates a Job; finished Jobs beyond the
 * history limits are removed). CronJobs run when triggered: there is no wall-clock scheduler.
 */
import { randomUUID } from 'node:crypto';
import type { CronJobObject, JobObject, ObjectReference } from '../object-types.js';
import { objectKey } from '../resources.js';
import { condition, controlled, isActive, isReady, ownerReference, referenceTo, writeStatus, type ControllerContext } from './context.js';
import { createControlledPod, deleteControlledPod } from './pods.js';

function finished(job: JobObject): 'Complete' | 'Failed' | undefined {
  for (const type of ['Complete', 'Failed'] as const) {
    if (job.status.conditions?.some((entry) => entry.type === type && entry.status === 'True') === true) return type;
  }
  return undefined;
}

export function reconcileJob(context: ControllerContext, namespace: string, name: string): void {
  const key = objectKey(namespace, name);
  const job = context.store.get('jobs', key);
  if (job === undefined) return;
  const pods = controlled(context.store, 'pods', job);
  const succeeded = pods.filter((pod) => pod.status.phase === 'Succeeded').length;
  const failed = pods.filter((pod) => pod.status.phase === 'Failed').length;
  const active = pods.filter(isActive);
  const at = new Date().toISOString();
  let outcome = finished(job);
  const source = { component: 'job-controller' };
  if (outcome === undefined) {
    if (succeeded >= job.spec.completions) {
      outcome = 'Complete';
      if (!context.instant) context.events.record({ involvedObject: job, reason: 'Completed', message: 'Job completed', source });
    } else if (failed > job.spec.backoffLimit) {
      outcome = 'Failed';
      if (!context.instant)
        context.events.record({ involvedObject: job, reason: 'BackoffLimitExceeded', message: 'Job has reached the specified backoff limit', type: 'Warning', source });
    }
  }
  if (job.metadata.deletionTimestamp !== undefined) {
    // Being deleted: the garbage collector takes the pods; no new ones.
  } else if (outcome !== undefined || job.spec.suspend) {
    for (const pod of active) deleteControlledPod(context, job, pod);
  } else {
    const wanted = Math.min(job.spec.parallelism, job.spec.completions - succeeded) - active.length;
    for (let index = 0; index < wanted; index += 1) {
      active.push(createControlledPod(context, job, { generateName: `${job.metadata.name}-`, template: job.spec.template }));
    }
  }
  const current = context.store.get('jobs', key);
  if (current === undefined) return;
  // Pods created just now in settled (seeding) mode are already finished: count again.
  const counted = controlled(context.store, 'pods', current);
  const nowSucceeded = counted.filter((pod) => pod.status.phase === 'Succeeded').length;
  const nowFailed = counted.filter((pod) => pod.status.phase === 'Failed').length;
  if (outcome === undefined && nowSucceeded >= current.spec.completions) outcome = 'Complete';
  const nowActive = counted.filter(isActive);
  const conditions =
    outcome === undefined
      ? current.status.conditions
      : outcome === 'Complete'
        ? [
            condition(current.status.conditions, 'SuccessCriteriaMet', true, 'CompletionsReached', 'Reached expected number of succeeded pods', at),
            condition(current.status.conditions, 'Complete', true, 'CompletionsReached', 'Reached expected number of succeeded pods', at),
          ]
        : [
            condition(current.status.conditions, 'FailureTarget', true, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', at),
            condition(current.status.conditions, 'Failed', true, 'BackoffLimitExceeded', 'Job has reached the specified backoff limit', at),
          ];
  const status: JobObject['status'] = {
    ...(nowActive.length > 0 ? { active: nowActive.length } : {}),
    ...(nowSucceeded > 0 ? { succeeded: nowSucceeded } : {}),
    ...(nowFailed > 0 ? { failed: nowFailed } : {}),
    ready: nowActive.filter(isReady).length,
    terminating: 0,
    startTime: current.status.startTime ?? (context.instant ? current.metadata.creationTimestamp : at),
    ...(outcome === 'Complete' ? { completionTime: current.status.completionTime ?? at } : {}),
    ...(conditions === undefined
      ? {}
      : {
          conditions: conditions.map((entry) => ({
            type: entry.type,
            status: entry.status,
            lastProbeTime: entry.lastTransitionTime ?? at,
            lastTransitionTime: entry.lastTransitionTime ?? at,
            reason: entry.reason ?? '',
            message: entry.message ?? '',
          })),
        }),
  };
  writeStatus(context.store, 'jobs', current, status);
}

/** Starts a run of a CronJob now: the Job its schedule would have created. */
export function triggerCronJob(context: ControllerContext, namespace: string, name: string, at = new Date()): JobObject {
  const cronJob = context.store.get('cronjobs', objectKey(namespace, name));
  if (cronJob === undefined) throw new Error(`cronjobs.batch "${name}" not found in namespace "${namespace}"`);
  if (cronJob.spec.suspend) throw new Error(`cronjobs.batch "${name}" is suspended`);
  // Named by the scheduled time in minutes, as the controller does; a later run in the same minute counts on.
  let minutes = Math.floor(at.getTime() / 60_000);
  while (context.store.get('jobs', objectKey(namespace, `${name}-${minutes}`)) !== undefined) minutes += 1;
  const jobName = `${name}-${minutes}`;
  const uid = randomUUID();
  const template = structuredClone(cronJob.spec.jobTemplate.spec.template);
  const controllerLabels = { 'batch.kubernetes.io/controller-uid': uid, 'batch.kubernetes.io/job-name': jobName, 'controller-uid': uid, 'job-name': jobName };
  template.metadata.labels = { ...template.metadata.labels, ...controllerLabels };
  const job: JobObject = {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: {
      name: jobName,
      namespace,
      uid,
      resourceVersion: '',
      creationTimestamp: at.toISOString(),
      generation: 1,
      labels: { ...cronJob.spec.jobTemplate.metadata?.labels },
      annotations: { ...cronJob.spec.jobTemplate.metadata?.annotations, 'batch.kubernetes.io/cronjob-scheduled-timestamp': at.toISOString() },
      ownerReferences: [ownerReference(cronJob)],
    },
    spec: { ...structuredClone(cronJob.spec.jobTemplate.spec), selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } }, manualSelector: false, template },
    status: {},
  };
  const created = context.store.create('jobs', job);
  context.store.update('cronjobs', objectKey(namespace, name), (draft) => {
    draft.status.active = [...(draft.status.active ?? []), jobReference(created)];
    draft.status.lastScheduleTime = at.toISOString();
  });
  if (!context.instant)
    context.events.record({ involvedObject: cronJob, reason: 'SuccessfulCreate', message: `Created job ${jobName}`, source: { component: 'cronjob-controller' } });
  return created;
}

function jobReference(job: JobObject): ObjectReference {
  // Without resourceVersion: the reference must not change each time the Job's status does.
  const { resourceVersion: _ignored, ...reference } = referenceTo(job);
  return reference;
}

export function reconcileCronJob(context: ControllerContext, namespace: string, name: string): void {
  const cronJob = context.store.get('cronjobs', objectKey(namespace, name));
  if (cronJob === undefined) return;
  const jobs = controlled(context.store, 'jobs', cronJob).sort((left, right) => left.metadata.creationTimestamp.localeCompare(right.metadata.creationTimestamp));
  const source = { component: 'cronjob-controller' };
  const wasActive = new Set((cronJob.status.active ?? []).map((reference) => reference.uid));
  for (const job of jobs) {
    const outcome = finished(job);
    if (outcome !== undefined && wasActive.has(job.metadata.uid) && !context.instant) {
      context.events.record({ involvedObject: cronJob, reason: 'SawCompletedJob', message: `Saw completed job: ${job.metadata.name}, status: ${outcome}`, source });
    }
  }
  const prune = (outcome: 'Complete' | 'Failed', limit: number) => {
    const done = jobs.filter((job) => finished(job) === outcome);
    for (const job of done.slice(0, Math.max(0, done.length - limit))) {
      context.store.delete('jobs', objectKey(namespace, job.metadata.name));
      if (!context.instant) context.events.record({ involvedObject: cronJob, reason: 'SuccessfulDelete', message: `Deleted job ${job.metadata.name}`, source });
    }
  };
  prune('Complete', cronJob.spec.successfulJobsHistoryLimit);
  prune('Failed', cronJob.spec.failedJobsHistoryLimit);
  const active = jobs.filter((job) => finished(job) === undefined && context.store.get('jobs', objectKey(namespace, job.metadata.name)) !== undefined);
  const lastSuccess = jobs
    .filter((job) => finished(job) === 'Complete')
    .map((job) => job.status.completionTime)
    .filter((time): time is string => time !== undefined)
    .sort()
    .at(-1);
  const status: CronJobObject['status'] = {
    ...(active.length > 0 ? { active: active.map(jobReference) } : {}),
    ...(cronJob.status.lastScheduleTime === undefined ? {} : { lastScheduleTime: cronJob.status.lastScheduleTime }),
    ...(lastSuccess === undefined
      ? cronJob.status.lastSuccessfulTime === undefined
        ? {}
        : { lastSuccessfulTime: cronJob.status.lastSuccessfulTime }
      : { lastSuccessfulTime: lastSuccess }),
  };
  writeStatus(context.store, 'cronjobs', cronJob, status);
}
