/**
 * Writes to a cluster's apiserver (the ClusterOperations port) with @kubernetes/client-node 2,
 * using the credentials of the cluster's live connection in the informer pool. Every call is
 * bounded by a timeout and its failures are DomainErrors (operation-errors.ts).
 */
import { AppsV1Api, CoreV1Api, Observable, PatchStrategy, setHeaderOptions, type ConfigurationOptions, type KubeConfig, type ObservableMiddleware } from '@kubernetes/client-node';
import type { ClusterOperations, EvictionOutcome, RestartableKind, ScalableKind } from '../../domains/clusters/ports.js';
import { BadInputError, DomainError } from '../../shared/errors.js';
import { inSpan, SpanKind } from '../../shared/tracing.js';
import { apiStatusOf, OperationTimeoutError, toDomainError, type OperationTarget } from './operation-errors.js';
import { RESTARTED_AT_ANNOTATION } from './workload-projections.js';

export const DEFAULT_OPERATION_TIMEOUT_MS = 15_000;

/** The client calls the operations make; a port so tests can record them. */
export interface OperationApis {
  readonly apps: Pick<
    AppsV1Api,
    'patchNamespacedDeploymentScale' | 'patchNamespacedStatefulSetScale' | 'patchNamespacedDeployment' | 'patchNamespacedStatefulSet' | 'patchNamespacedDaemonSet'
  >;
  readonly core: Pick<CoreV1Api, 'deleteNamespacedPod' | 'patchNode' | 'createNamespacedPodEviction'>;
}

export interface ClusterOperationsOptions {
  readonly timeoutMs?: number;
  /** Replaces the generated API clients (tests). */
  readonly apisFor?: (kubeConfig: KubeConfig) => OperationApis;
}

/** Where the operations find a connected cluster's credentials (the InformerPool). */
export interface KubeConfigSource {
  kubeConfigOf(clusterId: string): KubeConfig | undefined;
}

const SCALABLE_KINDS: readonly ScalableKind[] = ['Deployment', 'StatefulSet'];
const RESTARTABLE_KINDS: readonly RestartableKind[] = ['Deployment', 'StatefulSet', 'DaemonSet'];
/** A DNS-1123 subdomain, what Kubernetes accepts as an object name. */
const OBJECT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_REPLICAS = 2 ** 31 - 1;

function defaultApis(kubeConfig: KubeConfig): OperationApis {
  return { apps: kubeConfig.makeApiClient(AppsV1Api), core: kubeConfig.makeApiClient(CoreV1Api) };
}

