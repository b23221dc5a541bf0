/** Simulated clusters of a chosen size, with pods shaped like a Deployment's. */
import { randomBytes, randomUUID } from 'node:crypto';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';

const GIB = 2 ** 30;
const PODS_PER_NODE = 250;
const NAMESPACES = ['shop', 'payments', 'search', 'monitoring', 'batch'];

export interface BenchClusterSize {
  readonly pods: number;
}

/** A cluster with `pods` running pods spread over enough nodes and a few namespaces. */
export async function startBenchCluster(prefix: string, size: BenchClusterSize): Promise<SimulatedCluster> {
  // No bookmarks during the run: they would only add noise to the watch streams.
  const simulator = await startSimulatedCluster({ name: `${prefix}-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 60_000, historyLimit: 1_000 });
  const nodeCount = Math.max(1, Math.ceil(size.pods / PODS_PER_NODE));
  for (let node = 0; node < nodeCount; node++) {
    simulator.addNode({ name: `worker-${node}`, roles: ['worker'], cpu: 256, memoryBytes: 1024 * GIB, storageBytes: 2048 * GIB, maxPods: PODS_PER_NODE });
  }
  for (let index = 0; index < size.pods; index++) {
    const namespace = NAMESPACES[index % NAMESPACES.length] ?? 'default';
    const app = `app-${Math.floor(index / 10)}`;
    const hash = (index % 97).toString(16).padStart(8, '0').slice(0, 10);
    simulator.createPod({
      namespace,
      name: `${app}-${hash}-${index.toString(36).padStart(5, '0')}`,
      nodeName: `worker-${Math.floor(index / PODS_PER_NODE)}`,
      labels: { app, 'pod-template-hash': hash, tier: index % 2 === 0 ? 'frontend' : 'backend' },
      owner: { kind: 'ReplicaSet', name: `${app}-${hash}`, uid: randomUUID() },
      containers: [
        { name: 'main', image: `registry.example.com/${namespace}/${app}:1.${index % 7}.0`, cpu: 0.1, memoryBytes: 128 * 2 ** 20 },
        { name: 'sidecar', image: 'registry.example.com/mesh/proxy:1.22.0', cpu: 0.05, memoryBytes: 64 * 2 ** 20 },
      ],
    });
  }
  return simulator;
}
