import { randomBytes } from 'node:crypto';
import { decodeGlobalId } from '../src/shared/global-id.js';
import type { SimulatedCluster } from '../src/simulator/index.js';
import { registerCluster, startSmallCluster } from './support/cluster.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { collect } from './support/subscription.js';
import { waitFor } from './support/wait.js';

/** Both replicas open the kubeconfigs the other sealed. */
const SECRET_KEY = randomBytes(32).toString('base64url');

const CLUSTER = `query ($id: ID!) { cluster(id: $id) { name status nodes { edges { node { name } } } pods(namespace: "team-a", first: 100) { edges { node { name } } } } }`;
const POD_EVENTS = `subscription ($clusterId: ID!) { podEvents(clusterId: $clusterId, namespace: "team-a") { type cursor pod { name } } }`;

interface ClusterAnswer {
  cluster: { name: string; status: string; nodes: { edges: Array<{ node: { name: string } }> }; pods: { edges: Array<{ node: { name: string } }> } } | null;
}

const names = (connection: { edges: Array<{ node: { name: string } }> }) => connection.edges.map((edge) => edge.node.name).sort();

/** Reads a metric's label sets from a gateway's /metrics. */
async function metricLines(gateway: TestGateway, name: string): Promise<string[]> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return text.split('\n').filter((line) => line.startsWith(`${name}{`));
}

/** The clusters a replica's informer pool holds (its `kda_cluster_up` series, one per connection). */
async function watchedClusters(gateway: TestGateway): Promise<string[]> {
  return (await metricLines(gateway, 'kda_cluster_up')).map((line) => /cluster_id="([^"]+)"/.exec(line)?.[1] ?? '');
}

