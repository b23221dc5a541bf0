import type { ClusterObjectEvent, PodProjection } from '../../domains/clusters/model.js';
import { ClusterInformers, type ClusterConnectionStatus, type InformedKind } from './cluster-informers.js';
import { INFORMED_KINDS, MAX_EVENTS_PER_CLUSTER } from './informed-kinds.js';
import { KubeApiError } from './kube-transport.js';
import { InformerPool } from './informer-pool.js';
import { FakeApiServer } from '../../../test/support/k8s/fake-api-server.js';
import { RecordingBus } from '../../../test/support/k8s/recording-bus.js';
import { waitFor } from '../../../test/support/k8s/wait-for.js';

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
  return Object.fromEntries(INFORMED_KINDS.map((kind) => [kind, new FakeApiServer()])) as Record<InformedKind, FakeApiServer>;
}

function readyNode(name: string, labels: Record<string, string> = {}, ready = true): Parameters<FakeApiServer['apply']>[0] {
  return { metadata: { name, labels }, status: { conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }] } };
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
    servers.nodes.apply(readyNode('n1', { 'node-role.kubernetes.io/worker': '' }));
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
    expect(
      informers
        .namespaces()
        .map((namespace) => namespace.name)
        .sort(),
    ).toEqual(['blog', 'shop']);
    expect(
      informers
        .pods('shop')
        .map((p) => p.name)
        .sort(),
    ).toEqual(['web-1', 'web-2']);
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
      `c1:pods:${created.metadata.uid}:1`,
      `c1:pods:${created.metadata.uid}:3`,
      `c1:pods:${created.metadata.uid}:DELETED`,
    ]);
    expect(bus.on('kda.v1.c1.namespaces._').map((entry) => (entry.data as ClusterObjectEvent<unknown>).type)).toEqual(['ADDED']);
    expect(bus.on('kda.v1.c1.status._').map((entry) => entry.data)).toEqual([expect.objectContaining({ v: 1, clusterId: 'c1', state: 'RUNNING', lastSeenAt: expect.any(String) })]);
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

function objectsOn(bus: RecordingBus, subject: string): string[] {
  return bus.on(subject).map((entry) => {
    const event = entry.data as ClusterObjectEvent<{ name?: string; reason?: string }>;
    return `${event.type} ${event.kind} ${event.object.name ?? event.object.reason ?? ''}`;
  });
}

const template = { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } };

