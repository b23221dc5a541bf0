import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { createToken, createUser } from './identity-support.js';
import { registerCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';

/**
 * Hardening, part 1, items 4 and 5 through the public API, as an attacker would try them: a DEVOPS
 * member's build source, an administrator's registry or kubeconfig, aimed at the gateway's host and
 * its private network. The gateway here allows only the exact test services it needs.
 */
const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const ALLOT_CLUSTER = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`;
const ALLOT_REGISTRY = `mutation ($input: AllotRegistryInput!) { allotRegistry(input: $input) { registry { id } } }`;
const ADD_MEMBER = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
const CREATE_REGISTRY = `mutation ($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id } } }`;
const CREATE_BUILD = `mutation ($input: CreateBuildInput!) { createBuild(input: $input) { build { id } } }`;
const REGISTER = `mutation ($input: RegisterClusterInput!) { registerCluster(input: $input) { cluster { id } } }`;

async function closedPort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });
}

function data<T>(response: { data?: T; errors?: unknown }, what: string): T {
  if (response.data === undefined || response.data === null) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

describe('egress through the API: no user-supplied URL reaches the gateway host or its network', () => {
  let gateway: TestGateway;
  let simulator: SimulatedCluster;
  let registry: TestRegistry;
  let devopsToken: string;
  let workspaceId: string;
  let clusterId: string;
  let registryId: string;

  beforeAll(async () => {
    [simulator, registry] = await Promise.all([startSimulatedCluster({ name: `egress-${randomBytes(3).toString('hex')}` }), startTestRegistry()]);
    // Exactly the two test services: everything else on loopback stays refused.
    gateway = await startTestGateway({
      outbound: { allowKubeconfigFiles: false, allowKubeconfigProxy: false, allowInsecureClusters: false, egressAllow: [new URL(simulator.url).host, new URL(registry.url).host] },
    });
    clusterId = (await registerCluster(gateway, simulator)).id;
    workspaceId = data(await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name: 'Sports Team' } }), 'createWorkspace')
      .createWorkspace.workspace.id;
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId, clusterId, namespaces: null } }), 'allotCluster');
    registryId = data(
      await gateway.request<{ createRegistry: { registry: { id: string } } }>(CREATE_REGISTRY, { input: { name: 'platform', url: registry.url, kind: 'BUILTIN' } }),
      'createRegistry',
    ).createRegistry.registry.id;
    data(await gateway.request(ALLOT_REGISTRY, { input: { workspaceId, registryId } }), 'allotRegistry');
    const devops = await createUser(gateway, { name: 'Dev Ops', email: 'devops@example.com' });
    data(await gateway.request(ADD_MEMBER, { input: { workspaceId, userId: devops.id, role: 'DEVOPS' } }), 'addWorkspaceMember');
    devopsToken = (await createToken(gateway, { name: 'cli', userId: devops.id, scopes: ['READ', 'WRITE'] })).token;
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([simulator?.close(), registry?.stop()]);
  });

  test("a DEVOPS member's build source cannot probe the host: every internal target reads the same, and nothing is stored", async () => {
    const targets = [
      `http://127.0.0.1:3306/x.git`,
      `http://127.0.0.1:${await closedPort()}/x.git`,
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost:4222/x.git',
      'http://[::1]:3306/x.git',
      'http://10.0.0.1/x.git',
    ];
    const answers: string[] = [];
    for (const [index, sourceUrl] of targets.entries()) {
      const response = await gateway.request(
        CREATE_BUILD,
        { input: { workspaceId, name: `probe-${index}`, sourceUrl, ref: 'main', preset: 'GO', imageRepository: 'sports-team/probe', registryId, clusterId } },
        devopsToken,
      );
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sourceUrl' });
      const message = response.errors?.[0]?.message ?? '';
      expect(message).toMatch(/is not reachable$/);
      expect(message).not.toMatch(/ECONNREFUSED|refused|timeout|socket|fetch failed|EHOSTUNREACH|ENETUNREACH/i);
      answers.push(message.replace(new URL(sourceUrl).origin, '<origin>'));
    }
    expect(new Set(answers).size).toBe(1);
    const builds = await gateway.request<{ builds: { totalCount: number } }>(`query ($id: ID!) { builds(workspaceId: $id) { totalCount } }`, { id: workspaceId });
    expect(builds.data?.builds.totalCount).toBe(0);
  });

  test('a registry URL on an internal address is "not reachable", and no registry is stored', async () => {
    for (const url of ['http://127.0.0.1:4222', 'http://169.254.169.254']) {
      const response = await gateway.request(CREATE_REGISTRY, { input: { name: `internal-${new URL(url).port || 'md'}`, url, kind: 'PUBLIC' } });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'url' });
      expect(response.errors?.[0]?.message).toMatch(/not reachable/);
    }
    const registries = await gateway.request<{ registries: { totalCount: number } }>(`{ registries { totalCount } }`);
    expect(registries.data?.registries.totalCount).toBe(1);
  });

  test('a kubeconfig aimed at the host, or reading its files, is refused before any request leaves', async () => {
    // The watches keep talking to the simulator; a probe is a request for /version.
    const before = simulator.requestCount(/\/version/);
    expect(before).toBeGreaterThan(0); // the registration above was probed this way
    const aimed = simulator.kubeconfig().replace(/server: "[^"]+"/, 'server: "https://127.0.0.1:3306"');
    const toHost = await gateway.request(REGISTER, { input: { kubeconfig: aimed, name: 'aimed', provider: 'OTHER', region: 'x' } });
    expect(toHost.errors?.[0]).toMatchObject({ message: 'kubeconfig: the API server is not reachable', extensions: { code: 'BAD_USER_INPUT', field: 'kubeconfig' } });

    const tokenFile = simulator.kubeconfig().replace(/token: "[^"]+"/, 'token-file: "/etc/hostname"');
    const reading = await gateway.request(REGISTER, { input: { kubeconfig: tokenFile, name: 'reading', provider: 'OTHER', region: 'x' } });
    expect(reading.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'kubeconfig' });
    expect(reading.errors?.[0]?.message).toContain('token-file: reads a file on the gateway host');

    const proxied = simulator.kubeconfig().replace(/(server: "[^"]+")/, '$1\n    proxy-url: "http://127.0.0.1:3128"');
    expect((await gateway.request(REGISTER, { input: { kubeconfig: proxied, name: 'proxied', provider: 'OTHER', region: 'x' } })).errors?.[0]?.message).toContain('proxy-url');

    expect(simulator.requestCount(/\/version/)).toBe(before);
    const clusters = await gateway.request<{ clusters: Array<{ name: string }> }>(`{ clusters { name } }`);
    expect(clusters.data?.clusters.map((cluster) => cluster.name)).toEqual([simulator.name]);
  });
});
