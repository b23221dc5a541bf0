import { DomainError } from '../../shared/errors.js';
import { silentLogger } from '../../shared/logger.js';
import { AccessCache } from './access-cache.js';
import { memoryAccessChanges, memoryWorkspaceStores } from './memory-stores.test-support.js';
import { createAccessResolver } from './permissions.js';
import type { Caller, WorkspaceRole } from './records.js';
import { createWorkspaceAccess } from './workspace-access.js';
import { WorkspaceService } from './workspace-service.js';

const ADMIN: Caller = { userId: 'root', systemRole: 'ADMIN' };
const user = (userId: string): Caller => ({ userId, systemRole: 'USER' });
const USERS = ['boss', 'second', 'dev', 'ops', 'viewer', 'stranger'];
/** Clusters the directory knows, with their storage classes. */
const CLUSTERS = new Map([
  ['c1', new Set(['fast', 'slow'])],
  ['c2', new Set<string>()],
]);

/** The service, the access cache and the workspace-level access, wired as src/wiring/workspaces.ts does, on memory. */
async function setup(changes = memoryAccessChanges()) {
  const stores = memoryWorkspaceStores();
  const cache = new AccessCache(createAccessResolver({ grants: stores.grants }), changes, silentLogger);
  await cache.start();
  const service = new WorkspaceService({
    ...stores,
    users: { exists: async (userId) => USERS.includes(userId) },
    clusters: { exists: async (clusterId) => CLUSTERS.has(clusterId), storageClassNames: async (clusterId) => CLUSTERS.get(clusterId) ?? new Set() },
    accessChanged: () => cache.invalidate(),
    now: () => new Date('2030-01-01T00:00:00Z'),
  });
  const access = createWorkspaceAccess({ scopeFor: (caller) => cache.scopeFor(caller), workspaces: stores.workspaces, allotments: stores.allotments, storage: stores.storage });
  return { stores, cache, service, access, changes };
}

/** A workspace with boss as its MANAGER, and the other roles as given. */
async function team(service: WorkspaceService, name = 'Team', members: Record<string, WorkspaceRole> = {}) {
  const workspace = await service.create(ADMIN, { name });
  await service.addMember(ADMIN, { workspaceId: workspace.id, userId: 'boss', role: 'MANAGER' });
  for (const [userId, role] of Object.entries(members)) await service.addMember(user('boss'), { workspaceId: workspace.id, userId, role });
  return workspace;
}

