/**
 * Metering end to end on MariaDB, NATS and a simulated cluster: samples with requests go in
 * through the metrics store and its hourly rollup, prices through setPriceTable, and costs come
 * out per day with sums that add up (cluster = workspaces + unallotted + idle, workspace = maps +
 * unmapped), each pod-hour charged the larger of usage and requests.
 */
import { randomBytes } from 'node:crypto';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { toSample } from '../src/domains/monitoring/index.js';
import { createMetricsStore } from '../src/infra/db/metrics-store.js';
import { localKeyOf } from '../src/shared/global-id.js';
import { createToken, createUser } from './identity-support.js';
import { registerCluster } from './support/cluster.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

const GiB = 2 ** 30;
const HOUR = 3_600_000;
const DAY = 86_400_000;
const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const ADD_MEMBER = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
const ALLOT_CLUSTER = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`;
const CREATE_MAP = `mutation ($input: CreateAppMapInput!) { createAppMap(input: $input) { appMap { id } } }`;
const SET_PRICES = `mutation ($input: PriceTableInput!) { setPriceTable(input: $input) { provider region cpuCoreHour memoryGiBHour storageGiBHour currency updatedAt } }`;
const FIGURES = 'cpuCoreHours memoryGiBHours storageGiBHours cpuCost memoryCost storageCost total';
const COSTS = `query ($workspaceId: ID, $clusterId: ID, $appMapId: ID, $from: Date!, $to: Date!) {
  costs(workspaceId: $workspaceId, clusterId: $clusterId, appMapId: $appMapId, from: $from, to: $to) {
    currency days { date currency ${FIGURES} } total { ${FIGURES} } idle { ${FIGURES} } unallotted { ${FIGURES} } unmapped { ${FIGURES} } } }`;

interface Figures {
  cpuCoreHours: number;
  memoryGiBHours: number;
  storageGiBHours: number;
  cpuCost: number;
  memoryCost: number;
  storageCost: number;
  total: number;
}
interface Report {
  currency: string;
  days: Array<Figures & { date: string; currency: string }>;
  total: Figures;
  idle: Figures | null;
  unallotted: Figures | null;
  unmapped: Figures | null;
}

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

const sum = (...values: number[]) => values.reduce((total, value) => total + value, 0);

describe('metering: costs per day from the hourly rollups, priced by provider and region', () => {
  let gateway: TestGateway;
  let cluster: SimulatedCluster;
  let clusterId: string;
  let shop: string;
  let rival: string;
  let mapId: string;
  const tokens: Record<string, string> = {};
  // Two days ago (UTC): inside the rollups' retention, away from what the collector writes now.
  const day = Math.floor(Date.now() / DAY) * DAY - 2 * DAY;
  const date = new Date(day).toISOString().slice(0, 10);
  const nextDate = new Date(day + DAY).toISOString().slice(0, 10);

  const costs = async (variables: Record<string, unknown>, token?: string) =>
    data(await gateway.request<{ costs: Report }>(COSTS, { from: date, to: nextDate, ...variables }, token), 'costs').costs;

  beforeAll(async () => {
    [gateway, cluster] = await Promise.all([
      // The collector polls rarely: the test writes the history itself.
      startTestGateway({ metrics: { intervalSeconds: 3600, fineRetentionHours: 24, coarseRetentionDays: 30 } }),
      startSimulatedCluster({ name: `metering-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200 }),
    ]);
    cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 16, memoryBytes: 32 * GiB, storageBytes: 100 * GiB, maxPods: 110 });
    cluster.addNode({ name: 'worker-2', roles: ['worker'], cpu: 16, memoryBytes: 32 * GiB, storageBytes: 100 * GiB, maxPods: 110 });
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 1, containers: [{ name: 'web', image: 'shop/web:1' }] });
    cluster.addPersistentVolumeClaim({ namespace: 'shop', name: 'data', storage: '10Gi' });
    clusterId = (await registerCluster(gateway, cluster)).id;
    const workspace = async (name: string) =>
      data(await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name } }), 'createWorkspace').createWorkspace.workspace.id;
    shop = await workspace(`Shop ${randomBytes(2).toString('hex')}`);
    rival = await workspace(`Rival ${randomBytes(2).toString('hex')}`);
    for (const [key, workspaceId] of [
      ['shop', shop],
      ['rival', rival],
    ] as const) {
      const user = await createUser(gateway, { name: key, email: `${key}-${randomBytes(3).toString('hex')}@example.com`, systemRole: 'USER' });
      data(await gateway.request(ADD_MEMBER, { input: { workspaceId, userId: user.id, role: 'VIEWER' } }), 'addWorkspaceMember');
      tokens[key] = (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token;
    }
    const outsider = await createUser(gateway, { name: 'outsider', email: `outsider-${randomBytes(3).toString('hex')}@example.com`, systemRole: 'USER' });
    tokens.outsider = (await createToken(gateway, { name: 'cli', userId: outsider.id, scopes: ['READ'] })).token;
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: shop, clusterId, namespaces: ['shop'] } }), 'allot');
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: rival, clusterId, namespaces: ['rival'] } }), 'allot');
    mapId = data(
      await gateway.request<{ createAppMap: { appMap: { id: string } } }>(CREATE_MAP, {
        input: { workspaceId: shop, clusterId, namespace: 'shop', name: 'web', stage: 'PROD', selector: '' },
      }),
      'createAppMap',
    ).createAppMap.appMap.id;

    // Three hours of one sample each: web's CPU is charged on usage, its memory on requests;
    // rival's api on its CPU request; worker (no map) and dns (no workspace) on usage.
    const store = createMetricsStore(gateway.dataSource);
    for (let hour = 0; hour < 3; hour += 1) {
      await store.insert(
        toSample(localKeyOf(clusterId, 'Cluster'), day + hour * HOUR + 600_000, {
          nodes: [
            { name: 'worker-1', cpuMillicores: 2000, memoryBytes: 4 * GiB },
            { name: 'worker-2', cpuMillicores: 2000, memoryBytes: 4 * GiB },
          ],
          pods: [
            { namespace: 'shop', name: 'web-7d9f-abcde', cpuMillicores: 500, memoryBytes: GiB, containers: [], cpuRequestMillicores: 250, memoryRequestBytes: 2 * GiB },
            { namespace: 'shop', name: 'worker-1', cpuMillicores: 100, memoryBytes: 0.5 * GiB, containers: [] },
            { namespace: 'rival', name: 'api-1', cpuMillicores: 200, memoryBytes: GiB, containers: [], cpuRequestMillicores: 1000 },
            { namespace: 'kube-system', name: 'dns-1', cpuMillicores: 50, memoryBytes: 0.25 * GiB, containers: [] },
          ],
        }),
      );
    }
    await store.rollUp(day + DAY, 48);
    data(
      await gateway.request(SET_PRICES, { input: { provider: 'ON_PREMISE', region: 'Seoul', cpuCoreHour: 0.1, memoryGiBHour: 0.01, storageGiBHour: 0.001, currency: 'EUR' } }),
      'setPriceTable',
    );
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.close();
  });

  it('charges each pod-hour the larger of usage and requests, and volumes on their requested size', async () => {
    const map = await costs({ appMapId: mapId }, tokens.shop);
    expect(map.currency).toBe('EUR');
    expect(map.days.map((row) => row.date)).toEqual([date, nextDate]);
    // web: CPU max(0.5, 0.25) and memory max(1, 2) GiB for three hours.
    expect(map.days[0]).toMatchObject({ currency: 'EUR', cpuCoreHours: 1.5, memoryGiBHours: 6, storageGiBHours: 0, cpuCost: 0.15, memoryCost: 0.06, total: 0.21 });
    expect(map.days[1]).toMatchObject({ cpuCoreHours: 0, memoryGiBHours: 0, total: 0 });
    // The same figures on the map itself, beside its vulnerabilities: one query for a team's maps.
    const onMap = data(
      await gateway.request<{ appMap: { cost: Report; vulnerabilities: { counts: { critical: number } } } }>(
        `query ($id: ID!, $from: Date!, $to: Date!) { appMap(id: $id) { cost(from: $from, to: $to) { currency total { ${FIGURES} } } vulnerabilities { counts { critical } } } }`,
        { id: mapId, from: date, to: nextDate },
        tokens.shop,
      ),
      'appMap cost',
    ).appMap;
    expect(onMap.cost).toEqual({ currency: 'EUR', total: map.total });

    const workspace = await waitFor('the claim in the caches', async () => {
      const report = await costs({ workspaceId: shop }, tokens.shop);
      return report.total.storageGiBHours > 0 ? report : undefined;
    });
    expect(workspace.total).toMatchObject({ cpuCoreHours: 1.8, memoryGiBHours: 7.5, storageGiBHours: 30, storageCost: 0.03 });
    expect(workspace.unmapped).toMatchObject({ cpuCoreHours: 0.3, memoryGiBHours: 1.5, storageGiBHours: 30 });
    expect(workspace.total.total).toBeCloseTo(map.total.total + workspace.unmapped!.total, 6);

    const other = await costs({ workspaceId: rival }, tokens.rival);
    // api: CPU on its request (1 core), memory on usage.
    expect(other.total).toMatchObject({ cpuCoreHours: 3, memoryGiBHours: 3 });
  });

  it("a cluster's figure is its workspaces' plus the unallotted pods' plus idle capacity", async () => {
    const [whole, shopReport, rivalReport] = await Promise.all([costs({ clusterId }), costs({ workspaceId: shop }), costs({ workspaceId: rival })]);
    expect(whole.unallotted).toMatchObject({ cpuCoreHours: 0.15, memoryGiBHours: 0.75 });
    // Two nodes of 16 cores and 32 GiB for three measured hours, less what the pods were charged.
    expect(whole.idle?.cpuCoreHours).toBeCloseTo(96 - (1.8 + 3 + 0.15), 6);
    expect(whole.idle?.memoryGiBHours).toBeCloseTo(192 - (7.5 + 3 + 0.75), 6);
    for (const key of ['cpuCoreHours', 'memoryGiBHours', 'storageGiBHours', 'total'] as const) {
      expect(whole.total[key]).toBeCloseTo(sum(shopReport.total[key], rivalReport.total[key], whole.unallotted![key], whole.idle![key]), 5);
    }
    expect(whole.days[0]!.total).toBeCloseTo(whole.total.total, 6);
    expect(shopReport.idle).toBeNull();
  });

  it('another workspace, its map or the cluster it cannot see is NOT_FOUND; bad ranges are BAD_USER_INPUT', async () => {
    for (const variables of [{ workspaceId: shop }, { appMapId: mapId }]) {
      const response = await gateway.request(COSTS, { from: date, to: date, ...variables }, tokens.rival);
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND' });
    }
    // Members see their workspace's figures, not a whole cluster's; a cluster outside their scope is missing.
    const member = await gateway.request(COSTS, { clusterId, from: date, to: date }, tokens.rival);
    expect(member.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    const outsider = await gateway.request(COSTS, { clusterId, from: date, to: date }, tokens.outsider);
    expect(outsider.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'clusterId' });
    const reversed = await gateway.request(COSTS, { workspaceId: shop, from: nextDate, to: date });
    expect(reversed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const long = await gateway.request(COSTS, { workspaceId: shop, from: '2026-01-01', to: '2026-06-01' });
    expect(long.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    const both = await gateway.request(COSTS, { workspaceId: shop, clusterId, from: date, to: date });
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
  });

  it('exports the same figures as CSV at /costs.csv, with the same authentication and access rules', async () => {
    const csv = (query: string, token?: string) => fetch(`${gateway.url}/costs.csv?${query}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
    const query = new URLSearchParams({ workspaceId: shop, from: date, to: nextDate }).toString();
    const response = await csv(query, tokens.shop);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const report = await costs({ workspaceId: shop }, tokens.shop);
    const lines = (await response.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('date,cpuCoreHours,memoryGiBHours,storageGiBHours,cpuCost,memoryCost,storageCost,total,currency');
    expect(lines.slice(1)).toEqual([
      `${date},1.8,7.5,30,${report.days[0]!.cpuCost},${report.days[0]!.memoryCost},0.03,${report.days[0]!.total},EUR`,
      `${nextDate},0,0,0,0,0,0,0,EUR`,
      `total,1.8,7.5,30,${report.total.cpuCost},${report.total.memoryCost},0.03,${report.total.total},EUR`,
      `unmapped,0.3,1.5,30,${report.unmapped!.cpuCost},${report.unmapped!.memoryCost},0.03,${report.unmapped!.total},EUR`,
    ]);
    expect((await csv(query)).status).toBe(401);
    expect((await csv(new URLSearchParams({ clusterId, from: date, to: date }).toString(), tokens.shop)).status).toBe(403);
    const foreign = await csv(query, tokens.rival);
    expect(foreign.status).toBe(404);
    expect(await foreign.json()).toMatchObject({ errors: [{ extensions: { code: 'NOT_FOUND' } }] });
    const reversed = await csv(new URLSearchParams({ workspaceId: shop, from: nextDate, to: date }).toString(), tokens.shop);
    expect(reversed.status).toBe(400);
    expect((await csv(new URLSearchParams({ workspaceId: shop, from: 'yesterday', to: date }).toString(), tokens.shop)).status).toBe(400);
  });

  it('price tables: administrators only, every price required and non-negative, an ISO 4217 currency; defaults listed', async () => {
    const input = { provider: 'GKE', region: 'europe-west3', cpuCoreHour: 0.03, memoryGiBHour: 0.004, storageGiBHour: 0.0002, currency: 'EUR' };
    const forbidden = await gateway.request(SET_PRICES, { input }, tokens.shop);
    expect(forbidden.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN' });
    for (const [patch, field] of [
      [{ cpuCoreHour: -1 }, 'input.cpuCoreHour'],
      [{ memoryGiBHour: null }, 'input.memoryGiBHour'],
      [{ storageGiBHour: undefined }, 'input.storageGiBHour'],
      [{ currency: 'euro' }, 'input.currency'],
      [{ provider: 'MARS' }, 'input.provider'],
    ] as const) {
      const response = await gateway.request(SET_PRICES, { input: { ...input, ...patch } });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field });
    }
    const tables = async () =>
      data(
        await gateway.request<{ priceTables: Array<{ provider: string; region: string; currency: string; updatedAt: string | null }> }>(
          '{ priceTables { provider region currency updatedAt } }',
        ),
        'priceTables',
      ).priceTables;
    // Nothing half-written by the refused inputs.
    expect((await tables()).some((table) => table.region === 'europe-west3')).toBe(false);
    data(await gateway.request(SET_PRICES, { input }), 'setPriceTable');
    const listed = await tables();
    expect(listed).toContainEqual(expect.objectContaining({ provider: 'GKE', region: 'europe-west3', currency: 'EUR' }));
    expect(listed).toContainEqual({ provider: 'EKS', region: '*', currency: 'USD', updatedAt: null });
  });
});
