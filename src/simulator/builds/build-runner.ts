/**
 * Runs build pods the way an in-cluster builder (kaniko) would, at a configurable pace: a step
 * marker per step, a few lines each, and on success a real push of a small image to the registry
 * named in the pod's environment. A ref `simulate/fail-at-<k>` makes step k fail; a ref
 * `simulate/with-dockerfile` stands for a repository with its own Dockerfile at its root.
 *
 * The pod talks the gateway's builder protocol: env KDA_BUILD_* in, `[kda] step k/n name` markers out.
 * Registry credentials come as kaniko takes them: a Docker config mounted at /kaniko/.docker/config.json
 * (from the build's dockerconfigjson Secret; the kubelet resolves the mount and the environment).
 */
import type { ContainerConfig } from '../controllers/container-config.js';
import type { PodObject } from '../k8s-types.js';
import { pushImage } from './image-push.js';

/** Where kaniko reads registry credentials (DOCKER_CONFIG=/kaniko/.docker). */
export const KANIKO_DOCKER_CONFIG = '/kaniko/.docker/config.json';

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

/**
 * The Basic credentials for `registryHost` in a Docker config (`auths.<host>.auth`, or
 * username/password), as kaniko picks them; undefined when the config names none for that host.
 */
export function dockerConfigAuth(configText: string, registryHost: string): string | undefined {
  const config: unknown = JSON.parse(configText);
  const auths = typeof config === 'object' && config !== null ? (config as { auths?: unknown }).auths : undefined;
  if (typeof auths !== 'object' || auths === null) return undefined;
  for (const [key, entry] of Object.entries(auths as Record<string, unknown>)) {
    // Keys may be a bare host or a URL (https://host/v1/), as `docker login` writes them.
    const host = /^[a-z]+:\/\//i.test(key) ? new URL(key).host : key.replace(/\/.*$/, '');
    if (host !== registryHost || typeof entry !== 'object' || entry === null) continue;
    const { auth, username, password } = entry as { auth?: unknown; username?: unknown; password?: unknown };
    if (typeof auth === 'string' && auth !== '') return auth;
    if (typeof username === 'string') return Buffer.from(`${username}:${typeof password === 'string' ? password : ''}`).toString('base64');
  }
  return undefined;
}

/** A language preset's build of a repository that brings its own Dockerfile at its root. */
const OWN_DOCKERFILE_REF = 'simulate/with-dockerfile';

/** What the source (init) container fetched, as the real one prints it (the builder repeats it under `clone`). */
function cloneLines(env: ReadonlyMap<string, string>): string[] {
  return [`Fetching ${env.get('KDA_BUILD_REF') ?? ''} from ${env.get('KDA_BUILD_SOURCE') ?? ''}`, 'HEAD is now at 3f2c1ab'];
}

/**
 * The prepare step: which Dockerfile the build uses, as the real builder decides. A DOCKERFILE build
 * uses the repository's at its path; a language preset the repository's at the root when the ref
 * says it has one (OWN_DOCKERFILE_REF), else the one the Job hands over in KDA_BUILD_PRESET_DOCKERFILE,
 * whose base images kaniko would then fetch. A Job that hands over none fails here.
 */
function prepareLines(env: ReadonlyMap<string, string>): { lines: string[]; error?: string } {
  const preset = env.get('KDA_BUILD_PRESET') ?? 'DOCKERFILE';
  const lines = [`Using build preset ${preset}`];
  const path = env.get('KDA_BUILD_DOCKERFILE');
  if (path !== undefined && path !== '') return { lines: [...lines, `Dockerfile: the repository's Dockerfile (${path})`, 'Retrieving image manifest for base image'] };
  if (env.get('KDA_BUILD_REF') === OWN_DOCKERFILE_REF)
    return { lines: [...lines, "Dockerfile: the repository's Dockerfile (Dockerfile)", 'Retrieving image manifest for base image'] };
  const generated = env.get('KDA_BUILD_PRESET_DOCKERFILE') ?? '';
  const bases = [...generated.matchAll(/^FROM\s+(\S+)/gm)].map((match) => match[1] ?? '');
  if (bases.length === 0) return { lines, error: `error: the repository has no Dockerfile and the Job gives none for preset ${preset} (KDA_BUILD_PRESET_DOCKERFILE)` };
  return { lines: [...lines, `Dockerfile: generated for preset ${preset}`, ...bases.map((image) => `Retrieving image manifest ${image}`)] };
}