async function failure(promise: Promise<unknown>): Promise<{ code: string; field: unknown }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return { code: error.code, field: error.details['field'] };
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('WorkspaceService: workspaces and members', () => {
  test('only administrators create and delete workspaces; names are unique', async () => {
    const { service } = await setup();
    expect(await failure(service.create(user('boss'), { name: 'Mine' }))).toEqual({ code: 'FORBIDDEN', field: undefined });
    const workspace = await service.create(ADMIN, { name: 'Mine' });
    expect(await failure(service.create(ADMIN, { name: 'Mine' }))).toEqual({ code: 'CONFLICT', field: 'name' });
    expect(await failure(service.delete(user('boss'), workspace.id))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(await service.delete(ADMIN, workspace.id)).toBe(workspace.id);
    expect(await service.listVisible(ADMIN)).toEqual([]);
  });

  test('a workspace gets a unique slug, made from its name unless given, and never changed by a rename', async () => {
    const { service, access } = await setup();
    const cloud = await service.create(ADMIN, { name: 'Cloud Team' });
    expect(cloud.slug).toBe('cloud-team');
    expect((await service.create(ADMIN, { name: '  Équipe données / ML  ' })).slug).toBe('equipe-donnees-ml');
    expect((await service.create(ADMIN, { name: '클라우드 팀' })).slug).toMatch(/^ws-[0-9a-f]{8}$/);
    expect((await service.create(ADMIN, { name: 'Named', slug: 'named-by-hand' })).slug).toBe('named-by-hand');
    // A slug made from another name, or given, that is taken: CONFLICT naming the slug; nothing is created.
    expect(await failure(service.create(ADMIN, { name: 'cloud team!' }))).toEqual({ code: 'CONFLICT', field: 'slug' });
    expect(await failure(service.create(ADMIN, { name: 'Other', slug: 'cloud-team' }))).toEqual({ code: 'CONFLICT', field: 'slug' });
    for (const slug of ['Cloud', '-edge', 'a_b', 'x'.repeat(41), ''])
      expect(await failure(service.create(ADMIN, { name: `Bad ${slug}`, slug }))).toEqual({ code: 'BAD_USER_INPUT', field: 'slug' });
    expect(await service.listVisible(ADMIN)).toHaveLength(4);
    expect((await service.update(ADMIN, cloud.id, { name: 'Platform Team' })).slug).toBe('cloud-team');
    expect(await access.slugOf(cloud.id)).toBe('cloud-team');
    expect(await access.slugOf('nowhere')).toBeNull();
  });

  test("another workspace's build namespace cannot be allotted by name", async () => {
    const { service } = await setup();
    const workspace = await team(service);
    for (const namespace of ['kda-builds', 'kda-builds-other-team']) {
      expect(await failure(service.allotCluster(ADMIN, { workspaceId: workspace.id, clusterId: 'c1', namespaces: ['shop', namespace] }))).toEqual({
        code: 'BAD_USER_INPUT',
        field: 'namespaces',
      });
    }
    expect(await service.allotmentsOf([workspace.id])).toEqual([]);
  });

  test('a MANAGER manages members; other roles and strangers get FORBIDDEN, for unknown workspaces too', async () => {
    const { service } = await setup();
    const workspace = await team(service, 'Team', { dev: 'DEVOPS' });
    expect(await service.updateMember(user('boss'), { workspaceId: workspace.id, userId: 'dev', role: 'OPERATOR' })).toMatchObject({ role: 'OPERATOR' });
    expect(await failure(service.addMember(user('dev'), { workspaceId: workspace.id, userId: 'viewer', role: 'VIEWER' }))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(await failure(service.addMember(user('stranger'), { workspaceId: workspace.id, userId: 'stranger', role: 'MANAGER' }))).toEqual({ code: 'FORBIDDEN', field: undefined });
    // Not a member of an unknown workspace either: the same answer, so ids cannot be probed.
    expect(await failure(service.update(user('boss'), 'no-such-workspace', { name: 'x' }))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(await failure(service.addMember(user('boss'), { workspaceId: workspace.id, userId: 'nobody', role: 'VIEWER' }))).toEqual({ code: 'NOT_FOUND', field: 'userId' });
    expect(await failure(service.addMember(user('boss'), { workspaceId: workspace.id, userId: 'viewer', role: 'OWNER' }))).toEqual({ code: 'BAD_USER_INPUT', field: 'role' });
    expect((await service.membersOf([workspace.id])).map((member) => [member.userId, member.role])).toEqual([
      ['boss', 'MANAGER'],
      ['dev', 'OPERATOR'],
    ]);
  });

  test('the last MANAGER is neither removed nor demoted, and the refusal changes nothing', async () => {
    const { service } = await setup();
    const workspace = await team(service, 'Team', { dev: 'DEVOPS' });
    expect(await failure(service.removeMember(user('boss'), workspace.id, 'boss'))).toEqual({ code: 'CONFLICT', field: 'userId' });
    expect(await failure(service.updateMember(ADMIN, { workspaceId: workspace.id, userId: 'boss', role: 'VIEWER' }))).toEqual({ code: 'CONFLICT', field: 'userId' });
    expect((await service.membersOf([workspace.id])).map((member) => member.role)).toEqual(['MANAGER', 'DEVOPS']);
    await service.updateMember(user('boss'), { workspaceId: workspace.id, userId: 'dev', role: 'MANAGER' });
    await service.removeMember(user('dev'), workspace.id, 'boss');
    expect((await service.membersOf([workspace.id])).map((member) => member.userId)).toEqual(['dev']);
  });

  test('a workspace is visible to its members and administrators only; an unknown id looks the same as a foreign one', async () => {
    const { service } = await setup();
    const workspace = await team(service, 'Team', { viewer: 'VIEWER' });
    await team(service, 'Other');
    expect((await service.listVisible(user('viewer'))).map((visible) => visible.name)).toEqual(['Team']);
    expect(await service.getVisible(user('viewer'), workspace.id)).toMatchObject({ name: 'Team' });
    expect(await service.getVisible(user('stranger'), workspace.id)).toBeNull();
    expect(await service.getVisible(user('stranger'), 'no-such-workspace')).toBeNull();
    expect((await service.listVisible(ADMIN)).map((visible) => visible.name)).toEqual(['Other', 'Team']);
  });
});

describe('WorkspaceService: allotments', () => {
  test('only administrators allot; the cluster must exist; storage needs the cluster allotted and a class it has', async () => {
    const { service } = await setup();
    const workspace = await team(service);
    expect(await failure(service.allotCluster(user('boss'), { workspaceId: workspace.id, clusterId: 'c1' }))).toEqual({ code: 'FORBIDDEN', field: undefined });
    expect(await failure(service.allotCluster(ADMIN, { workspaceId: workspace.id, clusterId: 'nowhere' }))).toEqual({ code: 'NOT_FOUND', field: 'clusterId' });
    expect(await failure(service.allotStorage(ADMIN, { workspaceId: workspace.id, clusterId: 'c1', storageClassName: 'fast' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'clusterId',
    });
    expect(await service.allotCluster(ADMIN, { workspaceId: workspace.id, clusterId: 'c1', namespaces: ['shop', 'shop', 'api'] })).toMatchObject({ namespaces: ['api', 'shop'] });
    expect(await failure(service.allotStorage(ADMIN, { workspaceId: workspace.id, clusterId: 'c1', storageClassName: 'gold' }))).toEqual({
      code: 'BAD_USER_INPUT',
      field: 'storageClassName',
    });
    expect(await service.allotStorage(ADMIN, { workspaceId: workspace.id, clusterId: 'c1', storageClassName: 'fast', quotaBytes: 1024 })).toMatchObject({ quotaBytes: 1024 });
    // Allotting again replaces the namespaces and keeps the row.
    await service.allotCluster(ADMIN, { workspaceId: workspace.id, clusterId: 'c1', namespaces: null });
    expect((await service.allotmentsOf([workspace.id])).map((allotment) => allotment.namespaces)).toEqual([null]);
    await service.revokeClusterAllotment(ADMIN, workspace.id, 'c1');
    expect(await service.allotmentsOf([workspace.id])).toEqual([]);
    expect(await service.storageOf([workspace.id])).toEqual([]);
    expect(await failure(service.revokeClusterAllotment(ADMIN, workspace.id, 'c1'))).toEqual({ code: 'NOT_FOUND', field: 'clusterId' });
  });
});

describe('the access scope, as other domains ask it', () => {
  const ROLES: ReadonlyArray<[WorkspaceRole, boolean, boolean]> = [
    // role        build:read  build:run
    ['MANAGER', true, true],
    ['DEVOPS', true, true],
    ['OPERATOR', true, false],
    ['VIEWER', true, false],
  ];

  test.each(ROLES)('%s may read builds: %s, run them: %s — in a workspace with no cluster allotted, and nowhere else', async (role, read, run) => {
    const { service, access } = await setup();
    const workspace = await team(service, 'Team', role === 'MANAGER' ? {} : { dev: role });
    const other = await team(service, 'Other');
    const caller = user(role === 'MANAGER' ? 'boss' : 'dev');
    expect([await access.allows(caller, workspace.id, 'build:read'), await access.allows(caller, workspace.id, 'build:run')]).toEqual([read, run]);
    expect(await access.allowedAmong(caller, [workspace.id, other.id, 'no-such-workspace'], 'build:read')).toEqual(
      new Set(role === 'MANAGER' ? [workspace.id, other.id] : [workspace.id]),
    );
    expect(await access.allows(user('stranger'), workspace.id, 'build:read')).toBe(false);
    expect(await access.isSystemAdmin(caller)).toBe(false);
  });

  test('administrators may do everything without a lookup; a caller without a user nothing', async () => {
    const { service, access, stores } = await setup();
    const workspace = await team(service);
    stores.grantReads.length = 0;
    expect(await access.allows(ADMIN, workspace.id, 'build:run')).toBe(true);
    expect(await access.allowedAmong(ADMIN, [workspace.id, 'any'], 'build:run')).toEqual(new Set([workspace.id, 'any']));
    expect(await access.isSystemAdmin(ADMIN)).toBe(true);
    expect(await access.allows({ userId: null, systemRole: 'USER' }, workspace.id, 'build:read')).toBe(false);
    expect(stores.grantReads).toEqual([]);
  });

  test('is read once per caller, and every change of members or allotments reaches it at once, on every replica', async () => {
    const changes = memoryAccessChanges();
    const first = await setup(changes);
    // A second replica: its own cache and store view, the same bus. (Its store is empty, so it is only asked for invalidation.)
    const second = await setup(changes);
    const workspace = await team(first.service);
    expect(await first.access.allows(user('dev'), workspace.id, 'build:read')).toBe(false);
    first.stores.grantReads.length = 0;
    expect(await first.access.allows(user('dev'), workspace.id, 'build:read')).toBe(false);
    expect(first.stores.grantReads).toEqual([]);

    await first.service.addMember(user('boss'), { workspaceId: workspace.id, userId: 'dev', role: 'VIEWER' });
    expect(await first.access.allows(user('dev'), workspace.id, 'build:read')).toBe(true);
    await first.service.allotCluster(ADMIN, { workspaceId: workspace.id, clusterId: 'c1', namespaces: ['shop'] });
    expect((await first.cache.scopeFor(user('dev'))).allows('cluster:read', 'c1', 'shop')).toBe(true);
    await first.service.updateMember(user('boss'), { workspaceId: workspace.id, userId: 'dev', role: 'DEVOPS' });
    expect(await first.access.allows(user('dev'), workspace.id, 'build:run')).toBe(true);
    await first.service.removeMember(user('boss'), workspace.id, 'dev');
    expect(await first.access.allows(user('dev'), workspace.id, 'build:read')).toBe(false);
    expect((await first.cache.scopeFor(user('dev'))).visibleClusterIds()).toEqual(new Set());

    // The other replica dropped its cache on each announcement.
    second.stores.grantReads.length = 0;
    await second.cache.scopeFor(user('dev'));
    await first.service.delete(ADMIN, workspace.id);
    await second.cache.scopeFor(user('dev'));
    expect(second.stores.grantReads.filter((read) => read.startsWith('memberships:'))).toEqual(['memberships:dev', 'memberships:dev']);
  });

  test('an announcement lost with the bus is covered by age: a revoked right stops within the bound', async () => {
    // A replica whose bus delivers nothing (an outage), sharing the database with the one that changes rights.
    const deaf: ReturnType<typeof memoryAccessChanges> = { ...memoryAccessChanges(), listen: async () => async () => undefined };
    const writer = await setup();
    let now = 0;
    const reader = new AccessCache(createAccessResolver({ grants: writer.stores.grants }), deaf, silentLogger, { maxAgeMs: 5_000, now: () => now });
    await reader.start();
    const workspace = await team(writer.service, 'Team', { dev: 'VIEWER' });
    await writer.service.allotCluster(ADMIN, { workspaceId: workspace.id, clusterId: 'c1', namespaces: null });
    expect((await reader.scopeFor(user('dev'))).allows('cluster:read', 'c1')).toBe(true);

    await writer.service.removeMember(user('boss'), workspace.id, 'dev');
    now = 5_000;
    // Within the bound the old decision may still be used…
    expect((await reader.scopeFor(user('dev'))).allows('cluster:read', 'c1')).toBe(true);
    now = 5_001;
    // …past it, never.
    expect((await reader.scopeFor(user('dev'))).allows('cluster:read', 'c1')).toBe(false);
  });
});
