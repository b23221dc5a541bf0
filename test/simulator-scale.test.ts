import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { waitFor } from './support/wait.js';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';

const CLUSTERS = 10;
const PODS_PER_CLUSTER = 10_000;
const NODES_PER_CLUSTER = 100;
const NAMESPACES = 20;
const GiB = 2 ** 30;

function heapMiB(): number {
  return Math.round(process.memoryUsage().heapUsed / 2 ** 20);
}

/**
 * Ten clusters of ten thousand pods in one process, one of them listed (paged) and watched through
 * the real client. No timing asserts: it must work, and memory must stay within a sane bound.
 */
describe('the simulator at scale', () => {
  const clusters: SimulatedCluster[] = [];

  afterAll(async () => {
    await Promise.all(clusters.map((cluster) => cluster.close()));
  });

  it(`holds ${CLUSTERS} clusters x ${PODS_PER_CLUSTER} pods and serves list and watch`, async () => {
    const before = heapMiB();
    for (let index = 0; index < CLUSTERS; index += 1) {
      const cluster = await startSimulatedCluster({ name: `scale-${index}`, bookmarkIntervalMs: 1_000 });
      clusters.push(cluster);
      for (let node = 0; node < NODES_PER_CLUSTER; node += 1) {
        cluster.addNode({ name: `node-${node}`, cpu: 64, memoryBytes: 256 * GiB, storageBytes: 500 * GiB, maxPods: 200 });
      }
      for (let pod = 0; pod < PODS_PER_CLUSTER; pod += 1) {
        cluster.createPod({
          namespace: `team-${pod % NAMESPACES}`,
          name: `app-${pod}`,
          labels: { app: `app-${pod % 50}`, tier: pod % 2 === 0 ? 'front' : 'back' },
          containers: [{ name: 'main', image: 'example/app:1', cpu: 0.05, memoryBytes: 64 * 2 ** 20 }],
        });
      }
    }
    global.gc?.();
    const after = heapMiB();
    console.log(`simulator scale: ${CLUSTERS} x ${PODS_PER_CLUSTER} pods, heap used ${after} MiB (${after - before} MiB for the clusters)`);
    expect(clusters.reduce((total, cluster) => total + cluster.listPods().length, 0)).toBe(CLUSTERS * PODS_PER_CLUSTER);
    // Generous: a pod costs a few KiB here; ten times that would mean something leaks or copies.
    expect(after - before).toBeLessThan(4_096);

    const cluster = clusters[3] as SimulatedCluster;
    const config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig());
    const core = config.makeApiClient(CoreV1Api);
    let listed = 0;
    let continueToken: string | undefined;
    let resourceVersion = '';
    do {
      const page = await core.listPodForAllNamespaces({ limit: 2_000, ...(continueToken === undefined ? {} : { _continue: continueToken }) });
      listed += page.items.length;
      resourceVersion ||= page.metadata?.resourceVersion ?? '';
      continueToken = page.metadata?._continue;
    } while (continueToken !== undefined);
    expect(listed).toBe(PODS_PER_CLUSTER);
    const selected = await core.listPodForAllNamespaces({ labelSelector: 'app=app-7,tier=back' });
    expect(selected.items).toHaveLength(PODS_PER_CLUSTER / 50);

    const seen: string[] = [];
    const watch = await new Watch(config).watch(
      '/api/v1/pods',
      { resourceVersion, allowWatchBookmarks: true },
      (type: string, object: { metadata?: { name?: string } }) => {
        if (type !== 'BOOKMARK') seen.push(`${type} ${object.metadata?.name ?? ''}`);
      },
      () => undefined,
    );
    try {
      for (let index = 0; index < 100; index += 1) cluster.deletePod(`team-${index % NAMESPACES}`, `app-${index}`);
      cluster.createPod({ namespace: 'team-0', name: 'late', containers: [{ name: 'main', image: 'example/app:1' }] });
      await waitFor('the watch to deliver every change', () => seen.length === 101);
      expect(seen.at(-1)).toBe('ADDED late');
    } finally {
      watch.abort();
    }
    console.log(`simulator scale: after list and watch, heap used ${heapMiB()} MiB`);
  });
});
