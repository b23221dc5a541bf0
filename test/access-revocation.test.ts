import { createToken, createUser } from './identity-support.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

/**
 * Hardening, part 1, item 3: a member removed on one replica loses access on another even when the
 * announcement never arrives. Replica B shares the database but not the bus (an in-process one: the
 * same as NATS being down for B for good); its cached decisions must age out.
 */
const BUILDS = `query ($id: ID!) { builds(workspaceId: $id) { totalCount } }`;

describe('access revocation across replicas without the bus', () => {
  let replicaA: TestGateway;
  let replicaB: TestGateway;

  beforeAll(async () => {
    replicaA = await startTestGateway();
    replicaB = await startTestGateway({
      database: { kind: 'mysql', url: replicaA.database.url },
      bus: { kind: 'memory' },
      adminToken: replicaA.adminToken,
      limits: { accessCacheSeconds: 0.5 },
    });
  });

  afterAll(async () => {
    await replicaB?.stop();
    await replicaA?.stop();
  });

  test('a removed member stops reading through the other replica within the configured bound', async () => {
    const workspace = await replicaA.request<{ createWorkspace: { workspace: { id: string } } }>(
      `mutation { createWorkspace(input: { name: "Sports Team" }) { workspace { id } } }`,
    );
    const workspaceId = workspace.data!.createWorkspace.workspace.id;
    const member = await createUser(replicaA, { name: 'Viewer', email: 'viewer@example.com' });
    await replicaA.request(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, {
      input: { workspaceId, userId: member.id, role: 'VIEWER' },
    });
    const { token } = await createToken(replicaA, { name: 'dashboards', userId: member.id, scopes: ['READ'] });

    // Replica B reads (and caches) the member's rights.
    expect((await replicaB.request<{ builds: { totalCount: number } }>(BUILDS, { id: workspaceId }, token)).data?.builds.totalCount).toBe(0);

    const removed = await replicaA.request(`mutation ($input: RemoveWorkspaceMemberInput!) { removeWorkspaceMember(input: $input) { removedMemberId } }`, {
      input: { workspaceId, userId: member.id },
    });
    expect(removed.errors).toBeUndefined();
    // No longer a member: the workspace's builds look like a missing workspace's.
    expect((await replicaA.request(BUILDS, { id: workspaceId }, token)).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    // Nothing tells B; its decision ages out all the same.
    const refused = await waitFor('replica B to refuse the removed member', async () => {
      const response = await replicaB.request(BUILDS, { id: workspaceId }, token);
      return response.errors?.[0]?.extensions?.code;
    });
    expect(refused).toBe('NOT_FOUND');
  });
});
