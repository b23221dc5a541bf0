import { createToken, createUser, openTables } from './identity-support.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

type Tables = Awaited<ReturnType<typeof openTables>>;

const GiB = 2 ** 30;
const CREATE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const ADD = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
const ALLOT_CLUSTER = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`;
const REVOKE_CLUSTER = `mutation ($input: RevokeClusterAllotmentInput!) { revokeClusterAllotment(input: $input) { workspace { id } } }`;
const ALLOT = `mutation ($input: AllotStorageInput!) { allotStorage(input: $input) { allotment { workspaceId clusterId storageClassName quotaBytes usedBytes allottedAt cluster { id } } workspace { id } } }`;
const REVOKE = `mutation ($input: RevokeStorageAllotmentInput!) { revokeStorageAllotment(input: $input) { workspace { id } clusterId revokedStorageClassName } }`;
const STORAGE = `query ($id: ID!) { workspace(id: $id) { storage { clusterId storageClassName quotaBytes usedBytes allottedAt cluster { id storageClasses { name } } } } }`;
const CLASSES = `query ($id: ID!) { cluster(id: $id) { storageClasses { name } } }`;

interface Allotment {
  readonly clusterId: string;
  readonly storageClassName: string;
  readonly quotaBytes: number | null;
  readonly usedBytes: number | null;
  readonly allottedAt: string;
}

function errorOf(response: GraphqlResponse<unknown>): { code: unknown; field: unknown } {
  const extensions = response.errors?.[0]?.extensions;
  return { code: extensions?.code, field: extensions?.field };
}

describe('workspaces: storage allotments', () => {
  let gateway: TestGateway;
  let tables: Tables;
  let cluster: RegisteredCluster;
  let workspaceId: string;
  let viewer: string;

  async function createWorkspace(name: string): Promise<string> {
    const response = await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE, { input: { name } });
    if (!response.data) throw new Error(JSON.stringify(response.errors));
    return response.data.createWorkspace.workspace.id;
  }

  async function member(name: string, inWorkspace: string): Promise<string> {
    const user = await createUser(gateway, { name, email: `${name}@example.com`, systemRole: 'USER' });
    const joined = await gateway.request(ADD, { input: { workspaceId: inWorkspace, userId: user.id, role: 'VIEWER' } });
    if (joined.errors) throw new Error(JSON.stringify(joined.errors));
    return (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token;
  }

  async function allotCluster(inWorkspace: string, namespaces: string[] | null): Promise<void> {
    const response = await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: inWorkspace, clusterId: cluster.id, namespaces } });
    if (response.errors) throw new Error(JSON.stringify(response.errors));
  }

  async function storageRows(): Promise<number> {
    const [row] = await tables.query<{ count: number }>('SELECT COUNT(*) AS count FROM workspace_storage');
    return Number(row?.count);
  }

  async function classesSeenBy(token: string): Promise<string[] | undefined> {
    const response = await gateway.request<{ cluster: { storageClasses: Array<{ name: string }> } | null }>(CLASSES, { id: cluster.id }, token);
    return response.data?.cluster?.storageClasses.map((storageClass) => storageClass.name);
  }

  async function storageOf(token: string = gateway.adminToken): Promise<Allotment[]> {
    const response = await gateway.request<{ workspace: { storage: Allotment[] } | null }>(STORAGE, { id: workspaceId }, token);
    if (!response.data?.workspace) throw new Error(JSON.stringify(response.errors));
    return response.data.workspace.storage;
  }

  beforeAll(async () => {
    const simulator = await startSmallCluster();
    simulator.addNamespace('team-b');
    simulator.addStorageClass({ name: 'fast-ssd', provisioner: 'example.com/ssd' });
    simulator.addStorageClass({ name: 'standard', provisioner: 'rancher.io/local-path', isDefault: true });
    simulator.addStorageClass({ name: 'archive', provisioner: 'example.com/tape' });
    simulator.addPersistentVolumeClaim({ namespace: 'team-a', name: 'db-data', storage: '10Gi', storageClassName: 'fast-ssd' });
    simulator.addPersistentVolumeClaim({ namespace: 'team-a', name: 'cache', storage: '5Gi', storageClassName: 'fast-ssd' });
    simulator.addPersistentVolumeClaim({ namespace: 'team-a', name: 'scratch', storage: '1Gi', storageClassName: 'standard' });
    // No class: the default class (standard) provisions it, so it counts there.
    simulator.addPersistentVolumeClaim({ namespace: 'team-a', name: 'logs', storage: '2Gi' });
    // Another team's namespace: never counted for this workspace.
    simulator.addPersistentVolumeClaim({ namespace: 'team-b', name: 'theirs', storage: '7Gi', storageClassName: 'fast-ssd' });
    gateway = await startTestGateway();
    tables = await openTables(gateway);
    cluster = await registerCluster(gateway, simulator);
    await waitFor('the storage classes in the cache', async () => (await classesSeenBy(gateway.adminToken))?.length === 3);
    workspaceId = await createWorkspace('storage-team');
    await allotCluster(workspaceId, ['team-a']);
    viewer = await member('vic', workspaceId);
  });

  afterAll(async () => {
    await tables?.close();
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  test('bad input and non-administrators are refused with nothing written', async () => {
    const elsewhere = await createWorkspace('no-cluster');
    const input = { workspaceId, clusterId: cluster.id, storageClassName: 'fast-ssd', quotaBytes: 20 * GiB };
    const cases: Array<[Record<string, unknown>, string | null, { code: string; field?: string }]> = [
      [input, viewer, { code: 'FORBIDDEN' }],
      [{ ...input, workspaceId: elsewhere }, null, { code: 'BAD_USER_INPUT', field: 'clusterId' }],
      [{ ...input, storageClassName: 'gold' }, null, { code: 'BAD_USER_INPUT', field: 'storageClassName' }],
      [{ ...input, storageClassName: 'Not_A_Name' }, null, { code: 'BAD_USER_INPUT', field: 'storageClassName' }],
      [{ ...input, quotaBytes: -1 }, null, { code: 'BAD_USER_INPUT', field: 'quotaBytes' }],
      [{ ...input, quotaBytes: 2 ** 50 + 1 }, null, { code: 'BAD_USER_INPUT', field: 'quotaBytes' }],
      [{ ...input, quotaBytes: 1.5 }, null, { code: 'BAD_USER_INPUT', field: 'quotaBytes' }],
      [{ ...input, workspaceId: '00000000-0000-0000-0000-000000000000' }, null, { code: 'NOT_FOUND', field: 'workspaceId' }],
    ];
    for (const [variables, token, expected] of cases) {
      const response = await gateway.request(ALLOT, { input: variables }, token ?? gateway.adminToken);
      expect({ input: variables, ...errorOf(response) }).toEqual({ input: variables, code: expected.code, field: expected.field });
    }
    const revoke = await gateway.request(REVOKE, { input: { workspaceId, clusterId: cluster.id, storageClassName: 'fast-ssd' } });
    expect(errorOf(revoke)).toEqual({ code: 'NOT_FOUND', field: 'storageClassName' });
    expect(errorOf(await gateway.request(REVOKE, { input: { workspaceId, clusterId: cluster.id, storageClassName: 'fast-ssd' } }, viewer)).code).toBe('FORBIDDEN');
    expect(await storageRows()).toBe(0);
  });

  test('a namespace-limited member sees no storage class until one is allotted', async () => {
    expect(await classesSeenBy(viewer)).toEqual([]);
    expect(await classesSeenBy(gateway.adminToken)).toEqual(['archive', 'fast-ssd', 'standard']);
  });

  test('allotting with a quota counts the claims of the allotted namespaces only, and shows the member just those classes', async () => {
    const fast = await gateway.request<{ allotStorage: { allotment: Allotment & { cluster: { id: string } }; workspace: { id: string } } }>(ALLOT, {
      input: { workspaceId, clusterId: cluster.id, storageClassName: 'fast-ssd', quotaBytes: 20 * GiB },
    });
    expect(fast.data?.allotStorage).toMatchObject({
      allotment: { workspaceId, clusterId: cluster.id, storageClassName: 'fast-ssd', quotaBytes: 20 * GiB, usedBytes: 15 * GiB, cluster: { id: cluster.id } },
      workspace: { id: workspaceId },
    });
    const standard = await gateway.request<{ allotStorage: { allotment: Allotment } }>(ALLOT, { input: { workspaceId, clusterId: cluster.id, storageClassName: 'standard' } });
    expect(standard.data?.allotStorage.allotment).toMatchObject({ storageClassName: 'standard', quotaBytes: null, usedBytes: 3 * GiB });

    expect(await classesSeenBy(viewer)).toEqual(['fast-ssd', 'standard']);
    const seen = await storageOf(viewer);
    expect(seen.map(({ storageClassName, quotaBytes, usedBytes }) => ({ storageClassName, quotaBytes, usedBytes }))).toEqual([
      { storageClassName: 'fast-ssd', quotaBytes: 20 * GiB, usedBytes: 15 * GiB },
      { storageClassName: 'standard', quotaBytes: null, usedBytes: 3 * GiB },
    ]);

    // A new claim in an allotted namespace shows up from the cache; one elsewhere does not.
    cluster.simulator.addPersistentVolumeClaim({ namespace: 'team-b', name: 'more-theirs', storage: '3Gi', storageClassName: 'fast-ssd' });
    cluster.simulator.addPersistentVolumeClaim({ namespace: 'team-a', name: 'more', storage: '1Gi', storageClassName: 'fast-ssd' });
    await waitFor('the new claim to count', async () => (await storageOf()).find((item) => item.storageClassName === 'fast-ssd')?.usedBytes === 16 * GiB);
    expect(await storageRows()).toBe(2);
  });

  test('allotting again replaces the quota and keeps the allotment time', async () => {
    const before = (await storageOf()).find((item) => item.storageClassName === 'fast-ssd');
    const again = await gateway.request<{ allotStorage: { allotment: Allotment } }>(ALLOT, {
      input: { workspaceId, clusterId: cluster.id, storageClassName: 'fast-ssd', quotaBytes: 0 },
    });
    expect(again.data?.allotStorage.allotment).toMatchObject({ quotaBytes: 0, allottedAt: before?.allottedAt });
    expect(await storageRows()).toBe(2);
    await waitFor('the changes in the audit log', async () => {
      const rows = await tables.query<{ action: string; target_id: string }>(
        `SELECT action, target_id FROM audit_log WHERE target_type = 'StorageAllotment' AND outcome = 'OK' ORDER BY id`,
      );
      return rows.length === 3 && rows.every((row) => row.action === 'allotStorage');
    });
  });

  test('a member with the whole cluster sees every class', async () => {
    const wholeTeam = await createWorkspace('whole-cluster-team');
    await allotCluster(wholeTeam, null);
    const otto = await member('otto', wholeTeam);
    expect(await classesSeenBy(otto)).toEqual(['archive', 'fast-ssd', 'standard']);
  });

  test('revoking takes the class away at once; revoking the cluster takes its storage along', async () => {
    const revoked = await gateway.request(REVOKE, { input: { workspaceId, clusterId: cluster.id, storageClassName: 'fast-ssd' } });
    expect(revoked.data).toEqual({ revokeStorageAllotment: { workspace: { id: workspaceId }, clusterId: cluster.id, revokedStorageClassName: 'fast-ssd' } });
    expect(await classesSeenBy(viewer)).toEqual(['standard']);
    expect((await storageOf(viewer)).map((item) => item.storageClassName)).toEqual(['standard']);

    const revokedCluster = await gateway.request(REVOKE_CLUSTER, { input: { workspaceId, clusterId: cluster.id } });
    expect(revokedCluster.errors).toBeUndefined();
    expect(await storageRows()).toBe(0);
    expect(await storageOf(viewer)).toEqual([]);
  });
});
