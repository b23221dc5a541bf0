import { collect } from './support/subscription.js';
import { startSmallCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import type { SimulatedCluster } from '../src/simulator/index.js';
import { UNRELATED_CA_PEM } from './support/unrelated-ca.js';
import { toGlobalId } from '../src/shared/global-id.js';

const REGISTER = `mutation ($input: RegisterClusterInput!) { registerCluster(input: $input) { cluster { id name } } }`;

describe('authentication', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  test('a query without a token is refused with UNAUTHENTICATED', async () => {
    const response = await gateway.request(`{ clusters { id } }`, {}, null);
    expect(response.data?.clusters ?? null).toBeNull();
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a wrong token is refused with UNAUTHENTICATED and HTTP 401', async () => {
    const response = await gateway.request(`{ me { id } }`, {}, 'not-the-token');
    expect(response.status).toBe(401);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('the admin token answers `me`', async () => {
    const response = await gateway.request<{ me: { id: string; systemRole: string } }>(`{ me { id systemRole } }`);
    expect(response.data?.me).toEqual({ id: toGlobalId('User', 'bootstrap-admin'), systemRole: 'ADMIN' });
  });

  test.each([
    ['no connection params', null],
    ['a wrong token', 'Bearer wrong'],
  ])('a websocket with %s is closed with 4403', async (_case, authorization) => {
    const subscription = collect(gateway.websocket(authorization), `subscription { podEvents(clusterId: "x") { cursor } }`);
    await expect(subscription.done).rejects.toMatchObject({ code: 4403 });
  });

  test('a subscription to an unknown cluster ends with NOT_FOUND', async () => {
    const subscription = collect(gateway.websocket(), `subscription { podEvents(clusterId: "no-such-cluster") { cursor } }`);
    // graphql-ws sends an error raised before the stream starts as one result, then completes.
    await subscription.done;
    expect(subscription.results).toEqual([{ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })] }]);
  });

  test('a subscription with a bad namespace is refused with BAD_USER_INPUT', async () => {
    const subscription = collect(gateway.websocket(), `subscription { podEvents(clusterId: "x", namespace: "a.b>") { cursor } }`);
    await subscription.done;
    expect(subscription.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'namespace' });
  });

  test('queries deeper than the limit are refused before they run', async () => {
    const deep = `{ clusters { nodes { edges { node { name } } } pods { edges { node { cluster { pods { edges { node { cluster { pods { edges { node { cluster { name } } } } } } } } } } } } } }`;
    const response = await gateway.request(deep);
    expect(response.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });
});

describe('registerCluster refuses bad input and saves nothing', () => {
  let gateway: TestGateway;
  let simulator: SimulatedCluster;

  beforeAll(async () => {
    gateway = await startTestGateway();
    simulator = await startSmallCluster();
  });

  afterAll(async () => {
    await gateway?.stop();
    await simulator?.close();
  });

  async function clusterNames(): Promise<string[]> {
    const response = await gateway.request<{ clusters: Array<{ name: string }> }>(`{ clusters { name } }`);
    return response.data?.clusters.map((cluster) => cluster.name) ?? [];
  }

  const valid = () => ({ kubeconfig: simulator.kubeconfig(), name: 'good-name', provider: 'ON_PREMISE', region: 'Seoul' });

  test.each([
    ['name', { name: 'Not A DNS Label' }],
    ['region', { region: '' }],
    ['kubeconfig', { kubeconfig: 'this: [is not a kubeconfig' }],
    ['kubeconfig', { kubeconfig: 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n' }],
    ['context', { context: 'no-such-context' }],
  ])('bad %s', async (field, override) => {
    const response = await gateway.request(REGISTER, { input: { ...valid(), ...override } });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    expect(await clusterNames()).toEqual([]);
  });

  test('an unreachable API server', async () => {
    const unreachable = simulator.kubeconfig().replace(simulator.url, 'http://127.0.0.1:1');
    const response = await gateway.request(REGISTER, { input: { ...valid(), kubeconfig: unreachable } });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kubeconfig' });
    expect(await clusterNames()).toEqual([]);
  });

  test('a CA that did not sign the server certificate', async () => {
    const wrongCa = simulator.kubeconfig().replace(/certificate-authority-data: \S+/, `certificate-authority-data: ${Buffer.from(UNRELATED_CA_PEM).toString('base64')}`);
    expect(wrongCa).not.toBe(simulator.kubeconfig());
    const response = await gateway.request(REGISTER, { input: { ...valid(), kubeconfig: wrongCa } });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kubeconfig' });
    expect(await clusterNames()).toEqual([]);
  });

  test('a wrong bearer token', async () => {
    const response = await gateway.request(REGISTER, { input: { ...valid(), kubeconfig: simulator.kubeconfig().replace(simulator.token, 'wrong-token') } });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kubeconfig' });
    expect(await clusterNames()).toEqual([]);
  });

  test('an exec credential plugin is refused', async () => {
    const withExec = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${simulator.url}" } }]
users: [{ name: u, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: ["-c", "touch /tmp/pwned"] } } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;
    const response = await gateway.request(REGISTER, { input: { ...valid(), kubeconfig: withExec } });
    expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kubeconfig' });
    expect(await clusterNames()).toEqual([]);
  });

  test('a name already used', async () => {
    const first = await gateway.request(REGISTER, { input: valid() });
    expect(first.errors).toBeUndefined();
    const second = await gateway.request(REGISTER, { input: valid() });
    expect(second.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(await clusterNames()).toEqual(['good-name']);
  });

  test('a registered cluster never returns its kubeconfig', async () => {
    const response = await gateway.request(`{ __type(name: "Cluster") { fields { name } } }`);
    const fields = (response.data as { __type: { fields: Array<{ name: string }> } }).__type.fields.map((field) => field.name);
    expect(fields.filter((name) => /kubeconfig|token|secret/i.test(name))).toEqual([]);
  });
});

describe('exec credential plugins, when an administrator allows them', () => {
  test('a kubeconfig whose user runs a plugin registers once KDA_ALLOW_EXEC_CREDENTIALS is on', async () => {
    const gateway = await startTestGateway({ allowExecCredentials: true });
    const simulator = await startSmallCluster();
    try {
      const credential = JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: simulator.token } });
      const original = simulator.kubeconfig();
      const ca = /certificate-authority-data: (\S+)/.exec(original)?.[1];
      const withExec = `apiVersion: v1
kind: Config
clusters: [{ name: c, cluster: { server: "${simulator.url}", certificate-authority-data: "${ca}" } }]
users: [{ name: u, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: /bin/echo, args: [${JSON.stringify(credential)}], interactiveMode: Never } } }]
contexts: [{ name: x, context: { cluster: c, user: u } }]
current-context: x
`;
      const response = await gateway.request<{ registerCluster: { cluster: { name: string } } }>(REGISTER, {
        input: { kubeconfig: withExec, name: 'with-exec', provider: 'EKS', region: 'us-east-1' },
      });
      expect(response.errors).toBeUndefined();
      expect(response.data?.registerCluster.cluster.name).toBe('with-exec');
    } finally {
      await gateway.stop();
      await simulator.close();
    }
  });
});
