/**
 * Build Jobs in a cluster: create (namespace first, if needed), delete, and follow — the Job's pod
 * is found by its `job-name` label, its builder's log followed through the Kubernetes log API
 * (`Log`, follow=true), and the Job's outcome read when the log ends. The pod fetches the source in
 * an init container, then builds with kaniko (see `sourceScript` and `builderScript`).
 *
 * Registry credentials never appear in the Job: they go into a `kubernetes.io/dockerconfigjson`
 * Secret owned by the Job (so the garbage collector removes it with the Job), mounted where kaniko
 * reads them (/kaniko/.docker/config.json). Anyone who can read Jobs cannot read the password.
 */
import { Writable } from 'node:stream';
import { BatchV1Api, CoreV1Api, Log, type KubeConfig, type V1Job, type V1Pod, type V1Secret } from '@kubernetes/client-node';
import type { BuildJobHandlers, BuildJobs, BuildJobSpec, JobOutcome } from '../../domains/builds/ports.js';
import { LogResumePoint } from './log-resume.js';
import { DomainError } from '../../shared/errors.js';
import { apiMessageOf, apiStatusOf } from './operation-errors.js';

export const BUILD_RUN_LABEL = 'kda.io/build-run';
/** kaniko's debug image has a shell, so the step markers can be printed around the executor. */
const BUILDER_IMAGE = 'gcr.io/kaniko-project/executor:v1.23.2-debug';
const BUILDER_CONTAINER = 'builder';
/** The init container fetching the source (see below). */
export const SOURCE_CONTAINER = 'source';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kda-gateway' };
const REGISTRY_AUTH_VOLUME = 'registry-auth';
/** kaniko's DOCKER_CONFIG directory: it reads config.json there. */
const KANIKO_DOCKER_DIR = '/kaniko/.docker';
/** A pod waiting with one of these will not start by itself: the run fails, saying why. */
const STUCK_REASONS = new Set(['CreateContainerConfigError', 'InvalidImageName', 'ErrImageNeverPull']);
const POLL_MS = 100;
/** A finished pod's log stream quiet this long is over (the apiserver should have closed it). */
const QUIET_MS = 1_000;

export interface KubeConfigSource {
  kubeConfigOf(clusterId: string): KubeConfig | undefined;
}

function kubeConfigOrThrow(pool: KubeConfigSource, clusterId: string): KubeConfig {
  const kubeConfig = pool.kubeConfigOf(clusterId);
  if (kubeConfig === undefined) throw new DomainError('UNAVAILABLE', `Cluster ${clusterId} is not connected: cannot run a build there now`, { clusterId });
  return kubeConfig;
}

function describe(error: unknown): string {
  return apiMessageOf(error) ?? (error instanceof Error ? error.message : String(error));
}

/**
 * Why two containers. kaniko's own git context clones and builds in one go, so nothing could look
 * at the source in between: a language preset could not tell whether the repository brings its own
 * Dockerfile. So the `source` init container (git) fetches the ref into an emptyDir at /workspace,
 * and the builder (kaniko's debug image, which has a shell) decides: the repository's Dockerfile
 * when it has one (at `dockerfile` for DOCKERFILE builds, at the root for a language preset), else
 * the preset's Dockerfile, handed over in KDA_BUILD_PRESET_DOCKERFILE and written to a second
 * emptyDir (outside the build context, so it never lands in the image); kaniko then builds
 * `dir:///workspace` with it.
 *
 * The init container never fails the pod: it records git's output and exit status in the scratch
 * volume, and the builder prints them under the clone step marker. So the whole run keeps one log
 * (the builder's) and a failed fetch is step 1 failing, as before.
 *
 * Every user-supplied value reaches both scripts through the environment, always quoted, never
 * spliced into the script text; git gets them after `--`, so no source URL, ref, path or build
 * argument can become an option or run a command in the build pod.
 */
export const SOURCE_IMAGE = 'alpine/git:2.45.2';
const WORKSPACE_VOLUME = 'workspace';
const WORKSPACE_DIR = '/workspace';
const SCRATCH_VOLUME = 'kda-build';
const SCRATCH_DIR = '/kda-build';
/** Transports git may use: never `file` or `ext` (which runs a command). */
const GIT_PROTOCOLS = 'http:https:git:ssh';

