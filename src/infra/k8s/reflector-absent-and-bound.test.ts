/** The reflector's handling of kinds a cluster does not serve or forbids, and of bounded caches. */
import { KubeApiError } from './kube-transport.js';
import { asRecord, asString, metadataOf } from './raw-object.js';
import { Reflector, type ReflectorEvent, type ReflectorOptions, type ReflectorState } from './reflector.js';
import { FakeApiServer } from '../../../test/support/k8s/fake-api-server.js';
import { waitFor } from '../../../test/support/k8s/wait-for.js';

interface Note {
  readonly uid: string;
  readonly name: string;
  readonly namespace: string;
  readonly resourceVersion: string;
  readonly at: string;
}

function projectNote(raw: unknown): Note {
  const metadata = metadataOf(raw);
  return {
    uid: asString(metadata['uid']) ?? '',
    name: asString(metadata['name']) ?? '',
    namespace: asString(metadata['namespace']) ?? '',
    resourceVersion: asString(metadata['resourceVersion']) ?? '',
    at: asString(asRecord(raw)['at']) ?? '',
  };
}

const note = (namespace: string, name: string, at: string) => ({ metadata: { name, namespace }, at });

const running: Reflector<Note>[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((reflector) => reflector.stop()));
});

function start(server: FakeApiServer, overrides: Partial<ReflectorOptions<Note>> = {}) {
  const events: ReflectorEvent<Note>[] = [];
  const states: ReflectorState[] = [];
  const reflector = new Reflector<Note>({
    listPath: '/apis/example/v1/notes',
    transport: server,
    project: projectNote,
    keyOf: (item) => `${item.namespace}/${item.name}`,
    identityOf: (item) => item.uid,
    namespaceOf: (item) => item.namespace,
    onEvent: (event) => events.push(event),
    onStateChange: (state) => states.push(state),
    backoff: { initialMs: 1, maxMs: 5, jitter: 0.5 },
    watchDeadlineMs: 60_000,
    ...overrides,
  });
  running.push(reflector);
  reflector.start();
  return { reflector, events, states, names: () => events.map((event) => `${event.type} ${event.object.name}`) };
}

describe('Reflector on a kind the cluster does not serve', () => {
  it('treats a 404 list as an empty, synced, healthy cache without watching, and picks the kind up once it is served', async () => {
    const server = new FakeApiServer();
    server.apply(note('shop', 'a', '1'));
    server.listError = new KubeApiError(404, 'the server could not find the requested resource', 'NotFound');
    const { reflector, states, names } = start(server, { absentWhenNotFound: true, absentRecheckMs: 20 });

    await waitFor(() => reflector.hasSynced, 'synced');
    expect(reflector.currentState).toEqual({ synced: true, healthy: true, absent: true });
    expect(reflector.items()).toEqual([]);
    expect(server.watchRequests).toEqual([]);
    await waitFor(() => server.listCalls >= 3, 'listed again later');
    // Still absent: no state churn for the same answer.
    expect(states).toEqual([{ synced: true, healthy: true, absent: true }]);

    server.listError = undefined;
    await waitFor(() => reflector.items().length === 1 && server.activeWatches === 1, 'served now, listed and watched');
    expect(reflector.currentState).toEqual({ synced: true, healthy: true });
    expect(names()).toEqual(['ADDED a']);
  });

  it('without absentWhenNotFound, a 404 is a failure carrying its status code', async () => {
    const server = new FakeApiServer();
    server.listError = new KubeApiError(404, 'the server could not find the requested resource', 'NotFound');
    const { reflector } = start(server);
    await waitFor(() => !reflector.currentState.healthy, 'unhealthy');
    expect(reflector.currentState).toEqual({ synced: false, healthy: false, error: 'the server could not find the requested resource', statusCode: 404 });
  });

  it('reports a forbidden kind as a failure the apiserver answered (status 403), and a network failure without status', async () => {
    const server = new FakeApiServer();
    server.listError = new KubeApiError(403, 'notes is forbidden: User "gw" cannot list resource "notes"', 'Forbidden');
    const { reflector } = start(server, { absentWhenNotFound: true });
    await waitFor(() => reflector.currentState.statusCode === 403, 'forbidden');
    expect(reflector.currentState).toMatchObject({ synced: false, healthy: false, error: expect.stringContaining('forbidden') });

    server.listError = new Error('connect ECONNREFUSED');
    await waitFor(() => reflector.currentState.error === 'connect ECONNREFUSED', 'refused');
    expect(reflector.currentState).not.toHaveProperty('statusCode');
  });
});

describe('Reflector with a bounded cache', () => {
  const bound = { maxItems: 3, recencyOf: (item: Note) => item.at };

  it('keeps the newest items of the first list and of the watch, forgetting old ones without DELETED', async () => {
    const server = new FakeApiServer();
    for (const [name, at] of [
      ['e1', '01'],
      ['e2', '02'],
      ['e3', '03'],
      ['e4', '04'],
    ] as const)
      server.apply(note('shop', name, at));
    const { reflector, names } = start(server, { bound });
    await waitFor(() => server.activeWatches === 1, 'watching');
    expect(
      reflector
        .items()
        .map((item) => item.name)
        .sort(),
    ).toEqual(['e2', 'e3', 'e4']);
    expect(names().sort()).toEqual(['ADDED e2', 'ADDED e3', 'ADDED e4']);

    server.apply(note('blog', 'e5', '05'));
    server.apply(note('shop', 'old', '00'));
    await waitFor(() => reflector.items().some((item) => item.name === 'e5'), 'newest admitted');
    expect(
      reflector
        .items()
        .map((item) => item.name)
        .sort(),
    ).toEqual(['e3', 'e4', 'e5']);
    expect(reflector.itemsIn('blog').map((item) => item.name)).toEqual(['e5']);
    expect(
      reflector
        .itemsIn('shop')
        .map((item) => item.name)
        .sort(),
    ).toEqual(['e3', 'e4']);
    expect(names().filter((name) => name.startsWith('DELETED'))).toEqual([]);

    // A real deletion of a remembered item is still news.
    server.remove('e4', 'shop');
    await waitFor(() => names().includes('DELETED e4'), 'deleted');
  });

  it('on a relist trims to the newest and reports only real deletions', async () => {
    const server = new FakeApiServer();
    for (const [name, at] of [
      ['e1', '01'],
      ['e2', '02'],
      ['e3', '03'],
    ] as const)
      server.apply(note('shop', name, at));
    const { reflector, names } = start(server, { bound });
    await waitFor(() => server.activeWatches === 1, 'watching');

    server.setSilent(true);
    server.cutWatches();
    server.remove('e1', 'shop');
    server.apply(note('shop', 'e4', '04'));
    server.apply(note('shop', 'e5', '05'));
    server.compact();
    server.setSilent(false);
    await waitFor(() => reflector.items().some((item) => item.name === 'e5'), 'relisted');
    expect(
      reflector
        .items()
        .map((item) => item.name)
        .sort(),
    ).toEqual(['e3', 'e4', 'e5']);
    expect(names().slice(3).sort()).toEqual(['ADDED e4', 'ADDED e5', 'DELETED e1']);
  });
});
