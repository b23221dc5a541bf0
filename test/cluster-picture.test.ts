import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { nodesOf, type Connection } from './support/connections.js';
import { collect } from './support/subscription.js';
import { waitFor } from './support/wait.js';

const GiB = 2 ** 30;

describe('the full cluster picture and day-2 operations, through the graph', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;

  beforeAll(async () => {
    gateway = await startTestGateway();
    const simulator = await startSmallCluster();
    simulator.addNamespace('shop');
    simulator.addDeployment({
      namespace: 'shop',
      name: 'web',
      replicas: 2,
      labels: { app: 'web' },
      containers: [{ name: 'web', image: 'nginx:1.27', cpu: 0.1, memoryBytes: 64 * 2 ** 20 }],
    });
    simulator.addStatefulSet({ namespace: 'shop', name: 'db', replicas: 1, labels: { app: 'db' }, containers: [{ name: 'mysql', image: 'mysql:8' }] });
    simulator.addDaemonSet({ namespace: 'kube-system', name: 'agent', labels: { app: 'agent' }, toleratesAllTaints: true, containers: [{ name: 'agent', image: 'agent:1' }] });
    simulator.addJob({ namespace: 'shop', name: 'migrate', labels: { app: 'migrate' }, containers: [{ name: 'migrate', image: 'migrate:1' }] });
    simulator.addCronJob({ namespace: 'shop', name: 'nightly', schedule: '0 3 * * *', labels: { app: 'nightly' }, containers: [{ name: 'report', image: 'report:1' }] });
    simulator.addService({ namespace: 'shop', name: 'web', type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] });
    simulator.addStorageClass({ name: 'standard', provisioner: 'rancher.io/local-path', isDefault: true });
    simulator.addPersistentVolume({ name: 'pv-1', capacity: '10Gi', storageClassName: 'standard' });
    simulator.addPersistentVolumeClaim({ namespace: 'shop', name: 'data', storage: '10Gi', storageClassName: 'standard', volumeName: 'pv-1' });
    simulator.addPodDisruptionBudget({ namespace: 'shop', name: 'web', selector: { app: 'web' }, minAvailable: 2 });
    simulator.recordEvent({
      involvedObject: { kind: 'Pod', name: 'web-x', namespace: 'shop' },
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      type: 'Warning',
    });
    cluster = await registerCluster(gateway, simulator);
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  interface WorkloadRow {
    kind: string;
    name: string;
    namespace: string;
    desired: number;
    ready: number;
    rolledOut: boolean;
    images: string[];
    pods: Array<{ name: string; nodeName: string | null }>;
  }

  async function workloads(): Promise<WorkloadRow[]> {
    const response = await gateway.request<{ cluster: { workloads: Connection<Omit<WorkloadRow, 'pods'> & { pods: Connection<WorkloadRow['pods'][number]> }> } }>(
      `query ($id: ID!) { cluster(id: $id) { workloads { edges { node { kind name namespace desired ready rolledOut images pods { edges { node { name nodeName } } } } } } } }`,
      { id: cluster.id },
    );
    if (response.errors) throw new Error(JSON.stringify(response.errors));
    return nodesOf(response.data?.cluster.workloads).map((row) => ({ ...row, pods: nodesOf(row.pods) }));
  }

  async function workload(kind: string, name: string): Promise<WorkloadRow | undefined> {
    return (await workloads()).find((row) => row.kind === kind && row.name === name);
  }

  test('workloads of every kind, with replicas and their pods', async () => {
    await waitFor('the workloads to be rolled out', async () => (await workload('DEPLOYMENT', 'web'))?.ready === 2 && (await workload('STATEFUL_SET', 'db'))?.ready === 1);
    const rows = await workloads();
    expect(rows.map((row) => `${row.kind} ${row.namespace}/${row.name}`)).toEqual(
      expect.arrayContaining(['DAEMON_SET kube-system/agent', 'DEPLOYMENT shop/web', 'STATEFUL_SET shop/db', 'JOB shop/migrate', 'CRON_JOB shop/nightly']),
    );
    const web = rows.find((row) => row.name === 'web');
    expect(web).toMatchObject({ desired: 2, ready: 2, rolledOut: true, images: ['nginx:1.27'] });
    expect(web?.pods).toHaveLength(2);
    expect(rows.find((row) => row.kind === 'DAEMON_SET')?.pods).toHaveLength(2);
  });

  test('services, storage, storage classes, events and counts', async () => {
    const response = await gateway.request<{
      cluster: {
        serviceCount: number;
        services: Connection<{ name: string; type: string; ports: Array<{ port: number; targetPort: string }> }>;
        storage: { capacityBytes: number; boundBytes: number; volumeCount: number; claimCount: number };
        persistentVolumes: Connection<{ name: string; phase: string; claim: { name: string } | null }>;
        persistentVolumeClaims: Connection<{ name: string; phase: string; volumeName: string }>;
        storageClasses: Array<{ name: string; isDefault: boolean }>;
        events: Connection<{ reason: string; type: string; lastSeen: string }>;
        nodes: Connection<{ name: string; pods: Connection<{ name: string; namespace: string }> }>;
      };
    }>(
      `query ($id: ID!) { cluster(id: $id) {
        serviceCount services(namespace: "shop") { edges { node { name type ports { port targetPort } } } }
        storage { capacityBytes boundBytes volumeCount claimCount }
        persistentVolumes { edges { node { name phase claim { name } } } } persistentVolumeClaims { edges { node { name phase volumeName } } }
        storageClasses { name isDefault }
        events(first: 100) { edges { node { reason type lastSeen } } }
        nodes { edges { node { name pods { edges { node { name namespace } } } } } }
      } }`,
      { id: cluster.id },
    );
    expect(response.errors).toBeUndefined();
    const raw = response.data!.cluster;
    const picture = {
      ...raw,
      services: nodesOf(raw.services),
      persistentVolumes: nodesOf(raw.persistentVolumes),
      persistentVolumeClaims: nodesOf(raw.persistentVolumeClaims),
      events: nodesOf(raw.events),
      nodes: nodesOf(raw.nodes).map((node) => ({ ...node, pods: nodesOf(node.pods) })),
    };
    expect(picture.services).toEqual([{ name: 'web', type: 'LoadBalancer', ports: [{ port: 80, targetPort: '8080' }] }]);
    expect(picture.serviceCount).toBeGreaterThanOrEqual(1);
    expect(picture.storage).toEqual({ capacityBytes: 10 * GiB, boundBytes: 10 * GiB, volumeCount: 1, claimCount: 1 });
    expect(picture.persistentVolumes).toEqual([{ name: 'pv-1', phase: 'Bound', claim: { name: 'data' } }]);
    expect(picture.persistentVolumeClaims).toEqual([{ name: 'data', phase: 'Bound', volumeName: 'pv-1' }]);
    expect(picture.storageClasses).toEqual([{ name: 'standard', isDefault: true }]);
    expect(picture.events.some((event) => event.reason === 'BackOff' && event.type === 'Warning')).toBe(true);
    const times = picture.events.map((event) => event.lastSeen);
    expect(times).toEqual([...times].sort().reverse());
    const placed = picture.nodes.flatMap((node) => node.pods.map((pod) => `${pod.namespace}/${pod.name}`));
    expect(new Set(placed).size).toBe(placed.length);
  });

  test('pods page by cursor and filter by label and node', async () => {
    const first = await gateway.request<{
      cluster: { pods: { totalCount: number; edges: Array<{ cursor: string; node: { name: string; namespace: string } }>; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    }>(`query ($id: ID!) { cluster(id: $id) { pods(first: 2) { totalCount edges { cursor node { name namespace } } pageInfo { hasNextPage endCursor } } } }`, { id: cluster.id });
    const page = first.data!.cluster.pods;
    expect(page.edges).toHaveLength(2);
    expect(page.pageInfo.hasNextPage).toBe(true);
    const second = await gateway.request<{ cluster: { pods: { edges: Array<{ node: { name: string; namespace: string } }> } } }>(
      `query ($id: ID!, $after: String) { cluster(id: $id) { pods(first: 500, after: $after) { edges { node { name namespace } } } } }`,
      { id: cluster.id, after: page.pageInfo.endCursor },
    );
    const names = [...page.edges, ...second.data!.cluster.pods.edges].map((edge) => `${edge.node.namespace}/${edge.node.name}`);
    expect(names).toHaveLength(page.totalCount);
    expect(new Set(names).size).toBe(names.length);

    const web = await gateway.request<{ cluster: { pods: { totalCount: number } } }>(
      `query ($id: ID!) { cluster(id: $id) { pods(namespace: "shop", labelSelector: "app in (web)") { totalCount } } }`,
      { id: cluster.id },
    );
    expect(web.data?.cluster.pods.totalCount).toBe(2);
    const bad = await gateway.request(`query ($id: ID!) { cluster(id: $id) { pods(labelSelector: "app in (") { totalCount } } }`, { id: cluster.id });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'labelSelector' });
  });

  test('scaleWorkload brings pods, and workloadEvents streams the change', async () => {
    const events = collect<{ workloadEvents: { type: string; workload: { name: string; desired: number; ready: number } } }>(
      gateway.websocket(),
      `subscription ($id: ID!) { workloadEvents(clusterId: $id, namespace: "shop") { type workload { name desired ready } } }`,
      { id: cluster.id },
    );
    await waitFor('the subscription to be live', async () => /^kda_subscription_hub_subjects [1-9]/m.test(await (await fetch(`${gateway.url}/metrics`)).text()));
    const scaled = await gateway.request<{ scaleWorkload: { workload: { kind: string; name: string; desired: number } } }>(
      `mutation ($id: ID!) { scaleWorkload(input: { clusterId: $id, namespace: "shop", kind: DEPLOYMENT, name: "web", replicas: 4 }) { workload { kind name desired } } }`,
      { id: cluster.id },
    );
    // The payload carries the workload as it is after the change, its kind in SCREAMING_CASE.
    expect(scaled.data?.scaleWorkload.workload).toEqual({ kind: 'DEPLOYMENT', name: 'web', desired: 4 });
    await waitFor('4 ready web pods', async () => (await workload('DEPLOYMENT', 'web'))?.ready === 4);
    await waitFor('the scale on workloadEvents', () =>
      events.results.some((result) => result.data?.workloadEvents.workload.name === 'web' && result.data.workloadEvents.workload.ready === 4),
    );
    events.unsubscribe();
  });

  test('restartWorkload rolls every pod', async () => {
    const before = new Set((await workload('DEPLOYMENT', 'web'))?.pods.map((pod) => pod.name));
    const restarted = await gateway.request(
      `mutation ($id: ID!) { restartWorkload(input: { clusterId: $id, namespace: "shop", kind: DEPLOYMENT, name: "web" }) { workload { name restartedAt } } }`,
      { id: cluster.id },
    );
    expect(restarted.errors).toBeUndefined();
    await waitFor('a rolled-out web with only new pods', async () => {
      const web = await workload('DEPLOYMENT', 'web');
      return web?.rolledOut === true && web.pods.length === 4 && web.pods.every((pod) => !before.has(pod.name));
    });
  });

  test('deletePod: the controller replaces it', async () => {
    const victim = (await workload('DEPLOYMENT', 'web'))!.pods[0]!.name;
    const deleted = await gateway.request<{ deletePod: { deletedPodId: string; pod: { id: string; name: string } } }>(
      `mutation ($id: ID!, $name: String!) { deletePod(input: { clusterId: $id, namespace: "shop", name: $name }) { deletedPodId pod { id name } } }`,
      { id: cluster.id, name: victim },
    );
    expect(deleted.data?.deletePod.pod.name).toBe(victim);
    expect(deleted.data?.deletePod.deletedPodId).toBe(deleted.data?.deletePod.pod.id);
    await waitFor('a replacement pod', async () => {
      const web = await workload('DEPLOYMENT', 'web');
      return web?.ready === 4 && !web.pods.some((pod) => pod.name === victim);
    });
  });

  test('cordon, drain respecting a disruption budget, uncordon', async () => {
    const cordoned = await gateway.request<{ cordonNode: { node: { name: string; schedulable: boolean } } }>(
      `mutation ($id: ID!) { cordonNode(input: { clusterId: $id, name: "worker-1" }) { node { name schedulable } } }`,
      { id: cluster.id },
    );
    expect(cordoned.data?.cordonNode.node).toEqual({ name: 'worker-1', schedulable: false });

    // The budget wants 2 web pods available; 4 run, so the drain may take them all only as replacements come up elsewhere.
    const drained = await gateway.request<{
      drainNode: { complete: boolean; evicted: Array<{ name: string }>; skipped: Array<{ reason: string; pod: { name: string } }>; blocked: Array<{ name: string }> };
    }>(
      `mutation ($id: ID!) { drainNode(input: { clusterId: $id, name: "worker-1", timeoutSeconds: 60 }) { complete evicted { name } skipped { reason pod { name } } blocked { name } } }`,
      { id: cluster.id },
    );
    expect(drained.errors).toBeUndefined();
    expect(drained.data?.drainNode.skipped.some((skipped) => /DaemonSet/.test(skipped.reason))).toBe(true);
    expect(drained.data?.drainNode.evicted.length).toBeGreaterThan(0);

    const uncordoned = await gateway.request<{ uncordonNode: { node: { schedulable: boolean } } }>(
      `mutation ($id: ID!) { uncordonNode(input: { clusterId: $id, name: "worker-1" }) { node { schedulable } } }`,
      { id: cluster.id },
    );
    expect(uncordoned.data?.uncordonNode.node.schedulable).toBe(true);
  });

  test('a drain blocked by a budget that allows no disruption reports the pods it could not move', async () => {
    cluster.simulator.addPodDisruptionBudget({ namespace: 'shop', name: 'db', selector: { app: 'db' }, minAvailable: 1 });
    await waitFor('db ready', async () => (await workload('STATEFUL_SET', 'db'))?.ready === 1);
    const dbNode = (await workload('STATEFUL_SET', 'db'))!.pods[0]!.nodeName!;
    const drained = await gateway.request<{ drainNode: { complete: boolean; blocked: Array<{ name: string }> } }>(
      `mutation ($id: ID!, $node: String!) { drainNode(input: { clusterId: $id, name: $node, timeoutSeconds: 1 }) { complete blocked { name } } }`,
      { id: cluster.id, node: dbNode },
    );
    // Other pods on that node may be held back too (the web budget, while replacements start); db-0 always is.
    expect(drained.data?.drainNode.complete).toBe(false);
    expect(drained.data?.drainNode.blocked).toEqual(expect.arrayContaining([{ name: 'db-0' }]));
    expect((await workload('STATEFUL_SET', 'db'))?.pods.map((pod) => pod.name)).toEqual(['db-0']);
    await gateway.request(`mutation ($id: ID!, $node: String!) { uncordonNode(input: { clusterId: $id, name: $node }) { node { name } } }`, { id: cluster.id, node: dbNode });
  });

  test.each([
    ['an unknown workload', `scaleWorkload(input: { clusterId: $id, namespace: "shop", kind: DEPLOYMENT, name: "nope", replicas: 1 }) { workload { name } }`, 'NOT_FOUND', 'name'],
    [
      'negative replicas',
      `scaleWorkload(input: { clusterId: $id, namespace: "shop", kind: DEPLOYMENT, name: "web", replicas: -1 }) { workload { name } }`,
      'BAD_USER_INPUT',
      'replicas',
    ],
    [
      'an old-style kind',
      `scaleWorkload(input: { clusterId: $id, namespace: "shop", kind: Deployment, name: "web", replicas: 1 }) { workload { name } }`,
      'BAD_USER_INPUT',
      'kind',
    ],
    ['a bad namespace', `restartWorkload(input: { clusterId: $id, namespace: "Shop!", kind: DEPLOYMENT, name: "web" }) { workload { name } }`, 'BAD_USER_INPUT', 'namespace'],
    ['an unknown pod', `deletePod(input: { clusterId: $id, namespace: "shop", name: "ghost" }) { deletedPodId }`, 'NOT_FOUND', 'name'],
    ['an unknown node', `cordonNode(input: { clusterId: $id, name: "ghost" }) { node { name } }`, 'NOT_FOUND', 'name'],
    ['an unknown cluster', `cordonNode(input: { clusterId: $unknown, name: "worker-1" }) { node { name } }`, 'NOT_FOUND', 'clusterId'],
  ])('%s is refused', async (_case, mutation, code, field) => {
    const variables = mutation.includes('$unknown') ? { unknown: '00000000-0000-0000-0000-000000000000' } : { id: cluster.id };
    const declaration = mutation.includes('$unknown') ? '$unknown: ID!' : '$id: ID!';
    const response = await gateway.request(`mutation (${declaration}) { ${mutation} }`, variables);
    expect(response.errors?.[0]?.extensions).toMatchObject({ code, field });
  });

  test('a slow cluster does not slow queries: they are answered from the caches', async () => {
    cluster.simulator.setLatency(10 * 60_000);
    try {
      const response = await gateway.request<{ cluster: { podCount: number } }>(`query ($id: ID!) { cluster(id: $id) { podCount } }`, { id: cluster.id });
      expect(response.data?.cluster.podCount).toBeGreaterThan(0);
    } finally {
      cluster.simulator.setLatency(0);
    }
  });
});
