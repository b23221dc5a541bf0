/**
 * The simulated kubelets: start pods bound to their node a moment after they are created
 * (Pulled/Created/Started events, log lines; init containers run first and complete at once), mark containers ready after their readiness delay,
 * crash-loop containers whose image says so, run job pods to completion, and make running pods
 * write a line to their log now and then.
 */
import type { ClusterState } from '../cluster-state.js';
import type { ContainerObject, PodObject } from '../k8s-types.js';
import { chatterLine, type PodLogs } from '../pod-logs.js';
import { crashContainer, markContainerReady, restartCrashedContainer } from '../pod-status.js';
import { objectKey } from '../resources.js';
import type { ObjectStore } from '../store.js';
import type { EventRecorder } from './events.js';
import { BuildRunner, isBuildPod } from '../builds/build-runner.js';
import { resolvePodConfig } from './container-config.js';

/** How long a job pod runs, in ms, when its template does not say (annotation below). */
export const RUN_MS_ANNOTATION = 'simulator.kda.io/run-ms';
/** Exit code a job pod ends with (default 0: Succeeded; anything else: Failed). */
export const EXIT_CODE_ANNOTATION = 'simulator.kda.io/exit-code';

/** How often a pod held back by a missing Secret is tried again (a real kubelet backs off up to minutes). */
const CONFIG_RETRY_MS = 250;
/** Seconds a crashing container runs before it exits; back-off after a crash doubles from 10 s up to 5 min, as kubelet's. */
const CRASH_RUN_SECONDS = 1;
const BACK_OFF_SECONDS = 10;
const MAX_BACK_OFF_SECONDS = 300;

/**
 * Images that crash: any whose reference contains `simulate/crash` (`registry.example/simulate/crash:1`)
 * or whose tag contains `simulate-crash` (`nginx:simulate-crash`, `shop:2.1-simulate-crash`).
 * Their containers exit with code 1 shortly after each start: CrashLoopBackOff, restarts growing.
 */
export function isCrashingImage(image: string): boolean {
  if (image.includes('simulate/crash')) return true;
  const name = image.split('@')[0] ?? image;
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') && name.slice(colon + 1).includes('simulate-crash');
}

export interface KubeletOptions {
  readonly startDelayMs: number;
  readonly jobRunMs: number;
  readonly chatterIntervalMs: number;
  /** Pace of build pods' log lines (see builds/build-runner.ts). */
  readonly buildLineIntervalMs?: number;
  /** After a container starts, until it is ready (plus its readinessProbe's initialDelaySeconds). */
  readonly readyDelayMs: number;
  /** Length of one second of the durations pods declare (probe delays, back-off), in ms. */
  readonly secondMs: number;
}

export class Kubelet {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly chatter: NodeJS.Timeout;
  private random = 0x2545f491;
  private readonly builds: BuildRunner;

  constructor(
    private readonly store: ObjectStore,
    private readonly state: ClusterState,
    private readonly events: EventRecorder,
    private readonly logs: PodLogs,
    private readonly options: KubeletOptions,
  ) {
    this.chatter = setInterval(() => this.chat(), options.chatterIntervalMs);
    this.chatter.unref();
    this.builds = new BuildRunner(
      {
        current: (pod) => {
          const current = this.current(pod.metadata.namespace, pod.metadata.name, pod.metadata.uid);
          return current?.status.phase === 'Running' ? current : undefined;
        },
        appendLog: (pod, container, text) => this.logs.append(pod, container, text),
        finish: (pod, succeeded) => {
          if (this.current(pod.metadata.namespace, pod.metadata.name, pod.metadata.uid)?.status.phase === 'Running')
            this.state.setPhase(pod.metadata.namespace, pod.metadata.name, succeeded ? 'Succeeded' : 'Failed');
        },
      },
      options.buildLineIntervalMs ?? 150,
    );
  }

  /** A pod bound to a node starts after the start delay (if it is still Pending then). */
  startSoon(pod: PodObject): void {
    if (pod.spec.nodeName === undefined) return;
    this.after(this.options.startDelayMs, () => this.start(pod.metadata.namespace, pod.metadata.name, pod.metadata.uid));
  }

  /** A pod that runs to completion (restartPolicy Never/OnFailure) ends after its run time; a crashing one fails sooner. */
  finishSoon(pod: PodObject, crashes = false): void {
    const annotated = Number(pod.metadata.annotations?.[RUN_MS_ANNOTATION]);
    const runMs = crashes ? CRASH_RUN_SECONDS * this.options.secondMs : Number.isFinite(annotated) && annotated >= 0 ? annotated : this.options.jobRunMs;
    this.after(runMs, () => this.finish(pod.metadata.namespace, pod.metadata.name, pod.metadata.uid, crashes));
  }

  writeLog(pod: PodObject, container: string, text: string): void {
    this.logs.append(pod, container, text);
  }

