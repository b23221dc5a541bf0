/**
 * The ReplicaSet controller: keeps spec.replicas pods of the template (none while the ReplicaSet is
 * being deleted), reports how many are ready, and how many available (ready for minReadySeconds).
 */
import type { PodObject } from '../k8s-types.js';
import type { ReplicaSetObject } from '../object-types.js';
import { objectKey } from '../resources.js';
import { controlled, isActive, isReady, writeStatus, type ControllerContext } from './context.js';
import { createControlledPod, deleteControlledPod } from './pods.js';

/** Which pods go first when scaling down: unscheduled, then pending, then not ready, then newest. */
function deletionRank(pod: PodObject): number {
  if (pod.spec.nodeName === undefined) return 0;
  if (pod.status.phase === 'Pending') return 1;
  if (!isReady(pod)) return 2;
  return 3;
}

export function reconcileReplicaSet(context: ControllerContext, namespace: string, name: string): void {
  const replicaSet = context.store.get('replicasets', objectKey(namespace, name));
  if (replicaSet === undefined) return;
  let pods = controlled(context.store, 'pods', replicaSet).filter(isActive);
  const missing = replicaSet.metadata.deletionTimestamp === undefined ? replicaSet.spec.replicas - pods.length : 0;
  if (missing > 0) {
    const hash = replicaSet.metadata.labels?.['pod-template-hash'];
    for (let index = 0; index < missing; index += 1) {
      createControlledPod(context, replicaSet, {
        generateName: `${replicaSet.metadata.name}-`,
        template: replicaSet.spec.template,
        ...(hash === undefined ? {} : { labels: { 'pod-template-hash': hash } }),
      });
    }
  } else if (missing < 0) {
    const doomed = [...pods]
      .sort((left, right) => deletionRank(left) - deletionRank(right) || right.metadata.creationTimestamp.localeCompare(left.metadata.creationTimestamp))
      .slice(0, -missing);
    for (const pod of doomed) deleteControlledPod(context, replicaSet, pod);
  }
  const current = context.store.get('replicasets', objectKey(namespace, name));
  if (current === undefined) return;
  pods = controlled(context.store, 'pods', current).filter(isActive);
  const ready = pods.filter(isReady);
  const available = availableCount(context, current, ready);
  const status: ReplicaSetObject['status'] = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready.length,
    availableReplicas: available,
    observedGeneration: current.metadata.generation ?? 1,
  };
  writeStatus(context.store, 'replicasets', current, status);
}

/** Ready pods that have been ready for minReadySeconds; looks again when the next one will be. */
function availableCount(context: ControllerContext, replicaSet: ReplicaSetObject, ready: readonly PodObject[]): number {
  const minReadyMs = (replicaSet.spec.minReadySeconds ?? 0) * context.pace.secondMs;
  if (minReadyMs <= 0 || context.instant) return ready.length;
  const now = Date.now();
  let available = 0;
  let nextDue = Number.POSITIVE_INFINITY;
  for (const pod of ready) {
    const since = Date.parse(pod.status.conditions.find((condition) => condition.type === 'Ready')?.lastTransitionTime ?? '') || now;
    if (since + minReadyMs <= now) available += 1;
    else nextDue = Math.min(nextDue, since + minReadyMs - now);
  }
  if (Number.isFinite(nextDue)) context.requeueAfter('replicasets', objectKey(replicaSet.metadata.namespace, replicaSet.metadata.name), nextDue + 1);
  return available;
}
