/** Creating and deleting a controller's pods, with the events the real components record. */
import type { PodObject } from '../k8s-types.js';
import type { KubeObject, PodTemplateObject } from '../object-types.js';
import { EXIT_CODE_ANNOTATION, isCrashingImage } from './kubelet.js';
import { ownerReference, type ControllerContext } from './context.js';

export interface NewPod {
  readonly name?: string;
  readonly generateName?: string;
  readonly labels?: Record<string, string>;
  readonly nodeName?: string;
  readonly template: PodTemplateObject;
  readonly createdAt?: Date;
}

function controllerName(owner: KubeObject): string {
  return `${owner.kind.toLowerCase()}-controller`;
}

export function createControlledPod(context: ControllerContext, owner: KubeObject, pod: NewPod): PodObject {
  const runsToCompletion = (pod.template.spec.restartPolicy ?? 'Always') !== 'Always';
  const exitCode = Number(pod.template.metadata.annotations?.[EXIT_CODE_ANNOTATION] ?? 0);
  const settled = runsToCompletion ? (exitCode === 0 ? 'Succeeded' : 'Failed') : 'Running';
  // A crashing image never settles: even seeded, its pods start live and crash-loop.
  const crashes = pod.template.spec.containers.some((container) => isCrashingImage(container.image));
  if (context.instant && crashes) {
    const created = context.state.createPodFromTemplate({
      namespace: owner.metadata.namespace ?? 'default',
      ...(pod.name === undefined ? {} : { name: pod.name }),
      ...(pod.generateName === undefined ? {} : { generateName: pod.generateName }),
      template: pod.template,
      ...(pod.labels === undefined ? {} : { labels: pod.labels }),
      owner: ownerReference(owner),
      ...(pod.nodeName === undefined ? {} : { nodeName: pod.nodeName }),
      phase: 'Pending',
    });
    context.kubelet.startSoon(created);
    return created;
  }
  const created = context.state.createPodFromTemplate({
    namespace: owner.metadata.namespace ?? 'default',
    ...(pod.name === undefined ? {} : { name: pod.name }),
    ...(pod.generateName === undefined ? {} : { generateName: pod.generateName }),
    template: pod.template,
    ...(pod.labels === undefined ? {} : { labels: pod.labels }),
    owner: ownerReference(owner),
    ...(pod.nodeName === undefined ? {} : { nodeName: pod.nodeName }),
    phase: context.instant ? settled : 'Pending',
    // Seeded pods are as old as their owner; live ones are new.
    ...(pod.createdAt === undefined ? (context.instant ? { createdAt: new Date(owner.metadata.creationTimestamp) } : {}) : { createdAt: pod.createdAt }),
  });
  if (context.instant) return created;
  context.events.record({ involvedObject: owner, reason: 'SuccessfulCreate', message: `Created pod: ${created.metadata.name}`, source: { component: controllerName(owner) } });
  const nodeName = created.spec.nodeName;
  if (nodeName === undefined) {
    const message = created.status.conditions.find((condition) => condition.type === 'PodScheduled')?.message ?? 'no nodes available';
    context.events.record({ involvedObject: created, reason: 'FailedScheduling', message, type: 'Warning', source: { component: 'default-scheduler' } });
  } else {
    context.events.record({
      involvedObject: created,
      reason: 'Scheduled',
      message: `Successfully assigned ${created.metadata.namespace}/${created.metadata.name} to ${nodeName}`,
      source: { component: 'default-scheduler' },
    });
    context.kubelet.startSoon(created);
  }
  return created;
}

export function deleteControlledPod(context: ControllerContext, owner: KubeObject | undefined, pod: PodObject): void {
  if (!context.instant) {
    for (const container of pod.spec.containers) {
      context.events.record({
        involvedObject: {
          apiVersion: 'v1',
          kind: 'Pod',
          name: pod.metadata.name,
          namespace: pod.metadata.namespace,
          uid: pod.metadata.uid,
          fieldPath: `spec.containers{${container.name}}`,
        },
        reason: 'Killing',
        message: `Stopping container ${container.name}`,
        source: { component: 'kubelet', ...(pod.spec.nodeName === undefined ? {} : { host: pod.spec.nodeName }) },
      });
    }
    if (owner !== undefined) {
      context.events.record({ involvedObject: owner, reason: 'SuccessfulDelete', message: `Deleted pod: ${pod.metadata.name}`, source: { component: controllerName(owner) } });
    }
  }
  context.state.deletePod(pod.metadata.namespace, pod.metadata.name);
}
