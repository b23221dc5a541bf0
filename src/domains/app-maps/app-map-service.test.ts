import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { AppMapService } from './app-map-service.js';
import { fakeClusters, FakeFeed, memoryAppMapStore, tableGate, type GateTable, type TestRole } from './memory-stores.test-support.js';

const ADMIN = { userId: null, systemRole: 'ADMIN' };
const DEVOPS = { userId: 'dev', systemRole: 'USER' };
const VIEWER = { userId: 'viewer', systemRole: 'USER' };
const STRANGER = { userId: 'stranger', systemRole: 'USER' };

function setup() {
  const table: GateTable = {
    roles: new Map<string, Map<string, TestRole>>([
      ['dev', new Map([['w1', 'DEVOPS']])],
      ['viewer', new Map([['w1', 'VIEWER']])],
      ['stranger', new Map([['w2', 'MANAGER']])],
    ]),
    allotments: new Map([
      [
        'w1',
        new Map<string, readonly string[] | null>([
          ['c1', ['shop', 'blog']],
          ['c2', null],
        ]),
      ],
      ['w2', new Map<string, readonly string[] | null>([['c1', ['billing']]])],
    ]),
  };
  const store = memoryAppMapStore();
  const feed = new FakeFeed();
  const service = new AppMapService({ store, gate: tableGate(table), clusters: fakeClusters(new Map(), new Map()), feed, now: () => new Date('2024-05-01T00:00:00Z') });
  return { service, store, feed };
}

const SHOP = { workspaceId: 'w1', clusterId: 'c1', namespace: 'shop', name: 'shop', stage: 'prod', selector: 'app in (web,api)' };

