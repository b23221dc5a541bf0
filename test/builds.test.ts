import { randomBytes } from 'node:crypto';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { createServer } from 'node:net';
import { createRegistryClient } from '../src/infra/registry/registry-client.js';
import { loopbackEgress } from './support/egress.js';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { createToken, createUser } from './identity-support.js';
import { registerCluster } from './support/cluster.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';
import { nodesOf, type Connection } from './support/connections.js';
import { collect } from './support/subscription.js';
import { waitFor } from './support/wait.js';
import { localKeyOf } from '../src/shared/global-id.js';

const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const ALLOT_CLUSTER = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`;
const REVOKE_CLUSTER = `mutation ($workspaceId: ID!, $clusterId: ID!) { revokeClusterAllotment(input: { workspaceId: $workspaceId, clusterId: $clusterId }) { revokedClusterId } }`;
const ADD_MEMBER = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
const CREATE_REGISTRY = `mutation ($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id } } }`;
const ALLOT_REGISTRY = `mutation ($workspaceId: ID!, $registryId: ID!) { allotRegistry(input: { workspaceId: $workspaceId, registryId: $registryId }) { registry { id } workspaceId } }`;
const CREATE_BUILD = `mutation ($input: CreateBuildInput!) { createBuild(input: $input) { build { id name preset stepsTotal registry { id } } } }`;
const RUN_BUILD = `mutation ($buildId: ID!) { runBuild(input: { buildId: $buildId }) { run { id number status image } build { id lastRun { id } } } }`;
const CANCEL = `mutation ($id: ID!) { cancelBuildRun(input: { id: $id }) { run { id status } } }`;
const RUN = `query ($id: ID!) { buildRun(id: $id) { id number status statusDisplay stepsTotal stepsDone failedStep image imageDigest imageSizeBytes startedAt finishedAt log(first: 500) { edges { node { number step text } } } } }`;
const BUILDS = `query ($workspaceId: ID!) { builds(workspaceId: $workspaceId) { edges { node { name imageRepository stepsTotal status lastBuiltAt imageSizeBytes runs { edges { node { number } } } lastRun { number } } } } }`;
const BUILD_LOG = `subscription ($runId: ID!, $fromLine: Int) { buildLog(runId: $runId, fromLine: $fromLine) { number step text } }`;
const RUN_UPDATES = `subscription ($workspaceId: ID!) { buildRunUpdates(workspaceId: $workspaceId) { id status stepsDone } }`;

interface LogLine {
  readonly number: number;
  readonly step: number;
  readonly text: string;
}

interface Run {
  readonly id: string;
  readonly number: number;
  readonly status: string;
  readonly statusDisplay: string;
  readonly stepsTotal: number;
  readonly stepsDone: number;
  readonly failedStep: number | null;
  readonly image: string;
  readonly imageDigest: string | null;
  readonly imageSizeBytes: number | null;
  readonly finishedAt: string | null;
  readonly log: LogLine[];
}

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

async function refusedUrl(): Promise<string> {
  // A loopback port that was free a moment ago: connections to it are refused.
  const port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address !== null ? address.port : 1));
    });
  });
  return `http://127.0.0.1:${port}/team/app.git`;
}

function expectContiguous(lines: readonly LogLine[], from = 1): void {
  expect(lines.map((line) => line.number)).toEqual(lines.map((_, index) => index + from));
}

