/**
 * Scenario 3, informer memory: heap bytes per cached pod once a 10,000-pod cluster is synced,
 * against heap bytes per Pod object as @kubernetes/client-node returns them from a list.
 *
 * Every figure is a difference of heap used after full collections, before and after the thing
 * measured, divided by the pod count; the simulator's own objects exist before both readings.
 */
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import type { SimulatedCluster } from '../src/simulator/index.js';
import { ClusterInformers } from '../src/infra/k8s/cluster-informers.js';
import type { EventBus } from '../src/shared/event-bus.js';
import { silentLogger } from '../src/shared/logger.js';
import type { BusConfig } from '../src/config/config.js';
import { startBenchCluster } from './clusters.js';
import { registerCluster, startBenchGateway } from './gateway.js';
import { formatBytes, formatRatio, goal, progress, settledHeapUsed, waitUntil, type ResultRow } from './support.js';

export interface MemoryScenarioOptions {
  readonly pods: number;
  /** Whole-gateway rows to add besides the informer cache alone. */
  readonly gatewayBuses: readonly BusConfig[];
}

/** A bus that accepts and forgets: isolates the informer cache from what a bus would retain. */
const discardingBus: EventBus = {
  publish: async () => undefined,
  subscribe: async () => async () => undefined,
  checkReady: async () => undefined,
  close: async () => undefined,
};

/** Heap used once it stops moving (late publishes, lazy frees), bounded. */
async function stableHeapUsed(): Promise<number> {
  let previous = await settledHeapUsed();
  for (let attempt = 0; attempt < 10; attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 200));
    const current = await settledHeapUsed();
    if (Math.abs(current - previous) <= previous * 0.005) return current;
    previous = current;
  }
  return previous;
}

async function rawPodBytes(simulator: SimulatedCluster, pods: number): Promise<number> {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(simulator.kubeconfig());
  const api = kubeConfig.makeApiClient(CoreV1Api);
  // A first list compiles the deserializer and opens the connection; only the second is measured.
  const warm = await api.listPodForAllNamespaces();
  if (warm.items.length !== pods) throw new Error(`listPodForAllNamespaces returned ${warm.items.length} pods, expected ${pods}`);
  const before = await stableHeapUsed();
  const held = (await api.listPodForAllNamespaces()).items;
  const after = await stableHeapUsed();
  if (held.length !== pods) throw new Error(`listPodForAllNamespaces returned ${held.length} pods, expected ${pods}`);
  return (after - before) / held.length;
}

async function syncedInformers(simulator: SimulatedCluster, pods: number): Promise<ClusterInformers> {
  const informers = new ClusterInformers({ clusterId: `bench${Date.now()}`, kubeconfigYaml: simulator.kubeconfig(), bus: discardingBus, logger: silentLogger });
  informers.start();
  await waitUntil(`the informers to cache ${pods} pods`, () => informers.status().state === 'RUNNING' && informers.pods().length === pods, 60_000);
  return informers;
}

async function informerPodBytes(simulator: SimulatedCluster, pods: number): Promise<number> {
  // Once unmeasured, so code compiled on first use is not counted as cache.
  await (await syncedInformers(simulator, pods)).stop();
  const before = await stableHeapUsed();
  const informers = await syncedInformers(simulator, pods);
  const after = await stableHeapUsed();
  await informers.stop();
  return (after - before) / pods;
}

async function gatewayPodBytes(bus: BusConfig, simulator: SimulatedCluster, pods: number): Promise<number> {
  const gateway = await startBenchGateway(bus);
  const warmup = await startBenchCluster('memory-warmup', { pods: 20 });
  try {
    // A small cluster first, so registration and sync code paths are compiled before measuring.
    await registerCluster(gateway, warmup, 20);
    const before = await stableHeapUsed();
    await registerCluster(gateway, simulator, pods);
    const after = await stableHeapUsed();
    return (after - before) / pods;
  } finally {
    await gateway.stop();
    await warmup.close();
  }
}

export async function runMemoryScenario(options: MemoryScenarioOptions): Promise<ResultRow[]> {
  progress(`informer memory: simulating ${options.pods} pods`);
  const simulator = await startBenchCluster('memory', { pods: options.pods });
  try {
    progress('informer memory: client-node Pod objects (baseline)');
    const raw = await rawPodBytes(simulator, options.pods);
    progress('informer memory: informer cache alone');
    const cache = await informerPodBytes(simulator, options.pods);
    const rows: ResultRow[] = [
      {
        scenario: `informer cache, ${options.pods} pods: heap per pod`,
        measured: formatBytes(cache),
        baseline: formatBytes(raw),
        ratio: formatRatio(cache, raw),
        goal: goal('≤ 1 KB', cache, { maximum: 1024 }),
        note: 'lower is better; ClusterInformers (projection + namespace index) vs a client-node V1Pod',
      },
    ];
    for (const bus of options.gatewayBuses) {
      progress(`informer memory: whole gateway, ${bus.kind} bus`);
      const gateway = await gatewayPodBytes(bus, simulator, options.pods);
      rows.push({
        scenario: `gateway (${bus.kind} bus), ${options.pods} pods: heap per pod`,
        measured: formatBytes(gateway),
        baseline: formatBytes(raw),
        ratio: formatRatio(gateway, raw),
        note:
          bus.kind === 'memory'
            ? 'lower is better; whole process after registerCluster: cache + the in-process bus retaining one ADDED event per pod'
            : 'lower is better; whole process after registerCluster: cache + NATS client (the stream keeps events in the server)',
      });
    }
    return rows;
  } finally {
    await simulator.close();
  }
}
