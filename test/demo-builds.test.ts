import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { rawRequest } from 'graphql-request';
import { createApp, GRAPHQL_PATH, type App } from '../src/app.js';
import type { GatewayConfig } from '../src/config/config.js';
import { silentLogger } from '../src/shared/logger.js';
import { nodesOf, type Connection } from './support/connections.js';
import { waitFor } from './support/wait.js';
import { embeddedConfig } from './support/embedded.js';

interface DemoBuild {
  readonly id: string;
  readonly name: string;
  readonly status: string | null;
  readonly imageSizeBytes: number | null;
  readonly runs: { totalCount: number };
  readonly lastRun: { statusDisplay: string; image: string; imageDigest: string | null } | null;
}

interface Registry {
  readonly name: string;
  readonly kind: string;
  readonly url: string;
  readonly repositories: Array<{ name: string; tags: Array<{ name: string; digest: string | null; sizeBytes: number | null }> }>;
}

const BUILDS = `query ($w: ID!) { builds(workspaceId: $w) { edges { node { id name status imageSizeBytes runs { totalCount } lastRun { statusDisplay image imageDigest } } } } }`;
const REGISTRIES = `{ registries(first: 5) { edges { node { name kind url repositories(first: 20) { edges { node { name tags(first: 5) { edges { node { name digest sizeBytes } } } } } } } } } }`;

type RawRegistry = Omit<Registry, 'repositories'> & { repositories: Connection<{ name: string; tags: Connection<Registry['repositories'][number]['tags'][number]> }> };

