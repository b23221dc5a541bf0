import { randomBytes, randomUUID } from 'node:crypto';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { decodeGlobalId, localKeyOf, toGlobalId } from '../src/shared/global-id.js';
import { createToken, createUser, openTables } from './identity-support.js';
import { registerCluster } from './support/cluster.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';
import { nodesOf, type Connection } from './support/connections.js';
import { waitFor } from './support/wait.js';

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (!response.data || response.errors) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

/** Every object with identity the graph shows, with one field to recognize it by. */
const EVERYTHING = `query Everything($a: ID!, $b: ID!, $c: ID!) {
  clusters { id name }
  live: cluster(id: $c) { id name
    nodes { edges { node { id name } } } pods(namespace: "shop") { edges { node { id name } } } workloads(namespace: "shop") { edges { node { id name } } }
    services(namespace: "shop") { edges { node { id name } } } persistentVolumes { edges { node { id name } } }
    persistentVolumeClaims(namespace: "shop") { edges { node { id name } } } storageClasses { id name } events(namespace: "shop") { edges { node { id reason } } } }
  a: workspace(id: $a) { id name members { edges { node { id role user { id name } } } } allotments { id namespaces } storage { id storageClassName }
    registries(first: 5) { edges { node { id name repositories(first: 10) { edges { node { id name tags(first: 10) { edges { node { id name } } } } } } } } }
    builds { edges { node { id name lastRun { id number } } } } }
  b: workspace(id: $b) { id name }
  me { id name }
  users(first: 20) { edges { node { id name apiTokens(first: 10) { edges { node { id name } } } } } }
  auditLog(first: 1) { edges { node { id action } } }
}`;

interface Identified {
  readonly type: string;
  readonly id: string;
  readonly field: string;
  readonly value: unknown;
}

/** Walks a response and names each object with an id by the type the query put it in. */
function identified(everything: Record<string, unknown>): Identified[] {
  const found: Identified[] = [];
  const add = (type: string, field: string) => (object: Record<string, unknown>) => found.push({ type, id: object.id as string, field, value: object[field] });
  type Row = Record<string, unknown> & { id: string };
  (everything.clusters as Row[]).forEach(add('Cluster', 'name'));
  const clusters = [everything.live] as Array<
    Row & {
      nodes: Connection<Row>;
      pods: Connection<Row>;
      workloads: Connection<Row>;
      services: Connection<Row>;
      persistentVolumes: Connection<Row>;
      persistentVolumeClaims: Connection<Row>;
      storageClasses: Row[];
      events: Connection<Row>;
    }
  >;
  for (const cluster of clusters) {
    nodesOf(cluster.nodes).forEach(add('ClusterNode', 'name'));
    nodesOf(cluster.pods).forEach(add('Pod', 'name'));
    nodesOf(cluster.workloads).forEach(add('Workload', 'name'));
    nodesOf(cluster.services).forEach(add('Service', 'name'));
    nodesOf(cluster.persistentVolumes).forEach(add('PersistentVolume', 'name'));
    nodesOf(cluster.persistentVolumeClaims).forEach(add('PersistentVolumeClaim', 'name'));
    cluster.storageClasses.forEach(add('StorageClass', 'name'));
    nodesOf(cluster.events).forEach(add('ClusterEvent', 'reason'));
  }
  const a = everything.a as Row & {
    members: Connection<Row & { user: Row }>;
    allotments: Row[];
    storage: Row[];
    registries: Connection<Row & { repositories: Connection<Row & { tags: Connection<Row> }> }>;
    builds: Connection<Row & { lastRun: Row | null }>;
  };
  add('Workspace', 'name')(a);
  add('Workspace', 'name')(everything.b as Row);
  for (const member of nodesOf(a.members)) {
    add('Member', 'role')(member);
    add('User', 'name')(member.user);
  }
  a.allotments.forEach(add('ClusterAllotment', 'namespaces'));
  a.storage.forEach(add('StorageAllotment', 'storageClassName'));
  for (const registry of nodesOf(a.registries)) {
    add('Registry', 'name')(registry);
    for (const repository of nodesOf(registry.repositories)) {
      add('RegistryRepository', 'name')(repository);
      nodesOf(repository.tags).forEach(add('RegistryTag', 'name'));
    }
  }
  for (const build of nodesOf(a.builds)) {
    add('Build', 'name')(build);
    if (build.lastRun) add('BuildRun', 'number')(build.lastRun);
  }
  add('User', 'name')(everything.me as Row);
  for (const user of nodesOf(everything.users as Connection<Row & { apiTokens: Connection<Row> }>)) {
    add('User', 'name')(user);
    nodesOf(user.apiTokens).forEach(add('ApiToken', 'name'));
  }
  nodesOf(everything.auditLog as Connection<Row>).forEach(add('AuditEntry', 'action'));
  return found;
}

