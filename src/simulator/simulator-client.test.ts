import { ApiException, CoreV1Api, KubeConfig, Watch, type V1Pod } from '@kubernetes/client-node';
import { startSimulatedCluster, type SimulatedCluster } from './index.js';
import { rawGet, waitFor, type ReceivedEvent } from '../../test/support/simulator-helpers.js';

const GiB = 2 ** 30;

interface OpenWatch {
  readonly events: ReceivedEvent[];
  readonly done: Promise<unknown>;
  readonly isDone: () => boolean;
  abort(): void;
}

async function openWatch(cluster: SimulatedCluster, path: string, query: Record<string, string | number | boolean> = {}): Promise<OpenWatch> {
  const config = new KubeConfig();
  config.loadFromString(cluster.kubeconfig());
  const events: ReceivedEvent[] = [];
  let finished = false;
  let resolveDone: (error: unknown) => void = () => undefined;
  const done = new Promise<unknown>((resolve) => {
    resolveDone = resolve;
  });
  const controller = await new Watch(config).watch(
    path,
    query,
    (type: string, object: unknown) => events.push({ type, object: object as ReceivedEvent['object'] }),
    (error: unknown) => {
      finished = true;
      resolveDone(error);
    },
  );
  return { events, done, isDone: () => finished, abort: () => controller.abort() };
}

function names(events: readonly ReceivedEvent[], type?: string): string[] {
  return events.filter((event) => type === undefined || event.type === type).map((event) => event.object.metadata?.name ?? '');
}

