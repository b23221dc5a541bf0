import { startSimulatedCluster, type SimulatedCluster } from './index.js';
import { containerUsage } from './metrics-server.js';
import { rawGet } from '../../test/support/simulator-helpers.js';
import type { PodObject } from './k8s-types.js';

const GiB = 2 ** 30;
const MiB = 2 ** 20;

interface MetricsItem {
  kind: string;
  metadata: { name: string; namespace?: string };
  timestamp: string;
  usage?: { cpu: string; memory: string };
  containers?: Array<{ name: string; usage: { cpu: string; memory: string } }>;
}

function nanocores(text: string): number {
  expect(text).toMatch(/^\d+n$/);
  return Number(text.slice(0, -1));
}

function kibibytes(text: string): number {
  expect(text).toMatch(/^\d+Ki$/);
  return Number(text.slice(0, -2)) * 1024;
}

describe('simulated metrics-server (metrics.k8s.io/v1beta1)', () => {
  let cluster: SimulatedCluster;
  const get = async (path: string) => rawGet(cluster.url, path, { Authorization: `Bearer ${cluster.token}` });

  beforeAll(async () => {
    cluster = await startSimulatedCluster({ name: 'metrics' });
    cluster.addNode({ name: 'worker-1', cpu: 4, memoryBytes: 8 * GiB, storageBytes: 50 * GiB });
    cluster.addNode({ name: 'worker-2', cpu: 4, memoryBytes: 8 * GiB, storageBytes: 50 * GiB });
    const old = new Date(Date.now() - 3_600_000);
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 3, containers: [{ name: 'web', image: 'nginx:1.27', cpu: 0.5, memoryBytes: 512 * MiB }], createdAt: old });
    cluster.addDeployment({
      namespace: 'ops',
      name: 'agent',
      replicas: 1,
      containers: [{ name: 'agent', image: 'busybox:1.36', cpu: 0.1, memoryBytes: 128 * MiB }],
      createdAt: old,
    });
  });

  afterAll(async () => {
    await cluster.close();
  });

  afterEach(() => cluster.setMetricsServer('on'));

  test('lists pod metrics for all namespaces and per namespace, and gets one', async () => {
    const all = await get('/apis/metrics.k8s.io/v1beta1/pods');
    expect(all.status).toBe(200);
    const list = JSON.parse(all.body) as { kind: string; items: MetricsItem[] };
    expect(list.kind).toBe('PodMetricsList');
    expect(list.items.map((item) => item.metadata.namespace).sort()).toEqual(['ops', 'shop', 'shop', 'shop']);

    const shop = JSON.parse((await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods')).body) as { items: MetricsItem[] };
    expect(shop.items).toHaveLength(3);
    const first = shop.items[0]!;
    const one = await get(`/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/${first.metadata.name}`);
    expect(one.status).toBe(200);
    const pod = JSON.parse(one.body) as MetricsItem;
    expect(pod.kind).toBe('PodMetrics');
    expect(Date.parse(pod.timestamp)).toBeLessThanOrEqual(Date.now());
    // Settled pods use well under what they request but not nothing: 0.5 cores requested.
    const cpu = nanocores(pod.containers![0]!.usage.cpu) / 1e9;
    expect(cpu).toBeGreaterThan(0.05);
    expect(cpu).toBeLessThan(0.5);
    expect(kibibytes(pod.containers![0]!.usage.memory)).toBeLessThan(512 * MiB);

    expect((await get('/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/nope')).status).toBe(404);
  });

  test('a node uses the sum of its pods plus system overhead', async () => {
    const nodes = JSON.parse((await get('/apis/metrics.k8s.io/v1beta1/nodes')).body) as { kind: string; items: MetricsItem[] };
    expect(nodes.kind).toBe('NodeMetricsList');
    expect(nodes.items.map((item) => item.metadata.name).sort()).toEqual(['worker-1', 'worker-2']);
    const pods = JSON.parse((await get('/apis/metrics.k8s.io/v1beta1/pods')).body) as { items: MetricsItem[] };
    const podCpu = pods.items.flatMap((item) => item.containers!).reduce((sum, container) => sum + nanocores(container.usage.cpu), 0);
    const nodeCpu = nodes.items.reduce((sum, item) => sum + nanocores(item.usage!.cpu), 0);
    expect(nodeCpu).toBeGreaterThan(podCpu);
    // Overhead per node: 0.05 cores + 2 % of 4 cores.
    expect(nodeCpu - podCpu).toBeLessThan(2 * 0.13e9 + 0.05e9);
    const one = await get('/apis/metrics.k8s.io/v1beta1/nodes/worker-1');
    expect((JSON.parse(one.body) as MetricsItem).kind).toBe('NodeMetrics');
    expect((await get('/apis/metrics.k8s.io/v1beta1/nodes/ghost')).status).toBe(404);
  });

  test('the kubelet Summary API (node proxy) reports each node’s root filesystem: the images of its pods and more, within its size', async () => {
    interface Summary {
      node: { nodeName: string; fs: { capacityBytes: number; usedBytes: number; availableBytes: number } };
    }
    const summaries = await Promise.all(['worker-1', 'worker-2'].map(async (name) => JSON.parse((await get(`/api/v1/nodes/${name}/proxy/stats/summary`)).body) as Summary));
    for (const { node } of summaries) {
      expect(node.fs.capacityBytes).toBe(50 * GiB);
      // The OS and runtime alone take 6 GiB; a node with pods holds their images too.
      expect(node.fs.usedBytes).toBeGreaterThanOrEqual(6 * GiB);
      expect(node.fs.usedBytes + node.fs.availableBytes).toBe(node.fs.capacityBytes);
    }
    const busiest = summaries.reduce((most, next) => (next.node.fs.usedBytes > most.node.fs.usedBytes ? next : most));
    expect(busiest.node.fs.usedBytes).toBeGreaterThan(6 * GiB + 40 * MiB);
    expect((await get('/api/v1/nodes/ghost/proxy/stats/summary')).status).toBe(404);
  });

  test('is in discovery when on, absent (404) when off, and answers 503 when unavailable', async () => {
    const groups = async () => (JSON.parse((await get('/apis')).body) as { groups: Array<{ name: string }> }).groups.map((group) => group.name);
    expect(await groups()).toContain('metrics.k8s.io');
    expect((await get('/apis/metrics.k8s.io/v1beta1')).status).toBe(200);

    cluster.setMetricsServer('off');
    expect(await groups()).not.toContain('metrics.k8s.io');
    expect((await get('/apis/metrics.k8s.io/v1beta1/nodes')).status).toBe(404);

    cluster.setMetricsServer('unavailable');
    const refused = await get('/apis/metrics.k8s.io/v1beta1/pods');
    expect(refused.status).toBe(503);
    expect((JSON.parse(refused.body) as { reason: string }).reason).toBe('ServiceUnavailable');
  });

  test('usage moves in time, is the same at the same instant, and is higher while a pod warms up and for builds', () => {
    const pod = (startedAgoMs: number, labels: Record<string, string> = {}): PodObject =>
      ({
        metadata: { name: 'p', namespace: 'n', uid: 'uid-1', labels, creationTimestamp: new Date(0).toISOString() },
        spec: { containers: [{ name: 'main', image: 'x', resources: { requests: { cpu: '1', memory: '1Gi' } } }] },
        status: { phase: 'Running', startTime: new Date(10_000_000 - startedAgoMs).toISOString() },
      }) as unknown as PodObject;
    const at = (ms: number, subject = pod(3_600_000)) => containerUsage(subject, ms)[0]!.cpuCores;
    expect(at(10_000_000)).toBe(at(10_000_000));
    const samples = Array.from({ length: 20 }, (_, index) => at(10_000_000 + index * 60_000));
    expect(new Set(samples.map((value) => value.toFixed(6))).size).toBeGreaterThan(10);
    expect(Math.max(...samples)).toBeLessThan(1);
    expect(at(10_000_000, pod(1_000))).toBeGreaterThan(at(10_000_000) * 1.8);
    expect(at(10_000_000, pod(3_600_000, { 'kda.io/build-run': 'r1' }))).toBeGreaterThan(at(10_000_000) * 2.5);
    const pending = { ...pod(0), status: { phase: 'Pending' } } as unknown as PodObject;
    expect(containerUsage(pending, 10_000_000)).toEqual([]);
  });
});