describe('builds: runs as Jobs in the build cluster, live logs, images in a real registry', () => {
  let gateway: TestGateway;
  let registry: TestRegistry;
  let simulator: SimulatedCluster;
  let clusterId: string;
  let workspaceId: string;
  let otherWorkspaceId: string;
  let registryId: string;

  async function createBuild(name: string, ref: string, overrides: Record<string, unknown> = {}): Promise<GraphqlResponse<{ createBuild: { build: { id: string } } }>> {
    return gateway.request(CREATE_BUILD, {
      input: {
        workspaceId,
        name,
        sourceUrl: 'git://git.example.com/team/app.git',
        ref,
        preset: 'NODEJS',
        imageRepository: `cloud-team/${name}`,
        registryId,
        clusterId,
        ...overrides,
      },
    });
  }

  async function hubSubjects(): Promise<number> {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    return Number(/^kda_subscription_hub_subjects (\d+)/m.exec(metrics)?.[1] ?? 0);
  }

  /** The run with its stored log as a plain list of lines. */
  async function readRun(runId: string): Promise<Run> {
    const run = data(await gateway.request<{ buildRun: Omit<Run, 'log'> & { log: Connection<LogLine> } }>(RUN, { id: runId }), 'buildRun').buildRun;
    return { ...run, log: nodesOf(run.log) };
  }

  async function finishedRun(runId: string): Promise<Run> {
    return waitFor(`run ${runId} to finish`, async () => {
      const run = await readRun(runId);
      return run.finishedAt !== null ? run : undefined;
    });
  }

  beforeAll(async () => {
    [gateway, registry, simulator] = await Promise.all([
      startTestGateway(),
      startTestRegistry(),
      startSimulatedCluster({ name: `builds-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200, podStartDelayMs: 20, buildLineIntervalMs: 40 }),
    ]);
    simulator.addNode({ name: 'builder-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * 2 ** 30, storageBytes: 100 * 2 ** 30, maxPods: 110 });
    clusterId = (await registerCluster(gateway, simulator)).id;
    workspaceId = data(await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name: 'Cloud Team' } }), 'createWorkspace')
      .createWorkspace.workspace.id;
    otherWorkspaceId = data(await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name: 'Sports Team' } }), 'createWorkspace')
      .createWorkspace.workspace.id;
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId, clusterId, namespaces: null } }), 'allotCluster');
    registryId = data(
      await gateway.request<{ createRegistry: { registry: { id: string } } }>(CREATE_REGISTRY, { input: { name: 'platform', url: registry.url, kind: 'BUILTIN' } }),
      'createRegistry',
    ).createRegistry.registry.id;
    data(await gateway.request(ALLOT_REGISTRY, { workspaceId, registryId }), 'allotRegistry');
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([simulator?.close(), registry?.stop()]);
  });

  it('refuses bad build definitions with the field named, and creates nothing', async () => {
    const unknownPreset = await createBuild('rusty', 'main', { preset: 'RUST' });
    expect(unknownPreset.errors?.[0]?.message).toMatch(/BuildPreset/);
    expect(unknownPreset.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'preset' });

    const unknownRegistry = await createBuild('nowhere', 'main', { registryId: '00000000-0000-0000-0000-000000000000' });
    expect(unknownRegistry.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'registryId' });

    const unreachable = await createBuild('unreachable', 'main', { sourceUrl: await refusedUrl() });
    expect(unreachable.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sourceUrl' });
    expect(unreachable.errors?.[0]?.message).toMatch(/cannot be reached/);

    const notAUrl = await createBuild('not-a-url', 'main', { sourceUrl: 'team/app' });
    expect(notAUrl.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'sourceUrl' });

    const noDockerfile = await createBuild('plain', 'main', { preset: 'DOCKERFILE' });
    expect(noDockerfile.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'dockerfile' });

    const otherCluster = await gateway.request(CREATE_BUILD, {
      input: {
        workspaceId: otherWorkspaceId,
        name: 'elsewhere',
        sourceUrl: 'git://git.example.com/a.git',
        ref: 'main',
        preset: 'GO',
        imageRepository: 'a/b',
        registryId,
        clusterId,
      },
    });
    expect(otherCluster.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clusterId' });

    expect(data(await gateway.request<{ builds: Connection<unknown> }>(BUILDS, { workspaceId }), 'builds').builds.edges).toEqual([]);
    expect(data(await gateway.request<{ builds: Connection<unknown> }>(BUILDS, { workspaceId: otherWorkspaceId }), 'builds').builds.edges).toEqual([]);
  });

  it('runs a build live: the log streams, a late subscriber gets it all without gap, the image lands in the registry', async () => {
    const buildId = data(await createBuild('web', 'main'), 'createBuild').createBuild.build.id;
    const subjectsBefore = await hubSubjects();
    const updates = collect<{ buildRunUpdates: { id: string; status: string } }>(gateway.websocket(), RUN_UPDATES, { workspaceId });
    await waitFor('the updates subscription to be live', async () => (await hubSubjects()) > subjectsBefore);
    const started = data(
      await gateway.request<{ runBuild: { run: { id: string; number: number; status: string; image: string }; build: unknown } }>(RUN_BUILD, { buildId }),
      'runBuild',
    ).runBuild;
    const { run } = started;
    expect(run).toMatchObject({ number: 1, status: 'PENDING' });
    // The payload carries the build as it is after the change: its last run is this one.
    expect(started.build).toEqual({ id: buildId, lastRun: { id: run.id } });
    expect(run.image).toBe(`${new URL(registry.url).host}/cloud-team/web:run-1`);

    const early = collect<{ buildLog: LogLine }>(gateway.websocket(), BUILD_LOG, { runId: run.id });
    // Join mid-build: once some lines are stored.
    await waitFor('a few stored lines', async () => ((await readRun(run.id)).log.length >= 5 ? true : undefined));
    const late = collect<{ buildLog: LogLine }>(gateway.websocket(), BUILD_LOG, { runId: run.id, fromLine: 1 });
    await Promise.all([early.done, late.done]);

    const finished = await finishedRun(run.id);
    expect(finished).toMatchObject({ status: 'SUCCEEDED', statusDisplay: 'DONE', stepsTotal: 6, stepsDone: 6, failedStep: null });
    const earlyLines = early.results.map((result) => result.data?.buildLog);
    const lateLines = late.results.map((result) => result.data?.buildLog);
    expect(earlyLines).toEqual(finished.log);
    expect(lateLines).toEqual(finished.log);
    expectContiguous(finished.log);
    expect(finished.log.filter((line) => line.text.startsWith('[kda] step')).map((line) => line.step)).toEqual([1, 2, 3, 4, 5, 6]);

    // The image is really there, and the size shown is the registry's.
    const client = createRegistryClient({ egress: loopbackEgress() });
    const anonymous = { username: null, password: null };
    expect(await client.tags(registry.url, anonymous, 'cloud-team/web')).toEqual(['run-1']);
    const manifest = await client.manifest(registry.url, anonymous, 'cloud-team/web', 'run-1');
    expect(manifest).not.toBeNull();
    expect(finished.imageDigest).toBe(manifest?.digest);
    expect(finished.imageSizeBytes).toBe(manifest?.sizeBytes);
    expect(finished.imageSizeBytes).toBeGreaterThan(0);

    // Joining after the end: the stored lines from fromLine, then the subscription completes.
    const after = collect<{ buildLog: LogLine }>(gateway.websocket(), BUILD_LOG, { runId: run.id, fromLine: 5 });
    await after.done;
    expect(after.results.map((result) => result.data?.buildLog)).toEqual(finished.log.slice(4));

    const list = nodesOf(data(await gateway.request<{ builds: Connection<Record<string, unknown>> }>(BUILDS, { workspaceId }), 'builds').builds);
    expect(list).toEqual([
      {
        name: 'web',
        imageRepository: 'cloud-team/web',
        stepsTotal: 6,
        status: 'DONE',
        lastBuiltAt: finished.finishedAt,
        imageSizeBytes: finished.imageSizeBytes,
        runs: { edges: [{ node: { number: 1 } }] },
        lastRun: { number: 1 },
      },
    ]);

    await waitFor('the run updates up to SUCCEEDED', () => updates.results.some((result) => result.data?.buildRunUpdates.status === 'SUCCEEDED'));
    expect(updates.results.every((result) => result.data?.buildRunUpdates.id === run.id)).toBe(true);
    expect(updates.results[0]?.data?.buildRunUpdates.status).toBe('PENDING');
    updates.unsubscribe();
  });

  it('a failing step shows as ERROR k/n, and no image is pushed', async () => {
    const buildId = data(await createBuild('broken', 'simulate/fail-at-4'), 'createBuild').createBuild.build.id;
    const run = data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId }), 'runBuild').runBuild.run;
    const finished = await finishedRun(run.id);
    expect(finished).toMatchObject({ status: 'FAILED', statusDisplay: 'ERROR 4/6', failedStep: 4, stepsDone: 3, imageDigest: null });
    expect(finished.log.at(-1)?.text).toMatch(/step 4 \(compile\) failed/);
    expectContiguous(finished.log);
    const list = nodesOf(data(await gateway.request<{ builds: Connection<{ name: string; status: string }> }>(BUILDS, { workspaceId }), 'builds').builds);
    expect(list.find((build) => build.name === 'broken')?.status).toBe('ERROR 4/6');
    expect(await createRegistryClient({ egress: loopbackEgress() }).tags(registry.url, { username: null, password: null }, 'cloud-team/broken')).toEqual([]);
  });

  it('cancels a run: its Job goes, the run is CANCELLED and its log stream completes', async () => {
    const buildId = data(await createBuild('slow', 'main'), 'createBuild').createBuild.build.id;
    const run = data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId }), 'runBuild').runBuild.run;
    const log = collect<{ buildLog: LogLine }>(gateway.websocket(), BUILD_LOG, { runId: run.id });
    await waitFor('the build to log', async () => ((await readRun(run.id)).log.length >= 2 ? true : undefined));
    const cancelled = data(await gateway.request<{ cancelBuildRun: { run: { status: string } } }>(CANCEL, { id: run.id }), 'cancelBuildRun').cancelBuildRun.run;
    expect(cancelled.status).toBe('CANCELLED');
    await log.done;
    await waitFor('the Job to be deleted', () =>
      simulator.listObjects('jobs', 'kda-builds-cloud-team').every((job) => job.metadata.name !== `kda-build-${localKeyOf(run.id, 'BuildRun')}`),
    );
    const again = await gateway.request(CANCEL, { id: run.id });
    expect(again.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', field: 'id' });
  });

  it('refuses a run on a cluster no longer allotted, and a run the cluster cannot take leaves no row', async () => {
    const buildId = data(await createBuild('orphan-check', 'main'), 'createBuild').createBuild.build.id;
    simulator.setReachable(false);
    const unreachable = await gateway.request(RUN_BUILD, { buildId });
    simulator.setReachable(true);
    expect(unreachable.errors?.[0]?.extensions?.code).toBe('UNAVAILABLE');
    const [rows] = await Promise.all([gateway.dataSource.query<unknown[]>('SELECT id FROM build_runs WHERE build_id = ?', [localKeyOf(buildId, 'Build')])]);
    expect(rows).toEqual([]);

    data(await gateway.request(REVOKE_CLUSTER, { workspaceId, clusterId }), 'revokeClusterAllotment');
    const revoked = await gateway.request(RUN_BUILD, { buildId });
    expect(revoked.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'buildId' });
    expect(revoked.errors?.[0]?.message).toMatch(/no longer allotted/);
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId, clusterId, namespaces: null } }), 'allotCluster');
  });

  it("refuses another workspace's member the runs and logs", async () => {
    const runs = await gateway.dataSource.query<Array<{ id: string }>>('SELECT id FROM build_runs LIMIT 1');
    const runId = runs[0]?.id;
    if (runId === undefined) throw new Error('the earlier tests left no run');
    const outsider = await createUser(gateway, { name: 'Otto', email: `otto-${randomBytes(3).toString('hex')}@example.com`, systemRole: 'USER' });
    data(await gateway.request(ADD_MEMBER, { input: { workspaceId: otherWorkspaceId, userId: outsider.id, role: 'MANAGER' } }), 'addWorkspaceMember');
    const { token } = await createToken(gateway, { name: 'cli', userId: outsider.id, scopes: ['READ', 'WRITE'] });

    // Another team's run reads exactly like one that does not exist.
    const read = await gateway.request(RUN, { id: runId }, token);
    const missing = await gateway.request(RUN, { id: '00000000-0000-0000-0000-000000000000' }, token);
    // The same answer but for the id each names.
    expect({ ...read.errors?.[0]?.extensions, id: 'x' }).toEqual({ ...missing.errors?.[0]?.extensions, id: 'x' });
    expect(read.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    const log = collect<{ buildLog: LogLine }>(gateway.websocket(`Bearer ${token}`), BUILD_LOG, { runId });
    // Refused before the stream opens: one result carrying the error, then the end.
    await log.done;
    expect(log.results).toEqual([expect.objectContaining({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })] })]);
    const list = await gateway.request(BUILDS, { workspaceId }, token);
    expect(list.errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
  });

  it('the role matrix: a VIEWER sees the builds but may not run one; a DEVOPS engineer may', async () => {
    const buildId = data(await createBuild('roles', 'main'), 'createBuild').createBuild.build.id;
    const member = async (name: string, role: string) => {
      const user = await createUser(gateway, { name, email: `${name}-${randomBytes(3).toString('hex')}@example.com`, systemRole: 'USER' });
      data(await gateway.request(ADD_MEMBER, { input: { workspaceId, userId: user.id, role } }), 'addWorkspaceMember');
      return (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token;
    };
    const viewer = await member('vera', 'VIEWER');
    const devops = await member('dev', 'DEVOPS');

    expect(nodesOf((await gateway.request<{ builds: Connection<{ name: string }> }>(BUILDS, { workspaceId }, viewer)).data?.builds).map((build) => build.name)).toContain('roles');
    const viaWorkspace = await gateway.request<{ workspace: { builds: Connection<{ name: string }>; registries: Connection<{ name: string }> } }>(
      `query ($id: ID!) { workspace(id: $id) { builds { edges { node { name } } } registries { edges { node { name } } } } }`,
      { id: workspaceId },
      viewer,
    );
    expect(nodesOf(viaWorkspace.data?.workspace.builds).map((build) => build.name)).toContain('roles');
    expect(nodesOf(viaWorkspace.data?.workspace.registries).map((registry) => registry.name)).toEqual(['platform']);
    expect((await gateway.request(RUN_BUILD, { buildId }, viewer)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const run = data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId }, devops), 'runBuild').runBuild.run;
    await finishedRun(run.id);
  });

  it('a language preset builds the Dockerfile it generates when the repository has none: shown on the build, carried by the Job, said in the log', async () => {
    const BUILD = `query ($id: ID!) { build(id: $id) { preset presetDockerfile } }`;
    const buildId = data(await createBuild('preset-web', 'main'), 'createBuild').createBuild.build.id;
    const shown = data(await gateway.request<{ build: { preset: string; presetDockerfile: string | null } }>(BUILD, { id: buildId }), 'build').build;
    expect(shown.preset).toBe('NODEJS');
    expect(shown.presetDockerfile).toMatch(/^FROM node:\d+-slim AS build$/m);
    expect(shown.presetDockerfile).toContain('CMD ["npm", "start"]');

    const run = data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId }), 'runBuild').runBuild.run;
    const jobName = `kda-build-${localKeyOf(run.id, 'BuildRun')}`;
    const job = simulator.getObject('jobs', 'kda-builds-cloud-team', jobName);
    const template = job?.spec.template.spec;
    // The source is fetched by the init container; the builder gets the preset's Dockerfile as a value, not in its script.
    expect(template?.initContainers?.map((container) => container.name)).toEqual(['source']);
    const builder = template?.containers[0];
    expect(builder?.env).toEqual(expect.arrayContaining([{ name: 'KDA_BUILD_PRESET_DOCKERFILE', value: shown.presetDockerfile }]));
    expect(builder?.command?.join(' ')).not.toContain('FROM node');

    const finished = await finishedRun(run.id);
    expect(finished).toMatchObject({ status: 'SUCCEEDED', stepsDone: 6 });
    const prepare = finished.log.filter((line) => line.step === 2).map((line) => line.text);
    expect(prepare).toEqual(expect.arrayContaining(['Using build preset NODEJS', 'Dockerfile: generated for preset NODEJS', 'Retrieving image manifest node:24-slim']));

    // The pod ran its init container first: completed, its log the fetch.
    const pod = simulator.listPods('kda-builds-cloud-team').find((candidate) => candidate.metadata.labels?.['job-name'] === jobName);
    expect(pod?.status.initContainerStatuses?.map((status) => [status.name, status.state.terminated?.reason])).toEqual([['source', 'Completed']]);
    const kubeConfig = new KubeConfig();
    kubeConfig.loadFromString(simulator.kubeconfig());
    const sourceLog = await kubeConfig.makeApiClient(CoreV1Api).readNamespacedPodLog({ namespace: 'kda-builds-cloud-team', name: pod?.metadata.name ?? '', container: 'source' });
    expect(sourceLog).toContain('Fetching main from git://git.example.com/team/app.git');

    // A repository with its own Dockerfile at its root builds that one; a DOCKERFILE build shows no preset Dockerfile.
    const ownId = data(await createBuild('preset-own', 'simulate/with-dockerfile'), 'createBuild').createBuild.build.id;
    const own = await finishedRun(data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId: ownId }), 'runBuild').runBuild.run.id);
    expect(own.status).toBe('SUCCEEDED');
    expect(own.log.filter((line) => line.step === 2).map((line) => line.text)).toContain("Dockerfile: the repository's Dockerfile (Dockerfile)");
    const dockerfileId = data(await createBuild('own-path', 'main', { preset: 'DOCKERFILE', dockerfile: 'build/Dockerfile' }), 'createBuild').createBuild.build.id;
    expect(data(await gateway.request<{ build: { presetDockerfile: string | null } }>(BUILD, { id: dockerfileId }), 'build').build.presetDockerfile).toBeNull();
    const byPath = await finishedRun(data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId: dockerfileId }), 'runBuild').runBuild.run.id);
    expect(byPath.log.filter((line) => line.step === 2).map((line) => line.text)).toContain("Dockerfile: the repository's Dockerfile (build/Dockerfile)");
  });

  it('build arguments: validated, shown on the build, handed to the build Job without touching its script', async () => {
    const bad = await createBuild('bad-args', 'main', { buildArgs: [{ name: '1BAD', value: 'x' }] });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'buildArgs' });
    const twoLines = await createBuild('bad-args', 'main', { buildArgs: [{ name: 'A', value: 'one\ntwo' }] });
    expect(twoLines.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'buildArgs' });

    const buildArgs = [
      { name: 'NODE_ENV', value: 'production' },
      { name: 'GREETING', value: 'hello "world" $(id)' },
    ];
    const created = await createBuild('with-args', 'main', { buildArgs });
    const buildId = data(created, 'createBuild').createBuild.build.id;
    const shown = await gateway.request<{ build: { buildArgs: Array<{ name: string; value: string }> } }>(`query ($id: ID!) { build(id: $id) { buildArgs { name value } } }`, {
      id: buildId,
    });
    expect(shown.data?.build.buildArgs).toEqual(buildArgs);

    const run = data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId }), 'runBuild').runBuild.run;
    const runKey = localKeyOf(run.id, 'BuildRun');
    const job = simulator.listObjects('jobs').find((candidate) => candidate.metadata.labels?.['kda.io/build-run'] === runKey || JSON.stringify(candidate).includes(runKey));
    const container = job?.spec.template.spec?.containers[0];
    expect(container?.env).toEqual(expect.arrayContaining([{ name: 'KDA_BUILD_ARGS', value: 'NODE_ENV=production\nGREETING=hello "world" $(id)' }]));
    expect(container?.command?.join(' ')).not.toContain('$(id)');
    await finishedRun(run.id);
  });
});
