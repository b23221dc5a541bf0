import { silentLogger } from '../../shared/logger.js';
import type { ClusterRecord } from './cluster-record.js';
import { ConnectionReconciler } from './connection-reconciler.js';
import type { ClusterChanges, ClusterConnections, ClusterLiveView } from './ports.js';

/** One table of clusters shared by the replicas, as the database is. */
function sharedStore() {
  const rows = new Map<string, ClusterRecord>();
  return {
    rows,
    put(id: string, kubeconfig: string, context: string | null = null) {
      const now = new Date();
      rows.set(id, {
        id,
        name: id,
        provider: 'ON_PREMISE',
        region: 'Seoul',
        kubeconfigEncrypted: `sealed:${kubeconfig}:${Math.random()}`,
        context,
        status: 'RUNNING',
        statusReason: null,
        kubernetesVersion: 'v1.31.0',
        lastSeenAt: now,
        createdAt: now,
        updatedAt: now,
      });
      return rows.get(id)!;
    },
    findById: async (id: string) => rows.get(id) ?? null,
    list: async () => [...rows.values()],
  };
}

/** The announcements of a bus shared by the replicas; `deaf` ones hear nothing (a lost message). */
function sharedChanges() {
  const listeners = new Set<(clusterId: string) => void>();
  return (options: { deaf?: boolean } = {}): ClusterChanges => ({
    announce: async (clusterId) => {
      for (const listener of listeners) listener(clusterId);
    },
    listen: async (onChange) => {
      if (!options.deaf) listeners.add(onChange);
      return async () => void listeners.delete(onChange);
    },
  });
}

/** One replica's connections: what it watches and with which kubeconfig. */
function replicaConnections() {
  const watching = new Map<string, string>();
  let settle: (() => void) | undefined;
  const connections: ClusterConnections & { watching: Map<string, string>; settleAll(): void; holdSettling(): void } = {
    watching,
    connect: (clusterId, kubeconfig) => void watching.set(clusterId, kubeconfig),
    disconnect: async (clusterId) => void watching.delete(clusterId),
    view: (clusterId) => (watching.has(clusterId) ? ({} as ClusterLiveView) : undefined),
    connectedIds: () => [...watching.keys()],
    settled: () => (settle === undefined ? Promise.resolve() : new Promise<void>((resolve) => (settle = resolve))),
    holdSettling: () => (settle = () => undefined),
    settleAll: () => settle?.(),
  };
  return connections;
}

const opened: string[] = [];
const sealer = {
  open: (sealed: string) => {
    opened.push(sealed);
    const match = /^sealed:(.*):[\d.]+$/.exec(sealed);
    if (match?.[1] === undefined) throw new Error('not sealed with this key');
    return match[1];
  },
};

async function replica(store: ReturnType<typeof sharedStore>, changes: ClusterChanges) {
  const connections = replicaConnections();
  const reconciler = new ConnectionReconciler({ store, connections, sealer, changes, logger: silentLogger, resyncMs: 3_600_000 });
  await reconciler.start();
  return { connections, reconciler };
}

/** Lets queued reconciliation steps (database reads, then connects) run. */
const settleQueues = () => new Promise((resolve) => setTimeout(resolve, 0));

