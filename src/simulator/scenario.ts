/**
 * Keeps a simulated cluster busy the way a live one is: replicas are replaced, containers
 * restart, deployments scale out and back. All choices come from a seeded generator, so a given
 * seed on a given starting state always produces the same sequence of changes.
 */
import { podSpecFromObject, type ClusterState } from './cluster-state.js';
import type { PodObject } from './k8s-types.js';
import { restartContainer } from './pod-status.js';
import type { ObjectStore } from './store.js';

export interface ScenarioOptions {
  /** Time between changes (default 1000 ms). */
  intervalMs?: number;
  seed?: number;
}

const MAX_EXTRA_REPLICAS = 3;

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

interface PodRef {
  readonly namespace: string;
  readonly name: string;
}

export class Scenario {
  private timer: NodeJS.Timeout | undefined;
  private readonly random: () => number;
  private starting: PodRef[] = [];
  private readonly extras: PodRef[] = [];

  constructor(
    private readonly state: ClusterState,
    private readonly store: ObjectStore,
    private readonly options: ScenarioOptions = {},
  ) {
    this.random = seededRandom(options.seed ?? 1);
  }

  start(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => this.tick(), this.options.intervalMs ?? 1000);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One step: pods created last step start running, then one new change happens. */
  tick(): void {
    const due = this.starting;
    this.starting = [];
    for (const ref of due) {
      const pod = this.state.getPod(ref.namespace, ref.name);
      if (pod?.status.phase === 'Pending' && pod.spec.nodeName !== undefined) this.state.setPhase(ref.namespace, ref.name, 'Running');
    }
    const roll = this.random();
    if (roll < 0.4) this.restartSomeContainer();
    else if (roll < 0.75) this.replaceSomeReplica();
    else this.scaleSomething();
  }

  private restartSomeContainer(): void {
    const pod = this.pickPod((candidate) => candidate.status.phase === 'Running');
    if (pod === undefined) return;
    const containers = pod.spec.containers;
    const container = containers[Math.floor(this.random() * containers.length)]?.name;
    const reason = this.random() < 0.2 ? 'OOMKilled' : 'Error';
    this.state.updatePod(pod.metadata.namespace, pod.metadata.name, (draft) => restartContainer(draft, new Date().toISOString(), container, reason));
  }

  /** A replica goes away and its controller creates a new one, which starts Pending. */
  private replaceSomeReplica(): void {
    const pod = this.pickPod((candidate) => ['ReplicaSet', 'StatefulSet'].includes(controllerKind(candidate) ?? ''));
    if (pod === undefined) return this.restartSomeContainer();
    const spec = podSpecFromObject(pod);
    this.state.deletePod(pod.metadata.namespace, pod.metadata.name);
    if (controllerKind(pod) === 'StatefulSet') spec.name = pod.metadata.name;
    else spec.generateName = pod.metadata.generateName ?? namePrefix(pod.metadata.name);
    this.createStarting(spec);
  }

  /** Scale out a Deployment by one pod, or back in once enough extras exist. */
  private scaleSomething(): void {
    if (this.extras.length >= MAX_EXTRA_REPLICAS) {
      const extra = this.extras.shift();
      if (extra !== undefined && this.state.getPod(extra.namespace, extra.name) !== undefined) {
        this.state.deletePod(extra.namespace, extra.name);
      }
      return;
    }
    const pod = this.pickPod((candidate) => controllerKind(candidate) === 'ReplicaSet');
    if (pod === undefined) return;
    const spec = podSpecFromObject(pod);
    spec.generateName = pod.metadata.generateName ?? namePrefix(pod.metadata.name);
    const created = this.createStarting(spec);
    this.extras.push({ namespace: created.metadata.namespace, name: created.metadata.name });
  }

  private createStarting(spec: ReturnType<typeof podSpecFromObject>): PodObject {
    const created = this.state.createPod({ ...spec, phase: 'Pending' });
    this.starting.push({ namespace: created.metadata.namespace, name: created.metadata.name });
    return created;
  }

  /** A random pod passing `accept`; a few tries keep each step O(1) on large clusters. */
  private pickPod(accept: (pod: PodObject) => boolean): PodObject | undefined {
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const key = this.store.randomKey('pods', this.random);
      if (key === undefined) return undefined;
      const pod = this.store.get('pods', key);
      if (pod !== undefined && accept(pod)) return pod;
    }
    return undefined;
  }
}

function controllerKind(pod: PodObject): string | undefined {
  return pod.metadata.ownerReferences?.find((reference) => reference.controller === true)?.kind;
}

function namePrefix(name: string): string {
  const dash = name.lastIndexOf('-');
  return dash > 0 ? name.slice(0, dash + 1) : `${name}-`;
}
