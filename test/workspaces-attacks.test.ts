import { randomUUID } from 'node:crypto';
import { createToken, createUser, openTables } from './identity-support.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { nodesOf, type Connection } from './support/connections.js';

type Tables = Awaited<ReturnType<typeof openTables>>;

interface Person {
  readonly id: string;
  readonly token: string;
}

function codeOf(response: GraphqlResponse<unknown>): unknown {
  return response.errors?.[0]?.extensions?.code;
}

/**
 * A MANAGER of workspace A, a DEVOPS engineer of A and a stranger try to reach workspace B and
 * things only administrators may do. Each attempt is refused (FORBIDDEN) or answered as if B did
 * not exist (null), and nothing is written.
 */
describe('workspaces: another workspace is out of reach', () => {
  let gateway: TestGateway;
  let tables: Tables;
  let manager: Person;
  let devops: Person;
  let stranger: Person;
  let both: Person;
  let a: string;
  let b: string;
  let clusterId: string;

  async function person(name: string): Promise<Person> {
    const user = await createUser(gateway, { name, email: `${name.toLowerCase()}@example.com`, systemRole: 'USER' });
    const { token } = await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] });
    return { id: user.id, token };
  }

  async function admin<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const response = await gateway.request<T>(query, variables);
    if (response.data === undefined || response.errors !== undefined) throw new Error(JSON.stringify(response.errors));
    return response.data;
  }

  async function snapshot(): Promise<unknown> {
    return tables.query(
      'SELECT w.name, w.description, (SELECT GROUP_CONCAT(CONCAT(user_id, role) ORDER BY user_id) FROM workspace_members m WHERE m.workspace_id = w.id) AS members, (SELECT COUNT(*) FROM workspace_clusters c WHERE c.workspace_id = w.id) AS clusters FROM workspaces w ORDER BY w.name',
    );
  }

  beforeAll(async () => {
    gateway = await startTestGateway();
    tables = await openTables(gateway);
    manager = await person('Manager');
    devops = await person('Devops');
    stranger = await person('Stranger');
    both = await person('Both');
    const create = `mutation ($name: String!) { createWorkspace(input: { name: $name }) { workspace { id } } }`;
    a = (await admin<{ createWorkspace: { workspace: { id: string } } }>(create, { name: 'Team A' })).createWorkspace.workspace.id;
    b = (await admin<{ createWorkspace: { workspace: { id: string } } }>(create, { name: 'Team B' })).createWorkspace.workspace.id;
    const add = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
    for (const [workspaceId, who, role] of [
      [a, manager, 'MANAGER'],
      [a, devops, 'DEVOPS'],
      [a, both, 'VIEWER'],
      [b, both, 'MANAGER'],
    ] as const) {
      await admin(add, { input: { workspaceId, userId: who.id, role } });
    }
    clusterId = randomUUID();
    await tables.query(`INSERT INTO clusters (id, name, provider, region, kubeconfig_encrypted, status) VALUES (?, 'b-only', 'ON_PREMISE', 'Seoul', 'x', 'UNREACHABLE')`, [
      clusterId,
    ]);
    await admin(`mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`, { input: { workspaceId: b, clusterId } });
  });

  afterAll(async () => {
    await tables?.close();
    await gateway?.stop();
  });

  test('changes to workspace B by the manager of A are FORBIDDEN, and change nothing', async () => {
    const before = await snapshot();
    const attempts: Array<[string, Record<string, unknown>]> = [
      [`mutation ($id: ID!) { updateWorkspace(input: { id: $id, name: "Owned" }) { workspace { id } } }`, { id: b }],
      [`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, { input: { workspaceId: b, userId: manager.id, role: 'MANAGER' } }],
      [
        `mutation ($input: UpdateWorkspaceMemberInput!) { updateWorkspaceMember(input: $input) { member { role } } }`,
        { input: { workspaceId: b, userId: both.id, role: 'VIEWER' } },
      ],
      [`mutation ($w: ID!, $u: ID!) { removeWorkspaceMember(input: { workspaceId: $w, userId: $u }) { removedMemberId } }`, { w: b, u: both.id }],
      // Guessing ids: an unknown workspace is refused exactly like someone else's.
      [`mutation ($id: ID!) { updateWorkspace(input: { id: $id, name: "Owned" }) { workspace { id } } }`, { id: randomUUID() }],
      // Administrators only.
      [`mutation { createWorkspace(input: { name: "Mine" }) { workspace { id } } }`, {}],
      [`mutation ($id: ID!) { deleteWorkspace(input: { id: $id }) { deletedWorkspaceId } }`, { id: a }],
      [`mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`, { input: { workspaceId: a, clusterId } }],
      [`mutation ($w: ID!, $c: ID!) { revokeClusterAllotment(input: { workspaceId: $w, clusterId: $c }) { revokedClusterId } }`, { w: b, c: clusterId }],
    ];
    for (const [query, variables] of attempts) {
      const response = await gateway.request(query, variables, manager.token);
      expect({ query, code: codeOf(response), data: response.data ?? null }).toEqual({ query, code: 'FORBIDDEN', data: null });
    }
    expect(await snapshot()).toEqual(before);
  });

  test('members below MANAGER may not manage their own workspace', async () => {
    const before = await snapshot();
    for (const [query, variables] of [
      [`mutation ($id: ID!) { updateWorkspace(input: { id: $id, description: "mine now" }) { workspace { id } } }`, { id: a }],
      [`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, { input: { workspaceId: a, userId: stranger.id, role: 'VIEWER' } }],
      [
        `mutation ($input: UpdateWorkspaceMemberInput!) { updateWorkspaceMember(input: $input) { member { role } } }`,
        { input: { workspaceId: a, userId: devops.id, role: 'MANAGER' } },
      ],
    ] as const) {
      expect(codeOf(await gateway.request(query, variables, devops.token))).toBe('FORBIDDEN');
    }
    expect(await snapshot()).toEqual(before);
  });

  test('workspace B, its members and its clusters never show to the manager of A', async () => {
    expect((await gateway.request(`query ($id: ID!) { workspace(id: $id) { id members { edges { node { user { id } } } } } }`, { id: b }, manager.token)).data).toEqual({
      workspace: null,
    });
    expect(
      nodesOf((await gateway.request<{ workspaces: Connection<{ name: string }> }>(`{ workspaces { edges { node { name } } } }`, {}, manager.token)).data?.workspaces),
    ).toEqual([{ name: 'Team A' }]);
    // Through a nested field: a fellow member of A who also manages B does not reveal B.
    const nested = await gateway.request<{ workspace: { members: Connection<{ user: { email: string; workspaces: Connection<{ name: string }> } }> } }>(
      `query ($id: ID!) { workspace(id: $id) { members { edges { node { user { email workspaces { edges { node { name } } } } } } } } }`,
      { id: a },
      manager.token,
    );
    const seenBoth = nodesOf(nested.data?.workspace.members).find((member) => member.user.email === 'both@example.com');
    expect(nodesOf(seenBoth?.user.workspaces)).toEqual([{ name: 'Team A' }]);
    // B's cluster is not visible either, by list or by id.
    expect((await gateway.request<{ clusters: unknown[] }>(`{ clusters { id } }`, {}, manager.token)).data?.clusters).toEqual([]);
    expect((await gateway.request(`query ($id: ID!) { cluster(id: $id) { id } }`, { id: clusterId }, manager.token)).data).toEqual({ cluster: null });
    // The member of both sees both, with their own role in each.
    const own = await gateway.request<{ me: { workspaces: Connection<{ name: string; myRole: string }> } }>(
      `{ me { workspaces { edges { node { name myRole } } } } }`,
      {},
      both.token,
    );
    expect(nodesOf(own.data?.me.workspaces)).toEqual([
      { name: 'Team A', myRole: 'VIEWER' },
      { name: 'Team B', myRole: 'MANAGER' },
    ]);
  });

  test('a user in no workspace sees none; the audit log is for administrators only', async () => {
    expect((await gateway.request(`{ workspaces { totalCount edges { node { id } } } }`, {}, stranger.token)).data).toEqual({ workspaces: { totalCount: 0, edges: [] } });
    expect((await gateway.request(`query ($id: ID!) { workspace(id: $id) { id } }`, { id: a }, stranger.token)).data).toEqual({ workspace: null });
    expect(codeOf(await gateway.request(`{ auditLog { totalCount } }`, {}, manager.token))).toBe('FORBIDDEN');
    expect(codeOf(await gateway.request(`{ workspaces { totalCount } }`, {}, null))).toBe('UNAUTHENTICATED');
  });
});
