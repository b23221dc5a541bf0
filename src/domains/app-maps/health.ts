/**
 * Health of the objects of a map, judged the way operators know it from GitOps tools (Argo CD's
 * gitops-engine, pkg/health; kubectl's rollout status): pure functions of the cached projections.
 * Reasons name no counter that moves without news (restart counts), so a stream that reports
 * changes of verdict and reason stays quiet while nothing changes.
 */
import type { MapClaim, MapPod, MapService, MapWorkload } from './objects.js';

export const HEALTH_STATUSES = ['HEALTHY', 'SUSPENDED', 'PROGRESSING', 'MISSING', 'DEGRADED'] as const;
/** In order from best to worst: a map takes the worst of its objects. */
export type HealthStatus = (typeof HEALTH_STATUSES)[number];

export interface Health {
  readonly status: HealthStatus;
  /** Why, in words; null when healthy with nothing to say. */
  readonly reason: string | null;
}

export const HEALTHY: Health = Object.freeze({ status: 'HEALTHY', reason: null });

function health(status: HealthStatus, reason: string | null = null): Health {
  return { status, reason };
}

export function severity(status: HealthStatus): number {
  return HEALTH_STATUSES.indexOf(status);
}

export function isWorse(candidate: HealthStatus, than: HealthStatus): boolean {
  return severity(candidate) > severity(than);
}

function condition(workload: MapWorkload, type: string) {
  return workload.conditions.find((entry) => entry.type === type);
}

function withMessage(text: string, message: string | undefined): string {
  return message === undefined || message === '' ? text : `${text}: ${message}`;
}

/** kubectl rollout status for Deployments, with Argo CD's verdicts: paused, deadline exceeded, rolling, done. */
export function deploymentHealth(deployment: MapWorkload): Health {
  if (deployment.paused === true) return health('SUSPENDED', 'the Deployment is paused');
  if (deployment.generation > deployment.observedGeneration)
    return health('PROGRESSING', 'waiting for the rollout to start: the controller has not observed the latest change yet');
  const progressing = condition(deployment, 'Progressing');
  if (progressing?.reason === 'ProgressDeadlineExceeded') return health('DEGRADED', withMessage('the rollout exceeded its progress deadline', progressing.message));
  if (deployment.updated < deployment.desired) return health('PROGRESSING', `rolling out: ${deployment.updated} of ${deployment.desired} replicas updated`);
  const total = deployment.totalReplicas;
  if (total !== undefined && total > deployment.updated) return health('PROGRESSING', `rolling out: ${total - deployment.updated} old replicas pending termination`);
  if (deployment.available < deployment.updated) return health('PROGRESSING', `rolling out: ${deployment.available} of ${deployment.updated} updated replicas available`);
  return HEALTHY;
}

/** StatefulSets by ready and updated pods, per update strategy (OnDelete, partitioned RollingUpdate, RollingUpdate). */
export function statefulSetHealth(statefulSet: MapWorkload): Health {
  if (statefulSet.observedGeneration === 0 || statefulSet.generation > statefulSet.observedGeneration)
    return health('PROGRESSING', 'waiting for the controller to observe the latest change');
  if (statefulSet.ready < statefulSet.desired) return health('PROGRESSING', `${statefulSet.ready} of ${statefulSet.desired} pods ready`);
  if (statefulSet.updateStrategy === 'OnDelete') return HEALTHY;
  const partition = statefulSet.partition ?? 0;
  if (partition > 0) {
    const toUpdate = Math.max(0, statefulSet.desired - partition);
    return statefulSet.updated < toUpdate ? health('PROGRESSING', `partitioned rollout: ${statefulSet.updated} of ${toUpdate} pods updated`) : HEALTHY;
  }
  const { currentRevision, updateRevision } = statefulSet;
  if (currentRevision !== undefined && updateRevision !== undefined && currentRevision !== updateRevision)
    return health('PROGRESSING', `rolling update: ${statefulSet.updated} of ${statefulSet.desired} pods at revision ${updateRevision}`);
  return HEALTHY;
}

/** DaemonSets by updated and available pods; OnDelete ones only replace pods that are deleted. */
export function daemonSetHealth(daemonSet: MapWorkload): Health {
  if (daemonSet.generation > daemonSet.observedGeneration) return health('PROGRESSING', 'waiting for the controller to observe the latest change');
  if (daemonSet.updateStrategy === 'OnDelete') return HEALTHY;
  if (daemonSet.updated < daemonSet.desired) return health('PROGRESSING', `rolling out: ${daemonSet.updated} of ${daemonSet.desired} pods updated`);
  if (daemonSet.available < daemonSet.desired) return health('PROGRESSING', `rolling out: ${daemonSet.available} of ${daemonSet.desired} pods available`);
  return HEALTHY;
}

