/**
 * The three role dashboards of the README (examples/dashboards/*.graphql), each run as a user of
 * that role on the embedded default with its demo world: one request, no error, the lists a
 * dashboard is built around not empty, and a price well under the cost limit.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, GRAPHQL_PATH, type App } from '../src/app.js';
import { DEFAULT_LIMITS } from '../src/config/limits.js';
import { silentLogger } from '../src/shared/logger.js';
import { nodesOf, type Connection } from './support/connections.js';
import { waitFor } from './support/wait.js';
import { embeddedConfig } from './support/embedded.js';

interface Answer<T> {
  data?: T;
  errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
  extensions?: { cost?: { requested: number; maximum: number } };
}

const dashboard = (name: string) => readFile(path.join(import.meta.dirname, '..', 'examples', 'dashboards', `${name}.graphql`), 'utf8');

interface CostView {
  currency: string;
  total: { total: number };
}
interface AdminView {
  clusters: Array<{
    name: string;
    status: string;
    capacity: { cpuCores: number };
    usage: { cpuPercent: number | null } | null;
    cost: CostView & { idle: { total: number } | null };
    nodes: Connection<{ name: string }>;
  }>;
  workspaces: Connection<{ name: string; cost: CostView }>;
  alerts: { totalCount: number };
}
interface DevOpsView {
  builds: Connection<{ name: string; lastRun: { status: string } | null }>;
  releases: Connection<{ appMapName: string; status: string }>;
  appMaps: Connection<{ name: string; vulnerabilities: { counts: { critical: number; high: number }; images: Array<{ image: string }> } }>;
}
interface OperatorView {
  appMaps: Connection<{ name: string; health: string; replicas: { desired: number }; pods: Connection<{ name: string; restarts: number }> }>;
  alerts: Connection<{ kind: string }>;
}

describe('role dashboards on the embedded default, one round trip each', () => {
  const adminToken = `dash-admin-${randomBytes(8).toString('hex')}`;
  let folder: string;
  let app: App | undefined;
  let cloudTeam: string;
  const tokens: Record<string, string> = {};

  async function post<T>(query: string, variables: Record<string, unknown>, token = adminToken): Promise<Answer<T>> {
    const response = await fetch(`${app!.url}${GRAPHQL_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Answer<T>;
  }

  async function data<T>(query: string, variables: Record<string, unknown> = {}, token = adminToken): Promise<T> {
    const answer = await post<T>(query, variables, token);
    if (answer.errors !== undefined || answer.data === undefined) throw new Error(JSON.stringify(answer.errors));
    return answer.data;
  }

  /** One request: no error, and well under the cost limit. */
  const today = new Date().toISOString().slice(0, 10);

  async function run<T>(name: string, token: string): Promise<{ view: T; cost: { requested: number; maximum: number } }> {
    const answer = await post<T>(await dashboard(name), { workspaceId: cloudTeam, from: today, to: today }, token);
    expect(answer.errors).toBeUndefined();
    const cost = answer.extensions?.cost;
    if (cost === undefined || answer.data === undefined) throw new Error(`${name}: no data or no cost`);
    expect(cost.requested).toBeLessThan(cost.maximum / 4);
    return { view: answer.data, cost };
  }

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'kda-dashboards-'));
    app = await createApp(
      embeddedConfig(folder, adminToken, {
        metrics: { intervalSeconds: 1, fineRetentionHours: 24, coarseRetentionDays: 30 },
        limits: { ...DEFAULT_LIMITS, alertIntervalSeconds: 0.5 },
      }),
      { logger: silentLogger },
    );
    const workspaces = nodesOf((await data<{ workspaces: Connection<{ id: string; name: string }> }>(`{ workspaces(first: 20) { edges { node { id name } } } }`)).workspaces);
    cloudTeam = workspaces.find((workspace) => workspace.name === 'Cloud Team')!.id;
    const users = nodesOf((await data<{ users: Connection<{ id: string; email: string | null }> }>(`{ users(first: 50) { edges { node { id email } } } }`)).users);
    for (const [role, email] of [
      ['devops', 'jiwoo.lee@acornsoft.example'],
      ['operator', 'seoyeon.choi@acornsoft.example'],
    ] as const) {
      const userId = users.find((user) => user.email === email)!.id;
      tokens[role] = (
        await data<{ createApiToken: { token: string } }>(`mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }`, {
          input: { name: 'dashboard', userId, scopes: ['READ', 'WRITE'] },
        })
      ).createApiToken.token;
    }
    // The demo has no release: the DevOps engineer deploys one of its maps, saved as a package, on the other cluster.
    const maps = nodesOf(
      (
        await data<{ appMaps: Connection<{ id: string; name: string; clusterName: string; health: string }> }>(
          `query ($w: ID!) { appMaps(workspaceId: $w, first: 20) { edges { node { id name clusterName health } } } }`,
          { w: cloudTeam },
        )
      ).appMaps,
    );
    const source = maps.find((map) => map.name === 'metrics-server' && map.clusterName === 'acorn-demo-cluster')!;
    const version = (
      await data<{ saveAppMapAsPackage: { packageVersion: { id: string } } }>(
        `mutation ($input: SaveAppMapAsPackageInput!) { saveAppMapAsPackage(input: $input) { packageVersion { id } } }`,
        { input: { appMapId: source.id, newPackage: { name: 'metrics-server (dashboards)' }, version: '1.0.0' } },
        tokens.devops,
      )
    ).saveAppMapAsPackage.packageVersion.id;
    const gke = (await data<{ clusters: Array<{ id: string; name: string }> }>(`{ clusters { id name } }`)).clusters.find(
      (cluster) => cluster.name === 'gke-acornsoft-demo-cluster',
    )!;
    await data(
      `mutation ($input: DeployPackageInput!) { deployPackage(input: $input) { release { id } } }`,
      { input: { workspaceId: cloudTeam, packageVersionId: version, clusterId: gke.id, namespace: 'observability', appMapName: 'metrics-copy', stage: 'STAGING' } },
      tokens.devops,
    );
  });

  afterAll(async () => {
    await app?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test('Administrator (a system ADMIN): clusters with capacity, usage, costs and nodes, what each workspace costs, the platform team’s alerts', async () => {
    const { view } = await waitFor('usage on every cluster', async () => {
      const ran = await run<AdminView>('administrator', adminToken);
      return ran.view.clusters.every((cluster) => cluster.usage !== null) ? ran : undefined;
    });
    expect(view.clusters.map((cluster) => cluster.name).sort()).toEqual(['acorn-demo-cluster', 'gke-acornsoft-demo-cluster']);
    for (const cluster of view.clusters) {
      expect(cluster.status).toBe('RUNNING');
      expect(cluster.capacity.cpuCores).toBeGreaterThan(0);
      expect(cluster.usage!.cpuPercent).toBeGreaterThan(0);
      expect(nodesOf(cluster.nodes).length).toBeGreaterThan(0);
      expect(cluster.cost.currency).toMatch(/^[A-Z]{3}$/);
      expect(cluster.cost.idle).not.toBeNull();
    }
    const workspaces = nodesOf(view.workspaces);
    expect(workspaces.map((workspace) => workspace.name)).toEqual(expect.arrayContaining(['Cloud Team', 'Sports Team', 'MIS Team']));
    for (const workspace of workspaces) expect(workspace.cost.currency).toMatch(/^[A-Z]{3}$/);
  });

  test('a whole cluster’s cost is an administrator’s: a member gets FORBIDDEN on that field and the rest of the answer', async () => {
    const answer = await post<{ clusters: Array<{ name: string; cost: unknown }> }>(
      `query ($d: Date!) { clusters { name cost(from: $d, to: $d) { currency } } }`,
      { d: today },
      tokens.operator,
    );
    const clusters = answer.data?.clusters ?? [];
    expect(clusters.length).toBeGreaterThan(0);
    expect(clusters.every((cluster) => cluster.cost === null && cluster.name.length > 0)).toBe(true);
    expect(answer.errors?.length).toBe(clusters.length);
    expect(answer.errors?.every((error) => error.extensions?.code === 'FORBIDDEN')).toBe(true);
  });

  test('a workspace’s cost over a reversed range is BAD_USER_INPUT, and its own team sees it', async () => {
    const query = `query ($w: ID!, $from: Date!, $to: Date!) { workspace(id: $w) { name cost(from: $from, to: $to) { currency } } }`;
    const reversed = await post<{ workspace: { cost: unknown } }>(query, { w: cloudTeam, from: today, to: '2020-01-01' }, tokens.operator);
    expect(reversed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const own = await data<{ workspace: { cost: CostView } }>(query, { w: cloudTeam, from: today, to: today }, tokens.operator);
    expect(own.workspace.cost.currency).toMatch(/^[A-Z]{3}$/);
  });

  test('DevOps engineer (a DEVOPS member): builds with their last run, releases with their status, the maps it deploys and their vulnerable images', async () => {
    const { view } = await waitFor('a vulnerable image on the team’s maps', async () => {
      const ran = await run<DevOpsView>('devops', tokens.devops!);
      return nodesOf(ran.view.appMaps).some((map) => map.vulnerabilities.counts.critical + map.vulnerabilities.counts.high > 0) ? ran : undefined;
    });
    expect(nodesOf(view.builds).length).toBeGreaterThan(0);
    expect(nodesOf(view.releases).map((release) => release.appMapName)).toEqual(['metrics-copy']);
    expect(nodesOf(view.appMaps).map((map) => map.name)).toEqual(expect.arrayContaining(['elasticsearch', 'metrics-server', 'metrics-copy']));
    expect(nodesOf(view.appMaps).flatMap((map) => map.vulnerabilities.images).length).toBeGreaterThan(0);
  });

  test('Operator (an OPERATOR member): application maps with health, replicas and restarts, and the open alerts', async () => {
    const { view } = await waitFor('an open alert', async () => {
      const ran = await run<OperatorView>('operator', tokens.operator!);
      return nodesOf(ran.view.alerts).length > 0 ? ran : undefined;
    });
    const maps = nodesOf(view.appMaps);
    expect(maps.length).toBeGreaterThan(0);
    for (const map of maps) expect(map.replicas.desired).toBeGreaterThanOrEqual(0);
    expect(maps.flatMap((map) => nodesOf(map.pods)).length).toBeGreaterThan(0);
    expect(maps.flatMap((map) => nodesOf(map.pods)).every((pod) => Number.isInteger(pod.restarts))).toBe(true);
  });

  test('a dashboard of another team is refused as a missing workspace', async () => {
    const sports = nodesOf((await data<{ workspaces: Connection<{ id: string; name: string }> }>(`{ workspaces(first: 20) { edges { node { id name } } } }`)).workspaces).find(
      (workspace) => workspace.name === 'Sports Team',
    )!.id;
    const answer = await post(await dashboard('operator'), { workspaceId: sports }, tokens.operator);
    expect(answer.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });
});