function sourceScript(): string {
  return [
    `cd ${WORKSPACE_DIR}`,
    '{',
    '  git -c init.defaultBranch=build init -q . &&',
    '  printf "Fetching %s from %s\\n" "$KDA_BUILD_REF" "$KDA_BUILD_SOURCE" &&',
    '  git fetch --depth 1 -- "$KDA_BUILD_SOURCE" "$KDA_BUILD_REF" &&',
    '  git -c advice.detachedHead=false checkout -q FETCH_HEAD &&',
    '  printf "HEAD is now at %s\\n" "$(git rev-parse --short HEAD)"',
    `} >${SCRATCH_DIR}/clone.log 2>&1`,
    `echo $? >${SCRATCH_DIR}/clone.status`,
    `cat ${SCRATCH_DIR}/clone.log`,
  ].join('\n');
}

/** The builder script a real cluster runs: markers, the Dockerfile chosen, then kaniko. The simulator reads the env instead. */
function builderScript(spec: BuildJobSpec): string {
  const total = spec.steps.length;
  const marker = (name: string) => `echo "[kda] step $((${spec.steps.indexOf(name) + 1}))/${total} ${name}"`;
  return [
    'set -e',
    marker('clone'),
    `cat ${SCRATCH_DIR}/clone.log 2>/dev/null || true`,
    `if [ "$(cat ${SCRATCH_DIR}/clone.status 2>/dev/null)" != 0 ]; then printf 'error: cannot fetch %s from %s\\n' "$KDA_BUILD_REF" "$KDA_BUILD_SOURCE"; exit 1; fi`,
    marker('prepare'),
    `printf 'Using build preset %s\\n' "$KDA_BUILD_PRESET"`,
    'if [ -n "${KDA_BUILD_DOCKERFILE:-}" ]; then',
    `  dockerfile="${WORKSPACE_DIR}/$KDA_BUILD_DOCKERFILE"`,
    `  if [ ! -f "$dockerfile" ]; then printf 'error: the repository has no Dockerfile at %s\\n' "$KDA_BUILD_DOCKERFILE"; exit 1; fi`,
    `  printf "Dockerfile: the repository's Dockerfile (%s)\\n" "$KDA_BUILD_DOCKERFILE"`,
    `elif [ -f ${WORKSPACE_DIR}/Dockerfile ]; then`,
    `  dockerfile=${WORKSPACE_DIR}/Dockerfile`,
    `  echo "Dockerfile: the repository's Dockerfile (Dockerfile)"`,
    'else',
    `  dockerfile=${SCRATCH_DIR}/Dockerfile`,
    `  printf '%s' "$KDA_BUILD_PRESET_DOCKERFILE" >"$dockerfile"`,
    `  printf 'Dockerfile: generated for preset %s\\n' "$KDA_BUILD_PRESET"`,
    'fi',
    marker('dependencies'),
    marker('compile'),
    marker('image'),
    marker('push'),
    // kaniko builds and pushes in one go; its own output lands under the last markers.
    // One `--build-arg NAME=VALUE` per line of KDA_BUILD_ARGS, each a single word whatever it holds.
    'set --',
    'if [ -n "$KDA_BUILD_ARGS" ]; then while IFS= read -r arg; do set -- "$@" --build-arg "$arg"; done <<EOF\n$KDA_BUILD_ARGS\nEOF\nfi',
    `/kaniko/executor --context dir://${WORKSPACE_DIR} --dockerfile "$dockerfile" --destination "$KDA_BUILD_DESTINATION" "$@"`,
    'echo "[kda] build finished"',
  ].join('\n');
}

/** The Secret holding the run's registry credentials: named after its Job. */
export function registrySecretName(jobName: string): string {
  return `${jobName}-registry-auth`;
}

function hasCredentials(spec: BuildJobSpec): boolean {
  return spec.credentials.username !== null && spec.credentials.username !== '';
}

/** `{"auths":{"<host>":{"auth":"<base64 user:password>"}}}` for the destination's registry host. */
export function dockerConfigJson(spec: BuildJobSpec): string {
  const host = spec.destination.split('/')[0] ?? '';
  const auth = Buffer.from(`${spec.credentials.username ?? ''}:${spec.credentials.password ?? ''}`).toString('base64');
  return JSON.stringify({ auths: { [host]: { auth } } });
}

/** The run's dockerconfigjson Secret, or undefined when the registry takes no credentials. */
export function registrySecretManifest(spec: BuildJobSpec): V1Secret | undefined {
  if (!hasCredentials(spec)) return undefined;
  return {
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: registrySecretName(spec.jobName), namespace: spec.namespace, labels: { [BUILD_RUN_LABEL]: spec.runId, ...MANAGED_BY } },
    type: 'kubernetes.io/dockerconfigjson',
    data: { '.dockerconfigjson': Buffer.from(dockerConfigJson(spec)).toString('base64') },
  };
}

