/**
 * Runs build pods the way an in-cluster builder (kaniko) would, at a configurable pace: a step
 * marker per step, a few lines each, and on success a real push of a small image to the registry
 * named in the pod's environment. A ref `simulate/fail-at-<k>` makes step k fail.
 *
 * The pod talks the gateway's builder protocol: env KDA_BUILD_* in, `[kda] step k/n name` markers out.
 */
import type { PodObject } from '../k8s-types.js';
import { pushImage } from './image-push.js';

/** Pods carrying this label are builds: the kubelet hands them to the BuildRunner. */
export const BUILD_RUN_LABEL = 'kda.io/build-run';
const FAIL_AT = /^simulate\/fail-at-(\d+)$/;

export interface BuildRunnerHooks {
  /** The pod as stored now, if it is still the same pod and running. */
  current(pod: PodObject): PodObject | undefined;
  appendLog(pod: PodObject, container: string, text: string): void;
  finish(pod: PodObject, succeeded: boolean): void;
}

export function isBuildPod(pod: PodObject): boolean {
  return pod.metadata.labels?.[BUILD_RUN_LABEL] !== undefined;
}

function envOf(pod: PodObject): Map<string, string> {
  const container = pod.spec.containers[0];
  return new Map((container?.env ?? []).flatMap((entry) => (entry.value === undefined ? [] : [[entry.name, entry.value] as const])));
}

/** What each step says while it works: plausible, short. */
function stepLines(step: string, env: Map<string, string>): string[] {
  const source = env.get('KDA_BUILD_SOURCE') ?? '';
  const ref = env.get('KDA_BUILD_REF') ?? '';
  const preset = env.get('KDA_BUILD_PRESET') ?? 'DOCKERFILE';
  const destination = env.get('KDA_BUILD_DESTINATION') ?? '';
  switch (step) {
    case 'clone':
      return [`Cloning into '/workspace'... ${source}`, `Checking out ${ref}`, 'HEAD is now at 3f2c1ab'];
    case 'prepare':
      return [`Using build preset ${preset}`, `Dockerfile: ${env.get('KDA_BUILD_DOCKERFILE') ?? '(generated from preset)'}`, 'Retrieving image manifest for base image'];
    case 'dependencies':
      return ['RUN install dependencies', 'added 212 packages in 3s', 'Taking snapshot of files...'];
    case 'compile':
      return ['RUN build', 'compiled successfully', 'Taking snapshot of files...'];
    case 'image':
      return ['Adding build output to the image', 'COPY build output', 'Image assembled'];
    case 'push':
      return [`Pushing image to ${destination}`];
    default:
      return [`running ${step}`];
  }
}

export class BuildRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly hooks: BuildRunnerHooks,
    private readonly lineIntervalMs: number,
  ) {}

  run(pod: PodObject): void {
    const env = envOf(pod);
    const container = pod.spec.containers[0]?.name ?? 'builder';
    const steps = (env.get('KDA_BUILD_STEPS') ?? 'clone,prepare,dependencies,compile,image,push').split(',').filter((step) => step !== '');
    const failAt = Number(FAIL_AT.exec(env.get('KDA_BUILD_REF') ?? '')?.[1] ?? 0);
    const script: Array<() => Promise<'next' | 'failed' | 'done'>> = [];
    const say = (text: string) => async () => {
      this.hooks.appendLog(pod, container, text);
      return 'next' as const;
    };
    steps.forEach((step, index) => {
      const number = index + 1;
      script.push(say(`[kda] step ${number}/${steps.length} ${step}`));
      const lines = stepLines(step, env);
      if (number === failAt) {
        script.push(say(lines[0] ?? step));
        script.push(async () => {
          this.hooks.appendLog(pod, container, `error: step ${number} (${step}) failed: simulated failure requested by ref ${env.get('KDA_BUILD_REF') ?? ''}`);
          return 'failed';
        });
        return;
      }
      for (const line of lines) script.push(say(line));
      if (step === 'push') script.push(() => this.push(pod, container, env));
    });
    script.push(say('[kda] build finished'));
    this.step(pod, script, 0);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async push(pod: PodObject, container: string, env: Map<string, string>): Promise<'next' | 'failed'> {
    const destination = env.get('KDA_BUILD_DESTINATION') ?? '';
    const registryUrl = env.get('KDA_BUILD_REGISTRY_URL') ?? '';
    const match = /^[^/]+\/(.+):([^:/]+)$/.exec(destination);
    if (match?.[1] === undefined || match[2] === undefined || registryUrl === '') {
      this.hooks.appendLog(pod, container, `error: cannot push: bad destination ${JSON.stringify(destination)}`);
      return 'failed';
    }
    try {
      const pushed = await pushImage(
        { registryUrl, repository: match[1], tag: match[2], basicAuth: env.get('KDA_REGISTRY_AUTH') },
        `${env.get('KDA_BUILD_PRESET') ?? ''} build of ${env.get('KDA_BUILD_SOURCE') ?? ''}@${env.get('KDA_BUILD_REF') ?? ''}`,
      );
      this.hooks.appendLog(pod, container, `Pushed ${destination}@${pushed.digest} (${pushed.sizeBytes} bytes)`);
      return 'next';
    } catch (error) {
      this.hooks.appendLog(pod, container, `error: push failed: ${error instanceof Error ? error.message : String(error)}`);
      return 'failed';
    }
  }

  private step(pod: PodObject, script: ReadonlyArray<() => Promise<'next' | 'failed' | 'done'>>, index: number): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      // Cancelled (pod deleted) or the cluster stopped: the build just stops.
      const current = this.hooks.current(pod);
      if (this.closed || current === undefined) return;
      const action = script[index];
      if (action === undefined) {
        this.hooks.finish(current, true);
        return;
      }
      action().then(
        (outcome) => {
          if (this.closed || this.hooks.current(pod) === undefined) return;
          if (outcome === 'failed') this.hooks.finish(pod, false);
          else this.step(pod, script, index + 1);
        },
        () => this.hooks.finish(pod, false),
      );
    }, this.lineIntervalMs);
    this.timers.add(timer);
  }
}
