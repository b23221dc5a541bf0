import { randomBytes, randomUUID } from 'node:crypto';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { localKeyOf, toGlobalId } from '../src/shared/global-id.js';
import { createToken, createUser, openTables } from './identity-support.js';
import { registerCluster } from './support/cluster.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';
import { collect } from './support/subscription.js';
import { waitFor } from './support/wait.js';

const CREATE_BUILD = `mutation ($input: CreateBuildInput!) { createBuild(input: $input) { build { id } } }`;
const RUN_BUILD = `mutation ($buildId: ID!) { runBuild(input: { buildId: $buildId }) { run { id } } }`;
const RUN = `query ($id: ID!) { buildRun(id: $id) { id status finishedAt } }`;
const REGISTRY_TREE = `query ($w: ID) { registries(workspaceId: $w, first: 5) { edges { node { id name projects repositories(first: 20) { edges { node { id name tags(first: 10) { edges { node { id name } } } } } } } } } }`;
const DELETE_POD = `mutation ($input: DeletePodInput!) { deletePod(input: $input) { deletedPodId } }`;
const NODE = `query ($id: ID!) { node(id: $id) { __typename id } }`;
const PODS = `query ($c: ID!, $ns: String) { cluster(id: $c) { namespaces pods(namespace: $ns, first: 500) { totalCount edges { node { id namespace name } } } } }`;

interface Tag {
  readonly id: string;
  readonly name: string;
}
interface Repository {
  readonly id: string;
  readonly name: string;
  readonly tags: Connection<Tag>;
}
interface RegistryView {
  readonly id: string;
  readonly name: string;
  readonly projects: string[];
  readonly repositories: Connection<Repository>;
}
interface PodRow {
  readonly id: string;
  readonly namespace: string;
  readonly name: string;
}
interface Person {
  readonly id: string;
  readonly token: string;
}

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** The error's extensions, with the id it names left out: what must be the same for a hidden object and a missing one. */
function refusal(response: GraphqlResponse<unknown>): Record<string, unknown> {
  const { id: _id, ...rest } = response.errors?.[0]?.extensions ?? {};
  return { data: response.data ?? null, ...rest };
}

/**
 * Two teams share one registry (`platform`) and one build cluster, as the demo teams do. Each sees
 * its own project of the registry and its own build namespace; the other team's repositories, tags,
 * build Jobs and pods answer exactly as missing ones do.
 */
