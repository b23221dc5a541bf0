import { randomUUID } from 'node:crypto';
import { createToken, createUser, openTables } from './identity-support.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { nodesOf, type Connection } from './support/connections.js';
import { waitFor } from './support/wait.js';

type Tables = Awaited<ReturnType<typeof openTables>>;

const CREATE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { id name description memberCount clusterCount } }`;
const UPDATE = `mutation ($id: ID!, $input: UpdateWorkspaceInput!) { updateWorkspace(id: $id, input: $input) { id name description } }`;
const DELETE = `mutation ($id: ID!) { deleteWorkspace(id: $id) }`;
const ADD = `mutation ($input: WorkspaceMemberInput!) { addWorkspaceMember(input: $input) { role addedAt user { id name } } }`;
const SET_ROLE = `mutation ($input: WorkspaceMemberInput!) { updateWorkspaceMember(input: $input) { role user { id } } }`;
const REMOVE = `mutation ($workspaceId: ID!, $userId: ID!) { removeWorkspaceMember(workspaceId: $workspaceId, userId: $userId) { id memberCount } }`;
const ALLOT = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { workspaceId clusterId namespaces cluster { id name } } }`;
const REVOKE = `mutation ($workspaceId: ID!, $clusterId: ID!) { revokeClusterAllotment(workspaceId: $workspaceId, clusterId: $clusterId) { id clusterCount } }`;
const WORKSPACE = `query ($id: ID!) { workspace(id: $id) { id name myRole memberCount clusterCount members { edges { node { role user { id email } } } } clusters { id name } allotments { clusterId namespaces } } }`;

interface Person {
  readonly id: string;
  readonly token: string;
}

function codeOf(response: GraphqlResponse<unknown>): unknown {
  return response.errors?.[0]?.extensions?.code;
}

function fieldOf(response: GraphqlResponse<unknown>): unknown {
  return response.errors?.[0]?.extensions?.field;
}

