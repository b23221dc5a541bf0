/**
 * Whole objects read from a cluster's apiserver for "save as package" (the catalog's ClusterObjects
 * port): single reads as releases make them, and lists of a kind in a namespace as raw JSON (the
 * typed deserializer would drop what it does not know).
 */
import { HttpMethod, KubernetesObjectApi, type KubeConfig } from '@kubernetes/client-node';
import type { ClusterObjects } from '../../domains/catalog/index.js';
import { ClusterRequestError } from '../../domains/catalog/releases/ports.js';
import type { JsonObject } from '../../domains/catalog/rendering/json.js';
import { bounded, DEFAULT_OPERATION_TIMEOUT_MS, type KubeConfigSource } from './cluster-operations.js';
import { createReleaseCluster, toRequestError } from './release-cluster.js';

class RawListApi extends KubernetesObjectApi {
  static make(kubeConfig: KubeConfig): RawListApi {
    return kubeConfig.makeApiClient(RawListApi);
  }

  async listRaw(apiVersion: string, kind: string, namespace: string, signal: AbortSignal): Promise<unknown> {
    const path = await this.specUriPath({ apiVersion, kind, metadata: { namespace } }, 'list');
    const context = this.configuration.baseServer.makeRequestContext(path, HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    context.setSignal(signal);
    // 'any' is passed through by the serializer as the parsed JSON.
    return this.requestPromise(context, 'any');
  }
}

export function createClusterObjects(pool: KubeConfigSource, options: { readonly timeoutMs?: number } = {}): ClusterObjects {
  const timeoutMs = options.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
  const releases = createReleaseCluster(pool, options);
  const clients = new WeakMap<KubeConfig, RawListApi>();
  return {
    read: (clusterId, ref) => releases.read(clusterId, ref),
    list: async (clusterId, { apiVersion, kind, namespace }) => {
      const kubeConfig = pool.kubeConfigOf(clusterId);
      if (kubeConfig === undefined) throw new ClusterRequestError('UNAVAILABLE', `cluster ${clusterId} is not connected`);
      let api = clients.get(kubeConfig);
      if (api === undefined) {
        api = RawListApi.make(kubeConfig);
        clients.set(kubeConfig, api);
      }
      const ready = api;
      let answer: unknown;
      try {
        answer = await bounded(timeoutMs, (signal) => ready.listRaw(apiVersion, kind, namespace, signal));
      } catch (error) {
        throw toRequestError(error);
      }
      const items = (answer as { items?: unknown }).items;
      return (Array.isArray(items) ? items : [])
        .filter((item): item is JsonObject => item !== null && typeof item === 'object' && !Array.isArray(item))
        .map((item) => ({ ...item, apiVersion, kind }));
    },
  };
}
