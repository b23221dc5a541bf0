import { collect } from './support/subscription.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

interface PodEventResult {
  podEvents: { type: string; cursor: string; pod: { name: string; namespace: string; phase: string; cluster: { id: string } } };
}

const POD_EVENTS = `subscription ($clusterId: ID!, $namespace: String, $after: String) {
  podEvents(clusterId: $clusterId, namespace: $namespace, after: $after) { type cursor pod { name namespace phase cluster { id } } }
}`;

describe('a pod change in a cluster reaches the graph and a websocket subscriber through NATS', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;

  beforeAll(async () => {
    gateway = await startTestGateway();
    cluster = await registerCluster(gateway, await startSmallCluster());
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  async function podNames(namespace: string): Promise<string[]> {
    const response = await gateway.request<{ cluster: { pods: { edges: Array<{ node: { name: string } }> } } }>(
      `query ($id: ID!, $namespace: String) { cluster(id: $id) { pods(namespace: $namespace, first: 100) { edges { node { name } } } } }`,
      { id: cluster.id, namespace },
    );
    return response.data?.cluster.pods.edges.map((edge) => edge.node.name) ?? [];
  }

  /** The hub holds a bus subscription once a websocket subscriber is live; /metrics shows it. */
  async function liveSubscriptions(): Promise<number> {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    return Number(/^kda_subscription_hub_subjects (\d+)$/m.exec(text)?.[1] ?? 0);
  }

  test('the cluster query answers nodes, namespaces and pods from the watch caches', async () => {
    const response = await gateway.request<{
      cluster: {
        name: string;
        provider: string;
        region: string;
        version: string;
        nodes: { edges: Array<{ node: { name: string; roles: string[] } }> };
        namespaces: string[];
        capacity: { cpuCores: number };
        podCount: number;
      };
    }>(`query ($id: ID!) { cluster(id: $id) { name provider region version nodes { edges { node { name roles } } } namespaces capacity { cpuCores } podCount } }`, {
      id: cluster.id,
    });
    expect(response.errors).toBeUndefined();
    expect(response.data?.cluster).toMatchObject({
      name: cluster.name,
      provider: 'ON_PREMISE',
      region: 'Seoul',
      nodes: {
        edges: [{ node: { name: 'control-1', roles: ['control-plane'] } }, { node: { name: 'worker-1', roles: ['worker'] } }],
      },
      capacity: { cpuCores: 12 },
      podCount: 3,
    });
    expect(response.data?.cluster.namespaces).toContain('team-a');
    expect(response.data?.cluster.version).toMatch(/^v1\./);
  });

  test('a created pod appears in the query and as ADDED on the subscription; its deletion as DELETED', async () => {
    const client = gateway.websocket();
    const subscription = collect<PodEventResult>(client, POD_EVENTS, { clusterId: cluster.id, namespace: 'team-a' });
    await waitFor('the subscription to be live', async () => (await liveSubscriptions()) >= 1);

    cluster.simulator.createPod({ namespace: 'team-a', name: 'api-0', nodeName: 'worker-1', labels: { app: 'api' }, containers: [{ name: 'main', image: 'example/api:1' }] });
    await waitFor('api-0 in the cluster query', async () => (await podNames('team-a')).includes('api-0'));
    const added = await waitFor('ADDED api-0', () => subscription.results.find((result) => result.data?.podEvents.pod.name === 'api-0' && result.data.podEvents.type === 'ADDED'));
    expect(added.data?.podEvents.pod).toMatchObject({ namespace: 'team-a', cluster: { id: cluster.id } });

    cluster.simulator.deletePod('team-a', 'api-0');
    await waitFor('DELETED api-0', () => subscription.results.find((result) => result.data?.podEvents.pod.name === 'api-0' && result.data.podEvents.type === 'DELETED'));
    await waitFor('api-0 gone from the cluster query', async () => !(await podNames('team-a')).includes('api-0'));
    expect(subscription.results.every((result) => result.errors === undefined)).toBe(true);
    subscription.unsubscribe();
    await waitFor('the hub to release the bus subscription', async () => (await liveSubscriptions()) === 0);
  });

  test('a subscription given `after` resumes right after that event: nothing lost, nothing repeated', async () => {
    const client = gateway.websocket();
    const first = collect<PodEventResult>(client, POD_EVENTS, { clusterId: cluster.id, namespace: 'team-a' });
    await waitFor('the subscription to be live', async () => (await liveSubscriptions()) >= 1);
    cluster.simulator.createPod({ namespace: 'team-a', name: 'resume-0', nodeName: 'worker-1', containers: [{ name: 'main', image: 'example/api:1' }] });
    const added = await waitFor('ADDED resume-0', () => first.results.find((result) => result.data?.podEvents.pod.name === 'resume-0' && result.data.podEvents.type === 'ADDED'));
    first.unsubscribe();

    // Changes while nobody listens.
    cluster.simulator.createPod({ namespace: 'team-a', name: 'resume-1', nodeName: 'worker-1', containers: [{ name: 'main', image: 'example/api:1' }] });
    cluster.simulator.deletePod('team-a', 'resume-0');
    await waitFor('resume-1 in the cluster query', async () => (await podNames('team-a')).includes('resume-1'));

    const resumed = collect<PodEventResult>(client, POD_EVENTS, { clusterId: cluster.id, namespace: 'team-a', after: added.data?.podEvents.cursor });
    await waitFor('the replayed deletion of resume-0', () =>
      resumed.results.some((result) => result.data?.podEvents.pod.name === 'resume-0' && result.data.podEvents.type === 'DELETED'),
    );
    const replayed = resumed.results.map((result) => `${result.data?.podEvents.type} ${result.data?.podEvents.pod.name}`);
    expect(replayed).not.toContain('ADDED resume-0');
    expect(replayed.indexOf('ADDED resume-1')).toBeGreaterThanOrEqual(0);
    expect(replayed.indexOf('ADDED resume-1')).toBeLessThan(replayed.indexOf('DELETED resume-0'));
    resumed.unsubscribe();
  });

  test('each event is resolved afresh: a cluster renamed mid-subscription shows its new name on the next event', async () => {
    const events = collect<{ podEvents: { pod: { name: string; cluster: { name: string } } } }>(
      gateway.websocket(),
      `subscription ($clusterId: ID!) { podEvents(clusterId: $clusterId, namespace: "team-a") { pod { name cluster { name } } } }`,
      { clusterId: cluster.id },
    );
    await waitFor('the subscription to be live', async () => (await liveSubscriptions()) >= 1);
    const clusterNameOf = (pod: string) => events.results.find((result) => result.data?.podEvents.pod.name === pod)?.data?.podEvents.pod.cluster.name;
    cluster.simulator.createPod({ namespace: 'team-a', name: 'before-rename', nodeName: 'worker-1', containers: [{ name: 'main', image: 'example/api:1' }] });
    expect(await waitFor('before-rename', () => clusterNameOf('before-rename'))).toBe(cluster.name);

    const renamed = await gateway.request(`mutation ($id: ID!) { updateCluster(input: { id: $id, name: "renamed-live" }) { cluster { name } } }`, { id: cluster.id });
    expect(renamed.errors).toBeUndefined();
    cluster.simulator.createPod({ namespace: 'team-a', name: 'after-rename', nodeName: 'worker-1', containers: [{ name: 'main', image: 'example/api:1' }] });
    expect(await waitFor('after-rename', () => clusterNameOf('after-rename'))).toBe('renamed-live');
    events.unsubscribe();
    await gateway.request(`mutation ($id: ID!, $name: String!) { updateCluster(input: { id: $id, name: $name }) { cluster { name } } }`, { id: cluster.id, name: cluster.name });
  });

  test('a cursor this stream never issued is refused with BAD_USER_INPUT', async () => {
    const subscription = collect<PodEventResult>(gateway.websocket(), POD_EVENTS, { clusterId: cluster.id, after: 'bm90LWEtY3Vyc29y' });
    await subscription.done;
    expect(subscription.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('after the watch is cut mid-stream, changes made meanwhile still reach the subscriber', async () => {
    const client = gateway.websocket();
    const subscription = collect<PodEventResult>(client, POD_EVENTS, { clusterId: cluster.id, namespace: 'team-a' });
    await waitFor('the subscription to be live', async () => (await liveSubscriptions()) >= 1);
    cluster.simulator.cutWatches();
    cluster.simulator.createPod({ namespace: 'team-a', name: 'after-cut-0', nodeName: 'worker-1', containers: [{ name: 'main', image: 'example/api:1' }] });
    await waitFor('ADDED after-cut-0', () => subscription.results.some((result) => result.data?.podEvents.pod.name === 'after-cut-0' && result.data.podEvents.type === 'ADDED'));
    subscription.unsubscribe();
  });
});
