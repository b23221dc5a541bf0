/**
 * Every kind of the cluster picture through the informers against the simulator over real HTTPS,
 * and a cluster that does not serve some kind.
 */
import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import { ClusterInformers, type InformedKind } from '../src/infra/k8s/cluster-informers.js';
import { KubeApiTransport, type ReflectorTransport } from '../src/infra/k8s/kube-transport.js';
import { RecordingBus } from '../src/infra/k8s/testing/recording-bus.js';
import { waitFor } from '../src/infra/k8s/testing/wait-for.js';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';

const TUNING = { backoff: { initialMs: 10, maxMs: 200, jitter: 0.2 }, watchDeadlineMs: 2_000, watchTimeoutSeconds: 60 };
const WAIT_MS = 15_000;
jest.setTimeout(60_000);

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(): Promise<{ cluster: SimulatedCluster; clusterId: string }> {
  const clusterId = `kinds-${randomUUID().slice(0, 8)}`;
  const cluster = await startSimulatedCluster({ name: clusterId, bookmarkIntervalMs: 100, podStartDelayMs: 10 });
  cleanups.push(() => cluster.close());
  cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 32 * 1024 ** 3, storageBytes: 100 * 1024 ** 3 });
  cluster.addNamespace('shop');
  return { cluster, clusterId };
}

/** The real transport, except that one kind is asked for at a path no apiserver serves. */
function withUnservedKind(unserved: InformedKind): (kind: InformedKind, kubeConfig: KubeConfig) => ReflectorTransport {
  return (kind, kubeConfig) => {
    const real = new KubeApiTransport(kubeConfig, { watchInactivityMs: TUNING.watchDeadlineMs + 1_000, listTimeoutMs: 10_000 });
    if (kind !== unserved) return real;
    const path = '/apis/kda.example/v1alpha0/nothing-here';
    return { list: (_path, request) => real.list(path, request), watch: (_path, request, callbacks) => real.watch(path, request, callbacks) };
  };
}

describe('informers and kinds a cluster does not serve', () => {
  it('treats a kind the apiserver does not serve as empty: the cluster is RUNNING, never UNREACHABLE', async () => {
    const { cluster, clusterId } = await simulator();
    const bus = new RecordingBus();
    const informers = new ClusterInformers({
      clusterId,
      kubeconfigYaml: cluster.kubeconfig(),
      bus,
      tuning: TUNING,
      transportFor: withUnservedKind('poddisruptionbudgets'),
    });
    cleanups.push(() => informers.stop());
    const states: string[] = [];
    informers.onStatusChange((status) => states.push(status.state));
    informers.start();

    expect(await informers.whenSynced(WAIT_MS)).toBe(true);
    expect(informers.absentKinds()).toContain('poddisruptionbudgets');
    expect(informers.podDisruptionBudgets()).toEqual([]);
    expect(informers.status().state).toBe('RUNNING');
    cluster.createPod({ namespace: 'shop', name: 'web-1', containers: [{ name: 'app', image: 'nginx:1.27' }] });
    await waitFor(() => informers.pods('shop').length === 1, 'other kinds keep working', WAIT_MS);
    expect(states).not.toContain('UNREACHABLE');
    expect(states.at(-1)).toBe('RUNNING');
  });
});
