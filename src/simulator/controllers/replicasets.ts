/** The ReplicaSet controller: keeps spec.replicas pods of the template, reports their readiness. */
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
  const missing = replicaSet.spec.replicas - pods.length;
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
  const ready = pods.filter(isReady).length;
  const status: ReplicaSetObject['status'] = {
    replicas: pods.length,
    fullyLabeledReplicas: pods.length,
    readyReplicas: ready,
    availableReplicas: ready,
    observedGeneration: current.metadata.generation ?? 1,
  };
  writeStatus(context.store, 'replicasets', current, status);
}