describe('ClusterInformers, the rest of the cluster picture', () => {
  it('caches every kind, indexed by namespace, and publishes each under its kind name (workloads for all five)', async () => {
    const servers = fakeCluster();
    servers.nodes.apply(readyNode('n1'));
    servers.deployments.apply({ metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 2, template }, status: { readyReplicas: 2 } });
    servers.statefulsets.apply({ metadata: { name: 'db', namespace: 'shop' }, spec: { replicas: 1, template } });
    servers.daemonsets.apply({ metadata: { name: 'agent', namespace: 'ops' }, spec: { template } });
    servers.jobs.apply({ metadata: { name: 'migrate', namespace: 'shop' }, spec: { template }, status: { succeeded: 1 } });
    servers.cronjobs.apply({ metadata: { name: 'report', namespace: 'ops' }, spec: { schedule: '0 * * * *', jobTemplate: { spec: { template } } } });
    servers.services.apply({ metadata: { name: 'web', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } });
    servers.persistentvolumes.apply({ metadata: { name: 'pv-1' }, spec: { capacity: { storage: '1Gi' } }, status: { phase: 'Available' } });
    servers.persistentvolumeclaims.apply({ metadata: { name: 'data', namespace: 'shop' }, spec: { resources: { requests: { storage: '1Gi' } } } });
    servers.storageclasses.apply({ metadata: { name: 'standard' }, provisioner: 'local' });
    servers.poddisruptionbudgets.apply({ metadata: { name: 'db', namespace: 'shop' }, spec: { minAvailable: 1 }, status: { disruptionsAllowed: 0 } });
    servers.events.apply({ metadata: { name: 'e-old', namespace: 'shop' }, reason: 'Old', lastTimestamp: '2024-05-01T10:00:00Z' });
    servers.events.apply({ metadata: { name: 'e-new', namespace: 'shop' }, reason: 'New', lastTimestamp: '2024-05-01T11:00:00Z' });
    servers.events.apply({ metadata: { name: 'e-ops', namespace: 'ops' }, reason: 'Ops', lastTimestamp: '2024-05-01T10:30:00Z' });
    const { informers, bus } = startInformers(servers);
    await expect(informers.whenSynced(5_000)).resolves.toBe(true);
    expect(informers.status().state).toBe('RUNNING');

    expect(
      informers
        .workloads('shop')
        .map((w) => `${w.kind} ${w.name}`)
        .sort(),
    ).toEqual(['Deployment web', 'Job migrate', 'StatefulSet db']);
    expect(
      informers
        .workloads()
        .map((w) => w.kind)
        .sort(),
    ).toEqual(['CronJob', 'DaemonSet', 'Deployment', 'Job', 'StatefulSet']);
    expect(informers.workloads('shop').find((w) => w.kind === 'Deployment')).toMatchObject({ desired: 2, ready: 2, images: ['nginx:1.27'] });
    expect(informers.services('shop').map((service) => service.name)).toEqual(['web']);
    expect(informers.services('ops')).toEqual([]);
    expect(informers.persistentVolumes().map((pv) => pv.capacityBytes)).toEqual([2 ** 30]);
    expect(informers.persistentVolumeClaims('shop').map((pvc) => pvc.name)).toEqual(['data']);
    expect(informers.storageClasses().map((sc) => sc.provisioner)).toEqual(['local']);
    expect(informers.podDisruptionBudgets('shop')).toEqual([expect.objectContaining({ name: 'db', minAvailable: '1', disruptionsAllowed: 0 })]);
    expect(informers.events().map((event) => event.reason)).toEqual(['New', 'Ops', 'Old']);
    expect(informers.events('shop').map((event) => event.reason)).toEqual(['New', 'Old']);
    expect(informers.absentKinds()).toEqual([]);

    await waitFor(() => bus.on('kda.v1.c1.events.').length === 3, 'all published');
    expect(objectsOn(bus, 'kda.v1.c1.workloads.shop').sort()).toEqual(['ADDED workloads db', 'ADDED workloads migrate', 'ADDED workloads web']);
    expect(objectsOn(bus, 'kda.v1.c1.workloads.ops').sort()).toEqual(['ADDED workloads agent', 'ADDED workloads report']);
    expect(objectsOn(bus, 'kda.v1.c1.services.shop')).toEqual(['ADDED services web']);
    expect(objectsOn(bus, 'kda.v1.c1.persistentvolumes._')).toEqual(['ADDED persistentvolumes pv-1']);
    expect(objectsOn(bus, 'kda.v1.c1.persistentvolumeclaims.shop')).toEqual(['ADDED persistentvolumeclaims data']);
    expect(objectsOn(bus, 'kda.v1.c1.storageclasses._')).toEqual(['ADDED storageclasses standard']);
    expect(objectsOn(bus, 'kda.v1.c1.poddisruptionbudgets.shop')).toEqual(['ADDED poddisruptionbudgets db']);
    expect(objectsOn(bus, 'kda.v1.c1.events.ops')).toEqual(['ADDED events Ops']);
    expect(bus.duplicateMessageIds()).toEqual([]);

    await waitFor(() => servers.deployments.activeWatches === 1, 'deployments watched');
    servers.deployments.apply({ metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 3, template }, status: { readyReplicas: 2 } });
    await waitFor(() => informers.workloads('shop').some((w) => w.name === 'web' && w.desired === 3), 'scaled in cache');
    await waitFor(() => objectsOn(bus, 'kda.v1.c1.workloads.shop').includes('MODIFIED workloads web'), 'MODIFIED on the bus');
  });

  it('keeps only the newest events of a cluster', async () => {
    const servers = fakeCluster();
    servers.nodes.apply(readyNode('n1'));
    const total = MAX_EVENTS_PER_CLUSTER + 5;
    for (let index = 0; index < total; index += 1) {
      const at = new Date(Date.UTC(2024, 0, 1) + index * 1_000).toISOString();
      servers.events.apply({ metadata: { name: `e-${index}`, namespace: index % 2 === 0 ? 'even' : 'odd' }, reason: `r${index}`, lastTimestamp: at });
    }
    const { informers } = startInformers(servers);
    await informers.whenSynced(5_000);
    const events = informers.events();
    expect(events).toHaveLength(MAX_EVENTS_PER_CLUSTER);
    expect(events[0]?.reason).toBe(`r${total - 1}`);
    expect(events.at(-1)?.reason).toBe('r5');
    expect(informers.events('even').length + informers.events('odd').length).toBe(MAX_EVENTS_PER_CLUSTER);
  });

  it('stays RUNNING without a kind the server does not serve (404), and is DEGRADED, not down, for a forbidden one', async () => {
    const servers = fakeCluster();
    servers.nodes.apply(readyNode('n1'));
    servers.poddisruptionbudgets.listError = new KubeApiError(404, 'the server could not find the requested resource', 'NotFound');
    servers.events.listError = new KubeApiError(403, 'events is forbidden: User "gw" cannot list resource "events"', 'Forbidden');
    const { informers, bus } = startInformers(servers);

    await waitFor(() => informers.status().state === 'DEGRADED', 'degraded');
    expect(informers.status().reason).toBe('events: events is forbidden: User "gw" cannot list resource "events"');
    expect(informers.absentKinds()).toEqual(['poddisruptionbudgets']);
    expect(informers.podDisruptionBudgets()).toEqual([]);
    expect(informers.pods()).toEqual([]);

    servers.events.listError = undefined;
    await waitFor(() => informers.status().state === 'RUNNING', 'running once allowed');
    await expect(informers.whenSynced(1_000)).resolves.toBe(true);
    await waitFor(() => bus.on('kda.v1.c1.status._').length === 2, 'both published');
    expect(bus.on('kda.v1.c1.status._').map((entry) => (entry.data as ClusterConnectionStatus).state)).toEqual(['DEGRADED', 'RUNNING']);
  });

  it('is DEGRADED while some nodes are NotReady, and says which', async () => {
    const servers = fakeCluster();
    servers.nodes.apply(readyNode('n1'));
    servers.nodes.apply(readyNode('n2'));
    const { informers, bus } = startInformers(servers);
    await informers.whenSynced(5_000);
    expect(informers.status().state).toBe('RUNNING');
    await waitFor(() => servers.nodes.activeWatches === 1, 'nodes watched');

    servers.nodes.apply(readyNode('n2', {}, false));
    await waitFor(() => informers.status().state === 'DEGRADED', 'degraded');
    expect(informers.status().reason).toBe('1 of 2 nodes NotReady (n2)');
    servers.nodes.apply(readyNode('n2'));
    await waitFor(() => informers.status().state === 'RUNNING', 'running again');
    await waitFor(() => bus.on('kda.v1.c1.status._').length === 3, 'published');
    expect(bus.on('kda.v1.c1.status._').map((entry) => (entry.data as ClusterConnectionStatus).state)).toEqual(['RUNNING', 'DEGRADED', 'RUNNING']);
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
    expect(created).toHaveLength(INFORMED_KINDS.length);
    await first.whenSynced(5_000);
    expect(statuses).toEqual(['c1:RUNNING']);

    expect(pool.kubeConfigOf('c1')?.getCurrentCluster()?.server).toBe('https://127.0.0.1:1');
    const second = pool.connect('c1', KUBECONFIG, 'other');
    expect(second).not.toBe(first);
    expect(pool.kubeConfigOf('c1')?.getCurrentCluster()?.server).toBe('https://127.0.0.1:2');
    expect(pool.kubeConfigOf('nope')).toBeUndefined();
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