/** What each step says while it works: plausible, short. */
function stepLines(step: string, env: ReadonlyMap<string, string>): { lines: string[]; error?: string } {
  const destination = env.get('KDA_BUILD_DESTINATION') ?? '';
  switch (step) {
    case 'clone':
      return { lines: cloneLines(env) };
    case 'prepare':
      return prepareLines(env);
    case 'dependencies':
      return { lines: ['RUN install dependencies', 'added 212 packages in 3s', 'Taking snapshot of files...'] };
    case 'compile':
      return { lines: ['RUN build', 'compiled successfully', 'Taking snapshot of files...'] };
    case 'image':
      return { lines: ['Adding build output to the image', 'COPY build output', 'Image assembled'] };
    case 'push':
      return { lines: [`Pushing image to ${destination}`] };
    default:
      return { lines: [`running ${step}`] };
  }
}

export class BuildRunner {
  private readonly timers = new Set<NodeJS.Timeout>();
  private closed = false;

  constructor(
    private readonly hooks: BuildRunnerHooks,
    private readonly lineIntervalMs: number,
  ) {}

  /**
   * Runs the build in `pod`'s builder container, configured as the kubelet resolved it; its source
   * (init) container, when it has one, has fetched the source already: its log says so.
   */
  run(pod: PodObject, config: ContainerConfig, source?: { readonly name: string; readonly config: ContainerConfig }): void {
    const env = config.env;
    const container = pod.spec.containers[0]?.name ?? 'builder';
    if (source !== undefined) for (const line of cloneLines(source.config.env)) this.hooks.appendLog(pod, source.name, line);
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
      const { lines, error } = stepLines(step, env);
      const fail = (text: string) => async () => {
        this.hooks.appendLog(pod, container, text);
        return 'failed' as const;
      };
      if (number === failAt) {
        script.push(say(lines[0] ?? step));
        script.push(fail(`error: step ${number} (${step}) failed: simulated failure requested by ref ${env.get('KDA_BUILD_REF') ?? ''}`));
        return;
      }
      for (const line of lines) script.push(say(line));
      if (error !== undefined) script.push(fail(error));
      if (step === 'push') script.push(() => this.push(pod, container, config));
    });
    script.push(say('[kda] build finished'));
    this.step(pod, script, 0);
  }

  close(): void {
    this.closed = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }

  private async push(pod: PodObject, container: string, config: ContainerConfig): Promise<'next' | 'failed'> {
    const env = config.env;
    const destination = env.get('KDA_BUILD_DESTINATION') ?? '';
    const registryUrl = env.get('KDA_BUILD_REGISTRY_URL') ?? '';
    const match = /^([^/]+)\/(.+):([^:/]+)$/.exec(destination);
    if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined || registryUrl === '') {
      this.hooks.appendLog(pod, container, `error: cannot push: bad destination ${JSON.stringify(destination)}`);
      return 'failed';
    }
    const dockerConfig = config.files.get(KANIKO_DOCKER_CONFIG);
    let basicAuth: string | undefined;
    try {
      basicAuth = dockerConfig === undefined ? undefined : dockerConfigAuth(dockerConfig, match[1]);
    } catch (error) {
      this.hooks.appendLog(pod, container, `error: cannot read ${KANIKO_DOCKER_CONFIG}: ${error instanceof Error ? error.message : String(error)}`);
      return 'failed';
    }
    try {
      const pushed = await pushImage(
        { registryUrl, repository: match[2], tag: match[3], basicAuth },
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
