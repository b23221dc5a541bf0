/**
 * Build Jobs in a cluster: create (namespace first, if needed), delete, and follow — the Job's pod
 * is found by its `job-name` label, its log followed through the Kubernetes log API (`Log`,
 * follow=true), and the Job's outcome read when the log ends.
 */
import { Writable } from 'node:stream';
import { BatchV1Api, CoreV1Api, Log, type KubeConfig, type V1Job, type V1Pod } from '@kubernetes/client-node';
import type { BuildJobHandlers, BuildJobs, BuildJobSpec, JobOutcome } from '../../domains/builds/ports.js';
import { DomainError } from '../../shared/errors.js';
import { apiMessageOf, apiStatusOf } from './operation-errors.js';

export const BUILD_RUN_LABEL = 'kda.io/build-run';
/** kaniko's debug image has a shell, so the step markers can be printed around the executor. */
const BUILDER_IMAGE = 'gcr.io/kaniko-project/executor:v1.23.2-debug';
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
 * The builder script a real cluster runs: markers, then kaniko. The simulator reads the env instead.
 * Every user-supplied value reaches kaniko through the environment, never spliced into the script,
 * so no source URL, ref, path or build argument can run a command in the build pod.
 */
function builderScript(spec: BuildJobSpec): string {
  const total = spec.steps.length;
  const marker = (name: string) => `echo "[kda] step $((${spec.steps.indexOf(name) + 1}))/${total} ${name}"`;
  return [
    'set -e',
    marker('clone'),
    marker('prepare'),
    marker('dependencies'),
    marker('compile'),
    marker('image'),
    marker('push'),
    // kaniko clones, builds and pushes in one go; its own output lands under the last markers.
    // One `--build-arg NAME=VALUE` per line of KDA_BUILD_ARGS, each a single word whatever it holds.
    'set --',
    'if [ -n "$KDA_BUILD_ARGS" ]; then while IFS= read -r arg; do set -- "$@" --build-arg "$arg"; done <<EOF\n$KDA_BUILD_ARGS\nEOF\nfi',
    '/kaniko/executor --context "git://${KDA_BUILD_SOURCE#*://}#refs/heads/${KDA_BUILD_REF}" --dockerfile "${KDA_BUILD_DOCKERFILE:-Dockerfile}" --destination "$KDA_BUILD_DESTINATION" "$@"',
    'echo "[kda] build finished"',
  ].join('\n');
}

export function buildJobManifest(spec: BuildJobSpec): V1Job {
  const env = [
    { name: 'KDA_BUILD_SOURCE', value: spec.sourceUrl },
    { name: 'KDA_BUILD_REF', value: spec.ref },
    { name: 'KDA_BUILD_PRESET', value: spec.preset },
    ...(spec.dockerfile !== null ? [{ name: 'KDA_BUILD_DOCKERFILE', value: spec.dockerfile }] : []),
    { name: 'KDA_BUILD_DESTINATION', value: spec.destination },
    { name: 'KDA_BUILD_REGISTRY_URL', value: spec.registryUrl },
    { name: 'KDA_BUILD_STEPS', value: spec.steps.join(',') },
    ...(spec.buildArgs.length > 0 ? [{ name: 'KDA_BUILD_ARGS', value: spec.buildArgs.map((arg) => `${arg.name}=${arg.value}`).join('\n') }] : []),
    // TODO(secrets): move into a dockerconfigjson Secret once the simulator serves Secrets.
    ...(spec.credentials.username ? [{ name: 'KDA_REGISTRY_AUTH', value: Buffer.from(`${spec.credentials.username}:${spec.credentials.password ?? ''}`).toString('base64') }] : []),
  ];
  const labels = { [BUILD_RUN_LABEL]: spec.runId, 'app.kubernetes.io/managed-by': 'kda-gateway' };
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
          containers: [{ name: 'builder', image: BUILDER_IMAGE, command: ['/busybox/sh', '-c', builderScript(spec)], env }],
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
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
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
          await core.createNamespace({ body: { metadata: { name: spec.namespace, labels: { 'app.kubernetes.io/managed-by': 'kda-gateway' } } } });
        } catch (createError) {
          if (apiStatusOf(createError) !== 409) throw new DomainError('UNAVAILABLE', `Cannot create namespace ${spec.namespace}: ${describe(createError)}`, { clusterId: spec.clusterId });
        }
      }
      try {
        await batch.createNamespacedJob({ namespace: spec.namespace, body: buildJobManifest(spec) });
      } catch (error) {
        throw new DomainError('UNAVAILABLE', `Cannot create the build Job in cluster ${spec.clusterId}: ${describe(error)}`, { clusterId: spec.clusterId });
      }
    },

    async delete(clusterId, namespace, jobName) {
      const { batch } = apis(clusterId);
      try {
        await batch.deleteNamespacedJob({ namespace, name: jobName, propagationPolicy: 'Background' });
      } catch (error) {
        if (apiStatusOf(error) !== 404) throw error;
      }
    },

    async follow(clusterId, namespace, jobName, handlers: BuildJobHandlers, signal): Promise<JobOutcome> {
      const { kubeConfig, batch, core } = apis(clusterId);
      // 1. The pod: created by the Job controller, then started by the kubelet.
      let pod: V1Pod | undefined;
      while (!signal.aborted) {
        pod = await findPod(core, namespace, jobName).catch(() => undefined);
        const phase = pod?.status?.phase;
        if (phase !== undefined && phase !== 'Pending') break;
        const job = await batch.readNamespacedJob({ namespace, name: jobName }).catch((error: unknown) => (apiStatusOf(error) === 404 ? null : undefined));
        if (job === null) return 'missing';
        if (job !== undefined && jobOutcome(job) !== undefined && pod === undefined) return jobOutcome(job) ?? 'failed';
        await delay(POLL_MS, signal);
      }
      if (signal.aborted || pod?.metadata?.name === undefined) return 'missing';
      handlers.onStarted();
      const podName = pod.metadata.name;
      // 2. The log, followed until the container ends. A follow stream that ends early (a dropped
      // connection) is opened again from the start, skipping the lines already handed on.
      let seen = 0;
      for (;;) {
        let index = 0;
        const sink = lineSink((text) => {
          index += 1;
          if (index > seen) {
            seen = index;
            handlers.onLine(text, new Date());
          }
        });
        await followOnce(kubeConfig, core, namespace, podName, sink, signal);
        sink.flushRest();
        if (signal.aborted) return 'missing';
        // 3. How it ended: the pod's phase (the Job controller follows it).
        const current = await core.readNamespacedPod({ namespace, name: podName }).catch((error: unknown) => (apiStatusOf(error) === 404 ? null : undefined));
        if (current === null) return 'missing';
        const outcome = current === undefined ? undefined : podOutcome(current);
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
async function followOnce(kubeConfig: KubeConfig, core: CoreV1Api, namespace: string, podName: string, sink: Writable, signal: AbortSignal): Promise<void> {
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
    controller = await new Log(kubeConfig).log(namespace, podName, 'builder', sink, { follow: true });
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

