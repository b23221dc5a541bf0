import { randomBytes } from 'node:crypto';
import { AppsV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { createToken, createUser } from './identity-support.js';
import { registerCluster, type RegisteredCluster } from './support/cluster.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { collect, type CollectedSubscription } from './support/subscription.js';
import { waitFor } from './support/wait.js';

const GiB = 2 ** 30;
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

const CREATE = `mutation ($input: CreateAppMapInput!) { createAppMap(input: $input) { appMap { id name stage selector clusterName namespace } } }`;
const UPDATE = `mutation ($input: UpdateAppMapInput!) { updateAppMap(input: $input) { appMap { id name stage selector } } }`;
const DELETE = `mutation ($id: ID!) { deleteAppMap(input: { id: $id }) { deletedAppMapId } }`;
const PICTURE = `query ($id: ID!) {
  appMap(id: $id) {
    id name stage namespace clusterName region provider health healthReason packageVersion
    cluster { id name }
    workspace { id name }
    replicas { desired ready available updated }
    groups { name workloads health }
    images { image repository tag workloads }
    workloads { totalCount edges { node { workloadId kind name group desired ready available updated images health healthReason } } }
    pods(first: 20) { totalCount edges { node { podId name workload phase ready containers { name image ready state } health } } }
    services { edges { node { serviceId name type workloads loadBalancerIngress health } } }
    volumes { edges { node { claimId name phase workloads health } } }
    events(first: 20) { totalCount edges { node { type reason objectKind objectName } } }
  }
}`;
const HEALTH = `query ($id: ID!) { appMap(id: $id) { health healthReason replicas { desired ready available updated } } }`;
const LIST = `query ($workspaceId: ID, $clusterId: ID, $name: String) {
  appMaps(workspaceId: $workspaceId, clusterId: $clusterId, name: $name) { totalCount edges { node { id name clusterName provider region health images { tag } packageVersion } } }
}`;
const EVENTS = `subscription ($ids: [ID!]!, $after: String) {
  appMapEvents(appMapIds: $ids, after: $after) {
    cursor appMapId name clusterId health healthReason previousHealth deleted
    replicas { desired ready available updated }
    workloads { kind name desired ready available updated health }
  }
}`;

interface AppMapEventResult {
  appMapEvents: {
    cursor: string;
    appMapId: string;
    name: string;
    clusterId: string;
    health: string;
    healthReason: string | null;
    previousHealth: string | null;
    deleted: boolean;
    replicas: { desired: number; ready: number; available: number; updated: number };
    workloads: Array<{ kind: string; name: string; desired: number; ready: number; available: number; updated: number; health: string }>;
  };
}

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** A cluster at a pace tests can watch: a simulated second is 20 ms (a 5 s progress deadline passes in 100 ms). */
async function startShopCluster(): Promise<SimulatedCluster> {
  const simulator = await startSimulatedCluster({
    name: `shop-${randomBytes(3).toString('hex')}`,
    bookmarkIntervalMs: 200,
    podStartDelayMs: 10,
    podReadyDelayMs: 20,
    simulatedSecondMs: 20,
    loadBalancerDelayMs: 30,
  });
  simulator.addNode({ name: 'worker-1', cpu: 16, memoryBytes: 32 * GiB, storageBytes: 100 * GiB });
  simulator.addNamespace('shop');
  simulator.addNamespace('billing');
  simulator.addStorageClass({ name: 'standard', provisioner: 'example.com/csi', isDefault: true });
  const shop = { 'part-of': 'shop' };
  simulator.addDeployment({
    namespace: 'shop',
    name: 'web',
    replicas: 2,
    maxSurge: 1,
    maxUnavailable: 0,
    labels: { app: 'web', tier: 'front', ...shop },
    containers: [{ name: 'web', image: 'example/shop-web:2.1.0' }],
  });
  simulator.addStatefulSet({
    namespace: 'shop',
    name: 'db',
    replicas: 1,
    labels: { app: 'db', tier: 'data', ...shop },
    containers: [{ name: 'db', image: 'docker.io/library/redis:7.4.1' }],
    volumeClaims: [{ name: 'data', storage: '1Gi' }],
  });
  simulator.addDeployment({ namespace: 'shop', name: 'unrelated', replicas: 1, labels: { app: 'unrelated' }, containers: [{ name: 'main', image: 'example/unrelated:1' }] });
  simulator.addService({ namespace: 'shop', name: 'web', type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }], labels: shop });
  simulator.addService({ namespace: 'shop', name: 'db', selector: { app: 'db' }, ports: [{ port: 6379 }], labels: shop });
  simulator.reconcile();
  return simulator;
}