export function buildJobManifest(spec: BuildJobSpec): V1Job {
  const source = [
    { name: 'KDA_BUILD_SOURCE', value: spec.sourceUrl },
    { name: 'KDA_BUILD_REF', value: spec.ref },
  ];
  const env = [
    ...source,
    { name: 'KDA_BUILD_PRESET', value: spec.preset },
    ...(spec.dockerfile !== null ? [{ name: 'KDA_BUILD_DOCKERFILE', value: spec.dockerfile }] : []),
    ...(spec.presetDockerfile !== null ? [{ name: 'KDA_BUILD_PRESET_DOCKERFILE', value: spec.presetDockerfile }] : []),
    { name: 'KDA_BUILD_DESTINATION', value: spec.destination },
    { name: 'KDA_BUILD_REGISTRY_URL', value: spec.registryUrl },
    { name: 'KDA_BUILD_STEPS', value: spec.steps.join(',') },
    ...(spec.buildArgs.length > 0 ? [{ name: 'KDA_BUILD_ARGS', value: spec.buildArgs.map((arg) => `${arg.name}=${arg.value}`).join('\n') }] : []),
  ];
  const labels = { [BUILD_RUN_LABEL]: spec.runId, ...MANAGED_BY };
  const shared = [
    { name: WORKSPACE_VOLUME, mountPath: WORKSPACE_DIR },
    { name: SCRATCH_VOLUME, mountPath: SCRATCH_DIR },
  ];
  // Credentials by reference only: the Secret's config.json where kaniko looks for it.
  const credentials = hasCredentials(spec);
  const volumes = [
    ...(credentials ? [{ name: REGISTRY_AUTH_VOLUME, secret: { secretName: registrySecretName(spec.jobName), items: [{ key: '.dockerconfigjson', path: 'config.json' }] } }] : []),
    { name: WORKSPACE_VOLUME, emptyDir: {} },
    { name: SCRATCH_VOLUME, emptyDir: {} },
  ];
  const volumeMounts = [...(credentials ? [{ name: REGISTRY_AUTH_VOLUME, mountPath: KANIKO_DOCKER_DIR, readOnly: true }] : []), ...shared];
  const sourceEnv = [...source, { name: 'GIT_ALLOW_PROTOCOL', value: GIT_PROTOCOLS }, { name: 'GIT_TERMINAL_PROMPT', value: '0' }];
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name: spec.jobName, namespace: spec.namespace, labels },
    spec: {
      backoffLimit: 0,
      ttlSecondsAfterFinished: 3600,
      template: {
        metadata: { labels },
        spec: {
          restartPolicy: 'Never',
          initContainers: [{ name: SOURCE_CONTAINER, image: SOURCE_IMAGE, command: ['/bin/sh', '-c', sourceScript()], env: sourceEnv, volumeMounts: shared }],
          containers: [{ name: BUILDER_CONTAINER, image: BUILDER_IMAGE, command: ['/busybox/sh', '-c', builderScript(spec)], env, volumeMounts }],
          volumes,
        },
      },
    },
  };
}

function jobOutcome(job: V1Job): JobOutcome | undefined {
  for (const condition of job.status?.conditions ?? []) {
    if (condition.status !== 'True') continue;
    if (condition.type === 'Complete') return 'succeeded';
    if (condition.type === 'Failed') return 'failed';
  }
  return undefined;
}

function podOutcome(pod: V1Pod): JobOutcome | undefined {
  if (pod.status?.phase === 'Succeeded') return 'succeeded';
  if (pod.status?.phase === 'Failed') return 'failed';
  return undefined;
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}

/** Splits a byte stream into lines, handing each complete one on. */
function lineSink(onLine: (text: string) => void): Writable & { flushRest(): void } {
  let pending = '';
  const sink = new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      pending += chunk.toString();
      let newline = pending.indexOf('\n');
      while (newline >= 0) {
        onLine(pending.slice(0, newline).replace(/\r$/, ''));
        pending = pending.slice(newline + 1);
        newline = pending.indexOf('\n');
      }
      callback();
    },
  });
  return Object.assign(sink, {
    flushRest() {
      if (pending !== '') onLine(pending);
      pending = '';
    },
  });
}

async function deleteIgnoringMissing(remove: () => Promise<unknown>): Promise<void> {
  try {
    await remove();
  } catch (error) {
    if (apiStatusOf(error) !== 404) throw error;
  }
}

/** Why one of the pod's containers (the source one too) waits for good (e.g. a missing Secret), if it does. */
function stuckReason(pod: V1Pod): string | undefined {
  for (const status of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]) {
    const waiting = status.state?.waiting;
    if (waiting?.reason !== undefined && STUCK_REASONS.has(waiting.reason)) return `${waiting.reason}: ${waiting.message ?? ''}`.trim();
  }
  return undefined;
}

