import { KubeApiError } from './kube-transport.js';
import { Reflector, type ReflectorEvent, type ReflectorOptions, type ReflectorState } from './reflector.js';
import { FakeApiServer } from '../../../test/support/k8s/fake-api-server.js';
import { waitFor } from '../../../test/support/k8s/wait-for.js';
import { asRecord, asString, metadataOf } from './raw-object.js';

interface Thing {
  readonly uid: string;
  readonly name: string;
  readonly resourceVersion: string;
  readonly value: string;
}

/** Annotations are deliberately not projected: changing only them must not produce MODIFIED. */
function projectThing(raw: unknown): Thing {
  const metadata = metadataOf(raw);
  return {
    uid: asString(metadata['uid']) ?? '',
    name: asString(metadata['name']) ?? '',
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    value: asString(asRecord(asRecord(raw)['spec'])['value']) ?? '',
  };
}

interface Harness {
  readonly server: FakeApiServer;
  readonly reflector: Reflector<Thing>;
  readonly events: ReflectorEvent<Thing>[];
  readonly states: ReflectorState[];
  readonly described: () => string[];
}

const running: Reflector<Thing>[] = [];

function startReflector(server: FakeApiServer, overrides: Partial<ReflectorOptions<Thing>> = {}): Harness {
  const events: ReflectorEvent<Thing>[] = [];
  const states: ReflectorState[] = [];
  const reflector = new Reflector<Thing>({
    listPath: '/api/v1/things',
    transport: server,
    project: projectThing,
    keyOf: (thing) => thing.name,
    identityOf: (thing) => thing.uid,
    onEvent: (event) => events.push(event),
    onStateChange: (state) => states.push(state),
    backoff: { initialMs: 1, maxMs: 5, jitter: 0.5 },
    watchDeadlineMs: 60_000,
    pageSize: 2,
    ...overrides,
  });
  running.push(reflector);
  reflector.start();
  return {
    server,
    reflector,
    events,
    states,
    described: () => events.map((event) => `${event.type} ${event.object.name}=${event.object.value}`),
  };
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((reflector) => reflector.stop()));
});

