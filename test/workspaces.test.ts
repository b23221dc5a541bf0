import { randomUUID } from 'node:crypto';
import { localKeyOf, toGlobalId } from '../src/shared/global-id.js';
import { createToken, createUser, openTables } from './identity-support.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { nodesOf, type Connection } from './support/connections.js';
import { waitFor } from './support/wait.js';

type Tables = Awaited<ReturnType<typeof openTables>>;

const CREATE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id name description memberCount clusterCount } } }`;
const UPDATE = `mutation ($input: UpdateWorkspaceInput!) { updateWorkspace(input: $input) { workspace { id name description } } }`;
const DELETE = `mutation ($input: DeleteWorkspaceInput!) { deleteWorkspace(input: $input) { deletedWorkspaceId } }`;
const ADD = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role addedAt user { id name } } workspace { id memberCount } } }`;
const SET_ROLE = `mutation ($input: UpdateWorkspaceMemberInput!) { updateWorkspaceMember(input: $input) { member { role user { id } } } }`;
const REMOVE = `mutation ($input: RemoveWorkspaceMemberInput!) { removeWorkspaceMember(input: $input) { workspace { id memberCount } removedUserId } }`;
const ALLOT = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { workspaceId clusterId namespaces cluster { id name } } workspace { id clusterCount } } }`;
const REVOKE = `mutation ($input: RevokeClusterAllotmentInput!) { revokeClusterAllotment(input: $input) { workspace { id clusterCount } revokedClusterId } }`;
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
    await tables.query(`INSERT INTO clusters (id, name, provider, region, kubeconfig_encrypted, status) VALUES (?, ?, 'ON_PREMISE', 'Seoul', 'not-a-kubeconfig', 'UNREACHABLE')`, [
      id,
      name,
    ]);
    return id;
  }

  async function workspace(name: string): Promise<string> {
    const response = await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE, { input: { name } });
    if (!response.data) throw new Error(JSON.stringify(response.errors));
    return response.data.createWorkspace.workspace.id;
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
    const created = await gateway.request<{ createWorkspace: { workspace: Record<string, unknown> } }>(CREATE, {
      input: { name: '  Cloud Team ', description: 'Runs the platform' },
    });
    expect(created.data?.createWorkspace.workspace).toMatchObject({ name: 'Cloud Team', description: 'Runs the platform', memberCount: 0, clusterCount: 0 });
    const id = created.data?.createWorkspace.workspace.id as string;

    const updated = await gateway.request<{ updateWorkspace: { workspace: Record<string, unknown> } }>(UPDATE, { input: { id, name: 'Cloud Platform Team', description: '' } });
    expect(updated.data?.updateWorkspace.workspace).toEqual({ id, name: 'Cloud Platform Team', description: null });

    const listed = await gateway.request<{ workspaces: Connection<{ id: string; name: string }> }>(`{ workspaces { edges { node { id name } } } }`);
    expect(nodesOf(listed.data?.workspaces)).toContainEqual({ id, name: 'Cloud Platform Team' });

    expect((await gateway.request<{ deleteWorkspace: { deletedWorkspaceId: string } }>(DELETE, { input: { id } })).data?.deleteWorkspace).toEqual({ deletedWorkspaceId: id });
    expect((await gateway.request(WORKSPACE, { id })).data).toEqual({ workspace: null });
  });

  test('bad input is BAD_USER_INPUT, unknown ids NOT_FOUND and clashes CONFLICT, naming the field, and nothing is written', async () => {
    const existing = await workspace('Input Checks');
    const before = await counts();
    const cases: Array<[string, Record<string, unknown>, string, string]> = [
      [CREATE, { input: { name: 'Input Checks' } }, 'CONFLICT', 'name'],
      [CREATE, { input: { name: 'input checks' } }, 'CONFLICT', 'name'],
      [CREATE, { input: { name: '   ' } }, 'BAD_USER_INPUT', 'name'],
      [CREATE, { input: { name: 'x'.repeat(101) } }, 'BAD_USER_INPUT', 'name'],
      [CREATE, { input: { name: 'Long description', description: 'y'.repeat(1001) } }, 'BAD_USER_INPUT', 'description'],
      [CREATE, { input: { name: 'Bell\u0007' } }, 'BAD_USER_INPUT', 'name'],
      [UPDATE, { input: { id: randomUUID(), name: 'Ghost' } }, 'NOT_FOUND', 'id'],
      [UPDATE, { input: { id: 'z'.repeat(5000), name: 'Ghost' } }, 'BAD_USER_INPUT', 'id'],
      [DELETE, { input: { id: randomUUID() } }, 'NOT_FOUND', 'id'],
      [ADD, { input: { workspaceId: randomUUID(), userId: people.dan.id, role: 'VIEWER' } }, 'NOT_FOUND', 'workspaceId'],
      [ADD, { input: { workspaceId: existing, userId: randomUUID(), role: 'VIEWER' } }, 'NOT_FOUND', 'userId'],
      [ALLOT, { input: { workspaceId: existing, clusterId: randomUUID() } }, 'NOT_FOUND', 'clusterId'],
      [ALLOT, { input: { workspaceId: randomUUID(), clusterId: clusterIds.shop } }, 'NOT_FOUND', 'workspaceId'],
      [ALLOT, { input: { workspaceId: existing, clusterId: clusterIds.shop, namespaces: [] } }, 'BAD_USER_INPUT', 'namespaces'],
      [ALLOT, { input: { workspaceId: existing, clusterId: clusterIds.shop, namespaces: ['Not_A_Namespace'] } }, 'BAD_USER_INPUT', 'namespaces'],
      [REVOKE, { input: { workspaceId: existing, clusterId: clusterIds.lab } }, 'NOT_FOUND', 'clusterId'],
      [REMOVE, { input: { workspaceId: existing, userId: people.dan.id } }, 'NOT_FOUND', 'userId'],
    ];
    for (const [query, variables, code, field] of cases) {
      const response = await gateway.request(query, variables);
      expect({ variables, code: codeOf(response), field: fieldOf(response) }).toEqual({ variables, code, field });
    }
    // An unknown role never reaches the resolver: GraphQL refuses it, naming the input field.
    const badRole = await add(existing, people.dan, 'BOSS');
    expect(codeOf(badRole)).toBe('BAD_USER_INPUT');
    expect(badRole.errors?.[0]?.message).toMatch(/input\.role/);
    expect(fieldOf(badRole)).toBe('role');
    expect(await counts()).toEqual(before);
  });

  test('members are added and changed by managers; the last MANAGER stays', async () => {
    const team = await workspace('Sports Team');
    expect(codeOf(await add(team, people.mia, 'MANAGER'))).toBeUndefined();
    // The manager adds the others with their own token.
    const added = await gateway.request<{ addWorkspaceMember: { member: unknown; workspace: unknown } }>(
      ADD,
      { input: { workspaceId: team, userId: people.dan.id, role: 'DEVOPS' } },
      people.mia.token,
    );
    // The payload carries the member and the workspace as they are after the change.
    expect(added.data?.addWorkspaceMember).toMatchObject({ member: { role: 'DEVOPS', user: { id: people.dan.id, name: 'Dan' } }, workspace: { id: team, memberCount: 2 } });
    expect(codeOf(await add(team, people.vic, 'VIEWER', people.mia.token))).toBeUndefined();
    expect(fieldOf(await add(team, people.vic, 'OPERATOR', people.mia.token))).toBe('userId');

    // The last manager can neither leave nor step down.
    const leave = await gateway.request(REMOVE, { input: { workspaceId: team, userId: people.mia.id } }, people.mia.token);
    expect([codeOf(leave), leave.errors?.[0]?.message]).toEqual(['CONFLICT', expect.stringMatching(/last MANAGER/)]);
    expect(codeOf(await gateway.request(SET_ROLE, { input: { workspaceId: team, userId: people.mia.id, role: 'VIEWER' } }))).toBe('CONFLICT');

    // With a second manager, the first may step down.
    expect(
      (
        await gateway.request<{ updateWorkspaceMember: { member: { role: string } } }>(
          SET_ROLE,
          { input: { workspaceId: team, userId: people.dan.id, role: 'MANAGER' } },
          people.mia.token,
        )
      ).data?.updateWorkspaceMember.member.role,
    ).toBe('MANAGER');
    expect(
      (
        await gateway.request<{ updateWorkspaceMember: { member: { role: string } } }>(
          SET_ROLE,
          { input: { workspaceId: team, userId: people.mia.id, role: 'OPERATOR' } },
          people.mia.token,
        )
      ).data?.updateWorkspaceMember.member.role,
    ).toBe('OPERATOR');
    // Now an OPERATOR, Mia no longer manages it.
    expect(codeOf(await add(team, people.otto, 'VIEWER', people.mia.token))).toBe('FORBIDDEN');

    const removed = await gateway.request<{ removeWorkspaceMember: { workspace: { memberCount: number }; removedUserId: string } }>(
      REMOVE,
      { input: { workspaceId: team, userId: people.vic.id } },
      people.dan.token,
    );
    expect(removed.data?.removeWorkspaceMember).toEqual({ workspace: { id: team, memberCount: 2 }, removedUserId: people.vic.id });

    const seen = await gateway.request<{
      me: { workspaces: Connection<{ name: string; myRole: string; memberCount: number; members: Connection<{ role: string; user: { email: string } }> }> };
    }>(`{ me { workspaces { edges { node { name myRole memberCount members { edges { node { role user { email } } } } } } } } }`, {}, people.dan.token);
    expect(nodesOf(seen.data?.me.workspaces).map((team) => ({ ...team, members: nodesOf(team.members) }))).toEqual([
      {
        name: 'Sports Team',
        myRole: 'MANAGER',
        memberCount: 2,
        members: [
          { role: 'OPERATOR', user: { email: 'mia@example.com' } },
          { role: 'MANAGER', user: { email: 'dan@example.com' } },
        ],
      },
    ]);
  });

  test('two managers removed at the same moment: one goes, one stays', async () => {
    const team = await workspace('Race Team');
    await add(team, people.otto, 'MANAGER');
    await add(team, people.vic, 'MANAGER');
    const [first, second] = await Promise.all([
      gateway.request(REMOVE, { input: { workspaceId: team, userId: people.otto.id } }),
      gateway.request(REMOVE, { input: { workspaceId: team, userId: people.vic.id } }),
    ]);
    expect([codeOf(first), codeOf(second)].sort()).toEqual(['CONFLICT', undefined].sort());
    const managers = await tables.query<{ user_id: string }>(`SELECT user_id FROM workspace_members WHERE workspace_id = ? AND role = 'MANAGER'`, [localKeyOf(team, 'Workspace')]);
    expect(managers).toHaveLength(1);
  });

  test('allotted clusters and namespaces are what members see, and only while allotted', async () => {
    const team = await workspace('MIS Team');
    await add(team, people.otto, 'VIEWER');
    const allotted = await gateway.request<{ allotCluster: Record<string, unknown> }>(ALLOT, {
      input: { workspaceId: team, clusterId: clusterIds.shop, namespaces: ['shop', 'billing', 'shop'] },
    });
    expect(allotted.data?.allotCluster).toEqual({
      allotment: {
        workspaceId: team,
        clusterId: toGlobalId('Cluster', clusterIds.shop),
        namespaces: ['billing', 'shop'],
        cluster: { id: toGlobalId('Cluster', clusterIds.shop), name: 'shop-cluster' },
      },
      workspace: { id: team, clusterCount: 1 },
    });

    const seen = await gateway.request<{
      workspace: { myRole: string; clusterCount: number; clusters: Array<{ name: string }>; allotments: Array<{ namespaces: string[] | null }> };
    }>(WORKSPACE, { id: team }, people.otto.token);
    expect(seen.data?.workspace).toMatchObject({ myRole: 'VIEWER', clusterCount: 1, clusters: [{ name: 'shop-cluster' }], allotments: [{ namespaces: ['billing', 'shop'] }] });
    // The clusters domain enforces the same scope: Otto sees the allotted cluster, not the other.
    const clusters = await gateway.request<{ clusters: Array<{ name: string }> }>(`{ clusters { name } }`, {}, people.otto.token);
    expect(clusters.data?.clusters).toEqual([{ name: 'shop-cluster' }]);

    // Allotting again replaces the namespaces; null is the whole cluster.
    const whole = await gateway.request<{ allotCluster: { allotment: { namespaces: string[] | null } } }>(ALLOT, {
      input: { workspaceId: team, clusterId: clusterIds.shop, namespaces: null },
    });
    expect(whole.data?.allotCluster.allotment.namespaces).toBeNull();

    const revoked = await gateway.request<{ revokeClusterAllotment: unknown }>(REVOKE, { input: { workspaceId: team, clusterId: clusterIds.shop } });
    expect(revoked.data?.revokeClusterAllotment).toEqual({ workspace: { id: team, clusterCount: 0 }, revokedClusterId: toGlobalId('Cluster', clusterIds.shop) });
    await waitFor('the revoked cluster to disappear', async () =>
      (await gateway.request<{ clusters: unknown[] }>(`{ clusters { name } }`, {}, people.otto.token)).data?.clusters.length === 0 ? true : undefined,
    );
  });

  test('deleting a workspace takes its memberships and allotments with it', async () => {
    const team = await workspace('Short Lived');
    await add(team, people.bob, 'MANAGER');
    await gateway.request(ALLOT, { input: { workspaceId: team, clusterId: clusterIds.lab } });
    await gateway.request(DELETE, { input: { id: team } });
    const [row] = await tables.query<{ members: number; allotments: number }>(
      'SELECT (SELECT COUNT(*) FROM workspace_members WHERE workspace_id = ?) AS members, (SELECT COUNT(*) FROM workspace_clusters WHERE workspace_id = ?) AS allotments',
      [localKeyOf(team, 'Workspace'), localKeyOf(team, 'Workspace')],
    );
    expect({ members: Number(row?.members), allotments: Number(row?.allotments) }).toEqual({ members: 0, allotments: 0 });
    expect(
      (await gateway.request<{ me: { workspaces: Connection<unknown> } }>(`{ me { workspaces { edges { node { id } } } } }`, {}, people.bob.token)).data?.me.workspaces.edges,
    ).toEqual([]);
  });
});
