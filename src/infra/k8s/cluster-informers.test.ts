import type { ClusterObjectEvent, PodProjection } from '../../domains/clusters/model.js';
import { ClusterInformers, type ClusterConnectionStatus, type InformedKind } from './cluster-informers.js';
import { InformerPool } from './informer-pool.js';
import { FakeApiServer } from './testing/fake-api-server.js';
import { RecordingBus } from './testing/recording-bus.js';
import { waitFor } from './testing/wait-for.js';

const KUBECONFIG = `
apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster: { server: "https://127.0.0.1:1" }
- name: other
  cluster: { server: "https://127.0.0.1:2" }
users:
- name: me
  user: { token: "t" }
contexts:
- name: fake
  context: { cluster: fake, user: me }
- name: other
  context: { cluster: other, user: me }
current-context: fake
`;

const TUNING = { backoff: { initialMs: 1, maxMs: 5, jitter: 0.5 }, watchDeadlineMs: 60_000 };

function fakeCluster(): Record<InformedKind, FakeApiServer> {
  return { nodes: new FakeApiServer(), namespaces: new FakeApiServer(), pods: new FakeApiServer() };
}

function pod(namespace: string, name: string, phase = 'Running'): Parameters<FakeApiServer['apply']>[0] {
  return { metadata: { name, namespace }, spec: { containers: [{ name: 'c', image: 'nginx' }] }, status: { phase } };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
});

function startInformers(servers: Record<InformedKind, FakeApiServer>, bus = new RecordingBus()) {
  const informers = new ClusterInformers({
    clusterId: 'c1',
    kubeconfigYaml: KUBECONFIG,
    bus,
    tuning: TUNING,
    transportFor: (kind) => servers[kind],
  });
  cleanups.push(() => informers.stop());
  informers.start();
  return { informers, bus };
}

