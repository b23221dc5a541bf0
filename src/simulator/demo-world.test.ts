import { ClusterState } from './cluster-state.js';
import { demoClusterProfiles, seedDemoCluster, startSimulatedCluster, type SimulatedCluster } from './index.js';
import { parseQuantity } from './quantity.js';
import { Scenario } from './scenario.js';
import { ObjectStore, type ChangeEvent } from './store.js';

const GB = 1e9;

function totals(cluster: SimulatedCluster) {
  const nodes = cluster.listNodes();
  const sum = (field: 'cpu' | 'memory' | 'ephemeral-storage') => nodes.reduce((total, node) => total + (parseQuantity(node.status.capacity[field]) ?? 0), 0);
  return { cores: sum('cpu'), memory: sum('memory'), storage: sum('ephemeral-storage'), pods: cluster.listPods().length };
}

describe('demo world', () => {
  const clusters: SimulatedCluster[] = [];
  afterAll(async () => {
    await Promise.all(clusters.map((cluster) => cluster.close()));
  });

  async function seeded(index: number): Promise<SimulatedCluster> {
    const profile = demoClusterProfiles[index];
    if (!profile) throw new Error('missing profile');
    const cluster = await startSimulatedCluster({ name: profile.name });
    clusters.push(cluster);
    seedDemoCluster(cluster, profile);
    return cluster;
  }

  it('describes the two demo clusters', () => {
    expect(demoClusterProfiles.map(({ name, provider, region }) => ({ name, provider, region }))).toEqual([
      { name: 'acorn-demo-cluster', provider: 'on-premise', region: 'Seoul' },
      { name: 'gke-acornsoft-demo-cluster', provider: 'gcp', region: 'Tokyo' },
    ]);
  });

  it('seeds acorn-demo-cluster near its targets, every pod placed and running', async () => {
    const cluster = await seeded(0);
    const { cores, memory, storage, pods } = totals(cluster);
    expect(cores).toBe(27);
    expect(memory / GB).toBeGreaterThan(33);
    expect(memory / GB).toBeLessThan(38);
    expect(storage / GB).toBeGreaterThan(205);
    expect(storage / GB).toBeLessThan(235);
    expect(pods).toBe(70);
    const all = cluster.listPods();
    expect(all.every((pod) => pod.status.phase === 'Running' && pod.spec.nodeName !== undefined)).toBe(true);
    expect(new Set(all.map((pod) => pod.metadata.namespace)).size).toBeGreaterThanOrEqual(8);
    const owners = new Set(all.map((pod) => pod.metadata.ownerReferences?.[0]?.kind));
    expect(owners).toEqual(new Set(['Node', 'DaemonSet', 'ReplicaSet', 'StatefulSet']));
    // Only DaemonSet and static pods run on the tainted control-plane node.
    const onControlPlane = all.filter((pod) => pod.spec.nodeName === 'acorn-m01');
    expect(onControlPlane.every((pod) => ['Node', 'DaemonSet'].includes(pod.metadata.ownerReferences?.[0]?.kind ?? ''))).toBe(true);
    const controlPlane = cluster.listNodes().find((node) => node.metadata.name === 'acorn-m01');
    expect(controlPlane?.spec.taints).toEqual([{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }]);
  });

  it('seeds gke-acornsoft-demo-cluster near its targets', async () => {
    const cluster = await seeded(1);
    const { cores, memory, storage, pods } = totals(cluster);
    expect(cores).toBe(6.5);
    expect(memory / GB).toBeGreaterThan(6);
    expect(memory / GB).toBeLessThan(7);
    expect(storage / GB).toBeGreaterThan(15);
    expect(storage / GB).toBeLessThan(17);
    expect(pods).toBe(9);
  });
});

describe('scenario', () => {
  function run(seed: number): string[] {
    const log: string[] = [];
    const store = new ObjectStore(10_000, (event: ChangeEvent) => {
      const pod = event.object;
      const restarts = pod.kind === 'Pod' ? (pod.status.containerStatuses ?? []).reduce((sum, status) => sum + status.restartCount, 0) : 0;
      const phase = pod.kind === 'Pod' ? pod.status.phase : '';
      log.push(`${event.type} ${pod.metadata.namespace ?? ''}/${pod.metadata.name} ${phase} ${restarts}`);
    });
    const state = new ClusterState(store, 'v1.31.4', 'same-cluster');
    state.addNode({ name: 'node-1', cpu: 16, memoryBytes: 64 * 2 ** 30, storageBytes: 100 * 2 ** 30 });
    for (let index = 0; index < 6; index += 1) {
      state.createPod({ namespace: 'apps', generateName: 'web-abc-', owner: { kind: 'ReplicaSet', name: 'web-abc', uid: 'rs-1' }, containers: [{ name: 'main', image: 'web', cpu: 0.1 }] });
    }
    state.createPod({ namespace: 'apps', name: 'db-0', owner: { kind: 'StatefulSet', name: 'db', uid: 'sts-1' }, containers: [{ name: 'db', image: 'db', cpu: 0.1 }] });
    log.length = 0;
    const scenario = new Scenario(state, store, { seed });
    for (let step = 0; step < 60; step += 1) scenario.tick();
    return log;
  }

  it('keeps pods changing: starts, restarts, replacements and deletions', () => {
    const log = run(7);
    const kinds = new Set(log.map((line) => line.split(' ')[0]));
    expect(kinds).toEqual(new Set(['ADDED', 'MODIFIED', 'DELETED']));
    expect(log.some((line) => line.startsWith('ADDED') && line.includes(' Pending '))).toBe(true);
    expect(log.some((line) => line.startsWith('MODIFIED') && line.includes(' Running '))).toBe(true);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });
});
