/**
 * Releases' reads and writes on a cluster's apiserver (the ReleaseCluster port), with
 * @kubernetes/client-node's KubernetesObjectApi and the credentials of the cluster's live connection
 * in the informer pool, as the day-two operations use them. Server-side apply under one field
 * manager; bodies and answers go as the JSON they are (the typed serializer would drop a field it
 * does not know instead of letting the apiserver judge it).
 */
import { ApiException, HttpMethod, KubernetesObjectApi, PatchStrategy, type KubeConfig, type KubernetesObject } from '@kubernetes/client-node';
import { ClusterRequestError, type DeleteOutcome, type ObjectRef, type ReleaseCluster } from '../../domains/catalog/releases/ports.js';
import { FIELD_MANAGER } from '../../domains/catalog/releases/object-diff.js';
import { refOf } from '../../domains/catalog/releases/manifests.js';
import type { JsonObject } from '../../domains/catalog/rendering/json.js';
import { bounded, DEFAULT_OPERATION_TIMEOUT_MS, type KubeConfigSource } from './cluster-operations.js';
import { describeError } from './kube-transport.js';
import { apiMessageOf, OperationTimeoutError } from './operation-errors.js';
import { asArray, asRecord, asString } from './raw-object.js';

/** KubernetesObjectApi with its resource discovery and request pipeline, sending and answering raw JSON. */
class RawObjectApi extends KubernetesObjectApi {
  static make(kubeConfig: KubeConfig): RawObjectApi {
    const client = kubeConfig.makeApiClient(RawObjectApi);
    client.setDefaultNamespace(kubeConfig);
    return client;
  }

  async send(method: HttpMethod, ref: ObjectRef, options: { query?: Record<string, string>; body?: unknown; contentType?: string; signal: AbortSignal }): Promise<JsonObject> {
    const header: KubernetesObject = { apiVersion: ref.apiVersion, kind: ref.kind, metadata: { name: ref.name, ...(ref.namespace === null ? {} : { namespace: ref.namespace }) } };
    const path = await this.specUriPath(header, method === HttpMethod.PATCH ? 'patch' : method === HttpMethod.DELETE ? 'delete' : 'read');
    const context = this.configuration.baseServer.makeRequestContext(path, method);
    context.setHeaderParam('Accept', 'application/json');
    for (const [name, value] of Object.entries(options.query ?? {})) context.setQueryParam(name, value);
    if (options.body !== undefined) {
      context.setHeaderParam('Content-Type', options.contentType ?? 'application/json');
      context.setBody(JSON.stringify(options.body));
    }
    context.setSignal(options.signal);
    // 'any' is passed through by the serializer as the parsed JSON.
    return (await this.requestPromise(context, 'any')) as unknown as JsonObject;
  }
}

export interface ReleaseClusterOptions {
  readonly timeoutMs?: number;
}

/** `Service "web" is invalid: spec.ports[0].port: Invalid value: …` names its field in the text when no cause does. */
const INVALID_FIELD = / is invalid: ([A-Za-z_$][\w$.-]*(?:\[[^\]]*\][\w$.-]*)*): /;

/** Status causes the apiserver names: `spec.replicas`, `metadata.name`. */
function causesOf(error: ApiException<unknown>, message: string): string[] {
  let body: unknown = error.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body) as unknown;
    } catch {
      body = {};
    }
  }
  const fields = asArray(asRecord(asRecord(body)['details'])['causes'])
    .map((cause) => asString(asRecord(cause)['field']))
    .filter((field): field is string => field !== undefined && field !== '');
  const named = INVALID_FIELD.exec(message)?.[1];
  return fields.length > 0 || named === undefined ? fields : [named];
}

export function toRequestError(error: unknown): ClusterRequestError {
  if (error instanceof ClusterRequestError) return error;
  if (error instanceof OperationTimeoutError) return new ClusterRequestError('UNAVAILABLE', `no answer within ${error.timeoutMs} ms`);
  if (error instanceof ApiException) {
    const said = apiMessageOf(error) ?? `HTTP ${error.code}`;
    switch (error.code) {
      case 400:
      case 422:
        return new ClusterRequestError('INVALID', said, causesOf(error, said));
      case 409:
        return new ClusterRequestError('CONFLICT', said, causesOf(error, said));
      case 403:
        return new ClusterRequestError('FORBIDDEN', said);
      case 404:
        return new ClusterRequestError('NOT_FOUND', said);
      default:
        return new ClusterRequestError('UNAVAILABLE', `HTTP ${error.code}: ${said}`);
    }
  }
  const message = describeError(error);
  // Discovery found no such kind: the cluster does not serve it.
  if (message.startsWith('Unrecognized API version and kind')) return new ClusterRequestError('NOT_FOUND', message);
  return new ClusterRequestError('UNAVAILABLE', message);
}

export function createReleaseCluster(pool: KubeConfigSource, options: ReleaseClusterOptions = {}): ReleaseCluster {
  const timeoutMs = options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  // One client per KubeConfig (its discovery cache with it); a reconnect with a new kubeconfig gets a new one.
  const clients = new WeakMap<KubeConfig, RawObjectApi>();

  async function call<T>(clusterId: string, run: (api: RawObjectApi, signal: AbortSignal) => Promise<T>): Promise<T> {
    const kubeConfig = pool.kubeConfigOf(clusterId);
    if (kubeConfig === undefined) throw new ClusterRequestError('UNAVAILABLE', `cluster ${clusterId} is not connected`);
    let api = clients.get(kubeConfig);
    if (api === undefined) {
      api = RawObjectApi.make(kubeConfig);
      clients.set(kubeConfig, api);
    }
    const ready = api;
    try {
      return await bounded(timeoutMs, (signal) => run(ready, signal));
    } catch (error) {
      throw toRequestError(error);
    }
  }

  return {
    read: (clusterId, ref) =>
      call(clusterId, async (api, signal) => {
        try {
          return await api.send(HttpMethod.GET, ref, { signal });
        } catch (error) {
          if (error instanceof ApiException && error.code === 404) return null;
          throw error;
        }
      }),
    apply: (clusterId, manifest, { dryRun, force }) => {
      const ref = refOf(manifest);
      const query: Record<string, string> = { fieldManager: FIELD_MANAGER, ...(dryRun ? { dryRun: 'All' } : {}), ...(force ? { force: 'true' } : {}) };
      return call(clusterId, (api, signal) => api.send(HttpMethod.PATCH, ref, { query, body: manifest, contentType: PatchStrategy.ServerSideApply, signal }));
    },
    delete: (clusterId, ref, uid) =>
      call(clusterId, async (api, signal): Promise<DeleteOutcome> => {
        try {
          await api.send(HttpMethod.DELETE, ref, { body: { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy: 'Background', preconditions: { uid } }, signal });
          return 'DELETED';
        } catch (error) {
          // A failed uid precondition is a 409: the name now belongs to another object.
          if (error instanceof ApiException && error.code === 409) return 'REPLACED';
          if (error instanceof ApiException && error.code === 404) return 'GONE';
          throw error;
        }
      }),
  };
}