/** How the source container ended, when it failed before the builder could start. */
function sourceFailure(pod: V1Pod): string | undefined {
  const terminated = pod.status?.initContainerStatuses?.find((status) => status.name === SOURCE_CONTAINER)?.state?.terminated;
  if (terminated === undefined || terminated.exitCode === 0) return undefined;
  return `the source container ended with ${terminated.reason ?? 'an error'} (exit code ${terminated.exitCode}) before the build started`;
}

export function createBuildJobs(pool: KubeConfigSource): BuildJobs {
  const apis = (clusterId: string) => {
    const kubeConfig = kubeConfigOrThrow(pool, clusterId);
    return { kubeConfig, batch: kubeConfig.makeApiClient(BatchV1Api), core: kubeConfig.makeApiClient(CoreV1Api) };
  };

  async function findPod(core: CoreV1Api, namespace: string, jobName: string): Promise<V1Pod | undefined> {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `job-name=${jobName}` });
    return pods.items[0];
  }

  return {
    async create(spec) {
      const { batch, core } = apis(spec.clusterId);
      try {
        await core.readNamespace({ name: spec.namespace });
      } catch (error) {
        if (apiStatusOf(error) !== 404) throw new DomainError('UNAVAILABLE', `Cannot reach cluster ${spec.clusterId}: ${describe(error)}`, { clusterId: spec.clusterId });
        try {
          await core.createNamespace({ body: { metadata: { name: spec.namespace, labels: MANAGED_BY } } });
        } catch (createError) {
          if (apiStatusOf(createError) !== 409)
            throw new DomainError('UNAVAILABLE', `Cannot create namespace ${spec.namespace}: ${describe(createError)}`, { clusterId: spec.clusterId });
        }
      }
      // The Secret first, so the pod never starts without it; then the Job; then the Secret is
      // handed to the Job (ownerReference) so deleting the Job deletes it. Any failure undoes it all.
      const secret = registrySecretManifest(spec);
      const unavailable = (what: string, error: unknown) =>
        new DomainError('UNAVAILABLE', `Cannot ${what} in cluster ${spec.clusterId}: ${describe(error)}`, { clusterId: spec.clusterId });
      const secretName = registrySecretName(spec.jobName);
      let storedSecret: V1Secret | undefined;
      if (secret !== undefined) {
        try {
          storedSecret = await core.createNamespacedSecret({ namespace: spec.namespace, body: secret });
        } catch (error) {
          throw unavailable('create the build registry Secret', error);
        }
      }
      let job: V1Job;
      try {
        job = await batch.createNamespacedJob({ namespace: spec.namespace, body: buildJobManifest(spec) });
      } catch (error) {
        if (storedSecret !== undefined) await deleteIgnoringMissing(() => core.deleteNamespacedSecret({ namespace: spec.namespace, name: secretName })).catch(() => undefined);
        throw unavailable('create the build Job', error);
      }
      if (storedSecret === undefined) return;
      try {
        const ownerReferences = [{ apiVersion: 'batch/v1', kind: 'Job', name: spec.jobName, uid: job.metadata?.uid ?? '', controller: true, blockOwnerDeletion: true }];
        if (ownerReferences[0]?.uid === '') throw new Error('the created Job has no uid');
        await core.replaceNamespacedSecret({ namespace: spec.namespace, name: secretName, body: { ...storedSecret, metadata: { ...storedSecret.metadata, ownerReferences } } });
      } catch (error) {
        await deleteIgnoringMissing(() => batch.deleteNamespacedJob({ namespace: spec.namespace, name: spec.jobName, propagationPolicy: 'Background' })).catch(() => undefined);
        await deleteIgnoringMissing(() => core.deleteNamespacedSecret({ namespace: spec.namespace, name: secretName })).catch(() => undefined);
        throw unavailable('hand the build registry Secret to its Job', error);
      }
    },

    async delete(clusterId, namespace, jobName) {
      const { batch, core } = apis(clusterId);
      await deleteIgnoringMissing(() => batch.deleteNamespacedJob({ namespace, name: jobName, propagationPolicy: 'Background' }));
      // The garbage collector removes an owned Secret with its Job; deleting it here too covers a
      // Secret left unowned (the gateway stopped between creating it and handing it to the Job).
      await deleteIgnoringMissing(() => core.deleteNamespacedSecret({ namespace, name: registrySecretName(jobName) }));
    },

    async follow(clusterId, namespace, jobName, handlers: BuildJobHandlers, signal): Promise<JobOutcome> {
      const { kubeConfig, batch, core } = apis(clusterId);
      // 1. The pod: created by the Job controller, then started by the kubelet.
      let pod: V1Pod | undefined;
      while (!signal.aborted) {
        pod = await findPod(core, namespace, jobName).catch(() => undefined);
        const phase = pod?.status?.phase;
        if (phase !== undefined && phase !== 'Pending') break;
        const stuck = pod === undefined ? undefined : stuckReason(pod);
        if (stuck !== undefined) {
          // The kubelet would retry forever (e.g. the credentials Secret is gone): end the run, saying why.
          handlers.onStarted();
          handlers.onLine(`error: the build pod cannot start: ${stuck}`, new Date());
          return 'failed';
        }
        const job = await batch.readNamespacedJob({ namespace, name: jobName }).catch((error: unknown) => (apiStatusOf(error) === 404 ? null : undefined));
        if (job === null) return 'missing';
        if (job !== undefined && jobOutcome(job) !== undefined && pod === undefined) return jobOutcome(job) ?? 'failed';
        await delay(POLL_MS, signal);
      }
      if (signal.aborted || pod?.metadata?.name === undefined) return 'missing';
      handlers.onStarted();
      const podName = pod.metadata.name;
      // 2. The log, followed until the container ends. A follow stream that ends early (a dropped
      // connection, a restarted container) is opened again from where it was left, by timestamp.
      const resume = new LogResumePoint();
      for (;;) {
        resume.startStream();
        const sink = lineSink((rawLine) => {
          const line = resume.accept(rawLine);
          if (line !== undefined) handlers.onLine(line.text, line.at);
        });
        await followOnce(kubeConfig, core, namespace, podName, sink, signal, resume.sinceTime);
        sink.flushRest();
        if (signal.aborted) return 'missing';
        // 3. How it ended: the pod's phase (the Job controller follows it).
        const current = await core.readNamespacedPod({ namespace, name: podName }).catch((error: unknown) => (apiStatusOf(error) === 404 ? null : undefined));
        if (current === null) return 'missing';
        const outcome = current === undefined ? undefined : podOutcome(current);
        if (outcome === 'failed' && resume.delivered === 0 && current !== undefined) {
          // The source container only fails when killed (it records git's own failures): say so, as the builder never ran.
          const ended = sourceFailure(current);
          if (ended !== undefined) handlers.onLine(`error: ${ended}`, new Date());
        }
        if (outcome !== undefined) return outcome;
        await delay(POLL_MS, signal);
      }
    },
  };
}