export function createClusterOperations(pool: KubeConfigSource, options: ClusterOperationsOptions = {}): ClusterOperations {
  const timeoutMs = options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  const apisFor = options.apisFor ?? defaultApis;
  // One set of clients per KubeConfig: a reconnect with a new kubeconfig gets new ones.
  const clients = new WeakMap<KubeConfig, OperationApis>();

  /** Runs one call against the cluster's current connection, bounded and with mapped errors. */
  async function call<T>(target: OperationTarget, run: (apis: OperationApis, signal: AbortSignal) => Promise<T>): Promise<T> {
    const kubeConfig = pool.kubeConfigOf(target.clusterId);
    if (kubeConfig === undefined) {
      throw new DomainError('NOT_FOUND', `Cluster ${target.clusterId} not found or not connected`, { id: target.clusterId, clusterId: target.clusterId });
    }
    let apis = clients.get(kubeConfig);
    if (apis === undefined) {
      apis = apisFor(kubeConfig);
      clients.set(kubeConfig, apis);
    }
    const ready = apis;
    return inSpan(`kubernetes ${target.verb}`, SpanKind.CLIENT, { 'kda.cluster_id': target.clusterId, 'k8s.object': target.object }, async () => {
      try {
        return await bounded(timeoutMs, (signal) => run(ready, signal));
      } catch (error) {
        throw toDomainError(error, target);
      }
    });
  }

  return {
    async scaleWorkload(clusterId, kind, namespace, name, replicas) {
      requireOneOf('kind', kind, SCALABLE_KINDS);
      requireObjectName('namespace', namespace);
      requireObjectName('name', name);
      if (!Number.isInteger(replicas) || replicas < 0 || replicas > MAX_REPLICAS) {
        throw new BadInputError('replicas', `must be a whole number from 0 to ${MAX_REPLICAS}, got ${replicas}`);
      }
      const target = { clusterId, verb: 'update the scale of', object: `${kind} ${namespace}/${name}`, field: 'replicas' };
      const body = { spec: { replicas } };
      await call(target, ({ apps }, signal) => {
        const request = { namespace, name, body };
        const options = mergePatchOptions(signal);
        return kind === 'Deployment' ? apps.patchNamespacedDeploymentScale(request, options) : apps.patchNamespacedStatefulSetScale(request, options);
      });
    },

    async restartWorkload(clusterId, kind, namespace, name, restartedAt) {
      requireOneOf('kind', kind, RESTARTABLE_KINDS);
      requireObjectName('namespace', namespace);
      requireObjectName('name', name);
      if (Number.isNaN(Date.parse(restartedAt))) throw new BadInputError('restartedAt', `must be an ISO 8601 time, got ${JSON.stringify(restartedAt)}`);
      const target = { clusterId, verb: 'restart', object: `${kind} ${namespace}/${name}`, field: 'name' };
      // What `kubectl rollout restart` sends: a changed pod template makes the controller roll every pod.
      const body = { spec: { template: { metadata: { annotations: { [RESTARTED_AT_ANNOTATION]: restartedAt } } } } };
      await call(target, ({ apps }, signal) => {
        const request = { namespace, name, body };
        const options = mergePatchOptions(signal);
        switch (kind) {
          case 'Deployment':
            return apps.patchNamespacedDeployment(request, options);
          case 'StatefulSet':
            return apps.patchNamespacedStatefulSet(request, options);
          case 'DaemonSet':
            return apps.patchNamespacedDaemonSet(request, options);
        }
      });
    },

    async deletePod(clusterId, namespace, name) {
      requireObjectName('namespace', namespace);
      requireObjectName('name', name);
      const target = { clusterId, verb: 'delete', object: `Pod ${namespace}/${name}`, field: 'name' };
      await call(target, ({ core }, signal) => core.deleteNamespacedPod({ namespace, name }, signalOptions(signal)));
    },

    async setNodeSchedulable(clusterId, nodeName, schedulable) {
      requireObjectName('nodeName', nodeName);
      const target = { clusterId, verb: schedulable ? 'uncordon' : 'cordon', object: `Node ${nodeName}`, field: 'nodeName' };
      const body = { spec: { unschedulable: !schedulable } };
      await call(target, ({ core }, signal) => core.patchNode({ name: nodeName, body }, mergePatchOptions(signal)));
    },

    async evictPod(clusterId, namespace, name): Promise<EvictionOutcome> {
      requireObjectName('namespace', namespace);
      requireObjectName('name', name);
      const target = { clusterId, verb: 'evict', object: `Pod ${namespace}/${name}`, field: 'name' };
      const body = { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace } };
      return call(target, async ({ core }, signal) => {
        try {
          await core.createNamespacedPodEviction({ namespace, name, body }, signalOptions(signal));
          return 'EVICTED';
        } catch (error) {
          // The Eviction API answers "no" with statuses, not failures: gone already, or a budget says wait.
          const status = apiStatusOf(error);
          if (status === 404) return 'GONE';
          if (status === 429) return 'BLOCKED_BY_DISRUPTION_BUDGET';
          throw error;
        }
      });
    },
  };
}

/** Runs `run` with a signal that aborts at the deadline; rejects with OperationTimeoutError then. */
export async function bounded<T>(timeoutMs: number, run: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new OperationTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  try {
    // The race also bounds work that does not watch the signal (credential plugins, DNS).
    return await Promise.race([run(controller.signal), deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Request options that make the HTTP request abort with `signal`. */
export function signalOptions(signal: AbortSignal): ConfigurationOptions {
  const abortWithSignal: ObservableMiddleware = {
    pre: (context) => {
      context.setSignal(signal);
      return new Observable(Promise.resolve(context));
    },
    post: (response) => new Observable(Promise.resolve(response)),
  };
  return { middleware: [abortWithSignal], middlewareMergeStrategy: 'append' };
}

/**
 * The generated patch calls default to a JSON Patch content type, which a `{ spec: … }` body is
 * not; a merge patch is what these bodies are.
 */
export function mergePatchOptions(signal: AbortSignal): ConfigurationOptions {
  return setHeaderOptions('Content-Type', PatchStrategy.MergePatch, signalOptions(signal));
}

function requireOneOf<T extends string>(field: string, value: T, allowed: readonly T[]): void {
  if (!allowed.includes(value)) throw new BadInputError(field, `must be one of ${allowed.join(', ')}, got ${JSON.stringify(value)}`);
}

function requireObjectName(field: string, value: string): void {
  if (typeof value !== 'string' || value.length === 0 || value.length > 253 || !OBJECT_NAME.test(value)) {
    throw new BadInputError(field, `is not a valid Kubernetes name: ${JSON.stringify(value)}`);
  }
}
