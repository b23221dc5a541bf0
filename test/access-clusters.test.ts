import { createToken, createUser } from './identity-support.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { nodesOf, type Connection } from './support/connections.js';
import { collect } from './support/subscription.js';
import { waitFor } from './support/wait.js';

/**
 * A workspace allotted one namespace of a cluster: its members see that namespace and nothing
 * else, in queries, mutations and every live event; removing a member ends their stream.
 */
describe('cluster access through workspace allotments', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;
  let workspaceId: string;
  let viewer: { id: string; token: string };
  let operator: { id: string; token: string };
  let outsider: { id: string; token: string };

  async function admin<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    const response = await gateway.request<T>(query, variables);
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return response.data as T;
  }

  async function person(name: string) {
    const user = await createUser(gateway, { name, email: `${name}@example.com`, systemRole: 'USER' });
    return { id: user.id, token: (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token };
  }

  beforeAll(async () => {
    gateway = await startTestGateway();
    const simulator = await startSmallCluster();
    simulator.addNamespace('team-b');
    simulator.createPod({ namespace: 'team-b', name: 'secret-0', nodeName: 'worker-1', containers: [{ name: 'main', image: 'example/secret:1' }] });
    simulator.addDeployment({ namespace: 'team-a', name: 'api', replicas: 1, containers: [{ name: 'api', image: 'example/api:1' }] });
    simulator.addDeployment({ namespace: 'team-b', name: 'hidden', replicas: 1, containers: [{ name: 'hidden', image: 'example/hidden:1' }] });
    cluster = await registerCluster(gateway, simulator);
    workspaceId = (await admin<{ createWorkspace: { workspace: { id: string } } }>(`mutation { createWorkspace(input: { name: "Sports Team" }) { workspace { id } } }`))
      .createWorkspace.workspace.id;
    await admin(`mutation ($w: ID!, $c: ID!) { allotCluster(input: { workspaceId: $w, clusterId: $c, namespaces: ["team-a"] }) { allotment { namespaces } } }`, {
      w: workspaceId,
      c: cluster.id,
    });
    viewer = await person('viewer');
    operator = await person('operator');
    outsider = await person('outsider');
    for (const [who, role] of [
      [viewer, 'VIEWER'],
      [operator, 'OPERATOR'],
    ] as const) {
      await admin(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, { input: { workspaceId, userId: who.id, role } });
    }
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  test('a member sees the cluster, but only the allotted namespace', async () => {
    const response = await gateway.request<{
      clusters: Array<{ id: string; namespaces: string[]; pods: { edges: Array<{ node: { namespace: string } }> }; workloads: Connection<{ namespace: string; name: string }> }>;
    }>(`{ clusters { id namespaces pods(first: 100) { edges { node { namespace } } } workloads { edges { node { namespace name } } } } }`, {}, viewer.token);
    expect(response.errors).toBeUndefined();
    expect(response.data?.clusters).toHaveLength(1);
    const [seen] = response.data!.clusters;
    expect(seen?.namespaces).toEqual(['team-a']);
    expect(new Set(seen?.pods.edges.map((edge) => edge.node.namespace))).toEqual(new Set(['team-a']));
    expect(nodesOf(seen?.workloads)).toEqual([{ namespace: 'team-a', name: 'api' }]);
    const explicit = await gateway.request<{ cluster: { pods: { totalCount: number } } }>(
      `query ($id: ID!) { cluster(id: $id) { pods(namespace: "team-b") { totalCount } } }`,
      { id: cluster.id },
      viewer.token,
    );
    expect(explicit.data?.cluster.pods.totalCount).toBe(0);
  });

  test("clusters(workspaceId) shows a workspace's clusters narrowed to its namespaces, to its members and administrators only", async () => {
    const asAdmin = await gateway.request<{ clusters: Array<{ id: string; namespaces: string[] }> }>(`query ($w: ID!) { clusters(workspaceId: $w) { id namespaces } }`, {
      w: workspaceId,
    });
    expect(asAdmin.data?.clusters).toEqual([{ id: cluster.id, namespaces: ['team-a'] }]);
    const asViewer = await gateway.request<{ workspace: { clusters: Array<{ namespaces: string[] }> } }>(
      `query ($w: ID!) { workspace(id: $w) { clusters { namespaces } } }`,
      { w: workspaceId },
      viewer.token,
    );
    expect(asViewer.data?.workspace.clusters).toEqual([{ namespaces: ['team-a'] }]);
    // Another team's workspace answers exactly as one that does not exist.
    const asOutsider = await gateway.request(`query ($w: ID!) { clusters(workspaceId: $w) { id } }`, { w: workspaceId }, outsider.token);
    const missing = await gateway.request(`query ($w: ID!) { clusters(workspaceId: $w) { id } }`, { w: '00000000-0000-4000-8000-000000000000' }, outsider.token);
    expect(asOutsider.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'workspaceId' });
    expect(Object.keys(asOutsider.errors?.[0]?.extensions ?? {})).toEqual(Object.keys(missing.errors?.[0]?.extensions ?? {}));
    const withoutId = (message: string | undefined) => message?.replace(/[0-9a-f-]{36}/, '<id>');
    expect(withoutId(asOutsider.errors?.[0]?.message)).toBe(withoutId(missing.errors?.[0]?.message));
  });

  test('someone in no workspace sees no cluster, and cannot reach one by id', async () => {
    const list = await gateway.request<{ clusters: unknown[] }>(`{ clusters { id } }`, {}, outsider.token);
    expect(list.data?.clusters).toEqual([]);
    const byId = await gateway.request<{ cluster: unknown }>(`query ($id: ID!) { cluster(id: $id) { id } }`, { id: cluster.id }, outsider.token);
    expect(byId.data?.cluster).toBeNull();
    const scale = await gateway.request(
      `mutation ($id: ID!) { scaleWorkload(input: { clusterId: $id, namespace: "team-a", kind: DEPLOYMENT, name: "api", replicas: 2 }) { workload { name } } }`,
      { id: cluster.id },
      outsider.token,
    );
    expect(scale.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const events = collect(gateway.websocket(`Bearer ${outsider.token}`), `subscription ($id: ID!) { podEvents(clusterId: $id) { cursor } }`, { id: cluster.id });
    await events.done;
    expect(events.results[0]?.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  test.each([
    ['a viewer scales', () => viewer, 'team-a', 'FORBIDDEN'],
    // Outside the allotment, the workload is as missing as one that is not there.
    ['an operator scales outside the allotted namespace', () => operator, 'team-b', 'NOT_FOUND'],
  ])('%s: refused', async (_case, who, namespace, code) => {
    const response = await gateway.request(
      `mutation ($id: ID!, $ns: String!) { scaleWorkload(input: { clusterId: $id, namespace: $ns, kind: DEPLOYMENT, name: "api", replicas: 2 }) { workload { name } } }`,
      { id: cluster.id, ns: namespace },
      who().token,
    );
    expect(response.errors?.[0]?.extensions?.code).toBe(code);
  });

  test('an operator scales in the allotted namespace; node operations stay with administrators', async () => {
    const scaled = await gateway.request(
      `mutation ($id: ID!) { scaleWorkload(input: { clusterId: $id, namespace: "team-a", kind: DEPLOYMENT, name: "api", replicas: 2 }) { workload { name } } }`,
      { id: cluster.id },
      operator.token,
    );
    expect(scaled.errors).toBeUndefined();
    const cordon = await gateway.request(`mutation ($id: ID!) { cordonNode(input: { clusterId: $id, name: "worker-1" }) { node { name } } }`, { id: cluster.id }, operator.token);
    expect(cordon.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const register = await gateway.request(`mutation { removeCluster(input: { id: "${cluster.id}" }) { removedClusterId } }`, {}, operator.token);
    expect(register.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test('live events: only the allotted namespace; removed from the workspace, the stream ends with FORBIDDEN', async () => {
    const events = collect<{ podEvents: { pod: { namespace: string; name: string } } }>(
      gateway.websocket(`Bearer ${viewer.token}`),
      `subscription ($id: ID!) { podEvents(clusterId: $id) { pod { namespace name } } }`,
      { id: cluster.id },
    );
    await waitFor('the subscription to be live', async () => /^kda_subscription_hub_subjects [1-9]/m.test(await (await fetch(`${gateway.url}/metrics`)).text()));
    cluster.simulator.createPod({ namespace: 'team-b', name: 'hidden-1', nodeName: 'worker-1', containers: [{ name: 'main', image: 'x:1' }] });
    cluster.simulator.createPod({ namespace: 'team-a', name: 'visible-1', nodeName: 'worker-1', containers: [{ name: 'main', image: 'x:1' }] });
    await waitFor('visible-1', () => events.results.some((result) => result.data?.podEvents.pod.name === 'visible-1'));
    expect(events.results.every((result) => result.data?.podEvents.pod.namespace === 'team-a')).toBe(true);

    await admin(`mutation ($w: ID!, $u: ID!) { removeWorkspaceMember(input: { workspaceId: $w, userId: $u }) { removedMemberId } }`, { w: workspaceId, u: viewer.id });
    cluster.simulator.createPod({ namespace: 'team-a', name: 'after-removal', nodeName: 'worker-1', containers: [{ name: 'main', image: 'x:1' }] });
    await expect(events.done).rejects.toMatchObject({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })] });
    expect(events.results.some((result) => result.data?.podEvents.pod.name === 'after-removal')).toBe(false);
  });
});