/**
 * One follow stream. `Log` pipes the response into the sink but reports neither the end of a
 * broken stream nor an abort, so the pod is watched too: once it has ended and the stream has been
 * quiet for a moment, the stream is closed here.
 */
async function followOnce(
  kubeConfig: KubeConfig,
  core: CoreV1Api,
  namespace: string,
  podName: string,
  sink: Writable,
  signal: AbortSignal,
  sinceTime: string | undefined,
): Promise<void> {
  const local = new AbortController();
  const onAbort = () => local.abort();
  signal.addEventListener('abort', onAbort, { once: true });
  let lastData = Date.now();
  sink.on('pipe', (source: NodeJS.ReadableStream) => {
    source.on('data', () => (lastData = Date.now()));
    // Aborting (below) or a dropped connection errors the response stream: the loop above follows again.
    source.on('error', () => local.abort());
  });
  const finished = new Promise<void>((resolve) => {
    sink.on('finish', resolve);
    sink.on('error', () => resolve());
    local.signal.addEventListener('abort', () => resolve(), { once: true });
  });
  let controller: AbortController | undefined;
  try {
    controller = await new Log(kubeConfig).log(namespace, podName, BUILDER_CONTAINER, sink, {
      follow: true,
      timestamps: true,
      ...(sinceTime === undefined ? {} : { sinceTime }),
    });
  } catch {
    // e.g. the container is not ready for logs yet: the caller polls and follows again.
    signal.removeEventListener('abort', onAbort);
    await delay(POLL_MS, signal);
    return;
  }
  const watchdog = (async () => {
    while (!local.signal.aborted) {
      await delay(QUIET_MS, local.signal);
      if (local.signal.aborted) return;
      const current = await core.readNamespacedPod({ namespace, name: podName }).catch(() => undefined);
      if ((current === undefined || podOutcome(current) !== undefined) && Date.now() - lastData >= QUIET_MS) local.abort();
    }
  })();
  await finished;
  local.abort();
  controller.abort();
  signal.removeEventListener('abort', onAbort);
  await watchdog;
}