describe('workspaces: members, roles, allotments', () => {
  let gateway: TestGateway;
  let tables: Tables;
  let people: Record<'mia' | 'dan' | 'vic' | 'otto' | 'bob', Person>;
  let clusterIds: { shop: string; lab: string };

  async function person(name: string): Promise<Person> {
    const user = await createUser(gateway, { name, email: `${name.toLowerCase()}@example.com`, systemRole: 'USER' });
    const { token } = await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] });
    return { id: user.id, token };
  }

  async function insertCluster(name: string): Promise<string> {
    const id = randomUUID();
    await tables.query(`INSERT INTO clusters (id, name, provider, region, kubeconfig_encrypted, status) VALUES (?, ?, 'ON_PREMISE', 'Seoul', 'not-a-kubeconfig', 'UNREACHABLE')`, [id, name]);
    return id;
  }

  async function workspace(name: string): Promise<string> {
    const response = await gateway.request<{ createWorkspace: { id: string } }>(CREATE, { input: { name } });
    if (!response.data) throw new Error(JSON.stringify(response.errors));
    return response.data.createWorkspace.id;
  }

  async function add(workspaceId: string, who: Person, role: string, as: string = gateway.adminToken): Promise<GraphqlResponse<unknown>> {
    return gateway.request(ADD, { input: { workspaceId, userId: who.id, role } }, as);
  }

  async function counts(): Promise<Record<string, number>> {
    const [row] = await tables.query<Record<string, number>>(
      'SELECT (SELECT COUNT(*) FROM workspaces) AS workspaces, (SELECT COUNT(*) FROM workspace_members) AS members, (SELECT COUNT(*) FROM workspace_clusters) AS allotments',
    );
    return Object.fromEntries(Object.entries(row ?? {}).map(([key, value]) => [key, Number(value)]));
  }

  beforeAll(async () => {
    gateway = await startTestGateway();
    tables = await openTables(gateway);
    people = { mia: await person('Mia'), dan: await person('Dan'), vic: await person('Vic'), otto: await person('Otto'), bob: await person('Bob') };
    clusterIds = { shop: await insertCluster('shop-cluster'), lab: await insertCluster('lab-cluster') };
  });

  afterAll(async () => {
    await tables?.close();
    await gateway?.stop();
  });

  test('an administrator creates, renames, describes and lists workspaces', async () => {
    const created = await gateway.request<{ createWorkspace: Record<string, unknown> }>(CREATE, { input: { name: '  Cloud Team ', description: 'Runs the platform' } });
    expect(created.data?.createWorkspace).toMatchObject({ name: 'Cloud Team', description: 'Runs the platform', memberCount: 0, clusterCount: 0 });
    const id = created.data?.createWorkspace.id as string;

    const updated = await gateway.request<{ updateWorkspace: Record<string, unknown> }>(UPDATE, { id, input: { name: 'Cloud Platform Team', description: '' } });
    expect(updated.data?.updateWorkspace).toEqual({ id, name: 'Cloud Platform Team', description: null });

    const listed = await gateway.request<{ workspaces: Connection<{ id: string; name: string }> }>(`{ workspaces { edges { node { id name } } } }`);
    expect(nodesOf(listed.data?.workspaces)).toContainEqual({ id, name: 'Cloud Platform Team' });

    expect((await gateway.request<{ deleteWorkspace: string }>(DELETE, { id })).data?.deleteWorkspace).toBe(id);
    expect((await gateway.request(WORKSPACE, { id })).data).toEqual({ workspace: null });
  });

  test('bad input is BAD_USER_INPUT naming the field, and writes nothing', async () => {
    const existing = await workspace('Input Checks');
    const before = await counts();
    const cases: Array<[string, Record<string, unknown>, string]> = [
      [CREATE, { input: { name: 'Input Checks' } }, 'name'],
      [CREATE, { input: { name: 'input checks' } }, 'name'],
      [CREATE, { input: { name: '   ' } }, 'name'],
      [CREATE, { input: { name: 'x'.repeat(101) } }, 'name'],
      [CREATE, { input: { name: 'Long description', description: 'y'.repeat(1001) } }, 'description'],
      [CREATE, { input: { name: 'Bell\u0007' } }, 'name'],
      [UPDATE, { id: randomUUID(), input: { name: 'Ghost' } }, 'id'],
      [UPDATE, { id: 'z'.repeat(5000), input: { name: 'Ghost' } }, 'id'],
      [DELETE, { id: randomUUID() }, 'id'],
      [ADD, { input: { workspaceId: randomUUID(), userId: people.dan.id, role: 'VIEWER' } }, 'workspaceId'],
      [ADD, { input: { workspaceId: existing, userId: randomUUID(), role: 'VIEWER' } }, 'userId'],
      [ALLOT, { input: { workspaceId: existing, clusterId: randomUUID() } }, 'clusterId'],
      [ALLOT, { input: { workspaceId: randomUUID(), clusterId: clusterIds.shop } }, 'workspaceId'],
      [ALLOT, { input: { workspaceId: existing, clusterId: clusterIds.shop, namespaces: [] } }, 'namespaces'],
      [ALLOT, { input: { workspaceId: existing, clusterId: clusterIds.shop, namespaces: ['Not_A_Namespace'] } }, 'namespaces'],
      [REVOKE, { workspaceId: existing, clusterId: clusterIds.lab }, 'clusterId'],
      [REMOVE, { workspaceId: existing, userId: people.dan.id }, 'userId'],
    ];
    for (const [query, variables, field] of cases) {
      const response = await gateway.request(query, variables);
      expect({ variables, code: codeOf(response), field: fieldOf(response) }).toEqual({ variables, code: 'BAD_USER_INPUT', field });
    }
    // An unknown role never reaches the resolver: GraphQL refuses it, naming the input field.
    const badRole = await add(existing, people.dan, 'BOSS');
    expect(codeOf(badRole)).toBe('BAD_USER_INPUT');
    expect(badRole.errors?.[0]?.message).toMatch(/input\.role/);
    expect(await counts()).toEqual(before);
  });

  test('members are added and changed by managers; the last MANAGER stays', async () => {
    const team = await workspace('Sports Team');
    expect(codeOf(await add(team, people.mia, 'MANAGER'))).toBeUndefined();
    // The manager adds the others with their own token.
    const added = await gateway.request<{ addWorkspaceMember: { role: string; user: { id: string; name: string } } }>(ADD, { input: { workspaceId: team, userId: people.dan.id, role: 'DEVOPS' } }, people.mia.token);
    expect(added.data?.addWorkspaceMember).toMatchObject({ role: 'DEVOPS', user: { id: people.dan.id, name: 'Dan' } });
    expect(codeOf(await add(team, people.vic, 'VIEWER', people.mia.token))).toBeUndefined();
    expect(fieldOf(await add(team, people.vic, 'OPERATOR', people.mia.token))).toBe('userId');

    // The last manager can neither leave nor step down.
    const leave = await gateway.request(REMOVE, { workspaceId: team, userId: people.mia.id }, people.mia.token);
    expect([codeOf(leave), leave.errors?.[0]?.message]).toEqual(['BAD_USER_INPUT', expect.stringMatching(/last MANAGER/)]);
    expect(codeOf(await gateway.request(SET_ROLE, { input: { workspaceId: team, userId: people.mia.id, role: 'VIEWER' } }))).toBe('BAD_USER_INPUT');

    // With a second manager, the first may step down.
    expect((await gateway.request<{ updateWorkspaceMember: { role: string } }>(SET_ROLE, { input: { workspaceId: team, userId: people.dan.id, role: 'MANAGER' } }, people.mia.token)).data?.updateWorkspaceMember.role).toBe('MANAGER');
    expect((await gateway.request<{ updateWorkspaceMember: { role: string } }>(SET_ROLE, { input: { workspaceId: team, userId: people.mia.id, role: 'OPERATOR' } }, people.mia.token)).data?.updateWorkspaceMember.role).toBe('OPERATOR');
    // Now an OPERATOR, Mia no longer manages it.
    expect(codeOf(await add(team, people.otto, 'VIEWER', people.mia.token))).toBe('FORBIDDEN');

    const removed = await gateway.request<{ removeWorkspaceMember: { memberCount: number } }>(REMOVE, { workspaceId: team, userId: people.vic.id }, people.dan.token);
    expect(removed.data?.removeWorkspaceMember.memberCount).toBe(2);

    const seen = await gateway.request<{ me: { workspaces: Connection<{ name: string; myRole: string; memberCount: number; members: Connection<{ role: string; user: { email: string } }> }> } }>(
      `{ me { workspaces { edges { node { name myRole memberCount members { edges { node { role user { email } } } } } } } } }`,
      {},
      people.dan.token,
    );
    expect(nodesOf(seen.data?.me.workspaces).map((team) => ({ ...team, members: nodesOf(team.members) }))).toEqual([
      { name: 'Sports Team', myRole: 'MANAGER', memberCount: 2, members: [{ role: 'OPERATOR', user: { email: 'mia@example.com' } }, { role: 'MANAGER', user: { email: 'dan@example.com' } }] },
    ]);
  });

  test('two managers removed at the same moment: one goes, one stays', async () => {
    const team = await workspace('Race Team');
    await add(team, people.otto, 'MANAGER');
    await add(team, people.vic, 'MANAGER');
    const [first, second] = await Promise.all([
      gateway.request(REMOVE, { workspaceId: team, userId: people.otto.id }),
      gateway.request(REMOVE, { workspaceId: team, userId: people.vic.id }),
    ]);
    expect([codeOf(first), codeOf(second)].sort()).toEqual(['BAD_USER_INPUT', undefined].sort());
    const managers = await tables.query<{ user_id: string }>(`SELECT user_id FROM workspace_members WHERE workspace_id = ? AND role = 'MANAGER'`, [team]);
    expect(managers).toHaveLength(1);
  });

  test('allotted clusters and namespaces are what members see, and only while allotted', async () => {
    const team = await workspace('MIS Team');
    await add(team, people.otto, 'VIEWER');
    const allotted = await gateway.request<{ allotCluster: Record<string, unknown> }>(ALLOT, { input: { workspaceId: team, clusterId: clusterIds.shop, namespaces: ['shop', 'billing', 'shop'] } });
    expect(allotted.data?.allotCluster).toEqual({ workspaceId: team, clusterId: clusterIds.shop, namespaces: ['billing', 'shop'], cluster: { id: clusterIds.shop, name: 'shop-cluster' } });

    const seen = await gateway.request<{ workspace: { myRole: string; clusterCount: number; clusters: Array<{ name: string }>; allotments: Array<{ namespaces: string[] | null }> } }>(WORKSPACE, { id: team }, people.otto.token);
    expect(seen.data?.workspace).toMatchObject({ myRole: 'VIEWER', clusterCount: 1, clusters: [{ name: 'shop-cluster' }], allotments: [{ namespaces: ['billing', 'shop'] }] });
    // The clusters domain enforces the same scope: Otto sees the allotted cluster, not the other.
    const clusters = await gateway.request<{ clusters: Array<{ name: string }> }>(`{ clusters { name } }`, {}, people.otto.token);
    expect(clusters.data?.clusters).toEqual([{ name: 'shop-cluster' }]);

    // Allotting again replaces the namespaces; null is the whole cluster.
    const whole = await gateway.request<{ allotCluster: { namespaces: string[] | null } }>(ALLOT, { input: { workspaceId: team, clusterId: clusterIds.shop, namespaces: null } });
    expect(whole.data?.allotCluster.namespaces).toBeNull();

    const revoked = await gateway.request<{ revokeClusterAllotment: { clusterCount: number } }>(REVOKE, { workspaceId: team, clusterId: clusterIds.shop });
    expect(revoked.data?.revokeClusterAllotment.clusterCount).toBe(0);
    await waitFor('the revoked cluster to disappear', async () => ((await gateway.request<{ clusters: unknown[] }>(`{ clusters { name } }`, {}, people.otto.token)).data?.clusters.length === 0 ? true : undefined));
  });

  test('deleting a workspace takes its memberships and allotments with it', async () => {
    const team = await workspace('Short Lived');
    await add(team, people.bob, 'MANAGER');
    await gateway.request(ALLOT, { input: { workspaceId: team, clusterId: clusterIds.lab } });
    await gateway.request(DELETE, { id: team });
    const [row] = await tables.query<{ members: number; allotments: number }>(
      'SELECT (SELECT COUNT(*) FROM workspace_members WHERE workspace_id = ?) AS members, (SELECT COUNT(*) FROM workspace_clusters WHERE workspace_id = ?) AS allotments',
      [team, team],
    );
    expect({ members: Number(row?.members), allotments: Number(row?.allotments) }).toEqual({ members: 0, allotments: 0 });
    expect((await gateway.request<{ me: { workspaces: Connection<unknown> } }>(`{ me { workspaces { edges { node { id } } } } }`, {}, people.bob.token)).data?.me.workspaces.edges).toEqual([]);
  });
});