async function seed(cluster: SimulatedCluster): Promise<void> {
  cluster.addNode({
    name: 'cp-1',
    roles: ['control-plane'],
    cpu: 4,
    memoryBytes: 8 * GiB,
    storageBytes: 50 * GiB,
    taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
  });
  cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
  cluster.addNode({ name: 'worker-2', roles: ['worker'], cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
  cluster.addNamespace('shop');
  cluster.addNamespace('ops');
  for (let index = 0; index < 7; index += 1) {
    cluster.createPod({
      namespace: index < 5 ? 'shop' : 'ops',
      name: `web-${index}`,
      labels: { app: index < 3 ? 'web' : 'api', tier: index % 2 === 0 ? 'front' : 'back' },
      containers: [{ name: 'main', image: 'nginx:1.27', cpu: 0.25, memoryBytes: 256 * 2 ** 20 }],
    });
  }
}

describe('simulated kube-apiserver with @kubernetes/client-node', () => {
  let cluster: SimulatedCluster;
  let core: CoreV1Api;
  const watches: OpenWatch[] = [];

  beforeEach(async () => {
    cluster = await startSimulatedCluster({ name: 'sim-test', bookmarkIntervalMs: 50 });
    await seed(cluster);
    const config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig());
    core = config.makeApiClient(CoreV1Api);
  });

  afterEach(async () => {
    for (const watch of watches.splice(0)) watch.abort();
    await cluster.close();
  });

  async function watch(path: string, query: Record<string, string | number | boolean> = {}): Promise<OpenWatch> {
    const opened = await openWatch(cluster, path, query);
    watches.push(opened);
    return opened;
  }

  it('lists nodes with capacity, roles, taints and conditions', async () => {
    const nodes = await core.listNode();
    expect(nodes.metadata?.resourceVersion).toBe(cluster.resourceVersion);
    expect(nodes.items.map((node) => node.metadata?.name)).toEqual(['cp-1', 'worker-1', 'worker-2']);
    const controlPlane = nodes.items[0];
    expect(controlPlane?.metadata?.labels?.['node-role.kubernetes.io/control-plane']).toBe('');
    expect(controlPlane?.spec?.taints?.[0]?.effect).toBe('NoSchedule');
    expect(controlPlane?.status?.capacity).toMatchObject({ cpu: '4', memory: '8388608Ki', pods: '110' });
    expect(controlPlane?.status?.conditions?.find((condition) => condition.type === 'Ready')?.status).toBe('True');
    expect(controlPlane?.status?.nodeInfo?.kubeletVersion).toBe('v1.31.4');
  });

  it('lists pods across namespaces with the fields a kubelet reports, scheduled off the tainted node', async () => {
    const pods = await core.listPodForAllNamespaces();
    expect(pods.items).toHaveLength(7);
    const pod = pods.items.find((item) => item.metadata?.name === 'web-0') as V1Pod;
    expect(pod.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(pod.status?.phase).toBe('Running');
    expect(pod.status?.podIP).toMatch(/^10\.244\.\d+\.\d+$/);
    expect(pod.status?.startTime).toBeInstanceOf(Date);
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({ name: 'main', ready: true, restartCount: 0 });
    expect(pod.status?.containerStatuses?.[0]?.state?.running?.startedAt).toBeInstanceOf(Date);
    expect(pod.spec?.containers[0]?.resources?.requests).toEqual({ cpu: '250m', memory: '256Mi' });
    expect(new Set(pods.items.map((item) => item.spec?.nodeName))).toEqual(new Set(['worker-1', 'worker-2']));
  });

  it('filters by label and field selectors', async () => {
    const byLabel = async (labelSelector: string) => (await core.listPodForAllNamespaces({ labelSelector })).items.map((pod) => pod.metadata?.name).sort();
    expect(await byLabel('app=web')).toEqual(['web-0', 'web-1', 'web-2']);
    expect(await byLabel('app==web,tier!=front')).toEqual(['web-1']);
    expect(await byLabel('tier in (back),app notin (web)')).toEqual(['web-3', 'web-5']);
    expect(await byLabel('!app')).toEqual([]);
    expect(await byLabel('app')).toHaveLength(7);
    const inShop = await core.listNamespacedPod({ namespace: 'shop', fieldSelector: 'status.phase=Running,metadata.name!=web-0' });
    expect(inShop.items.map((pod) => pod.metadata?.name)).toEqual(['web-1', 'web-2', 'web-3', 'web-4']);
    const onNode = await core.listPodForAllNamespaces({ fieldSelector: 'spec.nodeName=cp-1' });
    expect(onNode.items).toEqual([]);
    await expect(core.listPodForAllNamespaces({ fieldSelector: 'spec.bogus=1' })).rejects.toMatchObject({ code: 400 });
  });

  it('pages with limit/continue over a consistent snapshot', async () => {
    const first = await core.listPodForAllNamespaces({ limit: 3 });
    expect(first.items.map((pod) => pod.metadata?.name)).toEqual(['web-5', 'web-6', 'web-0']); // ops/* sorts before shop/*
    expect(first.metadata?.remainingItemCount).toBe(4);
    cluster.createPod({ namespace: 'shop', name: 'web-9', containers: [{ name: 'main', image: 'nginx' }] });
    cluster.deletePod('shop', 'web-1');
    const second = await core.listPodForAllNamespaces({ limit: 3, _continue: first.metadata?._continue ?? '' });
    expect(second.metadata?.resourceVersion).toBe(first.metadata?.resourceVersion);
    const third = await core.listPodForAllNamespaces({ limit: 3, _continue: second.metadata?._continue ?? '' });
    expect(third.metadata?._continue).toBeUndefined();
    const all = [...first.items, ...second.items, ...third.items].map((pod) => pod.metadata?.name);
    expect(all).toEqual(['web-5', 'web-6', 'web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
  });

  it('answers an expired continue token with 410 Expired after compaction', async () => {
    const first = await core.listPodForAllNamespaces({ limit: 2 });
    cluster.createPod({ namespace: 'shop', name: 'later', containers: [{ name: 'main', image: 'nginx' }] });
    cluster.compact();
    const error = await core.listPodForAllNamespaces({ limit: 2, _continue: first.metadata?._continue ?? '' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ApiException);
    expect((error as ApiException<string>).code).toBe(410);
    expect(JSON.parse((error as ApiException<string>).body)).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
  });

  it('serves resourceVersionMatch=Exact from history', async () => {
    const before = cluster.resourceVersion;
    cluster.deletePod('shop', 'web-0');
    const exact = await core.listNamespacedPod({ namespace: 'shop', resourceVersion: before, resourceVersionMatch: 'Exact' });
    expect(exact.items.map((pod) => pod.metadata?.name)).toContain('web-0');
    expect(exact.metadata?.resourceVersion).toBe(before);
    cluster.compact();
    await expect(core.listNamespacedPod({ namespace: 'shop', resourceVersion: before, resourceVersionMatch: 'Exact' })).rejects.toMatchObject({ code: 410 });
  });

  it('gets, creates and deletes single objects with apiserver status codes', async () => {
    const node = await core.readNode({ name: 'worker-1' });
    expect(node.metadata?.name).toBe('worker-1');
    const created = await core.createNamespacedPod({
      namespace: 'shop',
      body: {
        metadata: { generateName: 'job-', labels: { app: 'job' } },
        spec: { containers: [{ name: 'run', image: 'busybox', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
      },
    });
    expect(created.metadata?.name).toMatch(/^job-[a-z0-9]{5}$/);
    expect(created.status?.phase).toBe('Pending');
    const name = created.metadata?.name ?? '';
    await waitFor('the created pod to run', async () => (await core.readNamespacedPod({ namespace: 'shop', name })).status?.phase === 'Running');
    await expect(core.createNamespacedPod({ namespace: 'shop', body: { metadata: { name }, spec: { containers: [{ name: 'run', image: 'busybox' }] } } })).rejects.toMatchObject({
      code: 409,
    });
    await expect(
      core.createNamespacedPod({ namespace: 'nowhere', body: { metadata: { name: 'x' }, spec: { containers: [{ name: 'run', image: 'busybox' }] } } }),
    ).rejects.toMatchObject({ code: 404 });
    const deleted = await core.deleteNamespacedPod({ namespace: 'shop', name });
    expect(deleted.metadata?.name).toBe(name);
    const missing = await core.readNamespacedPod({ namespace: 'shop', name }).catch((caught: unknown) => caught);
    expect((missing as ApiException<string>).code).toBe(404);
    expect(JSON.parse((missing as ApiException<string>).body)).toMatchObject({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 });
  });

  it('rejects a wrong token with 401 Unauthorized', async () => {
    const config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig().replace(cluster.token, 'not-the-token'));
    const error = await config
      .makeApiClient(CoreV1Api)
      .listNode()
      .catch((caught: unknown) => caught);
    expect((error as ApiException<string>).code).toBe(401);
    const raw = await rawGet(cluster.url, '/api/v1/nodes', { authorization: 'Bearer nope' });
    expect(raw.status).toBe(401);
    expect(JSON.parse(raw.body)).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Unauthorized', code: 401 });
    expect((await rawGet(cluster.url, '/api/v1/nodes')).status).toBe(401);
  });

  it('serves discovery, version and health, and 404 Status for unknown paths', async () => {
    const get = async (path: string) => {
      const { status, body } = await rawGet(cluster.url, path, { authorization: `Bearer ${cluster.token}` });
      return { status, body };
    };
    expect(JSON.parse((await get('/version')).body)).toMatchObject({ major: '1', minor: '31', gitVersion: 'v1.31.4' });
    expect(JSON.parse((await get('/api')).body)).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    const resources = JSON.parse((await get('/api/v1')).body) as { resources: Array<{ name: string }> };
    expect(resources.resources.map((resource) => resource.name)).toEqual(
      expect.arrayContaining(['nodes', 'namespaces', 'pods', 'pods/log', 'pods/eviction', 'services', 'persistentvolumes', 'persistentvolumeclaims', 'events', 'serviceaccounts']),
    );
    const groups = JSON.parse((await get('/apis')).body) as { kind: string; groups: Array<{ name: string; preferredVersion: { groupVersion: string } }> };
    expect(groups.kind).toBe('APIGroupList');
    expect(groups.groups.map((group) => group.preferredVersion.groupVersion).sort()).toEqual([
      'apps/v1',
      'aquasecurity.github.io/v1alpha1',
      'autoscaling/v2',
      'batch/v1',
      'metrics.k8s.io/v1beta1',
      'networking.k8s.io/v1',
      'policy/v1',
      'storage.k8s.io/v1',
    ]);
    const apps = JSON.parse((await get('/apis/apps/v1')).body) as { groupVersion: string; resources: Array<{ name: string; kind: string; group?: string; shortNames?: string[] }> };
    expect(apps.groupVersion).toBe('apps/v1');
    expect(apps.resources.find((resource) => resource.name === 'deployments/scale')).toMatchObject({ kind: 'Scale', group: 'autoscaling' });
    expect(apps.resources.find((resource) => resource.name === 'deployments')?.shortNames).toEqual(['deploy']);
    expect((await get('/apis/nothing.example/v1')).status).toBe(404);
    expect(await get('/healthz')).toEqual({ status: 200, body: 'ok' });
    const unknown = await get('/api/v1/limitranges');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ kind: 'Status', reason: 'NotFound', code: 404 });
    expect((await get('/openapi/v2')).status).toBe(404);
    expect(cluster.requestCount(/^\/api\/v1\b/)).toBe(2);
  });

  it('streams ADDED for existing objects, then live ADDED/MODIFIED/DELETED and bookmarks', async () => {
    const stream = await watch('/api/v1/namespaces/shop/pods', { allowWatchBookmarks: true });
    await waitFor('initial ADDED events', () => stream.events.length >= 5);
    expect(names(stream.events, 'ADDED')).toEqual(['web-0', 'web-1', 'web-2', 'web-3', 'web-4']);
    cluster.createPod({ namespace: 'shop', name: 'new-1', containers: [{ name: 'main', image: 'nginx' }] });
    cluster.createPod({ namespace: 'ops', name: 'elsewhere', containers: [{ name: 'main', image: 'nginx' }] });
    cluster.updatePod('shop', 'new-1', (pod) => {
      pod.metadata.labels = { touched: 'yes' };
    });
    cluster.deletePod('shop', 'new-1');
    await waitFor('the DELETED event', () => stream.events.some((event) => event.type === 'DELETED'));
    const live = stream.events.slice(5).filter((event) => event.type !== 'BOOKMARK');
    expect(live.map((event) => `${event.type} ${event.object.metadata?.name}`)).toEqual(['ADDED new-1', 'MODIFIED new-1', 'DELETED new-1']);
    const versions = live.map((event) => Number(event.object.metadata?.resourceVersion));
    expect([...versions].sort((left, right) => left - right)).toEqual(versions);
    const seen = stream.events.length;
    await waitFor('a bookmark after the changes', () => stream.events.slice(seen).some((event) => event.type === 'BOOKMARK'));
    const bookmark = stream.events.slice(seen).find((event) => event.type === 'BOOKMARK');
    expect(bookmark?.object).toEqual({ kind: 'Pod', apiVersion: 'v1', metadata: { resourceVersion: cluster.resourceVersion } });
    expect(cluster.watchCount()).toBe(1);
  });

  it('resumes from a resourceVersion, replaying exactly the later events in order', async () => {
    const from = cluster.resourceVersion;
    cluster.createPod({ namespace: 'shop', name: 'missed-1', containers: [{ name: 'main', image: 'nginx' }] });
    cluster.deletePod('shop', 'web-2');
    const stream = await watch('/api/v1/pods', { resourceVersion: from });
    cluster.createPod({ namespace: 'ops', name: 'live-1', containers: [{ name: 'main', image: 'nginx' }] });
    await waitFor('three events', () => stream.events.length >= 3);
    expect(stream.events.map((event) => `${event.type} ${event.object.metadata?.name}`)).toEqual(['ADDED missed-1', 'DELETED web-2', 'ADDED live-1']);
  });

  it('ends a watch from a compacted resourceVersion with an ERROR 410 Expired event', async () => {
    const from = cluster.resourceVersion;
    cluster.createPod({ namespace: 'shop', name: 'after', containers: [{ name: 'main', image: 'nginx' }] });
    cluster.compact();
    const stream = await watch('/api/v1/pods', { resourceVersion: from });
    await stream.done;
    expect(stream.events).toHaveLength(1);
    expect(stream.events[0]?.type).toBe('ERROR');
    expect(stream.events[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(String((stream.events[0]?.object as { message?: string }).message)).toContain('too old resource version');
  });

  it('also returns 410 once the history limit has dropped the version', async () => {
    const small = await startSimulatedCluster({ name: 'small-history', historyLimit: 3 });
    try {
      small.addNamespace('a');
      const from = small.resourceVersion;
      for (let index = 0; index < 5; index += 1) small.createPod({ namespace: 'a', name: `p${index}`, containers: [{ name: 'c', image: 'i' }] });
      const stream = await openWatch(small, '/api/v1/pods', { resourceVersion: from });
      await stream.done;
      expect(stream.events.map((event) => (event.object as { code?: number }).code ?? event.object.metadata?.name)).toEqual([410]);
      const recent = await openWatch(small, '/api/v1/pods', { resourceVersion: String(Number(small.resourceVersion) - 2) });
      await waitFor('the two retained events', () => recent.events.length === 2);
      expect(names(recent.events)).toEqual(['p3', 'p4']);
      recent.abort();
    } finally {
      await small.close();
    }
  });

  it('applies selectors to watch events and reports objects leaving the selection as DELETED', async () => {
    const stream = await watch('/api/v1/pods', { labelSelector: 'app=web', resourceVersion: cluster.resourceVersion });
    cluster.updatePod('shop', 'web-3', (pod) => {
      pod.metadata.labels = { app: 'web' };
    });
    cluster.updatePod('shop', 'web-0', (pod) => {
      pod.metadata.labels = { app: 'retired' };
    });
    cluster.updatePod('shop', 'web-4', (pod) => {
      pod.metadata.annotations = { ignored: 'true' };
    });
    cluster.updatePod('shop', 'web-1', (pod) => {
      pod.status.phase = 'Failed';
    });
    await waitFor('three events', () => stream.events.length >= 3);
    expect(stream.events.map((event) => `${event.type} ${event.object.metadata?.name}`)).toEqual(['ADDED web-3', 'DELETED web-0', 'MODIFIED web-1']);
    expect(stream.events[1]?.object.metadata?.labels).toEqual({ app: 'web', tier: 'front' });
  });

  it('ends the client watch with an error when watches are cut', async () => {
    const stream = await watch('/api/v1/pods', { resourceVersion: cluster.resourceVersion });
    const other = await watch('/api/v1/nodes', { resourceVersion: cluster.resourceVersion });
    await waitFor('two open watches', () => cluster.watchCount() === 2);
    expect([cluster.watchCount('pods'), cluster.watchCount('nodes'), cluster.watchCount('services')]).toEqual([1, 1, 0]);
    cluster.cutWatches();
    const [podsEnd] = await Promise.all([stream.done, other.done]);
    // The stream breaks mid-chunk: client-node reports it as an error, not a clean end.
    expect(podsEnd).toBeInstanceOf(Error);
    await waitFor('no open watches', () => cluster.watchCount() === 0);
    // A resumed watch sees what happened meanwhile.
    const from = cluster.resourceVersion;
    cluster.createPod({ namespace: 'shop', name: 'after-cut', containers: [{ name: 'main', image: 'nginx' }] });
    const resumed = await watch('/api/v1/pods', { resourceVersion: from });
    await waitFor('the resumed event', () => resumed.events.length === 1);
    expect(names(resumed.events)).toEqual(['after-cut']);
  });

  it('ends a watch cleanly after timeoutSeconds', async () => {
    const stream = await watch('/api/v1/nodes', { timeoutSeconds: 1, resourceVersion: cluster.resourceVersion });
    const error = await stream.done;
    expect(error).toBeNull();
  });

  it('sends nothing while silenced, then catches up from history', async () => {
    const stream = await watch('/api/v1/pods', { resourceVersion: cluster.resourceVersion, allowWatchBookmarks: true });
    cluster.silenceWatches(true);
    cluster.createPod({ namespace: 'shop', name: 'quiet-1', containers: [{ name: 'main', image: 'nginx' }] });
    const late = await watch('/api/v1/nodes', {});
    // Bookmarks run every 50 ms; several intervals pass with nothing delivered.
    const silentSince = Date.now();
    await waitFor('several bookmark intervals', () => Date.now() - silentSince > 250);
    expect(stream.events).toEqual([]);
    expect(late.events).toEqual([]);
    cluster.silenceWatches(false);
    await waitFor('the held event', () => names(stream.events, 'ADDED').includes('quiet-1'));
    await waitFor('the late watch initial events', () => late.events.length === 3);
  });

  it('refuses connections while unreachable and serves again on the same port', async () => {
    const url = cluster.url;
    const stream = await watch('/api/v1/pods', { resourceVersion: cluster.resourceVersion });
    cluster.setReachable(false);
    await stream.done;
    await expect(core.listNode()).rejects.toThrow();
    cluster.setReachable(true);
    await waitFor('the apiserver to answer again', async () =>
      core.listNode().then(
        () => true,
        () => false,
      ),
    );
    expect(cluster.url).toBe(url);
  });
});
