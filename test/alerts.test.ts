/**
 * Alerts end to end on MariaDB and a simulated cluster: a crash-looping pod, an unavailable
 * workload and a node that stops being Ready open alerts; each resolves when the condition goes,
 * stays in the history, and is seen only by the workspaces it concerns.
 */
import { randomBytes } from 'node:crypto';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { createToken, createUser } from './identity-support.js';
import { registerCluster } from './support/cluster.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

const GiB = 2 ** 30;
const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const ADD_MEMBER = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
const ALLOT_CLUSTER = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`;
const ALERTS = `query ($workspaceId: ID!, $state: AlertState) { alerts(workspaceId: $workspaceId, state: $state, first: 100) {
  totalCount edges { node { id kind severity clusterId namespace objectKind objectName message openedAt resolvedAt } } } }`;

interface AlertShape {
  id: string;
  kind: string;
  severity: string;
  clusterId: string;
  namespace: string | null;
  objectKind: string;
  objectName: string;
  message: string;
  openedAt: string;
  resolvedAt: string | null;
}

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

describe('alerts: what needs a human now, opened and resolved from the watch caches', () => {
  let gateway: TestGateway;
  let cluster: SimulatedCluster;
  let clusterId: string;
  let shop: string;
  let rival: string;
  const tokens: Record<string, string> = {};

  const allAlerts = async (workspaceId: string, state: string, token = tokens.shop!) =>
    nodesOf(data(await gateway.request<{ alerts: Connection<AlertShape> }>(ALERTS, { workspaceId, state }, token), 'alerts').alerts);
  /** The simulated scanner reports findings for every image: the first tests look past them. */
  const alerts = async (workspaceId: string, state: string, token = tokens.shop!) =>
    (await allAlerts(workspaceId, state, token)).filter((alert) => alert.kind !== 'CRITICAL_VULNERABILITY');
  const describeAll = (list: readonly AlertShape[]) => list.map((alert) => `${alert.kind} ${alert.objectKind}/${alert.objectName}`).sort();

  beforeAll(async () => {
    [gateway, cluster] = await Promise.all([
      startTestGateway({ limits: { alertIntervalSeconds: 0.2 } }),
      startSimulatedCluster({ name: `alerts-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200, podStartDelayMs: 20, simulatedSecondMs: 50 }),
    ]);
    cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 16, memoryBytes: 32 * GiB, storageBytes: 100 * GiB, maxPods: 110 });
    cluster.addNode({ name: 'worker-2', roles: ['worker'], cpu: 16, memoryBytes: 32 * GiB, storageBytes: 100 * GiB, maxPods: 110 });
    clusterId = (await registerCluster(gateway, cluster)).id;
    const workspace = async (name: string) =>
      data(await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name } }), 'createWorkspace').createWorkspace.workspace.id;
    shop = await workspace('Shop Team');
    rival = await workspace('Rival Team');
    for (const [key, workspaceId] of [
      ['shop', shop],
      ['rival', rival],
    ] as const) {
      const user = await createUser(gateway, { name: key, email: `${key}-${randomBytes(3).toString('hex')}@example.com`, systemRole: 'USER' });
      data(await gateway.request(ADD_MEMBER, { input: { workspaceId, userId: user.id, role: 'VIEWER' } }), 'addWorkspaceMember');
      tokens[key] = (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ'] })).token;
    }
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: shop, clusterId, namespaces: ['shop'] } }), 'allot');
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: rival, clusterId, namespaces: ['rival'] } }), 'allot');
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.close();
  });

  it('a crash-looping Deployment opens alerts for its workspace only; fixing it resolves them, kept in the history', async () => {
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 1, progressDeadlineSeconds: 5, containers: [{ name: 'web', image: 'shop/web:simulate-crash' }] });
    cluster.addDeployment({ namespace: 'rival', name: 'api', replicas: 1, containers: [{ name: 'api', image: 'rival/api:1' }] });
    const open = await waitFor('the crash-loop and unavailability alerts', async () => {
      const list = await alerts(shop, 'OPEN');
      const kinds = describeAll(list);
      return kinds.includes('WORKLOAD_UNAVAILABLE Deployment/web') && kinds.some((kind) => kind.startsWith('POD_CRASH_LOOPING Pod/web-')) ? list : undefined;
    });
    const crash = open.find((alert) => alert.kind === 'POD_CRASH_LOOPING')!;
    expect(crash).toMatchObject({ severity: 'WARNING', clusterId, namespace: 'shop', resolvedAt: null });
    expect(crash.message).toMatch(/container web is crash-looping/);
    expect(open.find((alert) => alert.kind === 'WORKLOAD_UNAVAILABLE')).toMatchObject({ severity: 'CRITICAL', objectKind: 'Deployment', objectName: 'web' });

    // The other team sees nothing of it, and its own healthy workload raises nothing.
    expect(await alerts(rival, 'ALL', tokens.rival)).toEqual([]);
    const foreign = await gateway.request(ALERTS, { workspaceId: shop, state: 'OPEN' }, tokens.rival);
    expect(foreign.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'workspaceId' });

    // Fixed: the alerts resolve and stay in the history; no duplicate was ever opened.
    cluster.patchObject('deployments', 'shop', 'web', { spec: { template: { spec: { containers: [{ name: 'web', image: 'shop/web:2' }] } } } });
    await waitFor('the alerts to resolve', async () => ((await alerts(shop, 'OPEN')).length === 0 ? true : undefined));
    const resolved = await alerts(shop, 'RESOLVED');
    expect(resolved.map((alert) => alert.id)).toEqual(expect.arrayContaining(open.map((alert) => alert.id)));
    expect(resolved.every((alert) => alert.resolvedAt !== null && alert.resolvedAt >= alert.openedAt)).toBe(true);
    const [row] = await gateway.dataSource.query<Array<{ n: number | string }>>("SELECT COUNT(*) AS n FROM alerts WHERE open_key IS NOT NULL AND kind <> 'CRITICAL_VULNERABILITY'");
    expect(Number(row?.n)).toBe(0);
  });

  it('a node that stops being Ready opens a CRITICAL alert every workspace on the cluster sees, and resolves when it is back', async () => {
    cluster.updateNode('worker-2', { ready: false });
    const nodeAlert = await waitFor('the node alert', async () => (await alerts(shop, 'OPEN')).find((alert) => alert.kind === 'NODE_NOT_READY'));
    expect(nodeAlert).toMatchObject({ severity: 'CRITICAL', namespace: null, objectKind: 'Node', objectName: 'worker-2' });
    expect((await alerts(rival, 'OPEN', tokens.rival)).map((alert) => alert.id)).toContain(nodeAlert.id);
    cluster.updateNode('worker-2', { ready: true });
    await waitFor('the node alert to resolve', async () => ((await alerts(shop, 'OPEN')).some((alert) => alert.kind === 'NODE_NOT_READY') ? undefined : true));
    expect((await alerts(shop, 'RESOLVED')).find((alert) => alert.id === nodeAlert.id)?.resolvedAt).not.toBeNull();
  });

  it('an image with CRITICAL findings in its vulnerability report opens an alert naming them; a fixed report resolves it', async () => {
    cluster.addDeployment({ namespace: 'shop', name: 'ledger', replicas: 1, containers: [{ name: 'ledger', image: 'shop/ledger:7' }] });
    const replicaSet = await waitFor('the ReplicaSet of ledger', () =>
      cluster.listObjects('replicasets', 'shop').find((candidate) => candidate.metadata.name.startsWith('ledger-')),
    );
    const report = (severity: 'CRITICAL' | 'LOW') =>
      cluster.putVulnerabilityReport({
        namespace: 'shop',
        owner: { kind: 'ReplicaSet', name: replicaSet.metadata.name },
        container: 'ledger',
        image: 'shop/ledger:7',
        vulnerabilities: [
          {
            vulnerabilityID: 'CVE-2099-4242',
            resource: 'libledger',
            installedVersion: '1.0',
            fixedVersion: '1.1',
            severity,
            title: 'ledger overflow',
            primaryLink: 'https://example.test/cve',
          },
        ],
      });
    report('CRITICAL');
    const opened = await waitFor('the vulnerability alert', async () =>
      (await allAlerts(shop, 'OPEN')).find((alert) => alert.kind === 'CRITICAL_VULNERABILITY' && alert.objectName === 'ledger' && alert.message.includes('CVE-2099-4242')),
    );
    expect(opened).toMatchObject({ severity: 'CRITICAL', namespace: 'shop', objectKind: 'Deployment' });
    expect((await allAlerts(rival, 'ALL', tokens.rival)).some((alert) => alert.objectName === 'ledger')).toBe(false);
    report('LOW');
    await waitFor('the vulnerability alert to resolve', async () => ((await allAlerts(shop, 'OPEN')).some((alert) => alert.id === opened.id) ? undefined : true));
  });

  it('refuses a workspace that does not exist and an unknown state', async () => {
    const missing = await gateway.request(ALERTS, { workspaceId: '00000000-0000-4000-8000-000000000000', state: 'OPEN' });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    const badState = await gateway.request(ALERTS, { workspaceId: shop, state: 'SOMETIMES' });
    expect(badState.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