describe('application maps: who may do what', () => {
  test('DEVOPS creates, changes and deletes; every member reads; another team sees nothing, as if it did not exist', async () => {
    const { service, feed } = setup();
    const created = await service.create(DEVOPS, {
      ...SHOP,
      groups: [
        { name: 'front', selector: 'app=web' },
        { name: 'back', workloadNames: ['api', 'api'] },
      ],
    });
    expect(created).toMatchObject({
      stage: 'PROD',
      selector: 'app in (web,api)',
      releaseId: null,
      groups: [
        { name: 'front', selector: 'app=web', workloadNames: null },
        { name: 'back', selector: null, workloadNames: ['api'] },
      ],
    });
    expect(feed.announced).toEqual([created.id]);
    expect((await service.get(VIEWER, created.id)).name).toBe('shop');
    await expect(service.get(STRANGER, created.id)).rejects.toThrow(NotFoundError);
    await expect(service.update(STRANGER, { id: created.id, stage: 'DEV' })).rejects.toThrow(NotFoundError);
    await expect(service.update(VIEWER, { id: created.id, stage: 'DEV' })).rejects.toThrow(ForbiddenError);
    await expect(service.create(VIEWER, { ...SHOP, name: 'other' })).rejects.toThrow(ForbiddenError);
    await expect(service.create(STRANGER, SHOP)).rejects.toMatchObject({ code: 'NOT_FOUND', details: { field: 'workspaceId' } });
    expect(await service.list(STRANGER, {})).toEqual([]);
    await expect(service.list(STRANGER, { workspaceId: 'w1' })).rejects.toThrow(NotFoundError);

    const updated = await service.update(DEVOPS, { id: created.id, stage: 'Canary', selector: null, groups: null, description: 'the shop' });
    expect(updated).toMatchObject({ stage: 'Canary', selector: '', groups: [], description: 'the shop' });
    expect((await service.delete(DEVOPS, created.id)).id).toBe(created.id);
    await expect(service.get(ADMIN, created.id)).rejects.toThrow(NotFoundError);
  });

  test('only on clusters and namespaces allotted to the workspace', async () => {
    const { service, store } = setup();
    await expect(service.create(DEVOPS, { ...SHOP, clusterId: 'c9' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'clusterId' } });
    await expect(service.create(DEVOPS, { ...SHOP, namespace: 'billing' })).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'namespace' } });
    // The whole cluster allotted: any namespace.
    expect((await service.create(DEVOPS, { ...SHOP, clusterId: 'c2', namespace: 'anything' })).clusterId).toBe('c2');
    expect(store.rows.size).toBe(1);
  });

  test('a name the workspace uses in that namespace of that cluster is CONFLICT; elsewhere it is the same application, side by side', async () => {
    const { service } = setup();
    await service.create(DEVOPS, SHOP);
    await expect(service.create(DEVOPS, SHOP)).rejects.toThrow(ConflictError);
    await service.create(DEVOPS, { ...SHOP, clusterId: 'c2' });
    await service.create(DEVOPS, { ...SHOP, namespace: 'blog' });
    const blog = await service.create(DEVOPS, { ...SHOP, namespace: 'blog', name: 'blog' });
    await expect(service.update(DEVOPS, { id: blog.id, name: 'shop' })).rejects.toMatchObject({ code: 'CONFLICT', details: { field: 'name' } });
    expect((await service.list(VIEWER, { name: 'shop' })).map((map) => `${map.clusterId}/${map.namespace}`).sort()).toEqual(['c1/blog', 'c1/shop', 'c2/shop']);
    expect((await service.list(VIEWER, { clusterId: 'c2' })).map((map) => map.name)).toEqual(['shop']);
  });

  test.each([
    ['a name in capitals', { name: 'Shop' }, 'name'],
    ['a name of 64 characters', { name: 'x'.repeat(64) }, 'name'],
    ['a namespace that is no DNS label', { namespace: 'Not_A_Namespace' }, 'namespace'],
    ['an empty stage', { stage: '' }, 'stage'],
    ['a stage of 33 characters', { stage: 'x'.repeat(33) }, 'stage'],
    ['a selector cut short', { selector: 'app in (web' }, 'selector'],
    ['a selector value of 70 characters', { selector: 'app==' + 'x'.repeat(70) }, 'selector'],
    ['a description of 2001 characters', { description: 'x'.repeat(2001) }, 'description'],
    ['a group with neither selector nor names', { groups: [{ name: 'front' }] }, 'groups.0'],
    ['a group with both', { groups: [{ name: 'front', selector: 'app=web', workloadNames: ['web'] }] }, 'groups.0'],
    ['a group with an empty selector', { groups: [{ name: 'front', selector: '' }] }, 'groups.0.selector'],
    [
      'two groups of one name',
      {
        groups: [
          { name: 'front', selector: 'app=web' },
          { name: 'front', selector: 'app=api' },
        ],
      },
      'groups.1.name',
    ],
    ['a group naming no workload name', { groups: [{ name: 'back', workloadNames: ['Not A Name'] }] }, 'groups.0.workloadNames'],
    ['21 groups', { groups: Array.from({ length: 21 }, (_, index) => ({ name: `g${index}`, selector: 'app=web' })) }, 'groups'],
  ] as const)('%s is BAD_USER_INPUT naming %s, and nothing is written', async (_label, change, field) => {
    const { service, store, feed } = setup();
    const error = await service.create(DEVOPS, { ...SHOP, ...change }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadInputError);
    expect((error as BadInputError).details).toEqual({ field });
    expect(store.rows.size).toBe(0);
    expect(feed.announced).toEqual([]);
  });

  test('standard stages are written in capitals whatever the case; a workspace’s own stage as given', async () => {
    const { service } = setup();
    expect((await service.create(DEVOPS, { ...SHOP, stage: 'Staging' })).stage).toBe('STAGING');
    expect((await service.create(DEVOPS, { ...SHOP, name: 'qa', stage: 'QA 2' })).stage).toBe('QA 2');
  });

  test('the picture of a map whose cluster is gone is MISSING, and reading it touches nothing', async () => {
    const { service } = setup();
    const created = await service.create(DEVOPS, SHOP);
    expect((await service.picture(created)).health).toEqual({ status: 'MISSING', reason: 'its cluster is not registered any more' });
  });
});