describe('ConnectionReconciler: every replica follows the clusters in the database', () => {
  const running: ConnectionReconciler[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((reconciler) => reconciler.stop()));
    opened.length = 0;
  });

  test('a registration, a new kubeconfig and a removal announced by one replica are followed by the other', async () => {
    const store = sharedStore();
    const bus = sharedChanges();
    const a = await replica(store, bus());
    const b = await replica(store, bus());
    running.push(a.reconciler, b.reconciler);

    store.put('c1', 'config-1');
    await a.reconciler.changed('c1');
    expect(a.connections.watching.get('c1')).toBe('config-1');
    await settleQueues();
    expect(b.connections.watching.get('c1')).toBe('config-1');

    store.put('c1', 'config-2');
    await b.reconciler.changed('c1');
    await settleQueues();
    expect(a.connections.watching.get('c1')).toBe('config-2');

    store.rows.delete('c1');
    await a.reconciler.changed('c1');
    await settleQueues();
    expect(b.connections.watching.has('c1')).toBe(false);
  });

  test('announcements lost: a read connects the cluster first and waits for it, and the periodic comparison catches changes and removals', async () => {
    const store = sharedStore();
    const bus = sharedChanges();
    const a = await replica(store, bus());
    const b = await replica(store, bus({ deaf: true }));
    running.push(a.reconciler, b.reconciler);

    store.put('c1', 'config-1');
    await a.reconciler.changed('c1');
    expect(b.connections.watching.has('c1')).toBe(false);

    b.connections.holdSettling();
    let answered = false;
    const read = b.reconciler.beforeRead(store.rows.get('c1')!, 0).then(() => (answered = true));
    await settleQueues();
    expect(b.connections.watching.get('c1')).toBe('config-1');
    // The read waits until the new connection is past CONNECTING, so it is answered from its caches.
    expect(answered).toBe(false);
    b.connections.settleAll();
    await read;

    store.put('c1', 'config-2');
    store.put('c2', 'config-3');
    await a.reconciler.changed('c1');
    await a.reconciler.changed('c2');
    await b.reconciler.resync();
    expect(Object.fromEntries(b.connections.watching)).toEqual({ c1: 'config-2', c2: 'config-3' });

    store.rows.delete('c1');
    await a.reconciler.changed('c1');
    await b.reconciler.resync();
    expect([...b.connections.watching.keys()]).toEqual(['c2']);
  });

  test('a read connects from the record it read, without another query, unless a change was announced since', async () => {
    const store = sharedStore();
    const reads: string[] = [];
    const counted = { ...store, findById: async (id: string) => (reads.push(id), store.findById(id)) };
    const bus = sharedChanges();
    const a = await replica(store, bus({ deaf: true }));
    const b = await replica(counted, bus());
    running.push(a.reconciler, b.reconciler);

    const position = b.reconciler.position();
    const read = store.put('c1', 'config-1');
    await b.reconciler.beforeRead(read, position);
    expect(b.connections.watching.get('c1')).toBe('config-1');
    expect(reads).toEqual([]);

    // Read before a change another replica made and announced: the record is stale, read it again.
    const stalePosition = b.reconciler.position();
    const stale = { ...read, kubeconfigEncrypted: 'sealed:config-0:1' };
    store.put('c1', 'config-2');
    await a.reconciler.changed('c1');
    await b.reconciler.beforeRead(stale, stalePosition);
    expect(b.connections.watching.get('c1')).toBe('config-2');
  });

  test('a kubeconfig this replica cannot open is tried once per change, not at every read, and never connected', async () => {
    const store = sharedStore();
    const b = await replica(store, sharedChanges()({ deaf: true }));
    running.push(b.reconciler);
    const record = { ...store.put('c1', 'config-1'), kubeconfigEncrypted: 'sealed with another key' };
    store.rows.set('c1', record);

    await b.reconciler.beforeRead(record, b.reconciler.position());
    await b.reconciler.beforeRead(record, b.reconciler.position());
    await b.reconciler.resync();
    expect(opened.filter((sealed) => sealed === 'sealed with another key')).toHaveLength(1);
    expect(b.connections.watching.has('c1')).toBe(false);
  });

  test('after stop, neither a read nor an announcement connects anything', async () => {
    const store = sharedStore();
    const bus = sharedChanges();
    const a = await replica(store, bus());
    const b = await replica(store, bus());
    running.push(a.reconciler);
    await b.reconciler.stop();

    store.put('c1', 'config-1');
    await a.reconciler.changed('c1');
    await b.reconciler.beforeRead(store.rows.get('c1')!, 0);
    await b.reconciler.resync();
    expect(b.connections.watching.size).toBe(0);
  });
});
