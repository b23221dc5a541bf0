/**
 * Application maps and the releases deployed into them, end to end on MariaDB, NATS, a real
 * registry and two simulated clusters: a deploy draws its map, an uninstall takes it away,
 * redeployAppMap moves a map to another cluster (the source goes only once the target is healthy),
 * and continuous deployment rolls a map forward when a build pushes a new image.
 */
import { randomBytes } from 'node:crypto';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { localKeyOf } from '../src/shared/global-id.js';
import { createToken, createUser } from './identity-support.js';
import { registerCluster } from './support/cluster.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { startTestRegistry, type TestRegistry } from './support/registry.js';
import { collect } from './support/subscription.js';
import { waitFor } from './support/wait.js';

const GiB = 2 ** 30;

const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const ADD_MEMBER = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
const ALLOT_CLUSTER = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`;
const CREATE_PACKAGE = `mutation ($input: CreateCatalogPackageInput!) { createCatalogPackage(input: $input) { catalogPackage { id } } }`;
const IMPORT = `mutation ($input: ImportPackageVersionInput!) { importPackageVersion(input: $input) { packageVersion { id } } }`;
const CREATE_REGISTRY = `mutation ($input: CreateRegistryInput!) { createRegistry(input: $input) { registry { id } } }`;
const ALLOT_REGISTRY = `mutation ($workspaceId: ID!, $registryId: ID!) { allotRegistry(input: { workspaceId: $workspaceId, registryId: $registryId }) { workspaceId } }`;
const CREATE_BUILD = `mutation ($input: CreateBuildInput!) { createBuild(input: $input) { build { id } } }`;
const RUN_BUILD = `mutation ($buildId: ID!) { runBuild(input: { buildId: $buildId }) { run { id } } }`;
const BUILD_RUN = `query ($id: ID!) { buildRun(id: $id) { status image imageDigest finishedAt } }`;

const RELEASE_FIELDS = `id revision status statusMessage clusterId namespace appMapName values redeployedFrom sourceRemoval inventory { kind name uid }`;
const DEPLOY = `mutation ($input: DeployPackageInput!) { deployPackage(input: $input) { release { ${RELEASE_FIELDS} } } }`;
const REDEPLOY = `mutation ($input: RedeployAppMapInput!) { redeployAppMap(input: $input) { release { ${RELEASE_FIELDS} } revision { revision action } source { id status } } }`;
const UNINSTALL = `mutation ($input: UninstallReleaseInput!) { uninstallRelease(input: $input) { release { id status } } }`;
const RELEASE = `query ($id: ID!) { release(id: $id) { ${RELEASE_FIELDS} appMap { id name releaseId }
  history { edges { node { revision action changedBy { name } values } } } } }`;
const MAP_FIELDS = `id name clusterId namespace selector releaseId continuousDeployment packageVersion health release { id status revision }`;
const APP_MAPS = `query ($workspaceId: ID, $name: String) { appMaps(workspaceId: $workspaceId, name: $name) { edges { node { ${MAP_FIELDS} } } } }`;
const APP_MAP = `query ($id: ID!) { appMap(id: $id) { ${MAP_FIELDS} } }`;
const CREATE_MAP = `mutation ($input: CreateAppMapInput!) { createAppMap(input: $input) { appMap { id } } }`;
const UPDATE_MAP = `mutation ($input: UpdateAppMapInput!) { updateAppMap(input: $input) { appMap { id continuousDeployment } } }`;
const RELEASE_EVENTS = `subscription ($workspaceId: ID!) { releaseEvents(workspaceId: $workspaceId) { type status message release { id } } }`;

/** A web server and its Service; the image is a parameter, as packaged applications have it. */
const WEB = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 1
  progressDeadlineSeconds: \${{ params.deadline }}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: "\${{ params.image }}"
`;
const WEB_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    image: { type: 'string', maxLength: 200, default: 'nginx:1.27' },
    deadline: { type: 'integer', minimum: 1, default: 600 },
  },
};