/** A Job by its conditions: Failed, Complete, Suspended; running until one holds. */
export function jobHealth(job: MapWorkload): Health {
  const holds = (type: string) => condition(job, type)?.status === 'True';
  if (holds('Failed')) return health('DEGRADED', withMessage('the Job failed', condition(job, 'Failed')?.message ?? condition(job, 'Failed')?.reason));
  if (holds('Complete')) return HEALTHY;
  if (holds('Suspended') || job.suspended === true) return health('SUSPENDED', 'the Job is suspended');
  return health('PROGRESSING', 'the Job is running');
}

export function cronJobHealth(cronJob: MapWorkload): Health {
  return cronJob.suspended === true ? health('SUSPENDED', 'the CronJob is suspended') : HEALTHY;
}

export function workloadHealth(workload: MapWorkload): Health {
  switch (workload.kind) {
    case 'Deployment':
      return deploymentHealth(workload);
    case 'StatefulSet':
      return statefulSetHealth(workload);
    case 'DaemonSet':
      return daemonSetHealth(workload);
    case 'Job':
      return jobHealth(workload);
    case 'CronJob':
      return cronJobHealth(workload);
    default:
      return HEALTHY;
  }
}

/** A waiting reason that will not clear by waiting: CrashLoopBackOff, ImagePullBackOff, ErrImagePull, CreateContainerConfigError… */
function isStuck(reason: string | undefined): boolean {
  return reason !== undefined && (reason.startsWith('Err') || reason.endsWith('Error') || reason.endsWith('BackOff'));
}

/**
 * Between two crashes kubelet runs the container again (running, not ready), then backs off
 * (waiting, CrashLoopBackOff): one reason for both, or the verdict would flap at every crash.
 */
function crashLooping(container: string): Health {
  return health('DEGRADED', `container ${container} is crash-looping`);
}

/**
 * A pod: stuck containers and failures degrade it; pending and not-yet-ready ones progress. Pods
 * of Jobs run to completion (their restart policy is not Always), so a waiting container there
 * may be a retry, and a running one is progress.
 */
export function podHealth(pod: MapPod): Health {
  if (pod.deletionTimestamp !== undefined) return health('PROGRESSING', 'terminating');
  const runsToCompletion = pod.owner?.kind === 'Job';
  if (!runsToCompletion) {
    const stuck = pod.containers.find((container) => container.state === 'waiting' && isStuck(container.reason));
    if (stuck?.reason === 'CrashLoopBackOff') return crashLooping(stuck.name);
    if (stuck !== undefined) return health('DEGRADED', `container ${stuck.name} is in ${stuck.reason ?? 'a stuck state'}`);
  }
  switch (pod.phase) {
    case 'Pending': {
      const waiting = pod.containers.find((container) => container.state === 'waiting' && container.reason !== undefined);
      return health('PROGRESSING', waiting === undefined ? 'pending' : `pending: container ${waiting.name} is ${waiting.reason}`);
    }
    case 'Succeeded':
      return HEALTHY;
    case 'Failed': {
      const failed = pod.containers.find((container) => container.state === 'terminated' && container.reason !== undefined);
      return health('DEGRADED', failed === undefined ? 'the pod failed' : `the pod failed: container ${failed.name} ${failed.reason}`);
    }
    case 'Running': {
      if (runsToCompletion) return health('PROGRESSING', 'running to completion');
      if (pod.ready) return HEALTHY;
      const restarted = pod.containers.find((container) => !container.ready && container.restartCount > 0);
      if (restarted !== undefined) return crashLooping(restarted.name);
      return health('PROGRESSING', 'not ready yet');
    }
    default:
      return health('DEGRADED', 'its state is unknown: its node may be unreachable');
  }
}

/** Only a LoadBalancer has something to wait for: its address. */
export function serviceHealth(service: MapService): Health {
  if (service.type !== 'LoadBalancer') return HEALTHY;
  return (service.loadBalancerIngress ?? []).length > 0 ? HEALTHY : health('PROGRESSING', 'waiting for a load balancer address');
}

export function claimHealth(claim: MapClaim): Health {
  switch (claim.phase) {
    case 'Bound':
      return HEALTHY;
    case 'Lost':
      return health('DEGRADED', 'the claim lost its volume');
    default:
      return health('PROGRESSING', 'waiting for a volume to be bound');
  }
}

export interface JudgedObject {
  readonly kind: string;
  readonly name: string;
  readonly health: Health;
}

/**
 * The worst of several objects, its reason naming the object ("Deployment web: rolling out…"); the
 * first object in the given order wins a tie. HEALTHY when there is nothing to judge.
 */
export function worstOf(objects: Iterable<JudgedObject>): Health {
  let worst: JudgedObject | undefined;
  for (const object of objects) {
    if (worst === undefined ? object.health.status !== 'HEALTHY' : isWorse(object.health.status, worst.health.status)) worst = object;
  }
  if (worst === undefined) return HEALTHY;
  return health(worst.health.status, `${worst.kind} ${worst.name}: ${worst.health.reason ?? worst.health.status.toLowerCase()}`);
}
