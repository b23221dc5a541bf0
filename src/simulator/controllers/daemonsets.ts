/**
 * The DaemonSet controller: one pod on every node whose taints the pod tolerates (and whose labels
 * fit its nodeSelector), bound to the node directly; template changes roll one node at a time.
 */
import type { PodObject, Toleration } from '../k8s-types.js';
import type { DaemonSetObject, PodTemplateObject } from '../object-types.js';
import { objectKey } from '../resources.js';
import { canonicalJson, controlled, isActive, isReady, resolveIntOrPercent, shortHash, writeStatus, type ControllerContext } from './context.js';
import { createControlledPod, deleteControlledPod } from './pods.js';

/** Tolerations the DaemonSet controller adds to every pod it makes. */
const DAEMON_TOLERATIONS: Toleration[] = [
  { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
  { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
  { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
];

export function daemonSetRevision(daemonSet: DaemonSetObject): string {
  return shortHash(canonicalJson(daemonSet.spec.template), 10);
}

function template(daemonSet: DaemonSetObject): PodTemplateObject {
  const copy = structuredClone(daemonSet.spec.template);
  const own = copy.spec.tolerations ?? [];
  copy.spec.tolerations = [...own, ...DAEMON_TOLERATIONS.filter((extra) => !own.some((toleration) => toleration.key === extra.key))];
  return copy;
}

export function reconcileDaemonSet(context: ControllerContext, namespace: string, name: string): void {
  const key = objectKey(namespace, name);
  const daemonSet = context.store.get('daemonsets', key);
  if (daemonSet === undefined) return;
  const revision = daemonSetRevision(daemonSet);
  const podTemplate = template(daemonSet);
  const wanted = new Set(context.state.nodeNames().filter((node) => context.state.daemonPodFits(node, podTemplate.spec.tolerations, podTemplate.spec.nodeSelector)));
  const byNode = new Map<string, PodObject[]>();
  const pods = controlled(context.store, 'pods', daemonSet).filter(isActive);
  for (const pod of pods) {
    const node = pod.spec.nodeName ?? '';
    byNode.set(node, [...(byNode.get(node) ?? []), pod]);
  }
  const deleting = daemonSet.metadata.deletionTimestamp !== undefined;
  for (const [node, onNode] of deleting ? [] : byNode) {
    // Off a node it no longer belongs on, or a duplicate on one node.
    const keep = wanted.has(node) ? 1 : 0;
    for (const pod of onNode.slice(keep)) deleteControlledPod(context, daemonSet, pod);
  }
  for (const node of wanted) {
    if (byNode.has(node) || deleting) continue;
    createControlledPod(context, daemonSet, {
      generateName: `${daemonSet.metadata.name}-`,
      template: podTemplate,
      nodeName: node,
      labels: { 'controller-revision-hash': revision, 'pod-template-generation': String(daemonSet.metadata.generation ?? 1) },
      ...(context.instant ? { createdAt: new Date(daemonSet.metadata.creationTimestamp) } : {}),
    });
  }
  if (daemonSet.spec.updateStrategy.type === 'RollingUpdate' && !deleting) {
    const live = controlled(context.store, 'pods', daemonSet).filter(isActive);
    const unavailable = [...wanted].filter((node) => !live.some((pod) => pod.spec.nodeName === node && isReady(pod))).length;
    const allowed = context.instant
      ? Number.POSITIVE_INFINITY
      : Math.max(1, resolveIntOrPercent(daemonSet.spec.updateStrategy.rollingUpdate?.maxUnavailable, wanted.size, true, 1)) - unavailable;
    const outdated = live.filter((pod) => pod.metadata.labels?.['controller-revision-hash'] !== revision);
    for (const pod of outdated.slice(0, Math.max(0, allowed))) deleteControlledPod(context, daemonSet, pod);
    // Their replacements come with the next pass, which the deletions trigger.
  }

  const current = context.store.get('daemonsets', key);
  if (current === undefined) return;
  const live = controlled(context.store, 'pods', current).filter(isActive);
  const scheduled = live.filter((pod) => wanted.has(pod.spec.nodeName ?? ''));
  const ready = scheduled.filter(isReady).length;
  const status: DaemonSetObject['status'] = {
    currentNumberScheduled: scheduled.length,
    numberMisscheduled: live.length - scheduled.length,
    desiredNumberScheduled: wanted.size,
    numberReady: ready,
    observedGeneration: current.metadata.generation ?? 1,
    updatedNumberScheduled: scheduled.filter((pod) => pod.metadata.labels?.['controller-revision-hash'] === revision).length,
    numberAvailable: ready,
    ...(wanted.size - ready > 0 ? { numberUnavailable: wanted.size - ready } : {}),
  };
  writeStatus(context.store, 'daemonsets', current, status);
}