interface ReleaseShape {
  id: string;
  revision: number;
  status: string;
  statusMessage: string | null;
  clusterId: string;
  namespace: string;
  appMapName: string;
  values: Record<string, unknown>;
  redeployedFrom: string | null;
  sourceRemoval: string | null;
  inventory: Array<{ kind: string; name: string; uid: string }>;
}
interface MapShape {
  id: string;
  name: string;
  clusterId: string;
  namespace: string;
  selector: string;
  releaseId: string | null;
  continuousDeployment: boolean;
  packageVersion: string | null;
  health: string;
  release: { id: string; status: string; revision: number } | null;
}

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

function errorOf(response: GraphqlResponse<unknown>): Record<string, unknown> & { message: string } {
  const error = response.errors?.[0];
  if (error === undefined) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
  return { ...(error.extensions ?? {}), message: error.message };
}

describe('application maps deployed from the catalog: drawn by a deploy, moved between clusters, rolled forward by builds', () => {
  let gateway: TestGateway;
  let registry: TestRegistry;
  let fast: SimulatedCluster;
  let other: SimulatedCluster;
  let fastId: string;
  let otherId: string;
  let shop: string;
  let web: string;
  const tokens: Record<string, string> = {};

  const deploy = (input: Record<string, unknown>, token = tokens.devops!) =>
    gateway.request<{ deployPackage: { release: ReleaseShape } }>(
      DEPLOY,
      { input: { workspaceId: shop, packageVersionId: web, clusterId: fastId, namespace: 'shop', stage: 'DEV', ...input } },
      token,
    );
  const redeploy = (input: Record<string, unknown>, token = tokens.devops!) =>
    gateway.request<{ redeployAppMap: { release: ReleaseShape; revision: { revision: number; action: string }; source: { id: string; status: string } } }>(
      REDEPLOY,
      { input },
      token,
    );
  const readRelease = async (id: string) =>
    data(
      await gateway.request<{
        release: ReleaseShape & {
          appMap: { id: string; name: string; releaseId: string } | null;
          history: Connection<{ revision: number; action: string; changedBy: { name: string }; values: Record<string, unknown> }>;
        };
      }>(RELEASE, { id }, tokens.devops),
      'release',
    ).release;
  const mapsNamed = async (name: string, token = tokens.devops!) =>
    nodesOf(data(await gateway.request<{ appMaps: Connection<MapShape> }>(APP_MAPS, { workspaceId: shop, name }, token), 'appMaps').appMaps);
  const releaseWhere = (id: string, what: string, test: (release: ReleaseShape) => boolean) =>
    waitFor(`release ${id}: ${what}`, async () => {
      const release = await readRelease(id);
      return test(release) ? release : undefined;
    });
  const releaseCount = async () => Number((await gateway.dataSource.query<Array<{ n: number | string }>>('SELECT COUNT(*) AS n FROM releases'))[0]?.n ?? 0);
  /** Deployments and Services of a namespace, as kind/name@release-label. */
  const objectsIn = (cluster: SimulatedCluster, namespace: string) =>
    (['deployments', 'services'] as const)
      .flatMap((resource) =>
        cluster.listObjects(resource, namespace).map((object) => `${object.kind}/${object.metadata.name}@${object.metadata.labels?.['kda.io/release'] ?? '-'}`),
      )
      .sort();
  const imageOf = (cluster: SimulatedCluster, namespace: string, name: string) => {
    const deployment = cluster.listObjects('deployments', namespace).find((object) => object.metadata.name === name) as
      { spec: { template: { spec: { containers: Array<{ image: string }> } } } } | undefined;
    return deployment?.spec.template.spec.containers[0]?.image;
  };

  beforeAll(async () => {
    [gateway, registry, fast, other] = await Promise.all([
      startTestGateway(),
      startTestRegistry(),
      // Short simulated seconds: a progress deadline of a few "seconds" passes quickly.
      startSimulatedCluster({ name: `maps-a-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200, podStartDelayMs: 20, simulatedSecondMs: 100 }),
      startSimulatedCluster({ name: `maps-b-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200, podStartDelayMs: 20, buildLineIntervalMs: 20 }),
    ]);
    for (const cluster of [fast, other]) cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 16, memoryBytes: 32 * GiB, storageBytes: 200 * GiB, maxPods: 110 });
    fastId = (await registerCluster(gateway, fast)).id;
    otherId = (await registerCluster(gateway, other)).id;
    const workspace = async (name: string) =>
      data(await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name } }), 'createWorkspace').createWorkspace.workspace.id;
    shop = await workspace('Shop Team');
    const rival = await workspace('Rival Team');
    const member = async (key: string, workspaceId: string, role: string) => {
      const user = await createUser(gateway, { name: key, email: `${key}-${randomBytes(3).toString('hex')}@example.com`, systemRole: 'USER' });
      data(await gateway.request(ADD_MEMBER, { input: { workspaceId, userId: user.id, role } }), 'addWorkspaceMember');
      tokens[key] = (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token;
    };
    await member('devops', shop, 'DEVOPS');
    await member('viewer', shop, 'VIEWER');
    await member('rival', rival, 'MANAGER');
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: shop, clusterId: fastId, namespaces: ['shop', 'shop-copy', 'shop-crash', 'shop-crash-copy'] } }), 'allot');
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: shop, clusterId: otherId, namespaces: null } }), 'allot');
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: rival, clusterId: fastId, namespaces: ['rival'] } }), 'allot');
    const packageId = data(
      await gateway.request<{ createCatalogPackage: { catalogPackage: { id: string } } }>(CREATE_PACKAGE, {
        input: { workspaceId: shop, name: 'web', description: 'A web server' },
      }),
      'createCatalogPackage',
    ).createCatalogPackage.catalogPackage.id;
    web = data(
      await gateway.request<{ importPackageVersion: { packageVersion: { id: string } } }>(IMPORT, {
        input: { packageId, version: '1.0.0', manifests: WEB, parametersSchema: WEB_SCHEMA },
      }),
      'importPackageVersion',
    ).importPackageVersion.packageVersion.id;
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([fast?.close(), other?.close(), registry?.stop()]);
  });

  it('a deploy draws its map, Release.appMap and AppMap.release meet, and an uninstall takes the map away', async () => {
    const release = data(await deploy({ appMapName: 'drawn' }), 'deployPackage').deployPackage.release;
    const [map] = await mapsNamed('drawn');
    expect(map).toMatchObject({
      clusterId: fastId,
      namespace: 'shop',
      releaseId: release.id,
      selector: `kda.io/release=${localKeyOf(release.id, 'Release')}`,
      continuousDeployment: false,
      packageVersion: '1.0.0',
    });
    expect(map!.release?.id).toBe(release.id);
    await releaseWhere(release.id, 'DEPLOYED', (current) => current.status === 'DEPLOYED');
    expect((await readRelease(release.id)).appMap).toEqual({ id: map!.id, name: 'drawn', releaseId: release.id });
    await waitFor('the map to be HEALTHY', async () => (await mapsNamed('drawn'))[0]?.health === 'HEALTHY');

    // A member reads it; another team's manager finds nothing.
    expect((await mapsNamed('drawn', tokens.viewer))[0]?.release?.id).toBe(release.id);
    expect(errorOf(await gateway.request(APP_MAP, { id: map!.id }, tokens.rival)).code).toBe('NOT_FOUND');

    // Which maps run on which node: the map's pods are on the cluster's one worker; another team sees no map there.
    const nodeMaps = async (token: string) =>
      nodesOf(
        data(
          await gateway.request<{ cluster: { nodes: Connection<{ name: string; appMaps: Array<{ name: string }> }> } }>(
            `query ($id: ID!) { cluster(id: $id) { nodes { edges { node { name appMaps { name } } } } } }`,
            { id: fastId },
            token,
          ),
          'cluster nodes',
        ).cluster.nodes,
      );
    expect(await nodeMaps(tokens.devops!)).toEqual([{ name: 'worker-1', appMaps: [{ name: 'drawn' }] }]);
    expect(await nodeMaps(tokens.rival!)).toEqual([{ name: 'worker-1', appMaps: [] }]);

    data(await gateway.request(UNINSTALL, { input: { releaseId: release.id } }, tokens.devops), 'uninstallRelease');
    expect(await mapsNamed('drawn')).toEqual([]);
    expect((await readRelease(release.id)).appMap).toBeNull();
  });

  it('a map drawn by hand is adopted by a deploy and kept after it, and a map another release holds is refused before anything is applied', async () => {
    const mapId = data(
      await gateway.request<{ createAppMap: { appMap: { id: string } } }>(
        CREATE_MAP,
        { input: { workspaceId: shop, clusterId: fastId, namespace: 'shop-copy', name: 'adopted', stage: 'DEV', selector: 'app=web' } },
        tokens.devops,
      ),
      'createAppMap',
    ).createAppMap.appMap.id;
    const first = data(await deploy({ appMapName: 'adopted', namespace: 'shop-copy' }), 'deployPackage').deployPackage.release;
    expect(await mapsNamed('adopted')).toEqual([expect.objectContaining({ id: mapId, selector: 'app=web', releaseId: first.id })]);

    const before = { rows: await releaseCount(), objects: objectsIn(fast, 'shop-copy') };
    const clash = errorOf(await deploy({ appMapName: 'adopted', namespace: 'shop-copy' }));
    expect(clash).toMatchObject({ code: 'CONFLICT', field: 'appMapName' });
    expect(clash.message).toContain('belongs to release');
    expect({ rows: await releaseCount(), objects: objectsIn(fast, 'shop-copy') }).toEqual(before);

    await releaseWhere(first.id, 'DEPLOYED', (current) => current.status === 'DEPLOYED');
    data(await gateway.request(UNINSTALL, { input: { releaseId: first.id } }, tokens.devops), 'uninstallRelease');
    expect(await mapsNamed('adopted')).toEqual([expect.objectContaining({ id: mapId, releaseId: null, release: null })]);
  });

  it('redeployAppMap moves a map to the other cluster: the target rolls out, then the source is removed by its inventory', async () => {
    const source = data(await deploy({ appMapName: 'mover' }), 'deployPackage').deployPackage.release;
    await releaseWhere(source.id, 'DEPLOYED', (current) => current.status === 'DEPLOYED');
    const [sourceMap] = await mapsNamed('mover');
    const events = collect<{ releaseEvents: { type: string; status: string; message: string | null; release: { id: string } } }>(
      gateway.websocket(`Bearer ${tokens.viewer}`),
      RELEASE_EVENTS,
      { workspaceId: shop },
    );
    await waitFor(
      'the release events subscription to be live',
      async () => (await gateway.request(APP_MAPS, { workspaceId: shop, name: 'mover' }, tokens.viewer)).errors === undefined,
    );

    const moved = data(await redeploy({ appMapId: sourceMap!.id, clusterId: otherId, removeSource: true }), 'redeployAppMap').redeployAppMap;
    expect(moved.release).toMatchObject({ clusterId: otherId, namespace: 'shop', appMapName: 'mover', redeployedFrom: source.id, sourceRemoval: 'PENDING', revision: 1 });
    expect(moved.revision.action).toBe('INSTALL');
    expect(moved.source).toEqual({ id: source.id, status: 'DEPLOYED' });
    // The same version and values.
    expect(moved.release.values).toEqual(source.values);

    const target = await releaseWhere(moved.release.id, 'healthy with its source removed', (current) => current.status === 'DEPLOYED' && current.sourceRemoval === 'REMOVED');
    const gone = await readRelease(source.id);
    expect(gone.status).toBe('UNINSTALLED');
    expect(gone.statusMessage).toContain(`moved to namespace shop of cluster ${localKeyOf(otherId, 'Cluster')}`);

    const targetLabel = localKeyOf(target.id, 'Release');
    expect(objectsIn(other, 'shop')).toEqual([`Deployment/web@${targetLabel}`, `Service/web@${targetLabel}`]);
    expect(objectsIn(fast, 'shop').filter((object) => object.endsWith(`@${localKeyOf(source.id, 'Release')}`))).toEqual([]);
    expect(await mapsNamed('mover')).toEqual([expect.objectContaining({ clusterId: otherId, releaseId: target.id })]);

    await waitFor('the move in the release events', () => {
      const seen = events.results.map((result) => `${result.data?.releaseEvents.release.id === source.id ? 'source' : 'target'} ${result.data?.releaseEvents.type}`);
      return seen.includes('target INSTALLED') && seen.includes('source UNINSTALLED') && seen.filter((entry) => entry === 'target STATUS_CHANGED').length >= 2 ? seen : undefined;
    });
    const removal = events.results.map((result) => result.data?.releaseEvents).find((event) => event?.type === 'STATUS_CHANGED' && event.message?.includes('removed'));
    expect(removal?.release.id).toBe(target.id);
    events.unsubscribe();
  });

  it('a target that never turns healthy leaves the source running, untouched', async () => {
    const source = data(await deploy({ appMapName: 'crashy', namespace: 'shop-crash', values: { image: 'simulate/crash:1', deadline: 3 } }), 'deployPackage').deployPackage.release;
    await releaseWhere(source.id, 'FAILED', (current) => current.status === 'FAILED');
    const [map] = await mapsNamed('crashy');
    const before = objectsIn(fast, 'shop-crash');
    const moved = data(await redeploy({ appMapId: map!.id, clusterId: fastId, namespace: 'shop-crash-copy', removeSource: true }), 'redeployAppMap').redeployAppMap;
    const target = await releaseWhere(moved.release.id, 'failed, its source kept', (current) => current.status === 'FAILED' && current.sourceRemoval === 'KEPT');
    expect(target.statusMessage).toMatch(/web/);
    expect((await readRelease(source.id)).status).toBe('FAILED');
    expect(objectsIn(fast, 'shop-crash')).toEqual(before);
    expect((await readRelease(source.id)).inventory.map((item) => item.uid)).toEqual(source.inventory.map((item) => item.uid));
  });

  it('refuses a redeploy that cannot be done, naming the field, with nothing applied', async () => {
    const drawnId = data(
      await gateway.request<{ createAppMap: { appMap: { id: string } } }>(
        CREATE_MAP,
        { input: { workspaceId: shop, clusterId: fastId, namespace: 'shop', name: 'by-hand', stage: 'DEV', selector: 'app=web' } },
        tokens.devops,
      ),
      'createAppMap',
    ).createAppMap.appMap.id;
    const deployed = data(await deploy({ appMapName: 'stay' }), 'deployPackage').deployPackage.release;
    const [stay] = await mapsNamed('stay');
    const before = { rows: await releaseCount(), fast: objectsIn(fast, 'shop-copy'), other: objectsIn(other, 'elsewhere') };

    expect(errorOf(await redeploy({ appMapId: drawnId, clusterId: otherId }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'appMapId' });
    expect(errorOf(await redeploy({ appMapId: stay!.id, clusterId: fastId }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clusterId' });
    expect(errorOf(await redeploy({ appMapId: stay!.id, clusterId: fastId, namespace: 'not-allotted' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'namespace' });
    expect(errorOf(await redeploy({ appMapId: stay!.id, clusterId: otherId, namespace: 'Not A Namespace' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'namespace' });
    expect(errorOf(await redeploy({ appMapId: stay!.id, clusterId: otherId }, tokens.viewer)).code).toBe('FORBIDDEN');
    expect(errorOf(await redeploy({ appMapId: stay!.id, clusterId: otherId }, tokens.rival))).toMatchObject({ code: 'NOT_FOUND', field: 'appMapId' });
    expect({ rows: await releaseCount(), fast: objectsIn(fast, 'shop-copy'), other: objectsIn(other, 'elsewhere') }).toEqual(before);
    expect((await readRelease(deployed.id)).status).not.toBe('UNINSTALLED');

    // Continuous deployment needs a release to roll forward.
    expect(errorOf(await gateway.request(UPDATE_MAP, { input: { id: drawnId, continuousDeployment: true } }, tokens.devops))).toMatchObject({
      code: 'BAD_USER_INPUT',
      field: 'continuousDeployment',
    });
  });

  it('continuous deployment: a successful build of an image the map runs rolls its release forward to the new tag; a map without it stays', async () => {
    const registryId = data(
      await gateway.request<{ createRegistry: { registry: { id: string } } }>(CREATE_REGISTRY, { input: { name: 'platform', url: registry.url, kind: 'BUILTIN' } }),
      'createRegistry',
    ).createRegistry.registry.id;
    data(await gateway.request(ALLOT_REGISTRY, { workspaceId: shop, registryId }), 'allotRegistry');
    const buildId = data(
      await gateway.request<{ createBuild: { build: { id: string } } }>(
        CREATE_BUILD,
        {
          input: {
            workspaceId: shop,
            name: 'web',
            sourceUrl: 'git://git.example.com/shop/web.git',
            ref: 'main',
            preset: 'NODEJS',
            imageRepository: 'shop-team/web',
            registryId,
            clusterId: otherId,
          },
        },
        tokens.devops,
      ),
      'createBuild',
    ).createBuild.build.id;
    const build = async () => {
      const runId = data(await gateway.request<{ runBuild: { run: { id: string } } }>(RUN_BUILD, { buildId }, tokens.devops), 'runBuild').runBuild.run.id;
      return waitFor(`build run ${runId} to succeed`, async () => {
        const run = data(
          await gateway.request<{ buildRun: { status: string; image: string; imageDigest: string | null; finishedAt: string | null } }>(BUILD_RUN, { id: runId }),
          'buildRun',
        ).buildRun;
        if (run.finishedAt !== null && run.status !== 'SUCCEEDED') throw new Error(`run ${runId} ${run.status}`);
        return run.status === 'SUCCEEDED' ? run : undefined;
      });
    };
    const first = await build();

    const followed = data(await deploy({ appMapName: 'live-web', clusterId: otherId, namespace: 'web-cd', values: { image: first.image } }), 'deployPackage').deployPackage.release;
    const still = data(await deploy({ appMapName: 'pinned-web', clusterId: otherId, namespace: 'web-pinned', values: { image: first.image } }), 'deployPackage').deployPackage
      .release;
    const [liveMap] = await mapsNamed('live-web');
    expect(
      data(
        await gateway.request<{ updateAppMap: { appMap: { continuousDeployment: boolean } } }>(
          UPDATE_MAP,
          { input: { id: liveMap!.id, continuousDeployment: true } },
          tokens.devops,
        ),
        'updateAppMap',
      ).updateAppMap.appMap.continuousDeployment,
    ).toBe(true);
    // A viewer may not turn it on.
    expect(errorOf(await gateway.request(UPDATE_MAP, { input: { id: liveMap!.id, continuousDeployment: false } }, tokens.viewer)).code).toBe('FORBIDDEN');
    await releaseWhere(followed.id, 'DEPLOYED', (current) => current.status === 'DEPLOYED');

    const second = await build();
    expect(second.image).not.toBe(first.image);
    const pinnedImage = `${second.image}@${second.imageDigest}`;
    const rolled = await releaseWhere(followed.id, 'revision 2', (current) => current.revision === 2);
    const history = nodesOf((await readRelease(followed.id)).history);
    expect(history[0]).toMatchObject({ revision: 2, action: 'IMAGE_UPDATE', changedBy: { name: expect.stringMatching(/^continuous deployment: build web run #2$/) } });
    // Written back into the values: an upgrade from these values keeps the new image.
    expect(rolled.values.image).toBe(pinnedImage);
    await waitFor('the new image in the cluster', () => imageOf(other, 'web-cd', 'web') === pinnedImage);
    expect(imageOf(other, 'web-pinned', 'web')).toBe(first.image);
    expect((await readRelease(still.id)).revision).toBe(1);
  });
});
