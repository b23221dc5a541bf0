/**
 * Usage monitoring end to end: real gateways on MariaDB and NATS, two simulated clusters (one
 * without metrics-server), polled every second. Usage next to capacity, history series, bad input,
 * access, and one poller per cluster across two gateways sharing the bus and the database.
 */
import { randomBytes } from 'node:crypto';
import { createToken, createUser } from './identity-support.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { collect } from './support/subscription.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';
import { waitFor } from './support/wait.js';
import { localKeyOf } from '../src/shared/global-id.js';

const MiB = 2 ** 20;
const SECRET_KEY = randomBytes(32).toString('base64url');
const METRICS = { intervalSeconds: 1, fineRetentionHours: 24, coarseRetentionDays: 30 };

interface Usage {
  cpuCores: number;
  memoryBytes: number;
  pods: number | null;
  cpuAllocatableCores: number | null;
  podsAllocatable: number | null;
  cpuPercent: number | null;
  podsPercent: number | null;
  storageBytes: number | null;
  storageCapacityBytes: number | null;
  storagePercent: number | null;
  sampledAt: string;
}
interface PodRow {
  name: string;
  usage: { cpuCores: number; memoryBytes: number; sampledAt: string; containers: Array<{ name: string; cpuCores: number; memoryBytes: number }> } | null;
}
interface ClusterRow {
  id: string;
  name: string;
  usage: Usage | null;
  nodes: { edges: Array<{ node: { name: string; usage: Usage | null } }> } | null;
  pods: { edges: Array<{ node: PodRow }> } | null;
}
interface History {
  step: number;
  coarse: boolean;
  from: string;
  to: string;
  cpu: Array<{ t: string; avg: number; max: number }>;
  memory: Array<{ t: string; avg: number; max: number }>;
}

const USAGE = 'cpuCores memoryBytes pods cpuAllocatableCores podsAllocatable cpuPercent podsPercent storageBytes storageCapacityBytes storagePercent sampledAt';
const CLUSTERS = `{ clusters { id name usage { ${USAGE} } nodes { edges { node { name usage { ${USAGE} } } } }
  pods(namespace: "team-a") { edges { node { name usage { cpuCores memoryBytes sampledAt containers { name cpuCores memoryBytes } } } } } } }`;
const HISTORY = `query ($target: MetricTarget!, $from: DateTime!, $to: DateTime!, $step: Int) {
  metrics(target: $target, from: $from, to: $to, step: $step) { step coarse from to cpu { t avg max } memory { t avg max } }
}`;

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

const ago = (ms: number) => new Date(Date.now() - ms).toISOString();