function appsOf(simulator: SimulatedCluster): AppsV1Api {
  const config = new KubeConfig();
  config.loadFromString(simulator.kubeconfig());
  return config.makeApiClient(AppsV1Api);
}

describe('application maps against MariaDB, NATS and two simulated clusters', () => {
  let gateway: TestGateway;
  let seoul: RegisteredCluster;
  let tokyo: RegisteredCluster;
  let teamId: string;
  let otherTeamId: string;
  const tokens: Record<string, string> = {};
  const userIds: Record<string, string> = {};
  let seoulMap: string;
  let tokyoMap: string;

  async function count(): Promise<number> {
    const [row] = await gateway.dataSource.query<Array<{ n: number | string }>>('SELECT COUNT(*) AS n FROM app_maps');
    return Number(row?.n ?? 0);
  }

  async function health(id: string): Promise<{ health: string; healthReason: string | null; replicas: { desired: number; updated: number; available: number } }> {
    return data(
      await gateway.request<{ appMap: { health: string; healthReason: string | null; replicas: { desired: number; updated: number; available: number } } }>(HEALTH, { id }),
      'appMap',
    ).appMap;
  }

  function eventsOf(subscription: CollectedSubscription<AppMapEventResult>, mapId: string): AppMapEventResult['appMapEvents'][] {
    return subscription.results.flatMap((result) => (result.data?.appMapEvents.appMapId === mapId ? [result.data.appMapEvents] : []));
  }

  async function liveSubscriptions(): Promise<number> {
    const text = await (await fetch(`${gateway.url}/metrics`)).text();
    return Number(/^kda_subscription_hub_subjects (\d+)$/m.exec(text)?.[1] ?? 0);
  }

  /**
   * Subscribes once every earlier stream has let go of the bus, and waits until this one holds its
   * subjects: four kinds per map namespace, each cluster's status, and the maps' own changes.
   */
  async function follow(token: string, variables: Record<string, unknown>, subjects: number): Promise<CollectedSubscription<AppMapEventResult>> {
    await waitFor('earlier streams to let go', async () => (await liveSubscriptions()) === 0);
    const subscription = collect<AppMapEventResult>(gateway.websocket(`Bearer ${token}`), EVENTS, variables);
    await waitFor('the stream to be live', async () => (await liveSubscriptions()) >= subjects);
    return subscription;
  }

  beforeAll(async () => {
    gateway = await startTestGateway();
    seoul = await registerCluster(gateway, await startShopCluster());
    tokyo = await registerCluster(gateway, await startShopCluster());
    const workspace = async (name: string) =>
      data(
        await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(`mutation ($name: String!) { createWorkspace(input: { name: $name }) { workspace { id } } }`, {
          name,
        }),
        'createWorkspace',
      ).createWorkspace.workspace.id;
    teamId = await workspace('Sports Team');
    otherTeamId = await workspace('MIS Team');
    const allot = async (workspaceId: string, clusterId: string, namespaces: string[]) =>
      data(
        await gateway.request(`mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`, {
          input: { workspaceId, clusterId, namespaces },
        }),
        'allotCluster',
      );
    await allot(teamId, seoul.id, ['shop']);
    await allot(teamId, tokyo.id, ['shop']);
    await allot(otherTeamId, seoul.id, ['billing']);
    const member = async (key: string, workspaceId: string, role: string) => {
      const user = await createUser(gateway, { name: key, email: `${key}-${randomBytes(3).toString('hex')}@example.com` });
      userIds[key] = user.id;
      data(
        await gateway.request(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, {
          input: { workspaceId, userId: user.id, role },
        }),
        'addWorkspaceMember',
      );
      tokens[key] = (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token;
    };
    await member('devops', teamId, 'DEVOPS');
    await member('viewer', teamId, 'VIEWER');
    await member('leaver', teamId, 'VIEWER');
    await member('outsider', otherTeamId, 'VIEWER');
    await member('outsiderManager', otherTeamId, 'MANAGER');
  });

  afterAll(async () => {
    await gateway?.stop();
    await seoul?.simulator.close();
    await tokyo?.simulator.close();
  });

  test('a map drawn around running workloads shows its workloads, pods, services, volumes, events and verdict', async () => {
    const created = data(
      await gateway.request<{ createAppMap: { appMap: { id: string; stage: string; clusterName: string } } }>(
        CREATE,
        {
          input: {
            workspaceId: teamId,
            clusterId: seoul.id,
            namespace: 'shop',
            name: 'shop',
            stage: 'prod',
            selector: 'part-of=shop',
            groups: [
              { name: 'front', selector: 'tier=front' },
              { name: 'data', workloadNames: ['db'] },
            ],
          },
        },
        tokens.devops,
      ),
      'createAppMap',
    ).createAppMap.appMap;
    seoulMap = created.id;
    expect(created).toMatchObject({ stage: 'PROD', clusterName: seoul.name });
    tokyoMap = data(
      await gateway.request<{ createAppMap: { appMap: { id: string } } }>(
        CREATE,
        { input: { workspaceId: teamId, clusterId: tokyo.id, namespace: 'shop', name: 'shop', stage: 'STAGING', selector: 'part-of=shop' } },
        tokens.devops,
      ),
      'createAppMap',
    ).createAppMap.appMap.id;

    await waitFor('the map HEALTHY (pods ready, the load balancer addressed, the claim bound)', async () => (await health(seoulMap)).health === 'HEALTHY');
    const picture = data(await gateway.request<{ appMap: Record<string, unknown> }>(PICTURE, { id: seoulMap }, tokens.viewer), 'appMap').appMap as {
      cluster: { id: string; name: string };
      groups: unknown;
      images: unknown;
      workloads: Connection<{ kind: string; name: string; group: string | null; health: string; workloadId: string }>;
      pods: Connection<{ name: string; workload: string | null; containers: Array<{ image: string }>; podId: string }>;
      services: Connection<{ name: string; type: string; workloads: string[]; loadBalancerIngress: string[]; health: string }>;
      volumes: Connection<{ name: string; phase: string; workloads: string[]; health: string }>;
      events: Connection<{ objectKind: string; objectName: string }>;
    };
    expect(picture).toMatchObject({
      stage: 'PROD',
      region: 'Seoul',
      provider: 'ON_PREMISE',
      health: 'HEALTHY',
      healthReason: null,
      packageVersion: null,
      cluster: { id: seoul.id, name: seoul.name },
      workspace: { id: teamId, name: 'Sports Team' },
      replicas: { desired: 3, ready: 3, available: 3, updated: 3 },
      groups: [
        { name: 'front', workloads: ['web'], health: 'HEALTHY' },
        { name: 'data', workloads: ['db'], health: 'HEALTHY' },
      ],
      images: [
        { image: 'example/shop-web:2.1.0', repository: 'example/shop-web', tag: '2.1.0', workloads: ['web'] },
        { image: 'docker.io/library/redis:7.4.1', repository: 'docker.io/library/redis', tag: '7.4.1', workloads: ['db'] },
      ],
    });
    expect(nodesOf(picture.workloads).map((workload) => `${workload.kind}/${workload.name}:${workload.group}:${workload.health}`)).toEqual([
      'Deployment/web:front:HEALTHY',
      'StatefulSet/db:data:HEALTHY',
    ]);
    const pods = nodesOf(picture.pods);
    expect(pods.map((pod) => pod.workload).sort()).toEqual(['db', 'web', 'web']);
    expect(pods.find((pod) => pod.workload === 'web')?.containers).toEqual([expect.objectContaining({ image: 'example/shop-web:2.1.0' })]);
    expect(nodesOf(picture.services)).toEqual([
      { serviceId: expect.any(String), name: 'db', type: 'ClusterIP', workloads: ['db'], loadBalancerIngress: [], health: 'HEALTHY' },
      { serviceId: expect.any(String), name: 'web', type: 'LoadBalancer', workloads: ['web'], loadBalancerIngress: [expect.any(String)], health: 'HEALTHY' },
    ]);
    expect(nodesOf(picture.volumes)).toEqual([{ claimId: expect.any(String), name: 'data-db-0', phase: 'Bound', workloads: ['db'], health: 'HEALTHY' }]);
    expect(nodesOf(picture.events).every((event) => !event.objectName.startsWith('unrelated'))).toBe(true);
    // The ids are the graph's own nodes.
    const workloadId = nodesOf(picture.workloads)[0]!.workloadId;
    const node = await gateway.request<{ node: { __typename: string; name: string } }>(
      `query ($id: ID!) { node(id: $id) { __typename ... on Workload { name } } }`,
      { id: workloadId },
      tokens.viewer,
    );
    expect(node.data?.node).toEqual({ __typename: 'Workload', name: 'web' });

    // Side by side: the same application on both clusters, with where, which version and how healthy.
    await waitFor('the Tokyo map HEALTHY', async () => (await health(tokyoMap)).health === 'HEALTHY');
    const sideBySide = nodesOf(
      data(
        await gateway.request<{ appMaps: Connection<{ clusterName: string; images: Array<{ tag: string }>; health: string; packageVersion: string | null }> }>(
          LIST,
          { name: 'shop' },
          tokens.viewer,
        ),
        'appMaps',
      ).appMaps,
    );
    expect(sideBySide.map((map) => [map.clusterName, map.images.map((image) => image.tag), map.health, map.packageVersion]).sort()).toEqual(
      [
        [seoul.name, ['2.1.0', '7.4.1'], 'HEALTHY', null],
        [tokyo.name, ['2.1.0', '7.4.1'], 'HEALTHY', null],
      ].sort(),
    );
  });

  test('appMapEvents follows rollouts on both clusters in one stream: a crash-looping image degrades, a scale progresses, a pause suspends', async () => {
    const subscription = await follow(tokens.viewer!, { ids: [seoulMap, tokyoMap] }, 11);

    // Seoul: a new image that crash-loops, with a progress deadline of 5 simulated seconds.
    await appsOf(seoul.simulator).patchNamespacedDeployment(
      {
        namespace: 'shop',
        name: 'web',
        body: { spec: { progressDeadlineSeconds: 5, template: { spec: { containers: [{ name: 'web', image: 'example/shop-web:2.2.0-simulate-crash' }] } } } },
      },
      strategic,
    );
    const degraded = await waitFor('Seoul DEGRADED', () => eventsOf(subscription, seoulMap).find((event) => event.health === 'DEGRADED'));
    expect(degraded.healthReason).toMatch(/crash-looping|progress deadline/);
    expect(degraded.clusterId).toBe(seoul.id);
    await waitFor('the progress deadline reported', () =>
      eventsOf(subscription, seoulMap).find((event) => event.healthReason?.includes('Deployment web: the rollout exceeded its progress deadline') === true),
    );

    // Tokyo, same stream: scaled up through the gateway, progressing, then healthy again.
    data(
      await gateway.request(
        `mutation ($input: ScaleWorkloadInput!) { scaleWorkload(input: $input) { workload { desired } } }`,
        { input: { clusterId: tokyo.id, namespace: 'shop', kind: 'DEPLOYMENT', name: 'web', replicas: 3 } },
        tokens.devops,
      ),
      'scaleWorkload',
    );
    await waitFor('Tokyo PROGRESSING', () => eventsOf(subscription, tokyoMap).find((event) => event.health === 'PROGRESSING'));
    const scaled = await waitFor('Tokyo HEALTHY with 4 replicas', () =>
      eventsOf(subscription, tokyoMap).find((event) => event.health === 'HEALTHY' && event.replicas.available === 4 && event.replicas.desired === 4),
    );
    expect(scaled.previousHealth).toBe('PROGRESSING');
    expect(scaled.workloads.find((workload) => workload.name === 'web')).toMatchObject({ kind: 'Deployment', desired: 3, ready: 3, available: 3, updated: 3, health: 'HEALTHY' });

    // Tokyo paused: SUSPENDED.
    await appsOf(tokyo.simulator).patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { paused: true } } }, merge);
    const suspended = await waitFor('Tokyo SUSPENDED', () => eventsOf(subscription, tokyoMap).find((event) => event.health === 'SUSPENDED'));
    expect(suspended.healthReason).toBe('Deployment web: the Deployment is paused');

    // Seoul rolled back: healthy again.
    await appsOf(seoul.simulator).patchNamespacedDeployment(
      { namespace: 'shop', name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'web', image: 'example/shop-web:2.1.0' }] } } } } },
      strategic,
    );
    await waitFor('Seoul HEALTHY again', () => eventsOf(subscription, seoulMap).at(-1)?.health === 'HEALTHY');

    // Only changes are news: no two events in a row report the same state of a map.
    for (const mapId of [seoulMap, tokyoMap]) {
      const states = eventsOf(subscription, mapId).map((event) => JSON.stringify([event.health, event.healthReason, event.replicas, event.workloads]));
      states.slice(1).forEach((state, index) => expect(state).not.toBe(states[index]));
    }
    expect(subscription.results.every((result) => result.errors === undefined)).toBe(true);
    subscription.unsubscribe();
  });

  test('resumed with `after`, a stream first sends the maps whose state changed since, with their current state', async () => {
    const first = await follow(tokens.viewer!, { ids: [seoulMap, tokyoMap] }, 11);
    await appsOf(tokyo.simulator).patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { paused: false } } }, merge);
    const resumedTokyo = await waitFor('Tokyo HEALTHY', () => eventsOf(first, tokyoMap).find((event) => event.health === 'HEALTHY'));
    first.unsubscribe();

    // While nobody listens, Tokyo pauses again; Seoul does not change.
    await appsOf(tokyo.simulator).patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { paused: true } } }, merge);
    await waitFor('Tokyo SUSPENDED in the query', async () => (await health(tokyoMap)).health === 'SUSPENDED');

    const resumed = collect<AppMapEventResult>(gateway.websocket(`Bearer ${tokens.viewer}`), EVENTS, { ids: [seoulMap, tokyoMap], after: resumedTokyo.cursor });
    const caughtUp = await waitFor('the caught-up Tokyo state', () => eventsOf(resumed, tokyoMap)[0]);
    expect(caughtUp).toMatchObject({ health: 'SUSPENDED', previousHealth: null });
    expect(eventsOf(resumed, seoulMap)).toEqual([]);
    resumed.unsubscribe();

    const foreign = collect<AppMapEventResult>(gateway.websocket(`Bearer ${tokens.viewer}`), EVENTS, { ids: [seoulMap], after: resumedTokyo.cursor });
    await foreign.done;
    expect(foreign.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('bad input: a namespace or cluster not allotted, a bad selector, a taken name; nothing is written', async () => {
    const before = await count();
    const input = { workspaceId: teamId, clusterId: seoul.id, namespace: 'shop', name: 'shop-2', stage: 'DEV', selector: 'part-of=shop' };
    const attempt = async (change: Record<string, unknown>, token = tokens.devops) =>
      (await gateway.request(CREATE, { input: { ...input, ...change } }, token)).errors?.[0]?.extensions;
    expect(await attempt({ namespace: 'billing' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'namespace' });
    expect(await attempt({ clusterId: 'not-a-cluster' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clusterId' });
    expect(await attempt({ selector: 'part-of in (shop' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'selector' });
    expect(await attempt({ name: 'Shop Two' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'name' });
    expect(await attempt({ groups: [{ name: 'front' }] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'groups.0' });
    expect(await attempt({ name: 'shop' })).toMatchObject({ code: 'CONFLICT', field: 'name' });
    expect(await attempt({}, tokens.viewer)).toMatchObject({ code: 'FORBIDDEN' });
    expect((await gateway.request(UPDATE, { input: { id: seoulMap, selector: 'a in (' } }, tokens.devops)).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'selector',
    });
    expect(await count()).toBe(before);
  });

  test('another team’s viewer sees nothing: no map in lists, node() null, NOT_FOUND by id and in a stream; their manager cannot change it', async () => {
    const { outsider, outsiderManager } = tokens;
    expect(data(await gateway.request<{ node: unknown }>(`query ($id: ID!) { node(id: $id) { id } }`, { id: seoulMap }, outsider), 'node').node).toBeNull();
    expect(data(await gateway.request<{ appMaps: Connection<unknown> }>(LIST, {}, outsider), 'appMaps').appMaps.totalCount).toBe(0);
    expect(data(await gateway.request<{ appMaps: Connection<unknown> }>(LIST, { name: 'shop' }, outsider), 'appMaps').appMaps.totalCount).toBe(0);
    expect((await gateway.request(HEALTH, { id: seoulMap }, outsider)).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    expect((await gateway.request(LIST, { workspaceId: teamId }, outsider)).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'workspaceId' });
    expect((await gateway.request(UPDATE, { input: { id: seoulMap, stage: 'DEV' } }, outsiderManager)).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect((await gateway.request(DELETE, { id: seoulMap }, outsiderManager)).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    const stream = collect<AppMapEventResult>(gateway.websocket(`Bearer ${outsider}`), EVENTS, { ids: [seoulMap] });
    await stream.done;
    expect(stream.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'appMapIds' });
    // Their own team's namespace is not the shop team's: a map there is refused to them too.
    expect(
      (await gateway.request(CREATE, { input: { workspaceId: otherTeamId, clusterId: seoul.id, namespace: 'shop', name: 'peek', stage: 'DEV' } }, outsiderManager)).errors?.[0]
        ?.extensions,
    ).toMatchObject({ code: 'BAD_USER_INPUT', field: 'namespace' });
  });

  test('a member who leaves the workspace mid-stream gets FORBIDDEN, which ends it', async () => {
    const stream = await follow(tokens.leaver!, { ids: [tokyoMap] }, 6);
    data(
      await gateway.request(`mutation ($input: RemoveWorkspaceMemberInput!) { removeWorkspaceMember(input: $input) { removedMemberId } }`, {
        input: { workspaceId: teamId, userId: userIds.leaver },
      }),
      'removeWorkspaceMember',
    );
    await appsOf(tokyo.simulator).patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { paused: false } } }, merge);
    const failure = await stream.done.then(
      () => undefined,
      (error: unknown) => error as { errors?: Array<{ extensions?: Record<string, unknown> }> },
    );
    expect(failure?.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
  });

  test('deleting a map deletes nothing in the cluster; a stream of it gets its last event', async () => {
    const stream = await follow(tokens.viewer!, { ids: [tokyoMap] }, 6);
    const podsBefore = tokyo.simulator.listPods('shop').length;
    expect(data(await gateway.request<{ deleteAppMap: { deletedAppMapId: string } }>(DELETE, { id: tokyoMap }, tokens.devops), 'deleteAppMap').deleteAppMap.deletedAppMapId).toBe(
      tokyoMap,
    );
    const last = await waitFor('the last event', () => eventsOf(stream, tokyoMap).find((event) => event.deleted));
    expect(last).toMatchObject({ health: 'MISSING', healthReason: 'the application map was deleted' });
    await stream.done;
    expect(tokyo.simulator.listPods('shop').length).toBe(podsBefore);
    const deployments = await appsOf(tokyo.simulator).listNamespacedDeployment({ namespace: 'shop' });
    expect(deployments.items.map((item) => item.metadata?.name).sort()).toEqual(['unrelated', 'web']);
    expect((await gateway.request(HEALTH, { id: tokyoMap }, tokens.viewer)).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
  });
});
