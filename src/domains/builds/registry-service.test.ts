import { DomainError } from '../../shared/errors.js';
import { memoryRegistryStore, tableGate } from './memory-stores.test-support.js';
import type { PrincipalLike, RegistryApi, RegistryStore, WorkspaceGate } from './ports.js';
import type { RegistryRecord } from './records.js';
import { RegistryService } from './registry-service.js';

function service(store: RegistryStore, gate?: WorkspaceGate): RegistryService {
  const unused = () => {
    throw new Error('not used by ensureBuiltin');
  };
  return new RegistryService({
    store,
    api: { check: unused, repositories: unused, tags: unused, manifest: unused } satisfies RegistryApi,
    sealer: { seal: (text) => text, open: (text) => text },
    gate: gate ?? ({ exists: unused, allows: unused, allowedAmong: unused, clusterAllotted: unused, isSystemAdmin: unused } satisfies WorkspaceGate),
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

  it("shows a workspace's registries to those who may read its builds, and refuses everyone else", async () => {
    const registries = await setup();
    expect((await registries.listForWorkspace(as('viewer'), 'w1')).map((record) => record.name)).toEqual(['team-private']);
    expect(await registries.listForWorkspace(as('outsider'), 'w2')).toEqual([]);
    expect(await codeOf(registries.listForWorkspace(as('outsider'), 'w1'))).toBe('FORBIDDEN');
  });

  it('allots only an existing registry to an existing workspace', async () => {
    const registries = await setup();
    expect(await codeOf(registries.allot('nowhere', 'r1'))).toBe('NOT_FOUND');
    expect(await codeOf(registries.allot('w2', 'no-such-registry'))).toBe('NOT_FOUND');
    await registries.allot('w2', 'r1');
    expect((await registries.listForWorkspace(as('outsider'), 'w2')).map((record) => record.name)).toEqual(['platform']);
  });
});
