/**
 * Keeps a simulated cluster busy the way a live one is, through its controllers: containers
 * restart (with BackOff events), replicas die and are replaced, deployments scale out and back and
 * now and then roll out, cron jobs run, probes fail. All choices come from a seeded generator, so a
 * given seed on a given starting state always chooses the same sequence of actions.
 */
import type { PodObject } from './k8s-types.js';
import { restartContainer } from './pod-status.js';
import type { SimulatedCluster } from './simulated-cluster.js';

export interface ScenarioOptions {
  /** Time between changes (default 1000 ms). */
  intervalMs?: number;
  seed?: number;
}

/** How far the scenario scales a deployment above what it had at the start. */
const MAX_EXTRA_REPLICAS = 2;

/** mulberry32: small, fast and good enough to pick what happens next. */
export function seededRandom(seed: number): () => number {
  let state = seed | 0;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

export type ScenarioWorld = Pick<SimulatedCluster, 'listPods' | 'listObjects' | 'updatePod' | 'deletePod' | 'patchObject' | 'triggerCronJob' | 'recordEvent'>;

/**
 * The demo's own applications change by themselves; what a user deployed through the gateway (a
 * release's objects) is left to the user, so its drift, rollbacks and uninstalls show only what
 * the user did. Pods of every workload still restart and get replaced.
 */
function notDeployedByUser(object: { readonly metadata: { readonly labels?: Readonly<Record<string, string>> | undefined } }): boolean {
  return object.metadata.labels?.['kda.io/release'] === undefined;
}

export class Scenario {
  private timer: NodeJS.Timeout | undefined;
  private readonly random: () => number;
  /** Replicas each scaled deployment had before the scenario touched it. */
  private readonly baseline = new Map<string, number>();

  constructor(
    private readonly world: ScenarioWorld,
    private readonly options: ScenarioOptions = {},
  ) {
    this.random = seededRandom(options.seed ?? 1);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.tick();
    }, this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One change; returns what it did (for logs and tests), or undefined when nothing fit. */
  tick(): string | undefined {
    const roll = this.random();
    if (roll < 0.35) return this.restartSomeContainer();
    if (roll < 0.6) return this.replaceSomeReplica();
    if (roll < 0.78) return this.scaleSomething();
    if (roll < 0.86) return this.rollOutSomething();
    if (roll < 0.94) return this.runSomeCronJob();
    return this.failSomeProbe();
  }

  private pick<T>(items: readonly T[]): T | undefined {
    return items.length === 0 ? undefined : items[Math.floor(this.random() * items.length)];
  }

  private pickPod(accept: (pod: PodObject) => boolean): PodObject | undefined {
    return this.pick(this.world.listPods().filter(accept));
  }

  private restartSomeContainer(): string | undefined {
    // Only healthy pods: a crash-looping or not-yet-ready one has its own story.
    const pod = this.pickPod(
      (candidate) =>
        candidate.status.phase === 'Running' && candidate.spec.restartPolicy === 'Always' && (candidate.status.containerStatuses ?? []).every((status) => status.ready),
    );
    if (pod === undefined) return undefined;
    const container = this.pick(pod.spec.containers)?.name;
    if (container === undefined) return undefined;
    const reason = this.random() < 0.2 ? 'OOMKilled' : 'Error';
    this.world.updatePod(pod.metadata.namespace, pod.metadata.name, (draft) => restartContainer(draft, new Date().toISOString(), container, reason));
    const involvedObject = { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid, fieldPath: `spec.containers{${container}}` };
    const source = { component: 'kubelet', ...(pod.spec.nodeName === undefined ? {} : { host: pod.spec.nodeName }) };
    this.world.recordEvent({
      involvedObject,
      reason: 'BackOff',
      message: `Back-off restarting failed container ${container} in pod ${pod.metadata.name}_${pod.metadata.namespace}(${pod.metadata.uid})`,
      type: 'Warning',
      source,
    });
    this.world.recordEvent({
      involvedObject,
      reason: 'Pulled',
      message: `Container image "${pod.spec.containers.find((entry) => entry.name === container)?.image ?? ''}" already present on machine`,
      source,
    });
    this.world.recordEvent({ involvedObject, reason: 'Started', message: `Started container ${container}`, source });
    return `restart ${pod.metadata.namespace}/${pod.metadata.name} ${container} ${reason}`;
  }

  /** A replica goes away; its ReplicaSet or StatefulSet makes a new one, which starts Pending. */
  private replaceSomeReplica(): string | undefined {
    const pod = this.pickPod((candidate) => ['ReplicaSet', 'StatefulSet'].includes(controllerKind(candidate) ?? '') && candidate.status.phase === 'Running');
    if (pod === undefined) return this.restartSomeContainer();
    this.world.deletePod(pod.metadata.namespace, pod.metadata.name);
    return `replace ${pod.metadata.namespace}/${pod.metadata.name}`;
  }

  /** Scale a Deployment out by one, or back to its starting size once it has grown enough. */
  private scaleSomething(): string | undefined {
    const deployment = this.pick(this.world.listObjects('deployments').filter(notDeployedByUser));
    if (deployment === undefined) return undefined;
    const key = `${deployment.metadata.namespace}/${deployment.metadata.name}`;
    const baseline = this.baseline.get(key) ?? deployment.spec.replicas;
    this.baseline.set(key, baseline);
    const replicas = deployment.spec.replicas - baseline >= MAX_EXTRA_REPLICAS ? baseline : deployment.spec.replicas + 1;
    this.world.patchObject('deployments', deployment.metadata.namespace, deployment.metadata.name, { spec: { replicas } });
    return `scale ${key} ${deployment.spec.replicas}->${replicas}`;
  }

  /** What `kubectl rollout restart` does: every pod of the Deployment is replaced, a few at a time. */
  private rollOutSomething(): string | undefined {
    const deployment = this.pick(
      this.world
        .listObjects('deployments')
        .filter((candidate) => notDeployedByUser(candidate) && candidate.status.updatedReplicas === candidate.spec.replicas && candidate.spec.replicas > 0),
    );
    if (deployment === undefined) return undefined;
    const restartedAt = new Date().toISOString();
    this.world.patchObject('deployments', deployment.metadata.namespace, deployment.metadata.name, {
      spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } },
    });
    return `rollout ${deployment.metadata.namespace}/${deployment.metadata.name}`;
  }

  private runSomeCronJob(): string | undefined {
    const cronJob = this.pick(this.world.listObjects('cronjobs').filter((candidate) => !candidate.spec.suspend && (candidate.status.active ?? []).length === 0));
    if (cronJob === undefined) return this.restartSomeContainer();
    const job = this.world.triggerCronJob(cronJob.metadata.namespace, cronJob.metadata.name);
    return `cronjob ${cronJob.metadata.namespace}/${cronJob.metadata.name} -> ${job.metadata.name}`;
  }

  private failSomeProbe(): string | undefined {
    const pod = this.pickPod((candidate) => candidate.status.phase === 'Running');
    const container = pod === undefined ? undefined : this.pick(pod.spec.containers)?.name;
    if (pod === undefined || container === undefined) return undefined;
    this.world.recordEvent({
      involvedObject: { kind: 'Pod', name: pod.metadata.name, namespace: pod.metadata.namespace, uid: pod.metadata.uid, fieldPath: `spec.containers{${container}}` },
      reason: 'Unhealthy',
      message: 'Readiness probe failed: HTTP probe failed with statuscode: 503',
      type: 'Warning',
      source: { component: 'kubelet', ...(pod.spec.nodeName === undefined ? {} : { host: pod.spec.nodeName }) },
    });
    return `probe ${pod.metadata.namespace}/${pod.metadata.name}`;
  }
}

function controllerKind(pod: PodObject): string | undefined {
  return pod.metadata.ownerReferences?.find((reference) => reference.controller === true)?.kind;
}