describe('usage monitoring against MariaDB, NATS and two simulated clusters', () => {
  let database: TestDatabase;
  let gateway: TestGateway;
  let busy: RegisteredCluster;
  let bare: RegisteredCluster;
  let mapId: string;
  let bareMapId: string;
  const tokens: Record<string, string> = {};

  const history = (variables: Record<string, unknown>, token?: string) => gateway.request<{ metrics: History }>(HISTORY, variables, token);

  beforeAll(async () => {
    // Shared with the second gateway of the last test, which outlives this one.
    database = await createTestDatabase();
    gateway = await startTestGateway({ secretKey: SECRET_KEY, metrics: METRICS }, { database });
    const busySimulator = await startSmallCluster();
    busySimulator.addDeployment({
      namespace: 'team-a',
      name: 'api',
      replicas: 2,
      labels: { app: 'api' },
      containers: [{ name: 'api', image: 'example/api:1', cpu: 0.5, memoryBytes: 512 * MiB }],
    });
    busy = await registerCluster(gateway, busySimulator);
    const bareSimulator = await startSmallCluster();
    bareSimulator.setMetricsServer('off');
    bare = await registerCluster(gateway, bareSimulator);

    const workspace = async (name: string) =>
      data(
        await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(`mutation ($name: String!) { createWorkspace(input: { name: $name }) { workspace { id } } }`, {
          name,
        }),
        'createWorkspace',
      ).createWorkspace.workspace.id;
    const allot = async (workspaceId: string, clusterId: string, namespaces: string[]) =>
      data(
        await gateway.request(`mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`, {
          input: { workspaceId, clusterId, namespaces },
        }),
        'allotCluster',
      );
    const member = async (key: string, workspaceId: string) => {
      const user = await createUser(gateway, { name: key, email: `${key}-${randomBytes(3).toString('hex')}@example.com` });
      data(
        await gateway.request(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, {
          input: { workspaceId, userId: user.id, role: 'VIEWER' },
        }),
        'addWorkspaceMember',
      );
      tokens[key] = (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ'] })).token;
    };
    const team = await workspace('Team');
    const others = await workspace('Others');
    await allot(team, busy.id, ['team-a']);
    await allot(others, bare.id, ['team-a']);
    await member('viewer', team);
    await member('outsider', others);
    mapId = data(
      await gateway.request<{ createAppMap: { appMap: { id: string } } }>(`mutation ($input: CreateAppMapInput!) { createAppMap(input: $input) { appMap { id } } }`, {
        input: { workspaceId: team, clusterId: busy.id, namespace: 'team-a', name: 'api', stage: 'DEV', selector: 'app=api' },
      }),
      'createAppMap',
    ).createAppMap.appMap.id;
    bareMapId = data(
      await gateway.request<{ createAppMap: { appMap: { id: string } } }>(`mutation ($input: CreateAppMapInput!) { createAppMap(input: $input) { appMap { id } } }`, {
        input: { workspaceId: others, clusterId: bare.id, namespace: 'team-a', name: 'web', stage: 'DEV', selector: 'app=web' },
      }),
      'createAppMap',
    ).createAppMap.appMap.id;
  });

  afterAll(async () => {
    await gateway?.stop();
    await busy?.simulator.close();
    await bare?.simulator.close();
    await database?.drop();
  });

  test('usage shows next to capacity for clusters, nodes and pods; a cluster without metrics-server is null with an error naming it', async () => {
    const response = await waitFor('usage of the busy cluster and the outage of the bare one', async () => {
      const answer = await gateway.request<{ clusters: ClusterRow[] }>(CLUSTERS);
      const row = answer.data?.clusters.find((entry) => entry.id === busy.id);
      return row?.usage != null && answer.errors?.some((error) => error.extensions?.clusterId === bare.id) ? answer : undefined;
    });
    const rows = new Map(response.data!.clusters.map((row) => [row.id, row]));
    const cluster = rows.get(busy.id)!;
    const usage = cluster.usage!;
    // 3 plain pods and the 2 of `api`; 2 nodes of 110 pods.
    expect(usage).toMatchObject({ pods: 5, podsAllocatable: 220 });
    expect(usage.cpuCores).toBeGreaterThan(0);
    expect(usage.cpuPercent).toBeCloseTo((usage.cpuCores / usage.cpuAllocatableCores!) * 100, 1);
    expect(usage.podsPercent).toBeCloseTo((5 / 220) * 100, 1);
    // The same sample throughout: the nodes add up to the cluster.
    const nodes = cluster.nodes!.edges.map((edge) => edge.node);
    expect(nodes.every((node) => node.usage?.sampledAt === usage.sampledAt)).toBe(true);
    expect(nodes.reduce((sum, node) => sum + node.usage!.cpuCores, 0)).toBeCloseTo(usage.cpuCores, 5);
    // Disk from each kubelet's Summary API: the images of its pods and more, within the node's size, and the nodes add up.
    for (const node of nodes) {
      expect(node.usage!.storageBytes).toBeGreaterThan(0);
      expect(node.usage!.storageBytes).toBeLessThanOrEqual(node.usage!.storageCapacityBytes!);
      expect(node.usage!.storagePercent).toBeCloseTo((node.usage!.storageBytes! / node.usage!.storageCapacityBytes!) * 100, 1);
    }
    expect(nodes.reduce((sum, node) => sum + node.usage!.storageBytes!, 0)).toBe(usage.storageBytes);
    expect(nodes.reduce((sum, node) => sum + node.usage!.storageCapacityBytes!, 0)).toBe(usage.storageCapacityBytes);
    const pods = cluster.pods!.edges.map((edge) => edge.node);
    expect(pods).toHaveLength(5);
    for (const pod of pods) {
      expect(pod.usage?.cpuCores).toBeGreaterThan(0);
      expect(pod.usage?.containers.map((container) => container.name)).toEqual([pod.name.startsWith('api-') ? 'api' : 'main']);
    }
    // Stored with what their specs request (metering charges the larger of the two).
    const requested = await gateway.dataSource.query<Array<{ name: string; cpu: number | string; memory: number | string }>>(
      "SELECT name, MAX(cpu_request_millicores) AS cpu, MAX(memory_request_bytes) AS memory FROM metric_samples WHERE cluster_id = ? AND scope = 'pod' AND namespace = 'team-a' GROUP BY name",
      [localKeyOf(busy.id, 'Cluster')],
    );
    expect(requested.map((row) => [row.name.startsWith('api-') ? 'api' : row.name, Number(row.cpu), Number(row.memory)]).sort()).toEqual(
      [
        ['api', 500, 512 * MiB],
        ['api', 500, 512 * MiB],
        ['db-0', 250, 256 * MiB],
        ['web-0', 250, 256 * MiB],
        ['web-1', 250, 256 * MiB],
      ].sort(),
    );

    const bareRow = rows.get(bare.id)!;
    expect(bareRow.usage).toBeNull();
    expect(bareRow.nodes?.edges.every((edge) => edge.node.usage === null)).toBe(true);
    // The rest of its fields are intact.
    expect(bareRow.name).toBe(bare.name);
    expect(bareRow.pods?.edges).toHaveLength(3);
    const errors = response.errors ?? [];
    expect(errors.every((error) => error.extensions?.clusterId === bare.id && error.extensions?.code === 'UNAVAILABLE')).toBe(true);
    expect(errors[0]?.message).toContain(bare.name);
    expect(errors[0]?.message).toContain('metrics-server');
    // Once per cluster and request, not once per node and pod.
    expect(errors.length).toBeLessThanOrEqual(2);

    bare.simulator.setMetricsServer('unavailable');
    await waitFor('the 503 to be reported', async () => {
      const answer = await gateway.request<{ cluster: { usage: Usage | null } }>(`query ($id: ID!) { cluster(id: $id) { name usage { cpuCores } } }`, { id: bare.id });
      return answer.data?.cluster.usage === null && answer.errors?.[0]?.message.includes('503') ? true : undefined;
    });
  });

  test('an application map’s usage, and its workload’s, is the sum of its pods', async () => {
    const QUERY = `query ($map: ID!, $cluster: ID!) {
      appMap(id: $map) { usage { ${USAGE} } }
      cluster(id: $cluster) {
        pods(namespace: "team-a", labelSelector: "app=api") { edges { node { name usage { cpuCores memoryBytes sampledAt } } } }
        workloads(namespace: "team-a") { edges { node { name usage { ${USAGE} } } } }
      }
    }`;
    await waitFor('a map usage and its pods of the same sample', async () => {
      const answer = data(
        await gateway.request<{
          appMap: { usage: Usage | null };
          cluster: { pods: { edges: Array<{ node: PodRow }> }; workloads: { edges: Array<{ node: { name: string; usage: Usage | null } }> } };
        }>(QUERY, { map: mapId, cluster: busy.id }),
        'appMap usage',
      );
      const map = answer.appMap.usage;
      const pods = answer.cluster.pods.edges.map((edge) => edge.node.usage!);
      if (map === null || pods.some((pod) => pod.sampledAt !== map.sampledAt)) return undefined;
      // The map is drawn around the `api` Deployment: the workload's usage is the same sum.
      const api = answer.cluster.workloads.edges.find((edge) => edge.node.name === 'api')!.node.usage;
      expect(api).toMatchObject({ pods: 2, cpuCores: map.cpuCores, memoryBytes: map.memoryBytes, sampledAt: map.sampledAt, cpuAllocatableCores: null, storageBytes: null });
      expect(map.pods).toBe(2);
      expect(map.cpuAllocatableCores).toBeNull();
      expect(map.cpuCores).toBeCloseTo(pods[0]!.cpuCores + pods[1]!.cpuCores, 5);
      expect(map.memoryBytes).toBeCloseTo(pods[0]!.memoryBytes + pods[1]!.memoryBytes, 0);
      return true;
    });
  });

  test('history: series for a cluster, a node, a pod and a map, with bounded points', async () => {
    const pod = data(
      await gateway.request<{ cluster: { pods: { edges: Array<{ node: { name: string } }> } } }>(
        `query ($id: ID!) { cluster(id: $id) { pods(namespace: "team-a", labelSelector: "app=api") { edges { node { name } } } } }`,
        { id: busy.id },
      ),
      'pods',
    ).cluster.pods.edges[0]!.node.name;
    const targets = [{ clusterId: busy.id }, { clusterId: busy.id, nodeName: 'worker-1' }, { clusterId: busy.id, namespace: 'team-a', podName: pod }, { appMapId: mapId }];
    for (const target of targets) {
      const series = await waitFor(`three points for ${JSON.stringify(target)}`, async () => {
        const answer = data(await history({ target, from: ago(5 * 60_000), to: new Date(Date.now() + 3_600_000).toISOString(), step: 1 }), 'metrics').metrics;
        return answer.cpu.length >= 3 ? answer : undefined;
      });
      expect(series).toMatchObject({ step: 1, coarse: false });
      // A `to` in the future is brought back to now.
      expect(Date.parse(series.to)).toBeLessThanOrEqual(Date.now());
      expect(series.memory).toHaveLength(series.cpu.length);
      const times = series.cpu.map((point) => Date.parse(point.t));
      expect([...times].sort((a, b) => a - b)).toEqual(times);
      for (const point of series.cpu) {
        expect(point.avg).toBeGreaterThan(0);
        expect(point.max).toBeGreaterThanOrEqual(point.avg);
      }
    }

    // No step: chosen so a day stays under 500 points.
    const day = data(await history({ target: { clusterId: busy.id }, from: ago(23 * 3_600_000), to: new Date().toISOString() }), 'metrics').metrics;
    expect(day).toMatchObject({ step: 300, coarse: false });
    expect(day.cpu.length).toBeGreaterThan(0);
    expect(day.cpu.length).toBeLessThanOrEqual(500);
    // Past the fine samples: from the hourly rollups.
    const month = data(await history({ target: { clusterId: busy.id }, from: ago(29 * 86_400_000), to: new Date().toISOString() }), 'metrics').metrics;
    expect(month).toMatchObject({ step: 7200, coarse: true });
  });

  test('bad input and targets the caller may not see', async () => {
    const now = new Date().toISOString();
    const refused = async (variables: Record<string, unknown>, field: string, message: RegExp, token?: string) => {
      const answer = await history(variables, token);
      expect(answer.data?.metrics ?? null).toBeNull();
      expect(answer.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(answer.errors?.[0]?.message).toMatch(message);
    };
    const cluster = { clusterId: busy.id };
    await refused({ target: cluster, from: now, to: ago(3_600_000) }, 'to', /after from/);
    await refused({ target: cluster, from: ago(40 * 86_400_000), to: now }, 'from', /past the history kept \(30 days/);
    await refused({ target: cluster, from: new Date(Date.now() + 3_600_000).toISOString(), to: new Date(Date.now() + 7_200_000).toISOString() }, 'from', /future/);
    await refused({ target: cluster, from: ago(23 * 3_600_000), to: now, step: 1 }, 'step', /8\d{4} points, more than 11000: use a step of at least 8 s/);
    await refused({ target: cluster, from: ago(60_000), to: now, step: 0 }, 'step', /at least 1/);
    await refused({ target: {}, from: ago(60_000), to: now }, 'target', /clusterId/);
    await refused({ target: { clusterId: busy.id, nodeName: 'worker-1', podName: 'x' }, from: ago(60_000), to: now }, 'target', /nodeName/);
    await refused({ target: { clusterId: busy.id, appMapId: mapId }, from: ago(60_000), to: now }, 'target', /appMapId/);

    const recent = { from: ago(60_000), to: now };
    // A member sees what is allotted to the workspace…
    expect(data(await history({ target: { appMapId: mapId }, ...recent }, tokens.viewer), 'viewer map').metrics.step).toBeGreaterThan(0);
    expect(data(await history({ target: { clusterId: busy.id, namespace: 'team-a', podName: 'web-0' }, ...recent }, tokens.viewer), 'viewer pod').metrics.step).toBeGreaterThan(0);
    // …and another workspace's map, cluster and pods look missing.
    for (const target of [
      { appMapId: mapId },
      { clusterId: busy.id },
      { clusterId: busy.id, nodeName: 'worker-1' },
      { clusterId: busy.id, namespace: 'team-a', podName: 'web-0' },
    ]) {
      const answer = await history({ target, ...recent }, tokens.outsider);
      expect(answer.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    }
    // A bad input is refused before any access is looked at: the outsider learns nothing more.
    expect((await history({ target: { clusterId: busy.id }, from: now, to: ago(60_000) }, tokens.outsider)).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  test('live: clusterMetrics ticks with each sample (resumable), podMetrics per namespace, outages and access', async () => {
    interface Tick {
      clusterMetrics: {
        cursor: string;
        clusterId: string;
        sampledAt: string;
        cpuCores: number | null;
        pods: number | null;
        nodes: Array<{ name: string; cpuCores: number }>;
        unavailableReason: string | null;
      };
    }
    const CLUSTER_TICKS = `subscription ($id: ID!, $after: String) { clusterMetrics(clusterId: $id, after: $after) { cursor clusterId sampledAt cpuCores pods nodes { name cpuCores } unavailableReason } }`;
    const live = collect<Tick>(gateway.websocket(), CLUSTER_TICKS, { id: busy.id });
    await waitFor('three ticks', () => live.results.length >= 3);
    const ticks = live.results.map((result) => result.data!.clusterMetrics);
    for (const tick of ticks) {
      expect(tick).toMatchObject({ clusterId: busy.id, pods: 5, unavailableReason: null });
      expect(tick.cpuCores).toBeGreaterThan(0);
      expect(tick.nodes.map((node) => node.name)).toEqual(['control-1', 'worker-1']);
    }
    const times = ticks.map((tick) => Date.parse(tick.sampledAt));
    expect(times[1]).toBeGreaterThan(times[0]!);
    // Resumed after the first tick: the second comes first.
    const resumed = collect<Tick>(gateway.websocket(), CLUSTER_TICKS, { id: busy.id, after: ticks[0]!.cursor });
    await waitFor('the replay', () => resumed.results.length >= 1);
    expect(resumed.results[0]!.data!.clusterMetrics.cursor).toBe(ticks[1]!.cursor);
    live.unsubscribe();
    resumed.unsubscribe();

    const outage = collect<Tick>(gateway.websocket(), CLUSTER_TICKS, { id: bare.id });
    await waitFor('a tick of the bare cluster', () => outage.results.length >= 1);
    expect(outage.results[0]!.data!.clusterMetrics).toMatchObject({ cpuCores: null, nodes: [], unavailableReason: expect.stringMatching(/metrics\.k8s\.io/) });
    outage.unsubscribe();

    interface PodTick {
      podMetrics: { namespace: string; sampledAt: string; pods: Array<{ name: string; cpuCores: number; containers: Array<{ name: string }> }> };
    }
    const pods = collect<PodTick>(
      gateway.websocket(`Bearer ${tokens.viewer}`),
      `subscription ($id: ID!) { podMetrics(clusterId: $id, namespace: "team-a") { namespace sampledAt pods { name cpuCores containers { name } } } }`,
      { id: busy.id },
    );
    await waitFor('a pod tick', () => pods.results.length >= 1);
    const podTick = pods.results[0]!.data!.podMetrics;
    expect(podTick.pods.map((pod) => pod.name).filter((name) => !name.startsWith('api-'))).toEqual(['db-0', 'web-0', 'web-1']);
    expect(podTick.pods).toHaveLength(5);
    pods.unsubscribe();

    const refused = collect<PodTick>(gateway.websocket(`Bearer ${tokens.outsider}`), `subscription ($id: ID!) { podMetrics(clusterId: $id, namespace: "team-a") { namespace } }`, {
      id: busy.id,
    });
    await refused.done;
    expect(refused.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'namespace' });
    expect(refused.results[0]?.data ?? null).toBeNull();

    const badCursor = collect<Tick>(gateway.websocket(), CLUSTER_TICKS, { id: busy.id, after: 'not-a-cursor' });
    await badCursor.done;
    expect(badCursor.results[0]?.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('live: appMapMetrics follows maps on two clusters in one subscription (resumable), refuses bad input and maps of other teams', async () => {
    interface MapTick {
      appMapMetrics: {
        cursor: string;
        appMapId: string;
        clusterId: string;
        sampledAt: string;
        cpuCores: number | null;
        memoryBytes: number | null;
        pods: number | null;
        restarts: number;
        ready: number;
        desired: number;
        unavailableReason: string | null;
      };
    }
    const MAP_TICKS = `subscription ($ids: [ID!]!, $after: String) { appMapMetrics(appMapIds: $ids, after: $after) {
      cursor appMapId clusterId sampledAt cpuCores memoryBytes pods restarts ready desired unavailableReason } }`;
    const live = collect<MapTick>(gateway.websocket(), MAP_TICKS, { ids: [mapId, bareMapId] });
    const ticksOf = (id: string) => live.results.map((result) => result.data!.appMapMetrics).filter((tick) => tick.appMapId === id);
    await waitFor('two ticks of each map', () => ticksOf(mapId).length >= 2 && ticksOf(bareMapId).length >= 2);
    const api = ticksOf(mapId);
    for (const tick of api) {
      // The two api pods of 0.5 core and 512 MiB requested; the simulator's usage moves around them.
      expect(tick).toMatchObject({ clusterId: busy.id, pods: 2, desired: 2, ready: 2, restarts: 0, unavailableReason: null });
      expect(tick.cpuCores).toBeGreaterThan(0);
      expect(tick.memoryBytes).toBeGreaterThan(0);
    }
    expect(Date.parse(api[1]!.sampledAt)).toBeGreaterThan(Date.parse(api[0]!.sampledAt));
    expect(ticksOf(bareMapId)[0]).toMatchObject({
      clusterId: bare.id,
      cpuCores: null,
      memoryBytes: null,
      pods: null,
      unavailableReason: expect.stringMatching(/metrics\.k8s\.io/),
    });
    // The same figures as the map's usage field, from the same sample.
    const usage = await waitFor('the map’s usage at a sample the stream delivered', async () => {
      const answer = await gateway.request<{ appMap: { usage: Usage | null } }>(`query ($id: ID!) { appMap(id: $id) { usage { ${USAGE} } } }`, { id: mapId });
      const found = answer.data?.appMap.usage;
      return found != null && ticksOf(mapId).some((tick) => tick.sampledAt === found.sampledAt) ? found : undefined;
    });
    const same = ticksOf(mapId).find((tick) => tick.sampledAt === usage.sampledAt)!;
    expect(same.cpuCores).toBe(usage.cpuCores);
    expect(same.memoryBytes).toBe(usage.memoryBytes);

    // Resumed after the first api tick: that cluster's next sample comes first; the bare cluster replays from its own position.
    const first = api[0]!;
    const resumed = collect<MapTick>(gateway.websocket(), MAP_TICKS, { ids: [mapId, bareMapId], after: first.cursor });
    await waitFor('the replay', () => resumed.results.some((result) => result.data?.appMapMetrics.appMapId === mapId));
    const replayed = resumed.results.map((result) => result.data!.appMapMetrics).find((tick) => tick.appMapId === mapId)!;
    expect(replayed.sampledAt).toBe(api[1]!.sampledAt);
    live.unsubscribe();
    resumed.unsubscribe();

    const failure = async (variables: Record<string, unknown>, token?: string) => {
      const refused = collect<MapTick>(gateway.websocket(token === undefined ? undefined : `Bearer ${token}`), MAP_TICKS, variables);
      await refused.done;
      expect(refused.results[0]?.data ?? null).toBeNull();
      return refused.results[0]?.errors?.[0]?.extensions;
    };
    // Another team's map looks missing, even next to one of the caller's.
    expect(await failure({ ids: [mapId, bareMapId] }, tokens.viewer)).toMatchObject({ code: 'NOT_FOUND', field: 'appMapIds' });
    expect(await failure({ ids: [] })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'appMapIds' });
    const tooMany = Array.from({ length: 51 }, (_, index) => `AppMap:${index + 1}`).map((id) => Buffer.from(id).toString('base64url'));
    expect(await failure({ ids: tooMany })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'appMapIds' });
    expect(await failure({ ids: [mapId], after: 'not-a-cursor' })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  test('two gateways on the same NATS: one poller per cluster, both answer from its samples, and the other takes over when it stops', async () => {
    const second = await startTestGateway({ secretKey: SECRET_KEY, metrics: METRICS }, { database });
    try {
      const usageOn = async (on: TestGateway) =>
        (await on.request<{ cluster: { usage: Usage | null } }>(`query ($id: ID!) { cluster(id: $id) { usage { ${USAGE} } } }`, { id: busy.id })).data?.cluster.usage ?? undefined;
      const usage = await waitFor('the second gateway to show usage the first polled', () => usageOn(second));
      expect(usage.pods).toBe(5);

      const polls = () => busy.simulator.requestCount(/^\/apis\/metrics\.k8s\.io\/v1beta1\/pods$/);
      const startedAt = Date.now();
      const before = polls();
      await waitFor('six more polls', () => polls() - before >= 6);
      const seconds = (Date.now() - startedAt) / 1000;
      // One poller makes one request a second; two would make about twice as many.
      expect(polls() - before).toBeLessThanOrEqual(Math.floor(seconds) + 2);

      // The first gateway held every lease (it was alone when they were taken); it gives them up on the way out.
      await gateway.stop();
      const stoppedAt = Date.now();
      const afterStop = polls();
      await waitFor('the second gateway to poll', () => polls() - afterStop >= 3);
      await waitFor('fresh usage from the second gateway', async () => {
        const fresh = await usageOn(second);
        return fresh !== undefined && Date.parse(fresh.sampledAt) > stoppedAt;
      });
    } finally {
      await second.stop();
    }
  });
});
