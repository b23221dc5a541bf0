import { randomBytes } from 'node:crypto';
import { startSimulatedCluster, type SimulatedCluster } from '../../src/simulator/index.js';
import type { TestGateway } from './gateway.js';
import { waitFor } from './wait.js';

export interface RegisteredCluster {
  readonly id: string;
  readonly name: string;
  readonly simulator: SimulatedCluster;
}

/** A small simulated cluster: two nodes, one app namespace with a few pods. */
export async function startSmallCluster(): Promise<SimulatedCluster> {
  const simulator = await startSimulatedCluster({ name: `sim-${randomBytes(4).toString('hex')}`, bookmarkIntervalMs: 200 });
  simulator.addNode({ name: 'control-1', roles: ['control-plane'], cpu: 4, memoryBytes: 8 * 2 ** 30, storageBytes: 50 * 2 ** 30, maxPods: 110 });
  simulator.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * 2 ** 30, storageBytes: 100 * 2 ** 30, maxPods: 110 });
  simulator.addNamespace('team-a');
  for (const name of ['web-0', 'web-1', 'db-0']) {
    simulator.createPod({
      namespace: 'team-a',
      name,
      nodeName: 'worker-1',
      labels: { app: name.split('-')[0] ?? name },
      containers: [{ name: 'main', image: `example/${name}:1`, cpu: 0.25, memoryBytes: 256 * 2 ** 20 }],
    });
  }
  return simulator;
}

/** Registers the simulator through the public mutation and waits until its watches are synced. */
export async function registerCluster(gateway: TestGateway, simulator: SimulatedCluster): Promise<RegisteredCluster> {
  const registered = await gateway.request<{ registerCluster: { cluster: { id: string } } }>(
    `mutation Register($input: RegisterClusterInput!) { registerCluster(input: $input) { cluster { id } } }`,
    { input: { kubeconfig: simulator.kubeconfig(), name: simulator.name, provider: 'ON_PREMISE', region: 'Seoul' } },
  );
  if (!registered.data) throw new Error(`registerCluster failed: ${JSON.stringify(registered.errors)}`);
  const id = registered.data.registerCluster.cluster.id;
  await waitFor('the cluster to be RUNNING', async () => {
    const response = await gateway.request<{ cluster: { status: string } }>(`query ($id: ID!) { cluster(id: $id) { status } }`, { id });
    return response.data?.cluster.status === 'RUNNING';
  });
  return { id, name: simulator.name, simulator };
}
