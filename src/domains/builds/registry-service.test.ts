import { DomainError } from '../../shared/errors.js';
import { memoryRegistryStore, tableGate } from './memory-stores.test-support.js';
import type { PrincipalLike, RegistryApi, RegistryStore, WorkspaceGate } from './ports.js';
import type { RegistryRecord } from './records.js';
import { RegistryService } from './registry-service.js';

function service(store: RegistryStore, gate?: WorkspaceGate, repositories?: readonly string[]): RegistryService {
  const unused = () => {
    throw new Error('not used by ensureBuiltin');
  };
  return new RegistryService({
    store,
    api: { check: unused, repositories: repositories === undefined ? unused : async () => [...repositories], tags: unused, manifest: unused } satisfies RegistryApi,
    sealer: { seal: (text) => text, open: (text) => text },
    gate: gate ?? ({ exists: unused, allows: unused, allowedAmong: unused, clusterAllotted: unused, isSystemAdmin: unused, slugOf: unused } satisfies WorkspaceGate),
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
}

const registry = (overrides: Partial<RegistryRecord>): RegistryRecord => ({
  id: 'r1',
  name: 'platform',
  url: 'http://127.0.0.1:5000',
  kind: 'BUILTIN',
  username: null,
  sealedPassword: null,
  createdAt: new Date(0),
  ...overrides,
});

describe('RegistryService.ensureBuiltin', () => {
  it('registers the platform registry once, then returns it as it is', async () => {
    const store = memoryRegistryStore([]);
    const first = await service(store).ensureBuiltin('http://127.0.0.1:5000/v2/');
    expect(first).toMatchObject({ name: 'platform', kind: 'BUILTIN', url: 'http://127.0.0.1:5000' });
    expect(await service(store).ensureBuiltin('http://127.0.0.1:5000')).toEqual(first);
    expect(store.rows).toHaveLength(1);
  });

  it('follows a new address (the simulated registry gets a new port each start), keeping the row', async () => {
    const store = memoryRegistryStore([registry({})]);
    const moved = await service(store).ensureBuiltin('http://127.0.0.1:6001');
    expect(moved).toMatchObject({ id: 'r1', url: 'http://127.0.0.1:6001' });
    expect(store.rows).toEqual([registry({ url: 'http://127.0.0.1:6001' })]);
  });

  it('never re-points a registry someone created under the name platform', async () => {
    const store = memoryRegistryStore([registry({ kind: 'PRIVATE', username: 'me' })]);
    await expect(service(store).ensureBuiltin('http://127.0.0.1:6001')).rejects.toThrow(/a PRIVATE registry named "platform" already exists/);
    expect(store.rows[0]?.url).toBe('http://127.0.0.1:5000');
  });
});

describe('RegistryService: who sees which registries', () => {
  const gate = tableGate({ workspaces: ['w1', 'w2'], admins: ['root'], grants: { viewer: { w1: ['build:read'] }, outsider: { w2: ['build:read', 'build:run'] } }, allotted: [] });
  const as = (userId: string): PrincipalLike => ({ userId, systemRole: 'USER' });
  const setup = async () => {
    const store = memoryRegistryStore([registry({}), registry({ id: 'r2', name: 'team-private', kind: 'PRIVATE' })]);
    const registries = service(store, gate);
    await registries.allot('w1', 'r2');
    return registries;
  };
  const codeOf = async (promise: Promise<unknown>): Promise<string> => {
    try {
      await promise;
      return 'OK';
    } catch (error) {
      if (error instanceof DomainError) return error.code;
      throw error;
    }
  };

  it('lists every registry to a system administrator only', async () => {
    const registries = await setup();
    expect((await registries.list(as('root'))).map((record) => record.name)).toEqual(['platform', 'team-private']);
    expect(await registries.list(as('viewer'))).toEqual([]);
    expect(await registries.list({ userId: null, systemRole: 'USER' })).toEqual([]);
  });

  it("shows a workspace's registries to those who may read its builds; to everyone else it is as missing as an unknown workspace", async () => {
    const registries = await setup();
    expect((await registries.listForWorkspace(as('viewer'), 'w1')).map((record) => record.name)).toEqual(['team-private']);
    expect(await registries.listForWorkspace(as('outsider'), 'w2')).toEqual([]);
    expect(await codeOf(registries.listForWorkspace(as('outsider'), 'w1'))).toBe('NOT_FOUND');
    expect(await codeOf(registries.listForWorkspace(as('outsider'), 'nowhere'))).toBe('NOT_FOUND');
  });

  it('allots only an existing registry to an existing workspace, under its slug unless a project is named', async () => {
    const registries = await setup();
    expect(await codeOf(registries.allot('nowhere', 'r1'))).toBe('NOT_FOUND');
    expect(await codeOf(registries.allot('w2', 'no-such-registry'))).toBe('NOT_FOUND');
    expect((await registries.allot('w2', 'r1')).project).toBe('team-w2');
    expect((await registries.listForWorkspace(as('outsider'), 'w2')).map((record) => record.name)).toEqual(['platform']);
    // Allotted again without a project: it keeps the one it has.
    expect((await registries.allot('w2', 'r2', 'acme')).project).toBe('acme');
    expect((await registries.allot('w2', 'r2')).project).toBe('acme');
  });

  it('refuses a project another workspace owns in the registry, and a project that is not one path component', async () => {
    const registries = await setup();
    await registries.allot('w2', 'r1');
    const taken = await registries.allot('w1', 'r1', 'team-w2').catch((error: unknown) => error);
    expect(taken).toMatchObject({ code: 'CONFLICT', details: { field: 'project' } });
    for (const project of ['a/b', 'Upper', '', '-dash']) {
      expect(await registries.allot('w1', 'r1', project).catch((error: unknown) => error)).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'project' } });
    }
    expect(await registries.projectNames(as('root'), 'r1')).toEqual(['team-w2']);
  });

  it("shows each caller the repositories of their workspaces' projects only; another team's is as missing as one that is not there", async () => {
    const store = memoryRegistryStore([registry({})]);
    const registries = service(store, gate, ['team-w1/web', 'team-w1/api', 'team-w2/shop', 'team-w1', 'loose/tool']);
    await registries.allot('w1', 'r1');
    await registries.allot('w2', 'r1');
    const platform = registry({});
    expect(await registries.repositoryNames(as('viewer'), platform)).toEqual(['team-w1/api', 'team-w1/web']);
    expect(await registries.repositoryNames(as('outsider'), platform)).toEqual(['team-w2/shop']);
    expect(await registries.repositoryNames(as('root'), platform)).toEqual(['loose/tool', 'team-w1', 'team-w1/api', 'team-w1/web', 'team-w2/shop']);
    expect(await registries.repository(as('viewer'), platform, 'team-w2/shop')).toBeNull();
    expect(await registries.repository(as('viewer'), platform, 'team-w1/missing')).toBeNull();
    expect(await registries.repository(as('viewer'), platform, 'team-w1/web')).toMatchObject({ name: 'team-w1/web' });
    expect(await registries.projectNames(as('viewer'), 'r1')).toEqual(['team-w1']);
    expect(await registries.projectNames(as('root'), 'r1')).toEqual(['team-w1', 'team-w2']);
  });
});
