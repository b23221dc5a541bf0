/**
 * The write operations against the simulator over real HTTPS through @kubernetes/client-node,
 * with the informer pool's connection: each write shows up in the caches the reads use.
 */
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { ClusterOperations } from '../src/domains/clusters/ports.js';
import { createClusterOperations } from '../src/infra/k8s/cluster-operations.js';
import type { ClusterInformers } from '../src/infra/k8s/cluster-informers.js';
import { InformerPool } from '../src/infra/k8s/informer-pool.js';
import { RecordingBus } from '../src/infra/k8s/testing/recording-bus.js';
import { waitFor } from '../src/infra/k8s/testing/wait-for.js';
import { DomainError } from '../src/shared/errors.js';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';

const TUNING = { backoff: { initialMs: 10, maxMs: 200, jitter: 0.2 }, watchDeadlineMs: 2_000, watchTimeoutSeconds: 60 };
const WAIT_MS = 15_000;
jest.setTimeout(60_000);

interface Setup {
  readonly cluster: SimulatedCluster;
  readonly informers: ClusterInformers;
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
