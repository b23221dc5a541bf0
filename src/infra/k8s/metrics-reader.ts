/**
 * Reads metrics.k8s.io (metrics-server's NodeMetrics and PodMetrics) of a connected cluster with
 * the credentials of its informers: two list requests per poll, whatever the cluster's size. Disk
 * use is not in metrics.k8s.io: each node's kubelet Summary API (through the apiserver's node
 * proxy) adds one request per node, a few at a time; a node whose kubelet does not answer just
 * has no storage figure.
 */
import { HttpMethod, IsomorphicFetchHttpLibrary, RequestContext, type KubeConfig } from '@kubernetes/client-node';
import { MetricsOutageError, type MetricsReader, type NodeSample, type PodSample } from '../../domains/monitoring/index.js';
import { describeError } from './kube-transport.js';
import { toBytes, toCores } from './quantity.js';
import { asArray, asRecord, asString, metadataOf } from './raw-object.js';

const BASE = '/apis/metrics.k8s.io/v1beta1';
/** Kubelet Summary reads in flight at once per cluster: a big cluster's poll must not burst the apiserver. */
const STORAGE_READS_AT_ONCE = 8;

export interface MetricsReaderOptions {
  /** The connected cluster's credentials; undefined when this process has no connection to it. */
  readonly kubeConfigOf: (clusterId: string) => KubeConfig | undefined;
  readonly timeoutMs: number;
}

function millicores(value: unknown): number {
  return Math.round(toCores(value) * 1_000_000) / 1000;
}

export function createMetricsReader(options: MetricsReaderOptions): MetricsReader {
  const http = new IsomorphicFetchHttpLibrary();

  const get = async (kubeConfig: KubeConfig, path: string): Promise<unknown> => {
    const server = kubeConfig.getCurrentCluster()?.server;
    if (server === undefined) throw new MetricsOutageError('UNAVAILABLE', 'the kubeconfig names no server');
    const context = new RequestContext(`${server.replace(/\/$/, '')}${path}`, HttpMethod.GET);
    context.setHeaderParam('Accept', 'application/json');
    await kubeConfig.applySecurityAuthentication(context);
    context.setSignal(AbortSignal.timeout(options.timeoutMs));
    let status: number;
    let text: string;
    try {
      const response = await http.send(context).toPromise();
      status = response.httpStatusCode;
      text = await response.body.text();
    } catch (error) {
      throw new MetricsOutageError('UNAVAILABLE', `metrics.k8s.io cannot be reached: ${describeError(error)}`);
    }
    if (status === 404) throw new MetricsOutageError('NOT_INSTALLED', 'metrics.k8s.io is not served (no metrics-server)');
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = undefined;
    }
    if (status !== 200) {
      const message = asString(asRecord(body)['message']) ?? `HTTP ${status}`;
      throw new MetricsOutageError('UNAVAILABLE', `metrics.k8s.io answered ${status}: ${message}`);
    }
    return body;
  };
  const list = async (kubeConfig: KubeConfig, path: string): Promise<readonly unknown[]> => asArray(asRecord(await get(kubeConfig, path))['items']);

  const withStorage = async (kubeConfig: KubeConfig, nodes: NodeSample[]): Promise<NodeSample[]> => {
    const withDisk: NodeSample[] = [];
    for (let start = 0; start < nodes.length; start += STORAGE_READS_AT_ONCE) {
      const batch = nodes.slice(start, start + STORAGE_READS_AT_ONCE);
      withDisk.push(
        ...(await Promise.all(
          batch.map(async (node) => {
            try {
              const fs = asRecord(asRecord(asRecord(await get(kubeConfig, `/api/v1/nodes/${encodeURIComponent(node.name)}/proxy/stats/summary`))['node'])['fs']);
              const used = fs['usedBytes'];
              const capacity = fs['capacityBytes'];
              return typeof used === 'number' && typeof capacity === 'number' ? { ...node, storageUsedBytes: used, storageCapacityBytes: capacity } : node;
            } catch {
              return node;
            }
          }),
        )),
      );
    }
    return withDisk;
  };

  return {
    async read(clusterId) {
      const kubeConfig = options.kubeConfigOf(clusterId);
      if (kubeConfig === undefined) throw new MetricsOutageError('UNAVAILABLE', 'the gateway has no connection to the cluster');
      const [nodeItems, podItems] = await Promise.all([list(kubeConfig, `${BASE}/nodes`), list(kubeConfig, `${BASE}/pods`)]);
      const nodes = await withStorage(
        kubeConfig,
        nodeItems.map((item) => {
          const usage = asRecord(asRecord(item)['usage']);
          return { name: asString(metadataOf(item)['name']) ?? '', cpuMillicores: millicores(usage['cpu']), memoryBytes: toBytes(usage['memory']) };
        }),
      );
      const pods: PodSample[] = podItems.map((item) => {
        const metadata = metadataOf(item);
        const containers = asArray(asRecord(item)['containers']).map((entry) => {
          const usage = asRecord(asRecord(entry)['usage']);
          return { name: asString(asRecord(entry)['name']) ?? '', cpuMillicores: millicores(usage['cpu']), memoryBytes: toBytes(usage['memory']) };
        });
        return {
          namespace: asString(metadata['namespace']) ?? '',
          name: asString(metadata['name']) ?? '',
          cpuMillicores: containers.reduce((sum, container) => sum + container.cpuMillicores, 0),
          memoryBytes: containers.reduce((sum, container) => sum + container.memoryBytes, 0),
          containers,
        };
      });
      return { nodes, pods };
    },
  };
}