describe('two gateways on one MariaDB and NATS follow each other’s cluster registrations, changes and removals', () => {
  let database: TestDatabase;
  let first: TestGateway;
  let second: TestGateway;
  const simulators: SimulatedCluster[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await startTestGateway({ secretKey: SECRET_KEY }, { database });
    second = await startTestGateway({ secretKey: SECRET_KEY }, { database });
  });

  afterAll(async () => {
    await second?.stop();
    await first?.stop();
    await Promise.all(simulators.map((simulator) => simulator.close()));
    await database?.drop();
  });

  test('registered through one, changed through the other, removed through the first: both serve it, then neither', async () => {
    const original = await startSmallCluster();
    simulators.push(original);
    // Both gateways are up before the registration: the second learns of it only from the first.
    const cluster = await registerCluster(first, original);
    const localId = decodeGlobalId(cluster.id)?.localKey ?? cluster.id;

    const fromSecond = await waitFor('the second gateway to answer for the cluster', async () => {
      const response = await second.request<ClusterAnswer>(CLUSTER, { id: cluster.id });
      return response.errors === undefined ? response.data?.cluster : undefined;
    });
    expect(fromSecond).toMatchObject({ name: original.name, status: 'RUNNING' });
    expect(names(fromSecond!.nodes)).toEqual(['control-1', 'worker-1']);
    expect(names(fromSecond!.pods)).toEqual(['db-0', 'web-0', 'web-1']);
    expect(await watchedClusters(second)).toContain(localId);

    const subscription = collect<{ podEvents: { type: string; cursor: string; pod: { name: string } } }>(second.websocket(), POD_EVENTS, { clusterId: cluster.id });
    await waitFor('the subscription on the second gateway to be live', () => hubSubjects(second));
    original.createPod({ namespace: 'team-a', name: 'api-0', nodeName: 'worker-1', labels: { app: 'api' }, containers: [{ name: 'main', image: 'example/api:1' }] });
    const added = await waitFor('ADDED api-0 on the second gateway', () =>
      subscription.results.find((result) => result.data?.podEvents.type === 'ADDED' && result.data.podEvents.pod.name === 'api-0'),
    );
    expect(added.errors).toBeUndefined();
    subscription.unsubscribe();

    // The second gateway points the cluster at another apiserver and renames it; the first follows.
    const moved = await startSmallCluster();
    simulators.push(moved);
    moved.addNode({ name: 'worker-2', roles: ['worker'], cpu: 8, memoryBytes: 16 * 2 ** 30, storageBytes: 100 * 2 ** 30, maxPods: 110 });
    const renamed = `moved-${randomBytes(3).toString('hex')}`;
    const updated = await second.request<{ updateCluster: { cluster: { name: string } } }>(
      `mutation ($input: UpdateClusterInput!) { updateCluster(input: $input) { cluster { name } } }`,
      { input: { id: cluster.id, kubeconfig: moved.kubeconfig(), name: renamed } },
    );
    expect(updated.errors).toBeUndefined();
    const fromFirst = await waitFor('the first gateway to show the new apiserver', async () => {
      const answer = (await first.request<ClusterAnswer>(CLUSTER, { id: cluster.id })).data?.cluster;
      return answer?.status === 'RUNNING' && names(answer.nodes).includes('worker-2') ? answer : undefined;
    });
    expect(fromFirst.name).toBe(renamed);
    // Neither gateway watches the old apiserver any more.
    await waitFor('no watch left on the old apiserver', () => original.watchCount() === 0);

    const removed = await first.request<{ removeCluster: { removedClusterId: string } }>(`mutation ($id: ID!) { removeCluster(input: { id: $id }) { removedClusterId } }`, {
      id: cluster.id,
    });
    expect(removed.errors).toBeUndefined();
    // The second gateway knows it no more: null as a query, NOT_FOUND to a mutation or a subscription.
    expect((await second.request<ClusterAnswer>(CLUSTER, { id: cluster.id })).data).toEqual({ cluster: null });
    const update = await second.request(`mutation ($input: UpdateClusterInput!) { updateCluster(input: $input) { cluster { name } } }`, {
      input: { id: cluster.id, region: 'Busan' },
    });
    expect(update.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const late = collect(second.websocket(), POD_EVENTS, { clusterId: cluster.id });
    await late.done;
    expect(late.results[0]?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    await waitFor('the second gateway to stop watching the removed cluster', async () => !(await watchedClusters(second)).includes(localId));
    await waitFor('no watch left on the removed cluster’s apiserver', () => moved.watchCount() === 0);
    expect(await watchedClusters(first)).not.toContain(localId);
  });

  test('a replica that joins lists the cluster but repeats nothing the others already published', async () => {
    const simulator = await startSmallCluster();
    simulators.push(simulator);
    const cluster = await registerCluster(first, simulator);
    const subscription = collect<{ podEvents: { type: string; pod: { name: string; labels: Record<string, string> } } }>(
      first.websocket(),
      `subscription ($clusterId: ID!) { podEvents(clusterId: $clusterId, namespace: "team-a") { type pod { name labels } } }`,
      { clusterId: cluster.id },
    );
    await waitFor('the subscription on the first gateway to be live', () => hubSubjects(first));
    const relabel = (name: string, step: string) =>
      simulator.updatePod('team-a', name, (pod) => {
        pod.metadata.labels = { ...pod.metadata.labels, step };
      });
    const seen = () => subscription.results.map((result) => `${result.data?.podEvents.type} ${result.data?.podEvents.pod.name} ${result.data?.podEvents.pod.labels.step}`);
    relabel('web-0', '1');
    await waitFor('MODIFIED web-0 on the first gateway', () => seen().length >= 1);

    // Its first list finds web-0 as the first gateway last published it: the same version, no news.
    const third = await startTestGateway({ secretKey: SECRET_KEY }, { database });
    try {
      await waitFor('the joining gateway to serve the cluster', async () => (await third.request<ClusterAnswer>(CLUSTER, { id: cluster.id })).data?.cluster?.status === 'RUNNING');
      relabel('web-1', '2');
      await waitFor('MODIFIED web-1 on the first gateway', () => seen().some((line) => line.endsWith(' 2')));
      expect(seen()).toEqual(['MODIFIED web-0 1', 'MODIFIED web-1 2']);
    } finally {
      subscription.unsubscribe();
      await third.stop();
    }
  });
});

/** A GraphQL subscription is live once the subscription hub holds a bus subscription for it. */
async function hubSubjects(gateway: TestGateway): Promise<boolean> {
  const text = await (await fetch(`${gateway.url}/metrics`)).text();
  return Number(/^kda_subscription_hub_subjects (\d+)$/m.exec(text)?.[1] ?? 0) >= 1;
}
