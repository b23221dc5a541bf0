/**
 * Usage alerts on thresholds a workspace sets, end to end on MariaDB, NATS and a simulated cluster
 * polled every second: only MANAGERs set them, 0-100 or null; a node over a workspace's threshold
 * opens an alert that workspace alone sees, resolved when the threshold goes off.
 */
import { randomBytes } from 'node:crypto';
import { createToken, createUser } from './identity-support.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

const SET = `mutation ($input: SetAlertThresholdsInput!) { setAlertThresholds(input: $input) { thresholds { workspaceId cpuPercent memoryPercent updatedAt } } }`;
const GET = `query ($id: ID!) { alertThresholds(workspaceId: $id) { workspaceId cpuPercent memoryPercent updatedAt } }`;
const ALERTS = `query ($id: ID!, $state: AlertState) { alerts(workspaceId: $id, state: $state, first: 100) { edges { node { id kind severity objectKind objectName message resolvedAt } } } }`;

interface AlertShape {
  id: string;
  kind: string;
  severity: string;
  objectKind: string;
  objectName: string;
  message: string;
  resolvedAt: string | null;
}

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

describe('usage alerts on the thresholds a workspace sets', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;
  let shop: string;
  let rival: string;
  const tokens: Record<string, string> = {};

  const usageAlerts = async (workspaceId: string, state: string, token: string) =>
    nodesOf(data(await gateway.request<{ alerts: Connection<AlertShape> }>(ALERTS, { id: workspaceId, state }, token), 'alerts').alerts).filter(
      (alert) => alert.kind === 'USAGE_OVER_THRESHOLD',
    );

  beforeAll(async () => {
    gateway = await startTestGateway({ metrics: { intervalSeconds: 1, fineRetentionHours: 24, coarseRetentionDays: 30 }, limits: { alertIntervalSeconds: 0.2 } });
    const simulator = await startSmallCluster();
    simulator.addNamespace('team-b');
    cluster = await registerCluster(gateway, simulator);
    const workspace = async (name: string) =>
      data(
        await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(
          `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`,
          {
            input: { name },
          },
        ),
        'createWorkspace',
      ).createWorkspace.workspace.id;
    shop = await workspace('Shop');
    rival = await workspace('Rival');
    for (const [workspaceId, namespace] of [
      [shop, 'team-a'],
      [rival, 'team-b'],
    ] as const)
      data(
        await gateway.request(`mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`, {
          input: { workspaceId, clusterId: cluster.id, namespaces: [namespace] },
        }),
        'allotCluster',
      );
    for (const [key, workspaceId, role] of [
      ['manager', shop, 'MANAGER'],
      ['devops', shop, 'DEVOPS'],
      ['rival', rival, 'MANAGER'],
    ] as const) {
      const user = await createUser(gateway, { name: key, email: `${key}-${randomBytes(3).toString('hex')}@example.com` });
      data(
        await gateway.request(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, {
          input: { workspaceId, userId: user.id, role },
        }),
        'addWorkspaceMember',
      );
      tokens[key] = (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token;
    }
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  test('bad input names its field and writes nothing; only a MANAGER sets them; another workspace looks missing', async () => {
    const set = (input: Record<string, unknown>, token: string) => gateway.request(SET, { input: { workspaceId: shop, ...input } }, token);
    expect((await set({ cpuPercent: 101, memoryPercent: 50 }, tokens.manager!)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'cpuPercent' });
    expect((await set({ cpuPercent: 50, memoryPercent: -0.5 }, tokens.manager!)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'memoryPercent' });
    expect((await set({ cpuPercent: 50 }, tokens.devops!)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await set({ cpuPercent: 50 }, tokens.rival!)).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'workspaceId' });
    expect((await gateway.request(GET, { id: shop }, tokens.rival)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Nothing was written by the refused calls.
    expect(data(await gateway.request<{ alertThresholds: unknown }>(GET, { id: shop }, tokens.devops), 'alertThresholds').alertThresholds).toEqual({
      workspaceId: shop,
      cpuPercent: null,
      memoryPercent: null,
      updatedAt: null,
    });
    const stored = data(
      await gateway.request<{ setAlertThresholds: { thresholds: { cpuPercent: number | null; memoryPercent: number | null } } }>(
        SET,
        { input: { workspaceId: shop, cpuPercent: 85.5, memoryPercent: 100 } },
        tokens.manager,
      ),
      'set',
    );
    expect(stored.setAlertThresholds.thresholds).toMatchObject({ cpuPercent: 85.5, memoryPercent: 100 });
    expect(data(await gateway.request<{ alertThresholds: unknown }>(GET, { id: shop }, tokens.devops), 'alertThresholds').alertThresholds).toMatchObject({
      cpuPercent: 85.5,
      memoryPercent: 100,
    });
  });

  test('a node over the threshold opens an alert only that workspace sees; turning it off resolves it', async () => {
    // 0 %: every node that uses anything is over it.
    data(await gateway.request(SET, { input: { workspaceId: shop, cpuPercent: 0, memoryPercent: null } }, tokens.manager), 'set');
    const opened = await waitFor('usage alerts for both nodes', async () => {
      const found = await usageAlerts(shop, 'OPEN', tokens.devops!);
      return found.length === 2 ? found : undefined;
    });
    expect(opened.map((alert) => alert.objectName).sort()).toEqual(['control-1', 'worker-1']);
    for (const alert of opened) {
      expect(alert).toMatchObject({ severity: 'WARNING', objectKind: 'Node', resolvedAt: null });
      expect(alert.message).toMatch(/CPU at [\d.]+% of allocatable \(threshold 0%\)/);
    }
    // The rival workspace shares the cluster's nodes but set no threshold: it sees none of them.
    expect(await usageAlerts(rival, 'ALL', tokens.rival!)).toEqual([]);

    data(await gateway.request(SET, { input: { workspaceId: shop, cpuPercent: null, memoryPercent: null } }, tokens.manager), 'set off');
    await waitFor('the usage alerts to resolve', async () => ((await usageAlerts(shop, 'OPEN', tokens.devops!)).length === 0 ? true : undefined));
    const resolved = await usageAlerts(shop, 'RESOLVED', tokens.devops!);
    expect(resolved.map((alert) => alert.id).sort()).toEqual(opened.map((alert) => alert.id).sort());
    expect(await usageAlerts(rival, 'ALL', tokens.rival!)).toEqual([]);
  });
});
