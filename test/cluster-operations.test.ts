/**
 * The write operations against the simulator over real HTTPS through @kubernetes/client-node,
 * with the informer pool's connection: each write shows up in the caches the reads use.
 */
import { randomUUID } from 'node:crypto';
import type { ClusterOperations } from '../src/domains/clusters/ports.js';
import { createClusterOperations } from '../src/infra/k8s/cluster-operations.js';
import type { LeasedCluster } from '../src/infra/k8s/leased-cluster.js';
import { InformerPool } from '../src/infra/k8s/informer-pool.js';
import { RecordingBus } from './support/k8s/recording-bus.js';
import { waitFor } from './support/k8s/wait-for.js';
import { DomainError } from '../src/shared/errors.js';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';

const TUNING = { backoff: { initialMs: 10, maxMs: 200, jitter: 0.2 }, watchDeadlineMs: 2_000, watchTimeoutSeconds: 60 };
const WAIT_MS = 15_000;

interface Setup {
  readonly cluster: SimulatedCluster;
  readonly informers: LeasedCluster;
  readonly operations: ClusterOperations;
  readonly clusterId: string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(timeoutMs = 5_000): Promise<Setup> {
  const clusterId = `ops-${randomUUID().slice(0, 8)}`;
  const cluster = await startSimulatedCluster({ name: clusterId, bookmarkIntervalMs: 100, podStartDelayMs: 10 });
  cleanups.push(() => cluster.close());
  cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 32 * 1024 ** 3, storageBytes: 100 * 1024 ** 3 });
  cluster.addNamespace('shop');
  const pool = new InformerPool({ bus: new RecordingBus(), tuning: TUNING });
  cleanups.push(() => pool.stopAll());
  const informers = pool.connect(clusterId, cluster.kubeconfig());
  expect(await informers.whenSynced(WAIT_MS)).toBe(true);
  return { cluster, informers, operations: createClusterOperations(pool, { timeoutMs }), clusterId };
}

const containers = [{ name: 'app', image: 'nginx:1.27' }];

function podsOf(informers: LeasedCluster, app: string) {
  return informers.pods('shop').filter((pod) => pod.labels['app'] === app && pod.deletionTimestamp === undefined);
}

function runningPods(informers: LeasedCluster, app: string): number {
  return podsOf(informers, app).filter((pod) => pod.phase === 'Running').length;
}

function podNames(informers: LeasedCluster, app: string): string[] {
  return podsOf(informers, app).map((pod) => pod.name);
}

function workload(informers: LeasedCluster, kind: string, name: string) {
  return informers.workloads('shop').find((entry) => entry.kind === kind && entry.name === name);
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof DomainError)) throw new Error(`expected a DomainError, got ${String(error)}`);
  return error;
}