describe('Reflector', () => {
  it('lists in pages, emits ADDED for each object and watches from the list resourceVersion with bookmarks', async () => {
    const server = new FakeApiServer();
    for (const name of ['a', 'b', 'c', 'd', 'e']) server.put(name, '1');
    const { reflector, described, states } = startReflector(server);

    await waitFor(() => server.watchRequests.length === 1, 'first watch');
    expect(described()).toEqual(['ADDED a=1', 'ADDED b=1', 'ADDED c=1', 'ADDED d=1', 'ADDED e=1']);
    expect(reflector.hasSynced).toBe(true);
    expect(states).toEqual([{ synced: true, healthy: true }]);
    expect(server.listCalls).toBe(3);
    expect(server.watchRequests[0]).toEqual({ resourceVersion: '5', timeoutSeconds: 300, allowWatchBookmarks: true });
    expect(reflector.items().map((thing) => thing.name)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('applies watch events and suppresses a MODIFIED whose projection did not change', async () => {
    const server = new FakeApiServer();
    server.put('a', '1');
    const { reflector, described } = startReflector(server);
    await waitFor(() => server.activeWatches === 1, 'watching');

    server.put('b', '1');
    server.put('a', '1', { touched: 'yes' });
    server.put('a', '2');
    server.remove('b');
    await waitFor(() => reflector.lastResourceVersion === '5', 'caught up to rv 5');

    expect(described()).toEqual(['ADDED a=1', 'ADDED b=1', 'MODIFIED a=2', 'DELETED b=1']);
    expect(reflector.get('a')?.resourceVersion).toBe('4');
    expect(reflector.get('b')).toBeUndefined();
  });

  it('resumes from the last seen resourceVersion after a cut, so every change arrives exactly once', async () => {
    const server = new FakeApiServer();
    const { reflector, described } = startReflector(server);
    await waitFor(() => server.activeWatches === 1, 'watching');

    server.put('a', '1');
    await waitFor(() => reflector.lastResourceVersion === '1', 'saw a');
    server.cutWatches();
    server.put('b', '1');
    server.put('a', '2');
    await waitFor(() => reflector.lastResourceVersion === '3', 'caught up after cut');

    expect(server.listCalls).toBe(1);
    expect(server.watchRequests.map((request) => request.resourceVersion)).toEqual(['0', '1']);
    expect(described()).toEqual(['ADDED a=1', 'ADDED b=1', 'MODIFIED a=2']);
  });

  it('moves its resume point forward on bookmarks', async () => {
    const server = new FakeApiServer();
    server.put('a', '1');
    const { reflector } = startReflector(server, { listPath: '/x' });
    await waitFor(() => server.activeWatches === 1, 'watching');
    server.put('other-kind-noise', '1');
    server.bookmark();
    await waitFor(() => reflector.lastResourceVersion === '2', 'bookmark applied');
    server.cutWatches();
    await waitFor(() => server.watchRequests.length === 2, 'resumed');
    expect(server.watchRequests[1]?.resourceVersion).toBe('2');
  });

  it.each(['event', 'http'] as const)('on 410 Gone (%s) relists once and turns the difference into events', async (goneAs) => {
    const server = new FakeApiServer();
    server.goneAs = goneAs;
    server.put('kept', '1');
    server.put('changed', '1');
    server.put('deleted', '1');
    server.put('recreated', '1');
    const { reflector, events, described } = startReflector(server);
    await waitFor(() => server.activeWatches === 1, 'watching');
    const initial = events.length;

    server.setSilent(true);
    server.cutWatches();
    server.setSilent(false);
    // Changes happen while we are away, then the history we would resume from is compacted.
    server.put('changed', '2');
    server.put('kept', '1', { noise: 'only' });
    server.remove('deleted');
    server.remove('recreated');
    server.put('recreated', '1');
    server.put('new', '1');
    server.compact();

    // Initial list: 2 pages of 2; the single relist: 2 pages again.
    await waitFor(() => server.listCalls === 4 && server.activeWatches === 1, 'relisted and watching again');
    expect(described().slice(initial).sort()).toEqual(['ADDED new=1', 'ADDED recreated=1', 'DELETED deleted=1', 'DELETED recreated=1', 'MODIFIED changed=2'].sort());
    expect(server.listCalls).toBe(4);
    expect(
      reflector
        .items()
        .map((thing) => thing.name)
        .sort(),
    ).toEqual(['changed', 'kept', 'new', 'recreated']);
    // What /metrics counts: one 410, one list after the first (a list of two pages is one list).
    expect(reflector.counters).toEqual({ relists: 1, gone: 1 });
  });

  it('reports unhealthy with the error while the list fails, retries with backoff, and recovers', async () => {
    const server = new FakeApiServer();
    server.put('a', '1');
    server.listError = new Error('connect ECONNREFUSED');
    const { reflector, states, described } = startReflector(server);

    await waitFor(() => server.listCalls >= 3, 'several list attempts');
    expect(reflector.currentState).toEqual({ synced: false, healthy: false, error: 'connect ECONNREFUSED' });
    expect(described()).toEqual([]);

    server.listError = undefined;
    await waitFor(() => reflector.hasSynced, 'synced after recovery');
    expect(states).toEqual([
      { synced: false, healthy: false, error: 'connect ECONNREFUSED' },
      { synced: true, healthy: true },
    ]);
    expect(described()).toEqual(['ADDED a=1']);
  });

  it('goes unhealthy when the watch cannot reconnect and healthy again once it does, without relisting', async () => {
    const server = new FakeApiServer();
    const { reflector, described } = startReflector(server);
    await waitFor(() => server.activeWatches === 1, 'watching');

    server.watchConnectError = new Error('fetch failed');
    server.cutWatches();
    await waitFor(() => !reflector.currentState.healthy, 'unhealthy');
    server.put('a', '1');
    server.watchConnectError = undefined;
    await waitFor(() => reflector.currentState.healthy && reflector.get('a') !== undefined, 'healthy and caught up');
    expect(server.listCalls).toBe(1);
    expect(described()).toEqual(['ADDED a=1']);
  });

  it('destroys a watch that stays silent past the deadline and resumes, delivering what happened meanwhile', async () => {
    const server = new FakeApiServer();
    const { reflector, described } = startReflector(server, { watchDeadlineMs: 50 });
    await waitFor(() => server.activeWatches === 1, 'watching');

    server.setSilent(true);
    server.put('a', '1');
    server.setSilent(false);
    await waitFor(() => reflector.get('a') !== undefined, 'event delivered after the deadline');
    expect(server.watchRequests.length).toBeGreaterThanOrEqual(2);
    expect(server.listCalls).toBe(1);
    expect(described()).toEqual(['ADDED a=1']);
  });

  it('does not relist in a tight loop when every watch is Gone', async () => {
    const server = new FakeApiServer();
    let compactions = 0;
    const original = server.watch.bind(server);
    server.watch = async (path, request, callbacks) => {
      server.compact();
      compactions += 1;
      return original(path, { ...request, resourceVersion: '-1' }, callbacks);
    };
    server.put('a', '1');
    const { reflector } = startReflector(server, { backoff: { initialMs: 5, maxMs: 20, jitter: 0 } });
    await waitFor(() => compactions >= 4, 'several Gone watches');
    // Each Gone watch straight after a relist waits a backoff: lists never outrun watches.
    expect(server.listCalls).toBeLessThanOrEqual(compactions + 1);
    expect(reflector.items()).toHaveLength(1);
  });

  it('fires no callback after stop and aborts the watch', async () => {
    const server = new FakeApiServer();
    const { reflector, events, states } = startReflector(server);
    await waitFor(() => server.activeWatches === 1, 'watching');
    await reflector.stop();
    const counts = [events.length, states.length];
    server.put('a', '1');
    server.listError = new KubeApiError(500, 'boom');
    expect(server.activeWatches).toBe(0);
    expect([events.length, states.length]).toEqual(counts);
  });

  it('stops cleanly when stop lands between the list and the first watch', async () => {
    const server = new FakeApiServer();
    let stopping: Promise<void> | undefined;
    const harness: { reflector?: Reflector<Thing> } = {};
    harness.reflector = startReflector(server, {
      onStateChange: (state) => {
        if (state.synced) stopping = harness.reflector?.stop();
      },
    }).reflector;
    await waitFor(() => stopping !== undefined, 'synced');
    await stopping;
    expect(server.watchRequests).toHaveLength(0);
  });
});