  close(): void {
    clearInterval(this.chatter);
    this.builds.close();
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private after(delayMs: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      run();
    }, delayMs);
    this.timers.add(timer);
  }

  private current(namespace: string, name: string, uid: string): PodObject | undefined {
    const pod = this.store.get('pods', objectKey(namespace, name));
    return pod?.metadata.uid === uid ? pod : undefined;
  }

  private start(namespace: string, name: string, uid: string): void {
    const pod = this.current(namespace, name, uid);
    if (pod?.status.phase !== 'Pending' || pod.spec.nodeName === undefined) return;
    const source = { component: 'kubelet', host: pod.spec.nodeName };
    const config = resolvePodConfig(this.store, pod);
    if (!config.ok) {
      this.holdBack(pod, config.failure, config.message, config.failure === 'CreateContainerConfigError' ? config.container : undefined);
      return;
    }
    // Init containers run (and complete at once) before the others start.
    const started = [
      ...(pod.spec.initContainers ?? []).map((container) => ({ container, fieldPath: `spec.initContainers{${container.name}}` })),
      ...pod.spec.containers.map((container) => ({ container, fieldPath: `spec.containers{${container.name}}` })),
    ];
    for (const { container, fieldPath } of started) {
      const involved = { apiVersion: 'v1', kind: 'Pod', name, namespace, uid, fieldPath };
      this.events.record({ involvedObject: involved, reason: 'Pulled', message: `Container image "${container.image}" already present on machine`, source });
      this.events.record({ involvedObject: involved, reason: 'Created', message: `Created container ${container.name}`, source });
      this.events.record({ involvedObject: involved, reason: 'Started', message: `Started container ${container.name}`, source });
    }
    // A build pod runs its builder as it is; it has no readiness to wait for, nor crashes.
    const build = isBuildPod(pod);
    const crashing = build ? [] : pod.spec.containers.filter((container) => isCrashingImage(container.image));
    const waiting = new Map(pod.spec.containers.map((container) => [container.name, build ? 0 : this.readyDelay(container)]));
    const notReady = new Set([...crashing.map((container) => container.name), ...[...waiting].filter(([, delay]) => delay > 0).map(([container]) => container)]);
    const running = this.state.setPhase(namespace, name, 'Running', notReady);
    // A build pod's log is the builder's: no kubelet lines, no chatter; it ends when the build does.
    if (isBuildPod(running)) {
      const builder = running.spec.containers[0]?.name ?? '';
      const sourceContainer = running.spec.initContainers?.[0]?.name;
      const source = sourceContainer === undefined ? undefined : { name: sourceContainer, config: config.containers.get(sourceContainer) ?? { env: new Map(), files: new Map() } };
      this.builds.run(running, config.containers.get(builder) ?? { env: new Map(), files: new Map() }, source);
      return;
    }
    for (const container of running.spec.containers) this.logs.append(running, container.name, `${new Date().toISOString()} INFO ${container.name} started`);
    // With restartPolicy Never a crash fails the pod (finishSoon below); Always and OnFailure restart the container in place.
    const restarts = running.spec.restartPolicy !== 'Never';
    for (const container of restarts ? crashing : []) this.after(CRASH_RUN_SECONDS * this.options.secondMs, () => this.crash(namespace, name, uid, container.name));
    for (const [container, delay] of waiting) {
      if (delay > 0 && !crashing.some((entry) => entry.name === container)) this.after(delay, () => this.becomeReady(namespace, name, uid, container));
    }
    if (running.spec.restartPolicy !== 'Always' && (crashing.length === 0 || running.spec.restartPolicy === 'Never')) this.finishSoon(running, crashing.length > 0);
  }

  private readyDelay(container: ContainerObject): number {
    const probe = (container as { readinessProbe?: { initialDelaySeconds?: unknown } }).readinessProbe;
    const initial = typeof probe?.initialDelaySeconds === 'number' && probe.initialDelaySeconds > 0 ? probe.initialDelaySeconds : 0;
    return this.options.readyDelayMs + initial * this.options.secondMs;
  }

  private becomeReady(namespace: string, name: string, uid: string, container: string): void {
    const pod = this.current(namespace, name, uid);
    if (pod?.status.phase !== 'Running') return;
    this.state.updatePod(namespace, name, (draft) => markContainerReady(draft, container, new Date().toISOString()));
  }

  /** The container exits with an error; kubelet starts it again after its back-off, and it crashes again. */
  private crash(namespace: string, name: string, uid: string, container: string): void {
    const pod = this.current(namespace, name, uid);
    if (pod?.status.phase !== 'Running') return;
    const restarts = (pod.status.containerStatuses?.find((entry) => entry.name === container)?.restartCount ?? 0) + 1;
    const backOff = Math.min(BACK_OFF_SECONDS * 2 ** (restarts - 1), MAX_BACK_OFF_SECONDS);
    this.logs.append(pod, container, `${new Date().toISOString()} ERROR ${container} exited with code 1`);
    const crashed = this.state.updatePod(namespace, name, (draft) => crashContainer(draft, container, new Date().toISOString(), backOff));
    this.events.record({
      involvedObject: { apiVersion: 'v1', kind: 'Pod', name, namespace, uid, fieldPath: `spec.containers{${container}}` },
      reason: 'BackOff',
      message: `Back-off restarting failed container ${container} in pod ${name}_${namespace}(${uid})`,
      type: 'Warning',
      source: { component: 'kubelet', ...(crashed.spec.nodeName === undefined ? {} : { host: crashed.spec.nodeName }) },
    });
    this.after(backOff * this.options.secondMs, () => this.restartCrashed(namespace, name, uid, container));
  }

  private restartCrashed(namespace: string, name: string, uid: string, container: string): void {
    const pod = this.current(namespace, name, uid);
    if (pod?.status.phase !== 'Running') return;
    const involved = { apiVersion: 'v1', kind: 'Pod', name, namespace, uid, fieldPath: `spec.containers{${container}}` };
    const source = { component: 'kubelet', ...(pod.spec.nodeName === undefined ? {} : { host: pod.spec.nodeName }) };
    const image = pod.spec.containers.find((entry) => entry.name === container)?.image ?? '';
    this.events.record({ involvedObject: involved, reason: 'Pulled', message: `Container image "${image}" already present on machine`, source });
    this.events.record({ involvedObject: involved, reason: 'Created', message: `Created container ${container}`, source });
    this.events.record({ involvedObject: involved, reason: 'Started', message: `Started container ${container}`, source });
    this.state.updatePod(namespace, name, (draft) => restartCrashedContainer(draft, container, new Date().toISOString()));
    this.logs.append(pod, container, `${new Date().toISOString()} INFO ${container} started`);
    this.after(CRASH_RUN_SECONDS * this.options.secondMs, () => this.crash(namespace, name, uid, container));
  }

  /**
   * A pod whose Secrets are missing stays Pending, as with a real kubelet: a volume that cannot be
   * mounted keeps it ContainerCreating (FailedMount), an unresolvable env reference shows as the
   * container waiting in CreateContainerConfigError. Either is tried again until the Secret appears.
   */
  private holdBack(pod: PodObject, failure: 'FailedMount' | 'CreateContainerConfigError', message: string, containerName: string | undefined): void {
    const { namespace, name, uid } = pod.metadata;
    const source = { component: 'kubelet', ...(pod.spec.nodeName === undefined ? {} : { host: pod.spec.nodeName }) };
    if (failure === 'FailedMount') {
      this.events.record({ involvedObject: { apiVersion: 'v1', kind: 'Pod', name, namespace, uid }, reason: 'FailedMount', message, type: 'Warning', source });
    } else {
      const init = pod.spec.initContainers?.some((container) => container.name === containerName) === true;
      const fieldPath = `spec.${init ? 'initContainers' : 'containers'}{${containerName ?? ''}}`;
      this.events.record({
        involvedObject: { apiVersion: 'v1', kind: 'Pod', name, namespace, uid, fieldPath },
        reason: 'Failed',
        message: `Error: ${message}`,
        type: 'Warning',
        source,
      });
      const statusesOf = (target: PodObject) => (init ? target.status.initContainerStatuses : target.status.containerStatuses) ?? [];
      const waiting = statusesOf(pod).find((status) => status.name === containerName)?.state.waiting;
      if (waiting?.reason !== 'CreateContainerConfigError' || waiting.message !== message) {
        this.state.updatePod(namespace, name, (draft) => {
          for (const status of statusesOf(draft)) {
            if (status.name === containerName) status.state = { waiting: { reason: 'CreateContainerConfigError', message } };
          }
        });
      }
    }
    this.after(CONFIG_RETRY_MS, () => this.start(namespace, name, uid));
  }

  private finish(namespace: string, name: string, uid: string, crashes: boolean): void {
    const pod = this.current(namespace, name, uid);
    if (pod?.status.phase !== 'Running') return;
    const exitCode = crashes ? 1 : Number(pod.metadata.annotations?.[EXIT_CODE_ANNOTATION] ?? 0);
    const failed = Number.isFinite(exitCode) && exitCode !== 0;
    for (const container of pod.spec.containers) {
      this.logs.append(pod, container.name, failed ? `${new Date().toISOString()} ERROR exiting with code ${exitCode}` : `${new Date().toISOString()} INFO done`);
    }
    this.state.setPhase(namespace, name, failed ? 'Failed' : 'Succeeded');
  }

  /** Followed pods always get a line; a few random running pods get one too. */
  private chat(): void {
    const now = new Date();
    const keys = new Set(this.logs.followedPods());
    for (let pick = 0; pick < 3; pick += 1) {
      const key = this.store.randomKey('pods', () => this.next());
      if (key !== undefined) keys.add(key);
    }
    for (const key of keys) {
      const pod = this.store.get('pods', key);
      if (pod?.status.phase !== 'Running' || isBuildPod(pod)) continue;
      for (const container of pod.spec.containers)
        this.logs.append(
          pod,
          container.name,
          chatterLine(container.image, now, () => this.next()),
          now,
        );
    }
  }

  private next(): number {
    // xorshift32: the chatter need not be reproducible, only cheap.
    this.random ^= this.random << 13;
    this.random ^= this.random >>> 17;
    this.random ^= this.random << 5;
    return (this.random >>> 0) / 4294967296;
  }
}
