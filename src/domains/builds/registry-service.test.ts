import type { RegistryApi, RegistryStore, WorkspaceGate } from './ports.js';
import type { RegistryRecord } from './records.js';
import { RegistryService } from './registry-service.js';

function memoryStore(initial: RegistryRecord[]): RegistryStore & { rows: RegistryRecord[] } {
  const rows = [...initial];
  return {
    rows,
    list: async () => [...rows],
    findById: async (id) => rows.find((row) => row.id === id) ?? null,
    findByIds: async (ids) => rows.filter((row) => ids.includes(row.id)),
    insert: async (record) => {
      if (rows.some((row) => row.name === record.name)) return 'duplicate-name';
      rows.push(record);
      return 'inserted';
    },
    updateUrl: async (id, url) => {
      const index = rows.findIndex((row) => row.id === id);
      const row = rows[index];
      if (row !== undefined) rows[index] = { ...row, url };
    },
    allot: async () => undefined,
    isAllotted: async () => false,
    listByWorkspaces: async () => new Map(),
  };
}

function service(store: RegistryStore): RegistryService {
  const unused = () => {
    throw new Error('not used by ensureBuiltin');
  };
  return new RegistryService({
    store,
    api: { check: unused, repositories: unused, tags: unused, manifest: unused } as RegistryApi,
    sealer: { seal: (text) => text, open: (text) => text },
    gate: { exists: unused, allows: unused, allowedAmong: unused, clusterAllotted: unused } as WorkspaceGate,
    now: () => new Date('2026-01-01T00:00:00Z'),
  });
}

const registry = (overrides: Partial<RegistryRecord>): RegistryRecord => ({ id: 'r1', name: 'platform', url: 'http://127.0.0.1:5000', kind: 'BUILTIN', username: null, sealedPassword: null, createdAt: new Date(0), ...overrides });

describe('RegistryService.ensureBuiltin', () => {
  it('registers the platform registry once, then returns it as it is', async () => {
    const store = memoryStore([]);
    const first = await service(store).ensureBuiltin('http://127.0.0.1:5000/v2/');
    expect(first).toMatchObject({ name: 'platform', kind: 'BUILTIN', url: 'http://127.0.0.1:5000' });
    expect(await service(store).ensureBuiltin('http://127.0.0.1:5000')).toEqual(first);
    expect(store.rows).toHaveLength(1);
  });

  it('follows a new address (the simulated registry gets a new port each start), keeping the row', async () => {
    const store = memoryStore([registry({})]);
    const moved = await service(store).ensureBuiltin('http://127.0.0.1:6001');
    expect(moved).toMatchObject({ id: 'r1', url: 'http://127.0.0.1:6001' });
    expect(store.rows).toEqual([registry({ url: 'http://127.0.0.1:6001' })]);
  });

  it('never re-points a registry someone created under the name platform', async () => {
    const store = memoryStore([registry({ kind: 'PRIVATE', username: 'me' })]);
    await expect(service(store).ensureBuiltin('http://127.0.0.1:6001')).rejects.toThrow(/a PRIVATE registry named "platform" already exists/);
    expect(store.rows[0]?.url).toBe('http://127.0.0.1:5000');
  });
});