describe('ClusterInformers', () => {
  it('syncs every kind, serves cache reads with a namespace index and reports RUNNING', async () => {
    const servers = fakeCluster();
    servers.nodes.apply({ metadata: { name: 'n1', labels: { 'node-role.kubernetes.io/worker': '' } } });
    servers.namespaces.apply({ metadata: { name: 'shop' } });
    servers.namespaces.apply({ metadata: { name: 'blog' } });
    servers.pods.apply(pod('shop', 'web-1'));
    servers.pods.apply(pod('shop', 'web-2'));
    servers.pods.apply(pod('blog', 'wp-1'));
    const { informers } = startInformers(servers);
    const statuses: ClusterConnectionStatus[] = [];
    informers.onStatusChange((status) => statuses.push(status));

    expect(informers.status().state).toBe('CONNECTING');
    await expect(informers.whenSynced(5_000)).resolves.toBe(true);
    expect(informers.status()).toMatchObject({ state: 'RUNNING' });
    expect(informers.status().lastSeenAt).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(statuses.map((status) => status.state)).toEqual(['RUNNING']);
    expect(informers.nodes().map((node) => node.roles)).toEqual([['worker']]);
    expect(informers.namespaces().map((namespace) => namespace.name).sort()).toEqual(['blog', 'shop']);
    expect(informers.pods('shop').map((p) => p.name).sort()).toEqual(['web-1', 'web-2']);
    expect(informers.pods('blog').map((p) => p.name)).toEqual(['wp-1']);
    expect(informers.pods('none')).toEqual([]);
    expect(informers.pods()).toHaveLength(3);

    await waitFor(() => servers.pods.activeWatches === 1, 'pods watched');
    servers.pods.remove('web-1', 'shop');
    servers.pods.apply(pod('blog', 'wp-2'));
    await waitFor(() => informers.pods('blog').length === 2, 'index follows the watch');
    expect(informers.pods('shop').map((p) => p.name)).toEqual(['web-2']);
  });

  it('publishes each change once on the per-namespace subject with a stable message id', async () => {
    const servers = fakeCluster();
    servers.namespaces.apply({ metadata: { name: 'shop' } });
    const { informers, bus } = startInformers(servers);
    await informers.whenSynced(5_000);
    await waitFor(() => servers.pods.activeWatches === 1, 'pods watched');

    const created = servers.pods.apply(pod('shop', 'web-1', 'Pending'));
    servers.pods.apply({ ...pod('shop', 'web-1', 'Pending'), metadata: { name: 'web-1', namespace: 'shop', annotations: { only: 'noise' } } });
    servers.pods.apply(pod('shop', 'web-1', 'Running'));
    servers.pods.remove('web-1', 'shop');
    await waitFor(() => bus.on('kda.v1.c1.pods.').length === 3, 'three pod events');

    const podEvents = bus.on('kda.v1.c1.pods.');
    expect(podEvents.map((entry) => entry.subject)).toEqual(Array(3).fill('kda.v1.c1.pods.shop'));
    const payloads = podEvents.map((entry) => entry.data as ClusterObjectEvent<PodProjection>);
    expect(payloads.map((payload) => [payload.type, payload.object.phase])).toEqual([
      ['ADDED', 'Pending'],
      ['MODIFIED', 'Running'],
      ['DELETED', 'Running'],
    ]);
    expect(payloads[0]).toMatchObject({ v: 1, clusterId: 'c1', kind: 'pods' });
    expect(podEvents.map((entry) => entry.messageId)).toEqual([
      `c1:pods:${created.metadata.uid}:1:ADDED`,
      `c1:pods:${created.metadata.uid}:3:MODIFIED`,
      `c1:pods:${created.metadata.uid}:DELETED`,
    ]);
    expect(bus.on('kda.v1.c1.namespaces._').map((entry) => (entry.data as ClusterObjectEvent<unknown>).type)).toEqual(['ADDED']);
    expect(bus.on('kda.v1.c1.status._').map((entry) => entry.data)).toEqual([
      expect.objectContaining({ v: 1, clusterId: 'c1', state: 'RUNNING', lastSeenAt: expect.any(String) }),
    ]);
  });

  it('reports UNREACHABLE with the reason while a kind cannot list, and RUNNING again after', async () => {
    const servers = fakeCluster();
    servers.pods.listError = new Error('connect ECONNREFUSED 127.0.0.1:1');
    const { informers, bus } = startInformers(servers);
    await waitFor(() => informers.status().state === 'UNREACHABLE', 'unreachable');
    expect(informers.status().reason).toBe('pods: connect ECONNREFUSED 127.0.0.1:1');
    await expect(informers.whenSynced(20)).resolves.toBe(false);

    servers.pods.listError = undefined;
    await waitFor(() => informers.status().state === 'RUNNING', 'running');
    await waitFor(() => bus.on('kda.v1.c1.status._').length === 2, 'both status changes published');
    expect(bus.on('kda.v1.c1.status._').map((entry) => (entry.data as ClusterConnectionStatus).state)).toEqual(['UNREACHABLE', 'RUNNING']);
  });

  it('refuses a cluster id that cannot be a subject token and an unknown context', () => {
    const bus = new RecordingBus();
    expect(() => new ClusterInformers({ clusterId: 'a.b', kubeconfigYaml: KUBECONFIG, bus })).toThrow(/subject token/);
    expect(() => new ClusterInformers({ clusterId: 'ok', kubeconfigYaml: KUBECONFIG, context: 'nope', bus })).toThrow(/no context/);
  });
});

describe('InformerPool', () => {
  it('keeps one connection per cluster, replaces it on a new kubeconfig or context, and stops them all', async () => {
    const created: InformedKind[] = [];
    const servers = fakeCluster();
    const pool = new InformerPool({
      bus: new RecordingBus(),
      tuning: TUNING,
      transportFor: (kind) => {
        created.push(kind);
        return servers[kind];
      },
    });
    cleanups.push(() => pool.stopAll());
    const statuses: string[] = [];
    pool.onStatusChange((clusterId, status) => statuses.push(`${clusterId}:${status.state}`));

    const first = pool.connect('c1', KUBECONFIG);
    expect(pool.connect('c1', KUBECONFIG)).toBe(first);
    expect(pool.connect('c1', KUBECONFIG, null)).toBe(first);
    expect(created).toHaveLength(3);
    await first.whenSynced(5_000);
    expect(statuses).toEqual(['c1:RUNNING']);

    const second = pool.connect('c1', KUBECONFIG, 'other');
    expect(second).not.toBe(first);
    expect(pool.get('c1')).toBe(second);
    expect(pool.clusterIds()).toEqual(['c1']);
    await pool.disconnect('c1');
    expect(pool.get('c1')).toBeUndefined();
    await pool.disconnect('c1');
    pool.connect('c2', KUBECONFIG);
    await pool.stopAll();
    expect(pool.clusterIds()).toEqual([]);
    expect(servers.pods.activeWatches).toBe(0);
  });
});
