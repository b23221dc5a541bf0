/**
 * Pod status as a kubelet would report it for each lifecycle step. Each function mutates a draft
 * pod (inside `updatePod` or while building a new one).
 */
import { createHash } from 'node:crypto';
import type { Condition, ContainerStatus, PodObject, PodPhase } from './k8s-types.js';

function condition(type: string, ok: boolean, at: string, reason?: string): Condition {
  return { type, status: ok ? 'True' : 'False', lastProbeTime: null, lastTransitionTime: at, ...(reason === undefined ? {} : { reason }) };
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function containerStatus(pod: PodObject, index: number, restartCount: number): ContainerStatus {
  const container = pod.spec.containers[index];
  const name = container?.name ?? `container-${index}`;
  const image = container?.image ?? 'unknown';
  return {
    name,
    image,
    imageID: `${image.split(':')[0] ?? image}@sha256:${digest(image)}`,
    ready: false,
    started: false,
    restartCount,
    state: {},
    lastState: {},
  };
}

/**
 * Init containers as kubelet reports them once it starts a pod: the simulator runs them in no time,
 * so a pod past Pending has them all terminated (Completed); before, they wait.
 */
function initContainerStatuses(pod: PodObject, phase: PodPhase, at: string): ContainerStatus[] {
  return (pod.spec.initContainers ?? []).map((container) => {
    const image = container.image;
    const done = phase !== 'Pending';
    return {
      name: container.name,
      image,
      imageID: `${image.split(':')[0] ?? image}@sha256:${digest(image)}`,
      ...(done ? { containerID: `containerd://${digest(`${pod.metadata.uid}/init/${container.name}`)}` } : {}),
      ready: done,
      started: false,
      restartCount: 0,
      state: done ? { terminated: { exitCode: 0, reason: 'Completed', startedAt: pod.status.startTime ?? at, finishedAt: at } } : { waiting: { reason: 'PodInitializing' } },
      lastState: {},
    };
  });
}

/** Not yet placed on a node: no node has room (or none is schedulable). */
export function markUnschedulable(pod: PodObject, at: string, message: string): void {
  pod.status = {
    phase: 'Pending',
    conditions: [{ ...condition('PodScheduled', false, at, 'Unschedulable'), message }],
    qosClass: pod.status.qosClass ?? 'Burstable',
  };
}

/**
 * Moves a pod to `phase` on its node. `hostIP`/`podIP` are only kept once the pod runs, as kubelet
 * reports them then.
 */
export function setPodPhase(pod: PodObject, phase: PodPhase, at: string, addresses?: { hostIP: string; podIP: string }, notReady: ReadonlySet<string> = new Set()): void {
  const previous = pod.status.containerStatuses ?? [];
  const restarts = (index: number) => previous[index]?.restartCount ?? 0;
  const statuses = pod.spec.containers.map((_container, index) => containerStatus(pod, index, restarts(index)));
  const hostIP = addresses?.hostIP ?? pod.status.hostIP;
  const podIP = addresses?.podIP ?? pod.status.podIP;
  const running = phase === 'Running';
  const finished = phase === 'Succeeded' || phase === 'Failed';
  for (const [index, status] of statuses.entries()) {
    status.containerID = `containerd://${digest(`${pod.metadata.uid}/${status.name}/${restarts(index)}`)}`;
    if (running) {
      status.ready = !notReady.has(status.name);
      status.started = true;
      status.state = { running: { startedAt: at } };
    } else if (finished) {
      const failed = phase === 'Failed';
      status.state = {
        terminated: { exitCode: failed ? 1 : 0, reason: failed ? 'Error' : 'Completed', startedAt: pod.status.startTime ?? at, finishedAt: at },
      };
    } else {
      delete status.containerID;
      status.state = { waiting: { reason: 'ContainerCreating' } };
    }
    status.lastState = previous[index]?.lastState ?? {};
  }
  const ready = running && statuses.every((status) => status.ready);
  // Once completed, init containers stay so (a finished pod does not run them again).
  const initStatuses =
    pod.status.initContainerStatuses?.every((status) => status.state.terminated !== undefined) === true ? pod.status.initContainerStatuses : initContainerStatuses(pod, phase, at);
  const initialized = initStatuses.every((status) => status.state.terminated !== undefined);
  pod.status = {
    phase,
    conditions: [
      condition('PodReadyToStartContainers', running || finished, at),
      condition('Initialized', initialized, at, initialized ? undefined : 'ContainersNotInitialized'),
      condition('Ready', ready, at, ready ? undefined : finished ? 'PodCompleted' : 'ContainersNotReady'),
      condition('ContainersReady', ready, at, ready ? undefined : finished ? 'PodCompleted' : 'ContainersNotReady'),
      condition('PodScheduled', true, at),
    ],
    ...(hostIP === undefined ? {} : { hostIP }),
    ...(podIP === undefined || phase === 'Pending' ? {} : { podIP, podIPs: [{ ip: podIP }] }),
    startTime: pod.status.startTime ?? at,
    qosClass: pod.status.qosClass ?? 'Burstable',
    ...(initStatuses.length > 0 ? { initContainerStatuses: initStatuses } : {}),
    containerStatuses: statuses,
  };
}

/** A container exited and kubelet started it again: restartCount + 1, last state terminated. */
export function restartContainer(pod: PodObject, at: string, containerName?: string, reason = 'Error'): void {
  const statuses = pod.status.containerStatuses ?? [];
  const status = containerName === undefined ? statuses[0] : statuses.find((entry) => entry.name === containerName);
  if (status === undefined) return;
  const startedAt = status.state.running?.startedAt ?? at;
  status.lastState = { terminated: { exitCode: reason === 'OOMKilled' ? 137 : 1, reason, startedAt, finishedAt: at } };
  status.restartCount += 1;
  status.containerID = `containerd://${digest(`${pod.metadata.uid}/${status.name}/${status.restartCount}`)}`;
  status.state = { running: { startedAt: at } };
  status.ready = true;
  status.started = true;
}

/** Ready and ContainersReady from the containers' readiness; transition times move only on a change. */
export function refreshReadiness(pod: PodObject, at: string): void {
  const statuses = pod.status.containerStatuses ?? [];
  const ready = pod.status.phase === 'Running' && statuses.length > 0 && statuses.every((status) => status.ready);
  const notReady = statuses.filter((status) => !status.ready).map((status) => status.name);
  for (const type of ['Ready', 'ContainersReady']) {
    const entry = pod.status.conditions.find((candidate) => candidate.type === type);
    if (entry === undefined || (entry.status === 'True') === ready) continue;
    entry.status = ready ? 'True' : 'False';
    entry.lastTransitionTime = at;
    if (ready) {
      delete entry.reason;
      delete entry.message;
    } else {
      entry.reason = 'ContainersNotReady';
      entry.message = `containers with unready status: [${notReady.join(' ')}]`;
    }
  }
}

/** A container passed its readiness check. */
export function markContainerReady(pod: PodObject, containerName: string, at: string): void {
  const status = pod.status.containerStatuses?.find((entry) => entry.name === containerName);
  if (status === undefined || status.state.running === undefined) return;
  status.ready = true;
  refreshReadiness(pod, at);
}

/** A container exited with an error and kubelet backs off before starting it again (CrashLoopBackOff). */
export function crashContainer(pod: PodObject, containerName: string, at: string, backOffSeconds: number): void {
  const status = pod.status.containerStatuses?.find((entry) => entry.name === containerName);
  if (status === undefined) return;
  const startedAt = status.state.running?.startedAt ?? at;
  status.lastState = { terminated: { exitCode: 1, reason: 'Error', startedAt, finishedAt: at } };
  status.restartCount += 1;
  status.ready = false;
  status.started = false;
  status.state = {
    waiting: {
      reason: 'CrashLoopBackOff',
      message: `back-off ${formatSeconds(backOffSeconds)} restarting failed container=${containerName} pod=${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
    },
  };
  refreshReadiness(pod, at);
}

/** kubelet started the crashed container again; it runs (not ready) until it fails once more. */
export function restartCrashedContainer(pod: PodObject, containerName: string, at: string): void {
  const status = pod.status.containerStatuses?.find((entry) => entry.name === containerName);
  if (status === undefined) return;
  status.containerID = `containerd://${digest(`${pod.metadata.uid}/${status.name}/${status.restartCount}`)}`;
  status.state = { running: { startedAt: at } };
  status.started = true;
  status.ready = false;
  refreshReadiness(pod, at);
}

function formatSeconds(seconds: number): string {
  return seconds >= 60 ? `${Math.floor(seconds / 60)}m${seconds % 60}s` : `${seconds}s`;
}
