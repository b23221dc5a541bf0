import { createToken, createUser, openTables } from './identity-support.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { toGlobalId } from '../src/shared/global-id.js';

type Tables = Awaited<ReturnType<typeof openTables>>;

interface Entry {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  targetType: string | null;
  targetId: string | null;
  workspaceId: string | null;
  outcome: string;
  message: string | null;
  variables: Record<string, unknown>;
}

interface Page {
  auditLog: {
    totalCount: number;
    edges: Array<{ cursor: string; node: Entry }>;
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
}

const AUDIT = `query ($filter: AuditLogFilter, $first: Int, $after: String, $last: Int, $before: String) {
  auditLog(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id at actorId actorName action targetType targetId workspaceId outcome message variables } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

describe('the audit log', () => {
  let gateway: TestGateway;
  let tables: Tables;

  async function audit(variables: Record<string, unknown>): Promise<Page['auditLog']> {
    const response = await gateway.request<Page>(AUDIT, variables);
    if (!response.data) throw new Error(JSON.stringify(response.errors));
    return response.data.auditLog;
  }

  beforeAll(async () => {
    gateway = await startTestGateway();
    tables = await openTables(gateway);
  });

  afterAll(async () => {
    await tables?.close();
    await gateway?.stop();
  });

  test('records every mutation — who, what, target, when, outcome — and pages through them with filters', async () => {
    const started = new Date(Date.now() - 1000).toISOString();
    const mia = await createUser(gateway, { name: 'Mia', email: 'mia@example.com', systemRole: 'USER' });
    const { token } = await createToken(gateway, { name: 'cli', userId: mia.id, scopes: ['READ', 'WRITE'] });
    const created = await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(`mutation { createWorkspace(input: { name: "Audited" }) { workspace { id } } }`);
    const workspaceId = created.data?.createWorkspace.workspace.id as string;
    await gateway.request(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, {
      input: { workspaceId, userId: mia.id, role: 'MANAGER' },
    });
    // Failures are recorded with the code the caller got.
    await gateway.request(`mutation { createWorkspace(input: { name: "Audited" }) { workspace { id } } }`);
    await gateway.request(`mutation { createWorkspace(input: { name: "Sneaky" }) { workspace { id } } }`, {}, token);
    await gateway.request(
      `mutation ($w: ID!, $u: ID!) { removeWorkspaceMember(input: { workspaceId: $w, userId: $u }) { removedMemberId } }`,
      { w: workspaceId, u: mia.id },
      token,
    );
    await gateway.request(`mutation { createWorkspace(input: { name: "Anonymous" }) { workspace { id } } }`, {}, null);
    await gateway.request(
      `mutation ($id: ID!, $name: String!) { updateWorkspace(input: { id: $id, name: $name }) { workspace { id } } }`,
      { id: workspaceId, name: 'Audited Team' },
      token,
    );

    const all = await audit({ filter: { from: started } });
    expect(all.edges.map(({ node }) => [node.action, node.outcome])).toEqual([
      ['updateWorkspace', 'OK'],
      ['createWorkspace', 'UNAUTHENTICATED'],
      ['removeWorkspaceMember', 'CONFLICT'],
      ['createWorkspace', 'FORBIDDEN'],
      ['createWorkspace', 'CONFLICT'],
      ['addWorkspaceMember', 'OK'],
      ['createWorkspace', 'OK'],
      ['createApiToken', 'OK'],
      ['createUser', 'OK'],
    ]);
    expect(all.totalCount).toBe(9);

    const [update, anonymous, lastManager, forbidden] = all.edges.map((edge) => edge.node);
    expect(update).toMatchObject({
      actorId: mia.id,
      actorName: 'Mia',
      targetType: 'Workspace',
      targetId: workspaceId,
      workspaceId,
      message: null,
      variables: { input: { id: workspaceId, name: 'Audited Team' } },
    });
    expect(anonymous).toMatchObject({ actorId: null, actorName: 'anonymous' });
    expect(lastManager).toMatchObject({ targetType: 'WorkspaceMember', targetId: mia.id, workspaceId, message: expect.stringMatching(/last MANAGER/) });
    expect(forbidden).toMatchObject({ actorId: mia.id, targetType: 'Workspace', targetId: null });
    const adminEntry = all.edges.find(({ node }) => node.action === 'addWorkspaceMember')?.node;
    expect(adminEntry).toMatchObject({ actorId: toGlobalId('User', 'bootstrap-admin'), targetType: 'WorkspaceMember', targetId: mia.id, workspaceId });
    expect(new Date(adminEntry?.at ?? 0).getTime()).toBeGreaterThanOrEqual(new Date(started).getTime());

    // Filters.
    expect((await audit({ filter: { actorId: mia.id } })).edges.map(({ node }) => node.action)).toEqual(['updateWorkspace', 'removeWorkspaceMember', 'createWorkspace']);
    expect((await audit({ filter: { outcome: 'FORBIDDEN' } })).edges.map(({ node }) => node.actorId)).toEqual([mia.id]);
    expect((await audit({ filter: { workspaceId, outcome: 'OK' } })).edges.map(({ node }) => node.action)).toEqual(['updateWorkspace', 'addWorkspaceMember', 'createWorkspace']);
    expect((await audit({ filter: { action: 'createUser', targetId: mia.id } })).totalCount).toBe(1);
    expect((await audit({ filter: { to: started } })).totalCount).toBe(0);

    // Paging: three pages of three, no entry twice, none missed.
    const seen: string[] = [];
    let after: string | null = null;
    for (let pageNumber = 0; pageNumber < 3; pageNumber += 1) {
      const page: Page['auditLog'] = await audit({ filter: { from: started }, first: 3, after });
      expect(page.totalCount).toBe(9);
      expect(page.edges).toHaveLength(3);
      expect(page.pageInfo).toMatchObject({ hasNextPage: pageNumber < 2, hasPreviousPage: pageNumber > 0 });
      seen.push(...page.edges.map(({ node }) => node.id));
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(all.edges.map(({ node }) => node.id));

    // And backwards from the oldest entry: the same entries, the same pages.
    const seenBackwards: string[] = [];
    let before: string | null = null;
    for (let pageNumber = 0; pageNumber < 3; pageNumber += 1) {
      const page: Page['auditLog'] = await audit({ filter: { from: started }, last: 3, before });
      expect(page.edges).toHaveLength(3);
      expect(page.pageInfo).toMatchObject({ hasPreviousPage: pageNumber < 2, hasNextPage: pageNumber > 0 });
      seenBackwards.unshift(...page.edges.map(({ node }) => node.id));
      before = page.pageInfo.startCursor;
    }
    expect(seenBackwards).toEqual(seen);
  });

  test('secrets in arguments are never stored', async () => {
    const kubeconfig = 'apiVersion: v1\nkind: Config\nusers: [{ name: u, user: { token: very-secret-value } }]';
    await gateway.request(`mutation ($input: RegisterClusterInput!) { registerCluster(input: $input) { cluster { id } } }`, {
      input: { name: 'leaky', provider: 'GKE', region: 'Tokyo', kubeconfig },
    });
    const [entry] = (await audit({ filter: { action: 'registerCluster' } })).edges.map(({ node }) => node);
    expect(entry?.outcome).not.toBe('OK');
    expect(entry?.variables).toEqual({ input: expect.objectContaining({ name: 'leaky', kubeconfig: '[redacted]' }) });
    const rows = await tables.query<Record<string, unknown>>('SELECT * FROM audit_log');
    expect(JSON.stringify(rows)).not.toContain('very-secret-value');

    const token = await gateway.request<{ createApiToken: { token: string } }>(`mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }`, {
      input: { name: 'tool', userId: (await createUser(gateway, { name: 'Tool', email: 'tool@example.com', systemRole: 'USER' })).id, scopes: ['READ'] },
    });
    expect(JSON.stringify(await tables.query('SELECT * FROM audit_log'))).not.toContain(token.data?.createApiToken.token);
    // The input is recorded as given, times as UTC text, under `input` like every mutation's.
    const [tokenEntry] = (await audit({ filter: { action: 'createApiToken' } })).edges.map(({ node }) => node);
    expect(tokenEntry?.variables).toEqual({ input: { name: 'tool', userId: expect.any(String), scopes: ['READ'] } });

    await gateway.request(`mutation ($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id } } }`, {
      input: { name: 'leaky-registry', url: 'http://127.0.0.1:1', kind: 'PRIVATE', username: 'robot', password: 'registry-secret-value' },
    });
    await gateway.request(`mutation ($input: UpdateClusterInput!) { updateCluster(input: $input) { cluster { id } } }`, {
      input: { id: '00000000-0000-0000-0000-000000000000', kubeconfig: kubeconfig.replace('very-secret-value', 'rotated-secret-value') },
    });
    const [registryEntry] = (await audit({ filter: { action: 'createRegistry' } })).edges.map(({ node }) => node);
    expect(registryEntry?.variables).toEqual({ input: expect.objectContaining({ name: 'leaky-registry', username: 'robot', password: '[redacted]' }) });
    const [updateEntry] = (await audit({ filter: { action: 'updateCluster' } })).edges.map(({ node }) => node);
    expect(updateEntry).toMatchObject({
      outcome: 'NOT_FOUND',
      targetId: toGlobalId('Cluster', '00000000-0000-0000-0000-000000000000'),
      variables: { input: expect.objectContaining({ kubeconfig: '[redacted]' }) },
    });
    const everything = JSON.stringify(await tables.query('SELECT * FROM audit_log'));
    expect(everything).not.toContain('registry-secret-value');
    expect(everything).not.toContain('rotated-secret-value');
  });

  test('bad filters and cursors are BAD_USER_INPUT naming the field', async () => {
    for (const [variables, field] of [
      [{ filter: { from: 'yesterday' } }, 'filter.from'],
      [{ filter: { from: '2030-01-02T00:00:00Z', to: '2030-01-01T00:00:00Z' } }, 'filter.to'],
      [{ filter: { action: 'a'.repeat(201) } }, 'filter.action'],
      [{ first: -1 }, 'first'],
      [{ first: 100_000 }, 'first'],
      [{ first: 2, last: 2 }, 'last'],
      [{ after: 'not-a-cursor' }, 'after'],
      [{ last: 2, before: 'bm90LWEtY3Vyc29y' }, 'before'],
    ] as const) {
      const response = await gateway.request(AUDIT, variables);
      expect({ variables, code: response.errors?.[0]?.extensions?.code, field: response.errors?.[0]?.extensions?.field }).toEqual({ variables, code: 'BAD_USER_INPUT', field });
    }
  });
});
