import 'reflect-metadata';
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { createApp, type App } from '../src/app.js';
import { silentLogger } from '../src/shared/logger.js';
import { embeddedConfig, graphqlAnswer } from './support/embedded.js';

/** The same workspace flow on the embedded database (SQLite), which the zero-install mode uses. */
describe('workspaces on the embedded database', () => {
  const adminToken = `embedded-admin-${randomBytes(8).toString('hex')}`;
  let folder: string;
  let app: App;
  let dataSource: DataSource | undefined;

  const request = <T>(query: string, variables: Record<string, unknown> = {}, token = adminToken) => graphqlAnswer<T>(app, token, query, variables);

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'kda-embedded-'));
    app = await createApp(embeddedConfig(folder, adminToken, { simulator: false }), { logger: silentLogger, onDatabaseOpen: (opened) => (dataSource = opened) });
  });

  afterAll(async () => {
    await app?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('members, the last-manager rule, allotments, access and the audit log', async () => {
    const user = (
      await request<{ createUser: { user: { id: string } } }>(`mutation { createUser(input: { name: "Eve", email: "eve@example.com", systemRole: USER }) { user { id } } }`)
    ).data?.createUser.user.id as string;
    const token = (
      await request<{ createApiToken: { token: string } }>(`mutation ($u: ID!) { createApiToken(input: { name: "cli", userId: $u, scopes: [READ, WRITE] }) { token } }`, {
        u: user,
      })
    ).data?.createApiToken.token as string;
    const workspace = (await request<{ createWorkspace: { workspace: { id: string } } }>(`mutation { createWorkspace(input: { name: "Local Team" }) { workspace { id } } }`)).data
      ?.createWorkspace.workspace.id as string;
    expect((await request(`mutation { createWorkspace(input: { name: "Local Team" }) { workspace { id } } }`)).errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'name',
    });

    const member = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
    expect((await request(member, { input: { workspaceId: workspace, userId: user, role: 'MANAGER' } })).errors).toBeUndefined();
    const leave = await request(
      `mutation ($w: ID!, $u: ID!) { removeWorkspaceMember(input: { workspaceId: $w, userId: $u }) { removedMemberId } }`,
      { w: workspace, u: user },
      token,
    );
    expect(leave.errors?.[0]?.message).toMatch(/last MANAGER/);

    const clusterId = randomUUID();
    await dataSource?.query(`INSERT INTO clusters (id, name, provider, region, kubeconfig_encrypted, status) VALUES (?, 'local', 'ON_PREMISE', 'Seoul', 'x', 'UNREACHABLE')`, [
      clusterId,
    ]);
    const allotted = await request<{ allotCluster: { allotment: { namespaces: string[] } } }>(
      `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { namespaces } } }`,
      { input: { workspaceId: workspace, clusterId, namespaces: ['team'] } },
    );
    expect(allotted.data?.allotCluster.allotment.namespaces).toEqual(['team']);
    expect((await request<{ clusters: Array<{ name: string }> }>(`{ clusters { name } }`, {}, token)).data?.clusters).toEqual([{ name: 'local' }]);

    const log = await request<{ auditLog: { totalCount: number; edges: Array<{ node: { action: string; outcome: string } }> } }>(
      `{ auditLog(first: 3) { totalCount edges { node { action outcome } } } }`,
    );
    expect(log.data?.auditLog.edges.map(({ node }) => [node.action, node.outcome])).toEqual([
      ['allotCluster', 'OK'],
      ['removeWorkspaceMember', 'CONFLICT'],
      ['addWorkspaceMember', 'OK'],
    ]);
    expect(log.data?.auditLog.totalCount).toBe(7);
  });
});