/** The embedded default as `npm start` runs it: simulated clusters and registry, demo teams and builds. */
describe('demo builds on the embedded default', () => {
  const adminToken = `demo-admin-${randomBytes(8).toString('hex')}`;
  let folder: string;
  let config: GatewayConfig;
  let app: App | undefined;

  async function request<T>(query: string, variables: Record<string, unknown> = {}, token = adminToken): Promise<T> {
    if (app === undefined) throw new Error('the gateway is not running');
    return (await rawRequest<T>({ url: `${app.url}${GRAPHQL_PATH}`, query, variables, requestHeaders: { authorization: `Bearer ${token}` } })).data;
  }

  async function workspaceIds(): Promise<Map<string, string>> {
    const { workspaces } = await request<{ workspaces: Connection<{ id: string; name: string }> }>(`{ workspaces { edges { node { id name } } } }`);
    return new Map(nodesOf(workspaces).map((workspace) => [workspace.name, workspace.id]));
  }

  async function buildsOf(workspaceId: string): Promise<DemoBuild[]> {
    return nodesOf((await request<{ builds: Connection<DemoBuild> }>(BUILDS, { w: workspaceId })).builds);
  }

  async function platformRegistry(): Promise<Registry> {
    const registries: Registry[] = nodesOf((await request<{ registries: Connection<RawRegistry> }>(REGISTRIES)).registries).map((registry) => ({
      ...registry,
      repositories: nodesOf(registry.repositories).map((repository) => ({ name: repository.name, tags: nodesOf(repository.tags) })),
    }));
    const platform = registries.find((registry) => registry.name === 'platform');
    if (platform === undefined) throw new Error(`no platform registry among ${JSON.stringify(registries)}`);
    return platform;
  }

  /** Every run of the team's builds finished (none RUNNING), so figures are final. */
  async function finishedBuilds(workspaceId: string, count: number): Promise<DemoBuild[]> {
    return waitFor(`${count} finished demo builds`, async () => {
      const builds = await buildsOf(workspaceId);
      return builds.length === count && builds.every((build) => build.status !== null && build.status !== 'RUNNING') ? builds : undefined;
    });
  }

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'kda-demo-builds-'));
    config = embeddedConfig(folder, adminToken);
    app = await createApp(config, { logger: silentLogger });
  });

  afterAll(async () => {
    await app?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  test("each demo team sees its own project of the platform registry and its own build pods, not another team's", async () => {
    const teams = await workspaceIds();
    for (const [team, count] of [
      ['Cloud Team', 5],
      ['Sports Team', 1],
      ['MIS Team', 1],
    ] as const)
      await finishedBuilds(teams.get(team) as string, count);
    const buildNamespaces = async (token: string): Promise<Set<string>> => {
      const { clusters } = await request<{ clusters: Array<{ name: string; pods: Connection<{ namespace: string }> }> }>(
        `{ clusters { name pods(first: 500) { edges { node { namespace } } } } }`,
        {},
        token,
      );
      const namespaces = clusters.flatMap((cluster) => nodesOf(cluster.pods).map((pod) => pod.namespace));
      return new Set(namespaces.filter((namespace) => namespace.startsWith('kda-builds')));
    };
    // Every team's build pods are in the caches: the administrator sees them all.
    await waitFor('the build pods of every team', async () => (await buildNamespaces(adminToken)).size === 3 || undefined);

    const tokenOf = async (team: string, role: string): Promise<string> => {
      const { workspace } = await request<{ workspace: { members: Connection<{ role: string; user: { id: string } }> } }>(
        `query ($w: ID!) { workspace(id: $w) { members { edges { node { role user { id } } } } } }`,
        { w: teams.get(team) },
      );
      const userId = nodesOf(workspace.members).find((member) => member.role === role)?.user.id;
      const { createApiToken } = await request<{ createApiToken: { token: string } }>(`mutation ($input: CreateApiTokenInput!) { createApiToken(input: $input) { token } }`, {
        input: { name: 'demo', userId, scopes: ['READ', 'WRITE'] },
      });
      return createApiToken.token;
    };
    const sportsDevops = await tokenOf('Sports Team', 'DEVOPS');
    const { registries } = await request<{ registries: Connection<{ projects: string[]; repositories: Connection<{ name: string }> }> }>(
      `query ($w: ID!) { registries(workspaceId: $w) { edges { node { projects repositories { edges { node { name } } } } } } }`,
      { w: teams.get('Sports Team') },
      sportsDevops,
    );
    expect(nodesOf(registries).map((registry) => ({ projects: registry.projects, repositories: nodesOf(registry.repositories).map((repository) => repository.name) }))).toEqual([
      { projects: ['sports-team'], repositories: ['sports-team/electro-shop'] },
    ]);
    // The Cloud Team has the build cluster whole, and still sees only its own build pods.
    expect(await buildNamespaces(await tokenOf('Cloud Team', 'OPERATOR'))).toEqual(new Set(['kda-builds-cloud-team']));
    expect(await buildNamespaces(sportsDevops)).toEqual(new Set(['kda-builds-sports-team']));
  });

  test('the demo builds run for real at first start, and a restart keeps them without duplicates', async () => {
    const teams = await workspaceIds();
    const cloudTeam = teams.get('Cloud Team') as string;
    const builds = await finishedBuilds(cloudTeam, 5);
    expect(builds.map((build) => [build.name, build.status])).toEqual([
      ['build-step', 'ERROR 4/6'],
      ['demo-jupyterlab', 'DONE'],
      ['demo-was-ant', 'DONE'],
      ['nginx', 'DONE'],
      ['rstudio', 'DONE'],
    ]);
    for (const team of ['Sports Team', 'MIS Team']) expect((await finishedBuilds(teams.get(team) as string, 1)).map((build) => build.status)).toEqual(['DONE']);

    // Digests and sizes were read back from the simulated registry the builds pushed to.
    const registry = await platformRegistry();
    expect(registry.kind).toBe('BUILTIN');
    const wasAnt = builds.find((build) => build.name === 'demo-was-ant');
    expect(wasAnt?.lastRun?.image).toBe(`${new URL(registry.url).host}/cloud-team/demo-was-ant:run-1`);
    const pushed = registry.repositories.find((repository) => repository.name === 'cloud-team/demo-was-ant')?.tags;
    expect(pushed).toEqual([{ name: 'run-1', digest: wasAnt?.lastRun?.imageDigest, sizeBytes: wasAnt?.imageSizeBytes }]);
    expect(registry.repositories.map((repository) => repository.name)).not.toContain('cloud-team/build-step');

    // Restart on the same data: the simulated registry comes back empty on a new port.
    await app?.stop();
    app = undefined;
    app = await createApp(config, { logger: silentLogger });
    const restarted = await platformRegistry();
    expect(restarted.repositories).toEqual([]);
    const kept = await buildsOf(cloudTeam);
    expect(kept.map((build) => [build.name, build.runs.totalCount, build.lastRun?.imageDigest ?? null])).toEqual(
      builds.map((build) => [build.name, 1, build.lastRun?.imageDigest ?? null]),
    );

    // Building again pushes to the registry at its new address.
    const {
      runBuild: { run: runBuild },
    } = await request<{ runBuild: { run: { id: string; image: string } } }>(`mutation ($b: ID!) { runBuild(input: { buildId: $b }) { run { id image } } }`, { b: wasAnt?.id });
    expect(runBuild.image).toBe(`${new URL(restarted.url).host}/cloud-team/demo-was-ant:run-2`);
    const rebuilt = await waitFor('the second run of demo-was-ant', async () => {
      const { buildRun } = await request<{ buildRun: { status: string; imageDigest: string | null } }>(`query ($id: ID!) { buildRun(id: $id) { status imageDigest } }`, {
        id: runBuild.id,
      });
      return buildRun.status === 'SUCCEEDED' || buildRun.status === 'FAILED' ? buildRun : undefined;
    });
    expect(rebuilt.status).toBe('SUCCEEDED');
    expect((await platformRegistry()).repositories).toEqual([
      { name: 'cloud-team/demo-was-ant', tags: [{ name: 'run-2', digest: rebuilt.imageDigest, sizeBytes: expect.any(Number) as number }] },
    ]);
  });
});
