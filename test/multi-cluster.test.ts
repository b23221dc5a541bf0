import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { collect } from './support/subscription.js';
import { waitFor } from './support/wait.js';

interface ClusterRow {
  id: string;
  name: string;
  status: string;
  statusReason: string | null;
  nodes: { edges: Array<{ node: { name: string } }> } | null;
  podCount: number | null;
}

const CLUSTERS = `{ clusters { id name status statusReason nodes { edges { node { name } } } podCount } }`;

describe('many clusters at once', () => {
  let gateway: TestGateway;
  let healthy: RegisteredCluster;
  let flaky: RegisteredCluster;

  beforeAll(async () => {
    gateway = await startTestGateway();
    healthy = await registerCluster(gateway, await startSmallCluster());
    flaky = await registerCluster(gateway, await startSmallCluster());
  });

  afterAll(async () => {
    await gateway?.stop();
    await healthy?.simulator.close();
    await flaky?.simulator.close();
  });

  async function status(id: string): Promise<string | undefined> {
    const response = await gateway.request<{ cluster: { status: string } }>(`query ($id: ID!) { cluster(id: $id) { status } }`, { id });
    return response.data?.cluster.status;
  }

  test('an unreachable cluster fails only its own fields, naming itself; the others answer', async () => {
    const statusStream = collect<{ clusterStatus: { id: string; status: string } }>(gateway.websocket(), `subscription { clusterStatus { id status } }`);
    await waitFor('the status subscription to be live', async () => {
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      return /^kda_subscription_hub_subjects [1-9]/m.test(metrics);
    });

    flaky.simulator.setReachable(false);
    await waitFor('the flaky cluster to be UNREACHABLE', async () => (await status(flaky.id)) === 'UNREACHABLE');

    const response = await gateway.request<{ clusters: ClusterRow[] }>(CLUSTERS);
    const rows = new Map(response.data?.clusters.map((row) => [row.id, row]));
    expect(rows.get(healthy.id)).toMatchObject({ status: 'RUNNING', podCount: 3, nodes: { edges: [{ node: { name: 'control-1' } }, { node: { name: 'worker-1' } }] } });
    expect(rows.get(flaky.id)).toMatchObject({ status: 'UNREACHABLE', nodes: null, podCount: null });
    expect(rows.get(flaky.id)?.statusReason).toBeTruthy();
    const flakyErrors = response.errors?.filter((error) => error.extensions?.clusterId === flaky.id) ?? [];
    expect(flakyErrors.map((error) => error.extensions?.code)).toEqual(['UNAVAILABLE', 'UNAVAILABLE']);
    expect(response.errors?.every((error) => error.extensions?.clusterId === flaky.id)).toBe(true);

    flaky.simulator.setReachable(true);
    await waitFor('the flaky cluster to be RUNNING again', async () => (await status(flaky.id)) === 'RUNNING');
    await waitFor('UNREACHABLE then RUNNING on clusterStatus', () => {
      const states = statusStream.results.filter((result) => result.data?.clusterStatus.id === flaky.id).map((result) => result.data?.clusterStatus.status);
      return states.includes('UNREACHABLE') && states.lastIndexOf('RUNNING') > states.indexOf('UNREACHABLE');
    });
    statusStream.unsubscribe();
  });

  test('a cluster that drops in the middle of a request still leaves the others intact', async () => {
    const queries = Array.from({ length: 20 }, () => gateway.request<{ clusters: ClusterRow[] }>(CLUSTERS));
    flaky.simulator.setReachable(false);
    const responses = await Promise.all(queries);
    for (const response of responses) {
      expect(response.data?.clusters.find((row) => row.id === healthy.id)).toMatchObject({ status: 'RUNNING', podCount: 3 });
      expect(response.errors?.every((error) => error.extensions?.clusterId === flaky.id) ?? true).toBe(true);
    }
    flaky.simulator.setReachable(true);
    await waitFor('the flaky cluster to be RUNNING again', async () => (await status(flaky.id)) === 'RUNNING');
  });

  test('one watch per kind per cluster, whatever the number of subscribers', async () => {
    const before = healthy.simulator.watchCount();
    const client = gateway.websocket();
    const subscriptions = Array.from({ length: 25 }, () => collect(client, `subscription ($id: ID!) { podEvents(clusterId: $id) { cursor } }`, { id: healthy.id }));
    await waitFor('the subscriptions to be live', async () => /^kda_subscription_hub_subjects [1-9]/m.test(await (await fetch(`${gateway.url}/metrics`)).text()));
    expect(healthy.simulator.watchCount()).toBe(before);
    for (const subscription of subscriptions) subscription.unsubscribe();
  });

  test('updateCluster renames; removeCluster stops every watch and forgets the cluster', async () => {
    const renamed = await gateway.request<{ updateCluster: { cluster: { id: string; name: string; region: string } } }>(
      `mutation ($id: ID!) { updateCluster(input: { id: $id, name: "renamed", region: "Busan" }) { cluster { id name region } } }`,
      { id: healthy.id },
    );
    expect(renamed.data?.updateCluster.cluster).toEqual({ id: healthy.id, name: 'renamed', region: 'Busan' });
    const clash = await gateway.request(`mutation ($id: ID!, $name: String!) { updateCluster(input: { id: $id, name: $name }) { cluster { name } } }`, {
      id: flaky.id,
      name: 'renamed',
    });
    expect(clash.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });

    expect(healthy.simulator.watchCount()).toBeGreaterThan(0);
    const removed = await gateway.request<{ removeCluster: { removedClusterId: string } }>(`mutation ($id: ID!) { removeCluster(input: { id: $id }) { removedClusterId } }`, {
      id: healthy.id,
    });
    expect(removed.data?.removeCluster).toEqual({ removedClusterId: healthy.id });
    await waitFor('every watch on the removed cluster to close', () => healthy.simulator.watchCount() === 0);
    const after = await gateway.request<{ cluster: null }>(`query ($id: ID!) { cluster(id: $id) { id } }`, { id: healthy.id });
    expect(after.data?.cluster).toBeNull();
    const again = await gateway.request(`mutation ($id: ID!) { removeCluster(input: { id: $id }) { removedClusterId } }`, { id: healthy.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
  });
});