describe('teams sharing a registry and a build cluster see only their own', () => {
  let gateway: TestGateway;
  let registry: TestRegistry;
  let simulator: SimulatedCluster;
  let clusterId: string;
  let registryId: string;
  let teamA: string;
  let teamB: string;
  let devopsA: Person;
  let operatorA: Person;
  let devopsB: Person;
  /** Each team's first finished run. */
  const runs: Record<'a' | 'b', string> = { a: '', b: '' };
  const builds: Record<'a' | 'b', string> = { a: '', b: '' };

  async function admin<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
    return data(await gateway.request<T>(query, variables), query.slice(0, 60));
  }

  async function member(workspaceId: string, name: string, role: string): Promise<Person> {
    const user = await createUser(gateway, { name, email: `${name}-${randomBytes(3).toString('hex')}@example.com`, systemRole: 'USER' });
    await admin(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, { input: { workspaceId, userId: user.id, role } });
    return { id: user.id, token: (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token };
  }

  async function finished(runId: string): Promise<{ status: string }> {
    return waitFor(`run ${runId} to finish`, async () => {
      const run = data(await gateway.request<{ buildRun: { status: string; finishedAt: string | null } }>(RUN, { id: runId }), 'buildRun').buildRun;
      return run.finishedAt !== null ? run : undefined;
    });
  }

  async function registryTree(token: string, workspaceId?: string): Promise<RegistryView[]> {
    return nodesOf(data(await gateway.request<{ registries: Connection<RegistryView> }>(REGISTRY_TREE, { w: workspaceId ?? null }, token), 'registries').registries);
  }

  /** Repository → tag names, as the registry view shows them. */
  function contents(view: RegistryView): Record<string, string[]> {
    return Object.fromEntries(nodesOf(view.repositories).map((repository) => [repository.name, nodesOf(repository.tags).map((tag) => tag.name)]));
  }

  async function buildPodsOf(team: 'a' | 'b'): Promise<PodRow[]> {
    const namespace = team === 'a' ? 'kda-builds-team-a' : 'kda-builds-team-b';
    return nodesOf(data(await gateway.request<{ cluster: { pods: Connection<PodRow> } }>(PODS, { c: clusterId, ns: namespace }), 'pods').cluster.pods);
  }

  beforeAll(async () => {
    [gateway, registry, simulator] = await Promise.all([
      startTestGateway(),
      startTestRegistry(),
      startSimulatedCluster({ name: `team-scope-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200, podStartDelayMs: 20, buildLineIntervalMs: 20 }),
    ]);
    simulator.addNode({ name: 'builder-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * 2 ** 30, storageBytes: 100 * 2 ** 30, maxPods: 110 });
    simulator.addNamespace('shop');
    clusterId = (await registerCluster(gateway, simulator)).id;
    const create = `mutation ($name: String!) { createWorkspace(input: { name: $name }) { workspace { id slug } } }`;
    const a = (await admin<{ createWorkspace: { workspace: { id: string; slug: string } } }>(create, { name: 'Team A' })).createWorkspace.workspace;
    const b = (await admin<{ createWorkspace: { workspace: { id: string; slug: string } } }>(create, { name: 'Team B' })).createWorkspace.workspace;
    expect([a.slug, b.slug]).toEqual(['team-a', 'team-b']);
    [teamA, teamB] = [a.id, b.id];
    // Team A has the whole build cluster, team B one namespace of it.
    const allot = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`;
    await admin(allot, { input: { workspaceId: teamA, clusterId, namespaces: null } });
    await admin(allot, { input: { workspaceId: teamB, clusterId, namespaces: ['shop'] } });
    registryId = (
      await admin<{ createRegistry: { registry: { id: string } } }>(`mutation ($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id } } }`, {
        input: { name: 'platform', url: registry.url, kind: 'BUILTIN' },
      })
    ).createRegistry.registry.id;
    for (const workspaceId of [teamA, teamB]) {
      const allotted = await admin<{ allotRegistry: { project: string } }>(`mutation ($input: AllotRegistryInput!) { allotRegistry(input: $input) { project } }`, {
        input: { workspaceId, registryId },
      });
      expect(allotted.allotRegistry.project).toBe(workspaceId === teamA ? 'team-a' : 'team-b');
    }
    devopsA = await member(teamA, 'devops-a', 'DEVOPS');
    operatorA = await member(teamA, 'operator-a', 'OPERATOR');
    devopsB = await member(teamB, 'devops-b', 'DEVOPS');

    for (const [team, who, imageRepository] of [
      ['a', devopsA, 'team-a/web'],
      ['b', devopsB, 'team-b/shop'],
    ] as const) {
      const input = {
        workspaceId: team === 'a' ? teamA : teamB,
        name: 'app',
        sourceUrl: 'git://git.example.com/app.git',
        ref: 'main',
        preset: 'NODEJS',
        imageRepository,
        registryId,
        clusterId,
      };
      builds[team] = data(await gateway.request<{ createBuild: { build: { id: string } } }>(CREATE_BUILD, { input }, who.token), 'createBuild').createBuild.build.id;
      runs[team] = data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId: builds[team] }, who.token), 'runBuild').runBuild.run.id;
    }
    for (const runId of Object.values(runs)) expect(await finished(runId)).toMatchObject({ status: 'SUCCEEDED' });
    // The finished build pods are in the watch caches.
    await waitFor('both build pods', async () => ((await buildPodsOf('a')).length > 0 && (await buildPodsOf('b')).length > 0) || undefined);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([simulator?.close(), registry?.stop()]);
  });

  test("a team's build Job runs in the team's own namespace, which its members see even with the cluster allotted in part", async () => {
    const jobsOf = (namespace: string) => simulator.listObjects('jobs', namespace).map((job) => job.metadata.labels?.['kda.io/build-run']);
    expect(jobsOf('kda-builds-team-a')).toEqual([localKeyOf(runs.a, 'BuildRun')]);
    expect(jobsOf('kda-builds-team-b')).toEqual([localKeyOf(runs.b, 'BuildRun')]);
    expect(jobsOf('kda-builds')).toEqual([]);

    const asB = data(await gateway.request<{ cluster: { namespaces: string[]; pods: Connection<PodRow> } }>(PODS, { c: clusterId, ns: null }, devopsB.token), 'pods').cluster;
    expect(asB.namespaces).toEqual(['kda-builds-team-b', 'shop']);
    expect(new Set(nodesOf(asB.pods).map((pod) => pod.namespace))).toEqual(new Set(['kda-builds-team-b']));
  });

  test("a member lists only their team's repositories and tags of the shared registry; an administrator lists all", async () => {
    const [seenByA] = await registryTree(devopsA.token, teamA);
    const [seenByB] = await registryTree(devopsB.token, teamB);
    expect(seenByA?.projects).toEqual(['team-a']);
    expect(contents(seenByA!)).toEqual({ 'team-a/web': ['run-1'] });
    expect(seenByB?.projects).toEqual(['team-b']);
    expect(contents(seenByB!)).toEqual({ 'team-b/shop': ['run-1'] });
    const [seenByAdmin] = await registryTree(gateway.adminToken);
    expect(seenByAdmin?.projects).toEqual(['team-a', 'team-b']);
    expect(contents(seenByAdmin!)).toEqual({ 'team-a/web': ['run-1'], 'team-b/shop': ['run-1'] });
  });

  test("another team's repository and tag, asked for by id, answer exactly as ones that do not exist", async () => {
    const [seenByAdmin] = await registryTree(gateway.adminToken);
    const theirs = nodesOf(seenByAdmin!.repositories).find((repository) => repository.name === 'team-b/shop')!;
    const theirTag = nodesOf(theirs.tags)[0]!;
    const ours = nodesOf(seenByAdmin!.repositories).find((repository) => repository.name === 'team-a/web')!;
    const registryKey = localKeyOf(registryId, 'Registry');
    const missing = [toGlobalId('RegistryRepository', `${registryKey}/team-b/nothing`), toGlobalId('RegistryTag', `${registryKey}/team-a/web:nothing`)];

    const asA = async (id: string) => gateway.request<{ node: unknown }>(NODE, { id }, devopsA.token);
    for (const id of [theirs.id, theirTag.id, ...missing]) expect({ id, response: await asA(id) }).toEqual({ id, response: { status: 200, data: { node: null } } });
    expect(data(await asA(ours.id), 'node').node).toEqual({ __typename: 'RegistryRepository', id: ours.id });
    const many = await gateway.request<{ nodes: unknown[] }>(`query ($ids: [ID!]!) { nodes(ids: $ids) { id } }`, { ids: [theirs.id, theirTag.id, ours.id] }, devopsA.token);
    expect(many.data?.nodes).toEqual([null, null, { id: ours.id }]);
  });

  test('registries(workspaceId:) of another team is NOT_FOUND, exactly as of a workspace that does not exist', async () => {
    const query = `query ($w: ID!) { registries(workspaceId: $w) { totalCount } }`;
    const theirs = await gateway.request(query, { w: teamB }, devopsA.token);
    const nowhere = await gateway.request(query, { w: toGlobalId('Workspace', randomUUID()) }, devopsA.token);
    expect(refusal(theirs)).toEqual({ data: null, code: 'NOT_FOUND' });
    expect(refusal(theirs)).toEqual(refusal(nowhere));
    expect(theirs.errors?.[0]?.message.replace(localKeyOf(teamB, 'Workspace'), 'X')).toBe(nowhere.errors?.[0]?.message.replace(/[0-9a-f-]{36}/, 'X'));
  });

  test("a build pushes under its own team's project only: anything else is bad input, and nothing is written", async () => {
    const tables = await openTables(gateway);
    try {
      const count = async () => (await tables.query<{ n: number }>('SELECT COUNT(*) AS n FROM builds'))[0]?.n;
      const before = await count();
      for (const imageRepository of ['team-b/evil', 'web', 'team-ab/web', 'other/team-a/web']) {
        const response = await gateway.request(
          CREATE_BUILD,
          { input: { workspaceId: teamA, name: 'sneaky', sourceUrl: 'git://git.example.com/app.git', ref: 'main', preset: 'GO', imageRepository, registryId, clusterId } },
          devopsA.token,
        );
        expect({ imageRepository, extensions: response.errors?.[0]?.extensions }).toEqual({ imageRepository, extensions: { code: 'BAD_USER_INPUT', field: 'imageRepository' } });
      }
      expect(await count()).toBe(before);
    } finally {
      await tables.close();
    }
    // A project belongs to one workspace of a registry, and is one path component.
    const allotRegistry = `mutation ($input: AllotRegistryInput!) { allotRegistry(input: $input) { project } }`;
    expect((await gateway.request(allotRegistry, { input: { workspaceId: teamA, registryId, project: 'team-b' } })).errors?.[0]?.extensions).toMatchObject({
      code: 'CONFLICT',
      field: 'project',
    });
    expect((await gateway.request(allotRegistry, { input: { workspaceId: teamA, registryId, project: 'team-a/web' } })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'project',
    });
    // Nor can another team's build namespace be allotted by name.
    const allotCluster = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { namespaces } } }`;
    expect((await gateway.request(allotCluster, { input: { workspaceId: teamA, clusterId, namespaces: ['shop', 'kda-builds-team-b'] } })).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'namespaces',
    });
    expect((await registryTree(gateway.adminToken, teamA))[0]?.projects).toEqual(['team-a', 'team-b']);
  });

  test("another team's operator can neither list, nor delete, nor follow the build pods: they look missing", async () => {
    const [theirPod] = await buildPodsOf('b');
    const [ourPod] = await buildPodsOf('a');
    if (theirPod === undefined || ourPod === undefined) throw new Error('no build pods');

    // Listing: the whole cluster is team A's, but for team B's build namespace.
    const seen = data(await gateway.request<{ cluster: { namespaces: string[]; pods: Connection<PodRow> } }>(PODS, { c: clusterId, ns: null }, operatorA.token), 'pods').cluster;
    expect(seen.namespaces).toContain('kda-builds-team-a');
    expect(seen.namespaces).not.toContain('kda-builds-team-b');
    const names = nodesOf(seen.pods).map((pod) => pod.name);
    expect(names).toContain(ourPod.name);
    expect(names).not.toContain(theirPod.name);
    const asked = data(await gateway.request<{ cluster: { pods: { totalCount: number } } }>(PODS, { c: clusterId, ns: 'kda-builds-team-b' }, operatorA.token), 'pods');
    expect(asked.cluster.pods.totalCount).toBe(0);
    expect(data(await gateway.request<{ node: unknown }>(NODE, { id: theirPod.id }, operatorA.token), 'node').node).toBeNull();

    // Deleting: the same answer as for a pod that is not there, and the pod stays.
    const deleteTheirs = await gateway.request(DELETE_POD, { input: { clusterId, namespace: 'kda-builds-team-b', name: theirPod.name } }, operatorA.token);
    const deleteNothing = await gateway.request(DELETE_POD, { input: { clusterId, namespace: 'kda-builds-team-a', name: 'no-such-pod' } }, operatorA.token);
    expect(refusal(deleteTheirs)).toEqual({ data: null, code: 'NOT_FOUND', field: 'name' });
    expect(refusal(deleteTheirs)).toEqual(refusal(deleteNothing));
    expect(simulator.listPods('kda-builds-team-b').map((pod) => pod.metadata.name)).toContain(theirPod.name);

    // Following: the build's log and run are as missing as a run that does not exist.
    const log = collect(gateway.websocket(`Bearer ${operatorA.token}`), `subscription ($id: ID!) { buildLog(runId: $id) { number } }`, { id: runs.b });
    await log.done;
    expect(log.results.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(['NOT_FOUND']);
    const readRun = await gateway.request(RUN, { id: runs.b }, operatorA.token);
    expect(refusal(readRun)).toEqual(refusal(await gateway.request(RUN, { id: toGlobalId('BuildRun', randomUUID()) }, operatorA.token)));
    const watchTheirs = collect(gateway.websocket(`Bearer ${operatorA.token}`), `subscription ($c: ID!) { podEvents(clusterId: $c, namespace: "kda-builds-team-b") { cursor } }`, {
      c: clusterId,
    });
    await watchTheirs.done;
    expect(watchTheirs.results.map((result) => result.errors?.[0]?.extensions?.code)).toEqual(['NOT_FOUND']);
  });

  test("live pod events of the whole cluster carry no event of another team's builds", async () => {
    const events = collect<{ podEvents: { pod: { namespace: string; name: string } } }>(
      gateway.websocket(`Bearer ${operatorA.token}`),
      `subscription ($c: ID!) { podEvents(clusterId: $c) { pod { namespace name } } }`,
      { c: clusterId },
    );
    await waitFor('the subscription to be live', async () => /^kda_subscription_hub_subjects [1-9]/m.test(await (await fetch(`${gateway.url}/metrics`)).text()));
    // Team B builds first; once its new pod is in the cache, team A builds: A's events come after B's on the one watch.
    const before = new Set((await buildPodsOf('b')).map((pod) => pod.name));
    const runB = data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId: builds.b }, devopsB.token), 'runBuild').runBuild.run.id;
    await waitFor("team B's second build pod", async () => (await buildPodsOf('b')).some((pod) => !before.has(pod.name)) || undefined);
    const runA = data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId: builds.a }, devopsA.token), 'runBuild').runBuild.run.id;
    // A Job's pod is named after the Job, which is named after the run.
    const podOfRun = (runId: string) => (result: (typeof events.results)[number]) => result.data?.podEvents.pod.name.includes(localKeyOf(runId, 'BuildRun')) === true;
    await waitFor("an event of team A's second build pod", () => events.results.some(podOfRun(runA)));
    expect(events.results.find(podOfRun(runA))?.data?.podEvents.pod.namespace).toBe('kda-builds-team-a');
    expect(events.results.filter(podOfRun(runB))).toEqual([]);
    expect(events.results.filter((result) => result.data?.podEvents.pod.namespace === 'kda-builds-team-b')).toEqual([]);
    events.unsubscribe();
    await Promise.all([finished(runA), finished(runB)]);
  });
});
