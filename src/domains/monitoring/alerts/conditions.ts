import type { AlertCondition } from './records.js';

/** What alerts read of a cluster's watch caches (the clusters domain's projections, narrowed). */
export interface AlertView {
  nodes(): ReadonlyArray<{
    readonly name: string;
    readonly ready: boolean;
    readonly allocatable: { readonly cpuCores: number; readonly memoryBytes: number };
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
  /**
   * What each node used at the cluster's latest sample (the monitoring domain's, through the
   * wiring); null when there is none fresh or metrics are unavailable: usage alerts are left as they are.
   */
  nodeUsage(): Promise<ReadonlyArray<{ readonly name: string; readonly cpuMillicores: number; readonly memoryBytes: number }> | null>;
  /** Per workload and image it runs, the CRITICAL findings of its vulnerability reports. */
  criticalFindings(): ReadonlyArray<{
    readonly namespace: string;
    readonly workload: { readonly kind: string; readonly name: string };
    readonly image: string;
    readonly findings: ReadonlyArray<{ readonly id: string; readonly package: string }>;
  }>;
}

/** Advisories named in a vulnerability alert's message; the rest are counted. */
const NAMED_ADVISORIES = 3;

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
  for (const entry of view.criticalFindings()) {
    const advisories = [...new Set(entry.findings.map((finding) => finding.id))];
    const named = advisories.slice(0, NAMED_ADVISORIES).join(', ');
    const more = advisories.length > NAMED_ADVISORIES ? ` and ${advisories.length - NAMED_ADVISORIES} more` : '';
    conditions.push({
      // Per image: the same workload moved to a new image with CRITICAL findings is a new alert.
      fingerprint: fingerprint('CRITICAL_VULNERABILITY', clusterId, entry.namespace, `${entry.workload.kind}/${entry.workload.name}/${entry.image}`),
      kind: 'CRITICAL_VULNERABILITY',
      severity: 'CRITICAL',
      clusterId,
      namespace: entry.namespace,
      objectKind: entry.workload.kind,
      objectName: entry.workload.name,
      message: `${entry.workload.kind} ${entry.namespace}/${entry.workload.name} runs ${entry.image} with ${entry.findings.length} CRITICAL finding${entry.findings.length === 1 ? '' : 's'}: ${named}${more}`,
    });
  }
  return conditions;
}

export type NodeUsage = NonNullable<Awaited<ReturnType<AlertView['nodeUsage']>>>[number];

const percentOf = (used: number, of: number) => Math.round((used / of) * 1000) / 10;

/**
 * Nodes whose CPU or memory usage exceeds a workspace's threshold (percent of their allocatable),
 * one condition per workspace and node: each workspace's own threshold opens and resolves its own
 * alert, and only it sees that alert.
 */
export function usageConditions(
  clusterId: string,
  nodes: ReturnType<AlertView['nodes']>,
  usage: readonly NodeUsage[],
  thresholds: ReadonlyArray<{ readonly workspaceId: string; readonly cpuPercent: number | null; readonly memoryPercent: number | null }>,
): AlertCondition[] {
  const conditions: AlertCondition[] = [];
  const used = new Map(usage.map((node) => [node.name, node]));
  for (const node of nodes) {
    const sample = used.get(node.name);
    if (sample === undefined) continue;
    const cpu = node.allocatable.cpuCores > 0 ? percentOf(sample.cpuMillicores / 1000, node.allocatable.cpuCores) : null;
    const memory = node.allocatable.memoryBytes > 0 ? percentOf(sample.memoryBytes, node.allocatable.memoryBytes) : null;
    for (const threshold of thresholds) {
      const over: string[] = [];
      if (threshold.cpuPercent !== null && cpu !== null && cpu > threshold.cpuPercent) over.push(`CPU at ${cpu}% of allocatable (threshold ${threshold.cpuPercent}%)`);
      if (threshold.memoryPercent !== null && memory !== null && memory > threshold.memoryPercent)
        over.push(`memory at ${memory}% of allocatable (threshold ${threshold.memoryPercent}%)`);
      if (over.length === 0) continue;
      conditions.push({
        fingerprint: `${fingerprint('USAGE_OVER_THRESHOLD', clusterId, null, node.name)}/${threshold.workspaceId}`,
        kind: 'USAGE_OVER_THRESHOLD',
        severity: 'WARNING',
        clusterId,
        workspaceId: threshold.workspaceId,
        namespace: null,
        objectKind: 'Node',
        objectName: node.name,
        message: `node ${node.name}: ${over.join('; ')}`,
      });
    }
  }
  return conditions;
}