const NODE = (type: string, field: string) => `query ($id: ID!) { node(id: $id) { __typename id ... on ${type} { ${field} } } }`;
const NODE_ID = `query ($id: ID!) { node(id: $id) { __typename id } }`;
const NODES = `query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`;

describe('global object identification: Node, node(id:), nodes(ids:)', () => {
  let gateway: TestGateway;
  let registry: TestRegistry;
  let simulator: SimulatedCluster;
  let clusterId: string;
  let hiddenClusterId: string;
  let teamA: string;
  let teamB: string;
  let viewerA: { id: string; token: string };
  let managerB: { id: string; token: string };
  let everything: Record<string, unknown>;

  const asViewer = <T>(query: string, variables: Record<string, unknown>) => gateway.request<T>(query, variables, viewerA.token);

  beforeAll(async () => {
    [gateway, registry, simulator] = await Promise.all([
      startTestGateway(),
      startTestRegistry(),
      startSimulatedCluster({ name: `ids-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200, podStartDelayMs: 20, buildLineIntervalMs: 20 }),
    ]);
    simulator.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 16 * 2 ** 30, storageBytes: 100 * 2 ** 30, maxPods: 110 });
    simulator.addNamespace('shop');
    simulator.addNamespace('secret');
    simulator.createPod({ namespace: 'shop', name: 'web-0', nodeName: 'worker-1', labels: { app: 'web' }, containers: [{ name: 'main', image: 'example/web:1' }] });
    simulator.createPod({ namespace: 'secret', name: 'vault-0', nodeName: 'worker-1', labels: { app: 'vault' }, containers: [{ name: 'main', image: 'example/vault:1' }] });
    simulator.addDeployment({ namespace: 'shop', name: 'api', replicas: 1, labels: { app: 'api' }, containers: [{ name: 'api', image: 'example/api:1' }] });
    simulator.addService({ namespace: 'shop', name: 'web', type: 'ClusterIP', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] });
    simulator.addStorageClass({ name: 'standard', provisioner: 'rancher.io/local-path', isDefault: true });
    simulator.addPersistentVolume({ name: 'pv-1', capacity: '1Gi', storageClassName: 'standard' });
    simulator.addPersistentVolumeClaim({ namespace: 'shop', name: 'data', storage: '1Gi', storageClassName: 'standard', volumeName: 'pv-1' });
    simulator.recordEvent({ involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'shop' }, reason: 'Pulled', message: 'Image pulled', type: 'Normal' });
    clusterId = (await registerCluster(gateway, simulator)).id;

    // A second cluster only team B sees (a row: it never needs to answer).
    const tables = await openTables(gateway);
    const hiddenKey = randomUUID();
    await tables.query(
      `INSERT INTO clusters (id, name, provider, region, kubeconfig_encrypted, status) VALUES (?, 'b-only', 'ON_PREMISE', 'Seoul', 'not-a-kubeconfig', 'UNREACHABLE')`,
      [hiddenKey],
    );
    await tables.close();
    hiddenClusterId = toGlobalId('Cluster', hiddenKey);

    const workspace = async (name: string) =>
      data(
        await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(
          `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`,
          { input: { name } },
        ),
        name,
      ).createWorkspace.workspace.id;
    [teamA, teamB] = [await workspace('Team A'), await workspace('Team B')];
    const person = async (name: string, workspaceId: string, role: string) => {
      const user = await createUser(gateway, { name, email: `${name.toLowerCase()}@example.com`, systemRole: 'USER' });
      data(
        await gateway.request(`mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`, {
          input: { workspaceId, userId: user.id, role },
        }),
        'addWorkspaceMember',
      );
      return { id: user.id, token: (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token };
    };
    viewerA = await person('Vera', teamA, 'VIEWER');
    managerB = await person('Bert', teamB, 'MANAGER');
    const allot = (workspaceId: string, cluster: string, namespaces: string[] | null) =>
      gateway.request(`mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { namespaces } } }`, {
        input: { workspaceId, clusterId: cluster, namespaces },
      });
    data(await allot(teamA, clusterId, ['shop']), 'allot A');
    data(await allot(teamB, clusterId, ['secret']), 'allot B');
    data(await allot(teamB, hiddenClusterId, null), 'allot B hidden');
    data(
      await gateway.request(`mutation ($input: AllotStorageInput!) { allotStorage(input: $input) { allotment { storageClassName } } }`, {
        input: { workspaceId: teamA, clusterId, storageClassName: 'standard' },
      }),
      'allotStorage',
    );

    // A registry with a pushed image, a build with a finished run in each team.
    const registryId = data(
      await gateway.request<{ createRegistry: { registry: { id: string } } }>(`mutation ($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id } } }`, {
        input: { name: 'platform', url: registry.url, kind: 'BUILTIN' },
      }),
      'createRegistry',
    ).createRegistry.registry.id;
    for (const team of [teamA, teamB]) {
      data(
        await gateway.request(`mutation ($input: AllotRegistryInput!) { allotRegistry(input: $input) { registry { id } workspaceId } }`, {
          input: { workspaceId: team, registryId },
        }),
        'allotRegistry',
      );
      const build = data(
        await gateway.request<{ createBuild: { build: { id: string } } }>(`mutation ($input: CreateBuildInput!) { createBuild(input: $input) { build { id } } }`, {
          input: {
            workspaceId: team,
            name: 'web',
            sourceUrl: 'git://git.example.com/team/web.git',
            ref: 'main',
            preset: 'NODEJS',
            imageRepository: team === teamA ? 'team-a/web' : 'team-b/web',
            registryId,
            clusterId,
          },
        }),
        'createBuild',
      ).createBuild.build.id;
      const run = data(
        await gateway.request<{ runBuild: { run: { id: string }; build: { id: string } } }>(
          `mutation ($input: RunBuildInput!) { runBuild(input: $input) { run { id } build { id } } }`,
          { input: { buildId: build } },
        ),
        'runBuild',
      ).runBuild.run.id;
      await waitFor(
        `run ${run} to finish`,
        async () =>
          data(await gateway.request<{ buildRun: { finishedAt: string | null } }>(`query ($id: ID!) { buildRun(id: $id) { finishedAt } }`, { id: run }), 'buildRun').buildRun
            .finishedAt !== null,
      );
    }

    everything = data(await gateway.request<Record<string, unknown>>(EVERYTHING, { a: teamA, b: teamB, c: clusterId }), 'everything');
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([simulator?.close(), registry?.stop()]);
  });

  it('gives every object with identity an opaque id that node(id:) answers with the same object', async () => {
    const objects = identified(everything);
    const types = new Set(objects.map((object) => object.type));
    expect([...types].sort()).toEqual(
      [
        'ApiToken',
        'AuditEntry',
        'Build',
        'BuildRun',
        'Cluster',
        'ClusterAllotment',
        'ClusterEvent',
        'ClusterNode',
        'Member',
        'PersistentVolume',
        'PersistentVolumeClaim',
        'Pod',
        'Registry',
        'RegistryRepository',
        'RegistryTag',
        'Service',
        'StorageAllotment',
        'StorageClass',
        'User',
        'Workload',
        'Workspace',
      ].sort(),
    );
    for (const object of objects) {
      expect(decodeGlobalId(object.id)?.typeName).toBe(object.type);
      const response = await gateway.request<{ node: Record<string, unknown> }>(NODE(object.type, object.field), { id: object.id });
      expect(response.errors).toBeUndefined();
      expect(response.data?.node).toEqual({ __typename: object.type, id: object.id, [object.field]: object.value });
    }
    // Ids are unique across the whole graph.
    expect(new Set(objects.map((object) => object.id)).size).toBe(new Set(objects.map((object) => `${object.type}:${object.id}`)).size);
  });

  it('nodes(ids:) answers in order, null where nothing is (or may be seen), and refuses more than 100 ids', async () => {
    const sample = identified(everything).slice(0, 5);
    const ids = [...sample.map((object) => object.id), 'garbage', hiddenClusterId];
    const response = await asViewer<{ nodes: Array<{ __typename: string; id: string } | null> }>(NODES, { ids });
    expect(response.errors).toBeUndefined();
    const admin = data(await gateway.request<{ nodes: Array<{ __typename: string; id: string } | null> }>(NODES, { ids }), 'nodes');
    expect(admin.nodes.slice(0, 5)).toEqual(sample.map((object) => ({ __typename: object.type, id: object.id })));
    expect(admin.nodes.slice(5)).toEqual([null, { __typename: 'Cluster', id: hiddenClusterId }]);
    expect(response.data?.nodes.at(-1)).toBeNull();

    const tooMany = await gateway.request(NODES, { ids: Array.from({ length: 101 }, (_, index) => toGlobalId('Cluster', String(index))) });
    expect(tooMany.data).toBeUndefined();
    expect(tooMany.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'ids' });
  });

  it('answers null, without an error, for garbage, a wrong-type id and a deleted object', async () => {
    const pod = identified(everything).find((object) => object.type === 'Pod')!;
    const wrongType = toGlobalId('Cluster', localKeyOf(teamA, 'Workspace'));
    for (const id of [
      'garbage',
      '',
      '!!!',
      toGlobalId('Cluster', randomUUID()),
      toGlobalId('NoSuchType', 'x'),
      wrongType,
      toGlobalId('Pod', 'not/a/pod/key'),
      toGlobalId('Pod', localKeyOf(pod.id, 'Pod').replace(/\/[^/]+$/, '/another-uid')),
    ]) {
      const response = await gateway.request<{ node: unknown }>(NODE_ID, { id });
      expect(response).toMatchObject({ status: 200, data: { node: null } });
      expect(response.errors).toBeUndefined();
    }
    // A wrong-type id to a typed field is "not found" too.
    expect(data(await gateway.request<{ cluster: unknown }>(`query ($id: ID!) { cluster(id: $id) { id } }`, { id: teamA }), 'cluster').cluster).toBeNull();

    const doomed = data(
      await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(`mutation { createWorkspace(input: { name: "Doomed" }) { workspace { id } } }`),
      'create',
    ).createWorkspace.workspace.id;
    expect(data(await gateway.request<{ node: unknown }>(NODE_ID, { id: doomed }), 'node').node).toEqual({ __typename: 'Workspace', id: doomed });
    expect(
      data(
        await gateway.request<{ deleteWorkspace: { deletedWorkspaceId: string } }>(
          `mutation ($input: DeleteWorkspaceInput!) { deleteWorkspace(input: $input) { deletedWorkspaceId } }`,
          { input: { id: doomed } },
        ),
        'deleteWorkspace',
      ).deleteWorkspace.deletedWorkspaceId,
    ).toBe(doomed);
    expect(await gateway.request(NODE_ID, { id: doomed })).toMatchObject({ data: { node: null } });
  });

  it('gives a pod recreated under the same name a new id, and the old one answers null', async () => {
    const podsOf = async () =>
      nodesOf(
        data(
          await gateway.request<{ cluster: { pods: Connection<{ id: string; name: string }> } }>(
            `query ($id: ID!) { cluster(id: $id) { pods(namespace: "shop") { edges { node { id name } } } } }`,
            { id: clusterId },
          ),
          'pods',
        ).cluster.pods,
      );
    simulator.createPod({ namespace: 'shop', name: 'phoenix', nodeName: 'worker-1', labels: { app: 'phoenix' }, containers: [{ name: 'main', image: 'example/phoenix:1' }] });
    const first = await waitFor('the pod to appear', async () => (await podsOf()).find((pod) => pod.name === 'phoenix'));
    simulator.deletePod('shop', 'phoenix');
    await waitFor('the pod to go', async () => (await podsOf()).every((pod) => pod.name !== 'phoenix'));
    expect(await gateway.request(NODE_ID, { id: first.id })).toMatchObject({ data: { node: null } });
    simulator.createPod({ namespace: 'shop', name: 'phoenix', nodeName: 'worker-1', labels: { app: 'phoenix' }, containers: [{ name: 'main', image: 'example/phoenix:1' }] });
    const second = await waitFor('the pod to come back', async () => (await podsOf()).find((pod) => pod.name === 'phoenix'));
    expect(second.id).not.toBe(first.id);
    expect(await gateway.request(NODE_ID, { id: first.id })).toMatchObject({ data: { node: null } });
    expect(await gateway.request(NODE_ID, { id: second.id })).toMatchObject({ data: { node: { __typename: 'Pod', id: second.id } } });
  });

  it("shows another tenant's objects to nobody else: a VIEWER of team A gets null for team B's", async () => {
    const teamBView = data(
      await gateway.request<{
        workspace: {
          members: Connection<{ id: string; user: { id: string } }>;
          allotments: Array<{ id: string }>;
          builds: Connection<{ id: string; lastRun: { id: string } }>;
          registries: Connection<{ repositories: Connection<{ id: string; tags: Connection<{ id: string }> }> }>;
        };
        cluster: { pods: Connection<{ id: string; name: string }> };
      }>(
        `query ($b: ID!, $c: ID!) { workspace(id: $b) { members { edges { node { id user { id } } } } allotments { id } builds { edges { node { id lastRun { id } } } }
          registries(first: 5) { edges { node { repositories(first: 10) { edges { node { id tags(first: 10) { edges { node { id } } } } } } } } } }
          cluster(id: $c) { pods(namespace: "secret") { edges { node { id name } } } } }`,
        { b: teamB, c: clusterId },
      ),
      'team B',
    );
    const secretPod = nodesOf(teamBView.cluster.pods)[0]!;
    expect(secretPod.name).toBe('vault-0');
    const bRepository = nodesOf(nodesOf(teamBView.workspace.registries)[0]!.repositories).find((repository) => decodeGlobalId(repository.id)?.localKey.endsWith('/team-b/web'))!;
    const hidden = {
      workspace: teamB,
      cluster: hiddenClusterId,
      pod: secretPod.id,
      member: nodesOf(teamBView.workspace.members)[0]!.id,
      user: managerB.id,
      allotment: teamBView.workspace.allotments[0]!.id,
      build: nodesOf(teamBView.workspace.builds)[0]!.id,
      run: nodesOf(teamBView.workspace.builds)[0]!.lastRun.id,
      token: nodesOf(nodesOf(everything.users as Connection<{ id: string; apiTokens: Connection<{ id: string }> }>).find((user) => user.id === managerB.id)!.apiTokens)[0]!.id,
      audit: identified(everything).find((object) => object.type === 'AuditEntry')!.id,
      // The registry is allotted to both teams; team B's project in it is team B's alone.
      repository: bRepository.id,
      tag: nodesOf(bRepository.tags)[0]!.id,
    };
    for (const [what, id] of Object.entries(hidden)) {
      const response = await asViewer<{ node: unknown }>(NODE_ID, { id });
      expect({ what, response }).toEqual({ what, response: { status: 200, data: { node: null } } });
    }
    // The typed fields agree.
    expect(data(await asViewer<{ workspace: unknown }>(`query ($id: ID!) { workspace(id: $id) { id } }`, { id: teamB }), 'workspace').workspace).toBeNull();
    expect(data(await asViewer<{ cluster: unknown }>(`query ($id: ID!) { cluster(id: $id) { id } }`, { id: hiddenClusterId }), 'cluster').cluster).toBeNull();
    // And what team A may see, the viewer gets.
    const own = identified(everything).filter(
      (object) =>
        ['Cluster', 'Workspace', 'Member', 'ClusterAllotment', 'StorageAllotment', 'Build', 'BuildRun'].includes(object.type) &&
        object.id !== teamB &&
        object.id !== hiddenClusterId,
    );
    for (const object of own) {
      expect(data(await asViewer<{ node: { id: string } | null }>(NODE_ID, { id: object.id }), object.type).node?.id).toBe(object.id);
    }
    const shopPod = identified(everything).find((object) => object.type === 'Pod' && object.value === 'web-0')!;
    expect(data(await asViewer<{ node: { id: string } | null }>(NODE_ID, { id: shopPod.id }), 'pod').node?.id).toBe(shopPod.id);
  });

  it('keeps ids stable: the same in a second query and from another gateway process on the same database', async () => {
    const again = data(await gateway.request<Record<string, unknown>>(EVERYTHING, { a: teamA, b: teamB, c: clusterId }), 'again');
    const ids = (found: Identified[]) =>
      found
        .filter((object) => !['Pod', 'ClusterEvent', 'AuditEntry'].includes(object.type))
        .map((object) => `${object.type} ${object.id}`)
        .sort();
    expect(ids(identified(again))).toEqual(ids(identified(everything)));

    // The rows' ids, as a gateway started afresh on the same database hands them out.
    const ROWS = `query ($a: ID!, $b: ID!) {
      clusters { id } a: workspace(id: $a) { id members { edges { node { id user { id } } } } allotments { id clusterId workspaceId } storage { id }
        registries { edges { node { id } } } builds { edges { node { id workspaceId clusterId lastRun { id buildId } } } } }
      b: workspace(id: $b) { id } users { edges { node { id apiTokens { edges { node { id userId } } } } } } }`;
    const before = data(await gateway.request(ROWS, { a: teamA, b: teamB }), 'rows');
    const replica = await startTestGateway({ database: { kind: 'mysql', url: gateway.database.url }, adminToken: gateway.adminToken });
    try {
      expect(data(await replica.request(ROWS, { a: teamA, b: teamB }, gateway.adminToken), 'replica rows')).toEqual(before);
    } finally {
      await replica.stop();
    }
  });

  it('refuses node(id:) without credentials, like every other query', async () => {
    const response = await gateway.request(NODE_ID, { id: clusterId }, null);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
