import type { AlertCondition } from './records.js';

/** What alerts read of a cluster's watch caches (the clusters domain's projections, narrowed). */
export interface AlertView {
  nodes(): ReadonlyArray<{
    readonly name: string;
    readonly ready: boolean;
    readonly conditions: ReadonlyArray<{ readonly type: string; readonly status: string; readonly message?: string | undefined; readonly reason?: string | undefined }>;
  }>;
  pods(): ReadonlyArray<{
    readonly namespace: string;
    readonly name: string;
    readonly containers: ReadonlyArray<{ readonly name: string; readonly restartCount: number; readonly reason?: string | undefined }>;
  }>;
  workloads(): ReadonlyArray<{
    readonly kind: string;
    readonly namespace: string;
    readonly name: string;
    readonly desired: number;
    readonly available: number;
    readonly conditions: ReadonlyArray<{ readonly type: string; readonly status: string; readonly reason?: string | undefined; readonly message?: string | undefined }>;
  }>;
}

const fingerprint = (kind: string, clusterId: string, namespace: string | null, name: string) => `${kind}/${clusterId}/${namespace ?? ''}/${name}`;

/**
 * The conditions a human must look at now, as the caches show them: a node not Ready; a pod with
 * a container in CrashLoopBackOff; a Deployment, StatefulSet or DaemonSet past its progress
 * deadline or with none of its wanted replicas available. A rollout in progress is not one: it
 * has replicas available, or its deadline has not passed.
 */
export function currentConditions(clusterId: string, view: AlertView): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  for (const node of view.nodes()) {
    if (node.ready) continue;
    const ready = node.conditions.find((condition) => condition.type === 'Ready');
    conditions.push({
      fingerprint: fingerprint('NODE_NOT_READY', clusterId, null, node.name),
      kind: 'NODE_NOT_READY',
      severity: 'CRITICAL',
      clusterId,
      namespace: null,
      objectKind: 'Node',
      objectName: node.name,
      message: `node ${node.name} is not Ready${ready?.message ? `: ${ready.message}` : ready?.reason ? `: ${ready.reason}` : ''}`,
    });
  }
  for (const pod of view.pods()) {
    const looping = pod.containers.filter((container) => container.reason === 'CrashLoopBackOff');
    if (looping.length === 0) continue;
    conditions.push({
      fingerprint: fingerprint('POD_CRASH_LOOPING', clusterId, pod.namespace, pod.name),
      kind: 'POD_CRASH_LOOPING',
      severity: 'WARNING',
      clusterId,
      namespace: pod.namespace,
      objectKind: 'Pod',
      objectName: pod.name,
      message: `pod ${pod.namespace}/${pod.name}: ${looping.map((container) => `container ${container.name} is crash-looping (${container.restartCount} restarts)`).join('; ')}`,
    });
  }
  for (const workload of view.workloads()) {
    if (!['Deployment', 'StatefulSet', 'DaemonSet'].includes(workload.kind) || workload.desired === 0) continue;
    const deadline = workload.conditions.find((condition) => condition.type === 'Progressing' && condition.status === 'False' && condition.reason === 'ProgressDeadlineExceeded');
    if (deadline === undefined && workload.available > 0) continue;
    conditions.push({
      fingerprint: fingerprint('WORKLOAD_UNAVAILABLE', clusterId, workload.namespace, `${workload.kind}/${workload.name}`),
      kind: 'WORKLOAD_UNAVAILABLE',
      severity: workload.available === 0 ? 'CRITICAL' : 'WARNING',
      clusterId,
      namespace: workload.namespace,
      objectKind: workload.kind,
      objectName: workload.name,
      message:
        deadline !== undefined
          ? `${workload.kind} ${workload.namespace}/${workload.name}: ${deadline.message ?? 'progress deadline exceeded'} (${workload.available} of ${workload.desired} available)`
          : `${workload.kind} ${workload.namespace}/${workload.name}: none of its ${workload.desired} replicas is available`,
    });
  }
  return conditions;
}
