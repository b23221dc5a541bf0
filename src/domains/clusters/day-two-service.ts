import { BadInputError, NotFoundError } from '../../shared/errors.js';
import type { PodProjection, WorkloadProjection } from './model.js';
import type { ClusterLiveView, ClusterOperations, RestartableKind, ScalableKind } from './ports.js';

export interface WorkloadRefInput {
  readonly clusterId: string;
  readonly namespace: string;
  readonly name: string;
}

export interface DrainOptions {
  /** Give up retrying evictions blocked by disruption budgets after this long. */
  readonly timeoutMs: number;
  /** Leave DaemonSet pods alone (their controller would recreate them on the node anyway). */
  readonly ignoreDaemonSets: boolean;
}

export interface SkippedPod {
  readonly pod: PodProjection;
  readonly reason: string;
}

export interface DrainReport {
  readonly nodeName: string;
  readonly evicted: PodProjection[];
  readonly skipped: SkippedPod[];
  /** Pods still on the node because a PodDisruptionBudget kept refusing their eviction. */
  readonly blocked: PodProjection[];
}

export interface DayTwoDeps {
  readonly operations: ClusterOperations;
  /** The live view of a connected, reachable cluster; throws NOT_FOUND / UNAVAILABLE otherwise. */
  readonly liveView: (clusterId: string) => Promise<ClusterLiveView>;
  readonly now: () => Date;
  readonly delay: (ms: number) => Promise<void>;
}

const MAX_REPLICAS = 1000;
const NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

function checkName(field: string, value: string): string {
  if (value.length > 253 || !NAME.test(value)) throw new BadInputError(field, 'is not a valid Kubernetes name');
  return value;
}

/** A pod or workload named in an input, its names checked (BAD_USER_INPUT before anything else). */
export function checkedRef(ref: WorkloadRefInput): WorkloadRefInput {
  return { clusterId: ref.clusterId, namespace: checkName('namespace', ref.namespace), name: checkName('name', ref.name) };
}

/** What a missing pod or workload answers; one the caller may not see answers the same. */
export function missingObject(kind: string, ref: WorkloadRefInput): NotFoundError {
  return new NotFoundError(kind, `${ref.namespace}/${ref.name}`, 'name');
}

function isActive(pod: PodProjection): boolean {
  return pod.phase !== 'Succeeded' && pod.phase !== 'Failed';
}

/**
 * Day-2 operations on workloads, pods and nodes. Writes go to the API server; what the caller then
 * sees comes back through the watches, like every other change.
 */
export class DayTwoService {
  constructor(private readonly deps: DayTwoDeps) {}

  async scaleWorkload(ref: WorkloadRefInput, kind: ScalableKind, replicas: number): Promise<void> {
    if (!Number.isInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS) throw new BadInputError('replicas', `must be a whole number from 0 to ${MAX_REPLICAS}`);
    await this.requireWorkload(ref, kind);
    await this.deps.operations.scaleWorkload(ref.clusterId, kind, ref.namespace, ref.name, replicas);
  }

  async restartWorkload(ref: WorkloadRefInput, kind: RestartableKind): Promise<void> {
    await this.requireWorkload(ref, kind);
    await this.deps.operations.restartWorkload(ref.clusterId, kind, ref.namespace, ref.name, this.deps.now().toISOString());
  }

  async deletePod(ref: WorkloadRefInput): Promise<PodProjection> {
    const live = await this.deps.liveView(ref.clusterId);
    const pod = live.pods(checkName('namespace', ref.namespace)).find((candidate) => candidate.name === checkName('name', ref.name));
    if (pod === undefined) throw missingObject('Pod', ref);
    await this.deps.operations.deletePod(ref.clusterId, ref.namespace, ref.name);
    return pod;
  }

  async setSchedulable(clusterId: string, nodeName: string, schedulable: boolean): Promise<void> {
    await this.requireNode(clusterId, nodeName);
    await this.deps.operations.setNodeSchedulable(clusterId, nodeName, schedulable);
  }

  /**
   * What `kubectl drain` does: cordon, then evict every pod through the Eviction API so
   * PodDisruptionBudgets are honoured, retrying blocked evictions until the timeout.
   */
  async drain(clusterId: string, nodeName: string, options: DrainOptions): Promise<DrainReport> {
    const live = await this.requireNode(clusterId, nodeName);
    const onNode = live.pods().filter((pod) => pod.nodeName === nodeName && isActive(pod));
    const daemonPods = onNode.filter((pod) => pod.owner?.kind === 'DaemonSet');
    if (daemonPods.length > 0 && !options.ignoreDaemonSets) {
      throw new BadInputError(
        'ignoreDaemonSets',
        `the node runs DaemonSet pods (${daemonPods.map((pod) => `${pod.namespace}/${pod.name}`).join(', ')}); set ignoreDaemonSets to drain it anyway`,
      );
    }
    await this.deps.operations.setNodeSchedulable(clusterId, nodeName, false);

    const skipped: SkippedPod[] = [];
    let pending: PodProjection[] = [];
    for (const pod of onNode) {
      if (pod.owner?.kind === 'DaemonSet') skipped.push({ pod, reason: 'managed by a DaemonSet' });
      else if (pod.owner?.kind === 'Node') skipped.push({ pod, reason: 'static (mirror) pod, managed by the kubelet' });
      else pending.push(pod);
    }

    const evicted: PodProjection[] = [];
    const deadline = this.deps.now().getTime() + options.timeoutMs;
    let pause = 500;
    for (;;) {
      const stillBlocked: PodProjection[] = [];
      for (const pod of pending) {
        const outcome = await this.deps.operations.evictPod(clusterId, pod.namespace, pod.name);
        if (outcome === 'BLOCKED_BY_DISRUPTION_BUDGET') stillBlocked.push(pod);
        else evicted.push(pod);
      }
      pending = stillBlocked;
      if (pending.length === 0 || this.deps.now().getTime() + pause > deadline) break;
      await this.deps.delay(pause);
      pause = Math.min(pause * 2, 5_000);
    }
    return { nodeName, evicted, skipped, blocked: pending };
  }

  private async requireWorkload(ref: WorkloadRefInput, kind: WorkloadProjection['kind']): Promise<WorkloadProjection> {
    const live = await this.deps.liveView(ref.clusterId);
    const workload = live.workloads(checkName('namespace', ref.namespace)).find((candidate) => candidate.kind === kind && candidate.name === checkName('name', ref.name));
    if (workload === undefined) throw missingObject(kind, ref);
    return workload;
  }

  private async requireNode(clusterId: string, nodeName: string): Promise<ClusterLiveView> {
    const live = await this.deps.liveView(clusterId);
    if (!live.nodes().some((node) => node.name === checkName('name', nodeName))) throw new NotFoundError('Node', nodeName, 'name');
    return live;
  }
}