describe('cluster operations against the simulator', () => {
  it('deletes a pod, which leaves the cache; a missing pod is NOT_FOUND by name', async () => {
    const { cluster, informers, operations, clusterId } = await setup();
    cluster.createPod({ namespace: 'shop', name: 'web-1', containers: [{ name: 'app', image: 'nginx:1.27' }] });
    await waitFor(() => informers.pods('shop').some((pod) => pod.name === 'web-1'), 'pod in cache', WAIT_MS);

    await operations.deletePod(clusterId, 'shop', 'web-1');
    await waitFor(() => !informers.pods('shop').some((pod) => pod.name === 'web-1' && pod.deletionTimestamp === undefined), 'pod deleted or terminating', WAIT_MS);

    const missing = await rejection(operations.deletePod(clusterId, 'shop', 'nobody'));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: `Pod shop/nobody not found in cluster ${clusterId}` });
  });

  it('scales a Deployment and a StatefulSet: the pods show up in (and leave) the cache', async () => {
    const { cluster, informers, operations, clusterId } = await setup();
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 1, labels: { app: 'web' }, containers });
    cluster.addStatefulSet({ namespace: 'shop', name: 'db', replicas: 1, labels: { app: 'db' }, containers });
    await waitFor(() => runningPods(informers, 'web') === 1 && runningPods(informers, 'db') === 1, 'one pod each', WAIT_MS);

    await operations.scaleWorkload(clusterId, 'Deployment', 'shop', 'web', 3);
    await operations.scaleWorkload(clusterId, 'StatefulSet', 'shop', 'db', 2);
    await waitFor(() => runningPods(informers, 'web') === 3 && runningPods(informers, 'db') === 2, 'scaled up', WAIT_MS);
    await waitFor(() => workload(informers, 'Deployment', 'web')?.desired === 3, 'desired replicas in cache', WAIT_MS);

    await operations.scaleWorkload(clusterId, 'Deployment', 'shop', 'web', 0);
    await waitFor(() => informers.pods('shop').filter((pod) => pod.labels['app'] === 'web').length === 0, 'scaled to zero', WAIT_MS);

    const missing = await rejection(operations.scaleWorkload(clusterId, 'Deployment', 'shop', 'nope', 1));
    expect(missing).toMatchObject({ code: 'NOT_FOUND', message: `Deployment shop/nope not found in cluster ${clusterId}` });
  });

  it('restarts a Deployment: every pod is replaced and the template carries the stamp', async () => {
    const { cluster, informers, operations, clusterId } = await setup();
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 2, labels: { app: 'web' }, containers });
    await waitFor(() => runningPods(informers, 'web') === 2, 'two pods', WAIT_MS);
    const before = new Set(podNames(informers, 'web'));

    const restartedAt = new Date().toISOString();
    await operations.restartWorkload(clusterId, 'Deployment', 'shop', 'web', restartedAt);
    await waitFor(() => workload(informers, 'Deployment', 'web')?.restartedAt === restartedAt, 'stamp in cache', WAIT_MS);
    await waitFor(() => runningPods(informers, 'web') === 2 && podNames(informers, 'web').every((name) => !before.has(name)), 'every pod rolled', WAIT_MS);
  });

  it('cordons and uncordons a node', async () => {
    const { informers, operations, clusterId } = await setup();
    await operations.setNodeSchedulable(clusterId, 'worker-1', false);
    await waitFor(() => informers.nodes().find((node) => node.name === 'worker-1')?.unschedulable === true, 'cordoned', WAIT_MS);
    await operations.setNodeSchedulable(clusterId, 'worker-1', true);
    await waitFor(() => informers.nodes().find((node) => node.name === 'worker-1')?.unschedulable === false, 'uncordoned', WAIT_MS);
    expect(await rejection(operations.setNodeSchedulable(clusterId, 'worker-9', false))).toMatchObject({
      code: 'NOT_FOUND',
      message: `Node worker-9 not found in cluster ${clusterId}`,
    });
  });

  it('evicts through the Eviction API, which honours the disruption budget', async () => {
    const { cluster, informers, operations, clusterId } = await setup();
    cluster.addDeployment({ namespace: 'shop', name: 'db', replicas: 1, labels: { app: 'db' }, containers });
    cluster.addPodDisruptionBudget({ namespace: 'shop', name: 'db', selector: { app: 'db' }, minAvailable: 1 });
    await waitFor(() => runningPods(informers, 'db') === 1, 'one pod', WAIT_MS);
    await waitFor(() => informers.podDisruptionBudgets('shop').some((pdb) => pdb.name === 'db' && pdb.disruptionsAllowed === 0), 'budget allows none', WAIT_MS);
    const [only] = podNames(informers, 'db');
    if (only === undefined) throw new Error('no pod');

    await expect(operations.evictPod(clusterId, 'shop', only)).resolves.toBe('BLOCKED_BY_DISRUPTION_BUDGET');
    expect(podNames(informers, 'db')).toContain(only);

    await operations.scaleWorkload(clusterId, 'Deployment', 'shop', 'db', 2);
    await waitFor(() => runningPods(informers, 'db') === 2, 'two pods', WAIT_MS);
    await waitFor(() => informers.podDisruptionBudgets('shop').some((pdb) => pdb.name === 'db' && pdb.disruptionsAllowed === 1), 'budget allows one', WAIT_MS);
    await expect(operations.evictPod(clusterId, 'shop', only)).resolves.toBe('EVICTED');
    await waitFor(() => !informers.pods('shop').some((pod) => pod.name === only && pod.deletionTimestamp === undefined), 'evicted pod goes', WAIT_MS);
    await expect(operations.evictPod(clusterId, 'shop', 'never-existed')).resolves.toBe('GONE');
  });

  it('gives up on a cluster slower than its timeout with UNAVAILABLE', async () => {
    const { cluster, operations, clusterId } = await setup(100);
    // Short: the simulator does not cancel delayed responses on close, and jest waits for them.
    cluster.setLatency(400);
    const slow = await rejection(operations.setNodeSchedulable(clusterId, 'worker-1', false));
    expect(slow).toMatchObject({ code: 'UNAVAILABLE', message: `Cluster ${clusterId} did not answer within 100 ms (cordon Node worker-1)`, details: { clusterId } });
    cluster.setLatency(0);
  });

  it('answers UNAVAILABLE with the cluster id while the apiserver is down, and NOT_FOUND for a cluster not connected', async () => {
    const { cluster, operations, clusterId } = await setup(2_000);
    cluster.setReachable(false);
    const down = await rejection(operations.deletePod(clusterId, 'shop', 'web-1'));
    expect(down).toMatchObject({ code: 'UNAVAILABLE', details: { clusterId } });
    expect(down.message).toMatch(new RegExp(`^(Cannot reach cluster ${clusterId}|Cluster ${clusterId} did not answer)`));

    const unknown = await rejection(operations.deletePod('not-connected', 'shop', 'web-1'));
    expect(unknown).toMatchObject({ code: 'NOT_FOUND', details: { id: 'not-connected' } });
  });
});
