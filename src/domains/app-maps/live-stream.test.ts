import { BadInputError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { openMapStream, type AppMapUpdate, type MapStreamDeps } from './live-stream.js';
import { fakeClusters, FakeFeed, memoryAppMapStore, tableGate, type GateTable, type TestRole } from './memory-stores.test-support.js';
import type { ClusterFacts, MapPod, MapWorkload, NamespaceObjects } from './objects.js';
import type { AppMapRecord } from './records.js';
import { pod, workload } from './test-objects.test-support.js';

const ALICE = { userId: 'alice', systemRole: 'USER' };

function record(id: string, clusterId: string, selector: string): AppMapRecord {
  return {
    id,
    workspaceId: 'w1',
    clusterId,
    namespace: 'shop',
    name: id,
    description: '',
    stage: 'PROD',
    selector,
    groups: [],
    releaseId: null,
    continuousDeployment: false,
    createdAt: new Date(0),
    updatedAt: new Date(0),
  };
}

interface World {
  readonly deps: MapStreamDeps;
  readonly feed: FakeFeed;
  readonly table: GateTable;
  readonly store: ReturnType<typeof memoryAppMapStore>;
  readonly objects: Map<string, NamespaceObjects>;
}

function world(): World {
  const store = memoryAppMapStore();
  store.rows.set('web', record('web', 'c1', 'app=web'));
  store.rows.set('api', record('api', 'c2', 'app=api'));
  const facts = new Map<string, ClusterFacts>([
    ['c1', { id: 'c1', name: 'acorn', provider: 'ON_PREMISE', region: 'Seoul', state: 'RUNNING' }],
    ['c2', { id: 'c2', name: 'gke', provider: 'GKE', region: 'Tokyo', state: 'RUNNING' }],
  ]);
  const objects = new Map<string, NamespaceObjects>([
    ['c1/shop', { workloads: [web(2, '10')], pods: [], services: [], claims: [], events: [] }],
    ['c2/shop', { workloads: [workload({ name: 'api', uid: 'api-uid', resourceVersion: '5' })], pods: [], services: [], claims: [], events: [] }],
  ]);
  const table: GateTable = {
    roles: new Map<string, Map<string, TestRole>>([['alice', new Map([['w1', 'VIEWER']])]]),
    allotments: new Map([
      [
        'w1',
        new Map<string, readonly string[] | null>([
          ['c1', ['shop']],
          ['c2', null],
        ]),
      ],
    ]),
  };
  const feed = new FakeFeed();
  return { deps: { store, gate: tableGate(table), clusters: fakeClusters(facts, objects), feed, now: () => new Date('2024-05-01T00:00:00Z') }, feed, table, store, objects };
}

function web(updated: number, resourceVersion: string, overrides: Partial<MapWorkload> = {}): MapWorkload {
  return workload({ name: 'web', uid: 'web-uid', desired: 2, updated, available: updated, ready: updated, totalReplicas: 2, resourceVersion, ...overrides });
}

function webChange(updated: number, resourceVersion: string, overrides: Partial<MapWorkload> = {}) {
  return { source: 'workloads' as const, clusterId: 'c1', type: 'MODIFIED' as const, object: web(updated, resourceVersion, overrides) };
}

async function nextOf(stream: AsyncIterableIterator<AppMapUpdate>): Promise<AppMapUpdate> {
  const result = await stream.next();
  if (result.done === true) throw new Error('the stream ended');
  return result.value;
}

describe('appMapEvents, folded from the bus', () => {
  test('opens one feed for the maps’ namespaces on every cluster; reports only changes of verdict or replicas', async () => {
    const { deps, feed } = world();
    const stream = await openMapStream(deps, ALICE, ['web', 'api', 'web'], null);
    expect(feed.opened[0]?.targets).toEqual([
      { clusterId: 'c2', namespace: 'shop' },
      { clusterId: 'c1', namespace: 'shop' },
    ]);
    expect(feed.opened[0]?.appMapIds).toEqual(['api', 'web']);

    // A change that alters nothing the stream reports (a label) is not news; a rollout is.
    feed.push(webChange(2, '11', { labels: { app: 'web', touched: 'yes' } }));
    feed.push(webChange(1, '12'));
    const rolling = await nextOf(stream);
    expect(rolling).toMatchObject({
      map: { id: 'web' },
      status: { health: { status: 'PROGRESSING', reason: 'Deployment web: rolling out: 1 of 2 replicas updated' }, replicas: { desired: 2, updated: 1 } },
      previousHealth: { status: 'HEALTHY' },
      deleted: false,
    });
    feed.push(webChange(2, '13'));
    const done = await nextOf(stream);
    expect(done.status.health.status).toBe('HEALTHY');
    expect(done.previousHealth?.status).toBe('PROGRESSING');
    expect(done.cursor).not.toBe(rolling.cursor);
    await stream.return?.();
    expect(feed.closed).toBe(true);
  });

  test('a burst of changes already waiting is drawn once: a rollout that ends where it began within the burst is no news', async () => {
    const { deps, feed } = world();
    const stream = await openMapStream(deps, ALICE, ['web'], null);
    feed.push(webChange(1, '11'));
    feed.push(webChange(2, '12'));
    const next = stream.next();
    feed.push(webChange(0, '13'));
    const reported = await next;
    expect(reported.done === true ? undefined : reported.value.status.replicas.updated).toBe(0);
  });

  test('a stale change (an older resourceVersion than the cache holds) changes nothing', async () => {
    const { deps, feed } = world();
    const stream = await openMapStream(deps, ALICE, ['web'], null);
    feed.push(webChange(0, '9'));
    feed.push(webChange(1, '11'));
    expect((await nextOf(stream)).status.replicas.updated).toBe(1);
  });

  test('a pod change redraws the map: a crash-looping pod degrades it', async () => {
    const { deps, feed } = world();
    const stream = await openMapStream(deps, ALICE, ['web'], null);
    const crashing: MapPod = pod({
      name: 'web-1',
      labels: { app: 'web' },
      ready: false,
      containers: [{ name: 'web', image: 'x:simulate-crash', ready: false, restartCount: 1, state: 'waiting', reason: 'CrashLoopBackOff' }],
    });
    feed.push({ source: 'pods', clusterId: 'c1', type: 'ADDED', object: crashing });
    expect((await nextOf(stream)).status.health).toEqual({ status: 'DEGRADED', reason: 'Pod web-1: container web is crash-looping' });
    feed.push({ source: 'pods', clusterId: 'c1', type: 'DELETED', object: { ...crashing, resourceVersion: '2' } });
    expect((await nextOf(stream)).status.health.status).toBe('HEALTHY');
  });

  test('a cluster going unreachable makes its maps MISSING, naming it; back again, they are drawn from the relisted cache', async () => {
    const { deps, feed, objects } = world();
    const stream = await openMapStream(deps, ALICE, ['web', 'api'], null);
    feed.push({ source: 'cluster', clusterId: 'c2', state: 'UNREACHABLE', reason: 'connection refused' });
    expect(await nextOf(stream)).toMatchObject({ map: { id: 'api' }, status: { health: { status: 'MISSING', reason: 'cluster gke is unreachable: connection refused' } } });
    objects.set('c2/shop', { workloads: [workload({ name: 'api', uid: 'api-uid', resourceVersion: '9', updated: 0 })], pods: [], services: [], claims: [], events: [] });
    feed.push({ source: 'cluster', clusterId: 'c2', state: 'RUNNING' });
    expect((await nextOf(stream)).status.health).toMatchObject({ status: 'PROGRESSING' });
  });

  test('a map changed or deleted elsewhere: redrawn with its new selector; deleted, a last event, then the stream ends with no map left', async () => {
    const { deps, feed, store } = world();
    const stream = await openMapStream(deps, ALICE, ['web'], null);
    store.rows.set('web', { ...store.rows.get('web')!, selector: 'app=nothing' });
    feed.push({ source: 'map', appMapId: 'web' });
    expect((await nextOf(stream)).status.health).toEqual({ status: 'MISSING', reason: 'no workload in namespace shop matches app=nothing' });
    store.rows.delete('web');
    feed.push({ source: 'map', appMapId: 'web' });
    expect(await nextOf(stream)).toMatchObject({ deleted: true, status: { health: { status: 'MISSING', reason: 'the application map was deleted' } } });
    expect((await stream.next()).done).toBe(true);
  });

  test('resumed with a cursor: first the maps whose state changed since, then live', async () => {
    const { deps, feed } = world();
    const first = await openMapStream(deps, ALICE, ['web', 'api'], null);
    feed.push(webChange(1, '11'));
    const seen = await nextOf(first);
    await first.return?.();

    // Meanwhile web finished its rollout; api did not change.
    const later = world();
    later.objects.set('c1/shop', { workloads: [web(2, '20')], pods: [], services: [], claims: [], events: [] });
    const resumed = await openMapStream(later.deps, ALICE, ['api', 'web'], seen.cursor);
    const caughtUp = await nextOf(resumed);
    expect(caughtUp).toMatchObject({ map: { id: 'web' }, status: { health: { status: 'HEALTHY' } }, previousHealth: null });
    later.feed.push({ source: 'workloads', clusterId: 'c2', type: 'MODIFIED', object: workload({ name: 'api', uid: 'api-uid', resourceVersion: '6', updated: 1 }) });
    expect((await nextOf(resumed)).map.id).toBe('api');

    // Nothing changed since a cursor: nothing to catch up on.
    const quiet = world();
    quiet.objects.set('c1/shop', { workloads: [web(2, '20')], pods: [], services: [], claims: [], events: [] });
    const again = await openMapStream(quiet.deps, ALICE, ['api', 'web'], caughtUp.cursor);
    quiet.feed.push(webChange(1, '21'));
    expect((await nextOf(again)).status.replicas.updated).toBe(1);
  });

  test('bad cursors and bad id lists are BAD_USER_INPUT; another team’s map and a missing one are the same NOT_FOUND', async () => {
    const { deps, store } = world();
    await expect(openMapStream(deps, ALICE, ['web'], 'bm90LWEtY3Vyc29y')).rejects.toThrow(BadInputError);
    const stream = await openMapStream(deps, ALICE, ['web'], null);
    await stream.return?.();
    await expect(openMapStream(deps, ALICE, [], null)).rejects.toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'appMapIds' } });
    await expect(
      openMapStream(
        deps,
        ALICE,
        Array.from({ length: 51 }, (_, index) => `m${index}`),
        null,
      ),
    ).rejects.toThrow(BadInputError);
    store.rows.set('theirs', { ...record('theirs', 'c1', 'app=web'), workspaceId: 'w2' });
    const theirs = await openMapStream(deps, ALICE, ['theirs'], null).catch((error: unknown) => error);
    const missing = await openMapStream(deps, ALICE, ['nope'], null).catch((error: unknown) => error);
    expect(theirs).toBeInstanceOf(NotFoundError);
    expect((theirs as NotFoundError).details).toEqual({ id: 'theirs', field: 'appMapIds' });
    expect((missing as NotFoundError).code).toBe('NOT_FOUND');
  });

  test('a caller who left the map’s workspace gets FORBIDDEN at the next event, which ends the stream', async () => {
    const { deps, feed, table } = world();
    const stream = await openMapStream(deps, ALICE, ['web'], null);
    table.roles.get('alice')!.delete('w1');
    feed.push(webChange(1, '11'));
    await expect(stream.next()).rejects.toThrow(ForbiddenError);
    expect(feed.closed).toBe(true);
  });
});
