/**
 * Releases end to end: a catalog version deployed to a simulated cluster over HTTP (server-side
 * apply, dry run, managedFields), upgraded, rolled back and uninstalled, with the database on
 * MariaDB and the events on NATS; every bad input refused with nothing applied and nothing stored.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { localKeyOf } from '../src/shared/global-id.js';
import { createToken, createUser } from './identity-support.js';
import { registerCluster } from './support/cluster.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { collect } from './support/subscription.js';
import { waitFor } from './support/wait.js';

const run = promisify(execFile);
const kubectlAvailable = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectlAvailable) console.warn('test/releases.test.ts: kubectl is not installed; its checks are skipped (the simulator is read directly instead)');

const GiB = 2 ** 30;

/** A client of the simulator as anyone with its kubeconfig (kubectl's peer). */
function KubeConfigOf(cluster: SimulatedCluster): KubeConfig {
  const kubeConfig = new KubeConfig();
  kubeConfig.loadFromString(cluster.kubeconfig());
  return kubeConfig;
}

const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const ADD_MEMBER = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
const ALLOT_CLUSTER = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`;
const ALLOT_STORAGE = `mutation ($input: AllotStorageInput!) { allotStorage(input: $input) { allotment { quotaBytes } } }`;
const CREATE_PACKAGE = `mutation ($input: CreateCatalogPackageInput!) { createCatalogPackage(input: $input) { catalogPackage { id } } }`;
const IMPORT = `mutation ($input: ImportPackageVersionInput!) { importPackageVersion(input: $input) { packageVersion { id version } } }`;

const RELEASE_FIELDS = `id revision status statusMessage namespace appMapName stage version createdNamespace values
  inventory { apiVersion kind namespace name uid }`;
const REVISION_FIELDS = `id revision action rolledBackFrom status version values diff changedBy { name } inventory { kind name uid }`;
const DEPLOY = `mutation ($input: DeployPackageInput!) { deployPackage(input: $input) { release { ${RELEASE_FIELDS} } revision { ${REVISION_FIELDS} } } }`;
const UPGRADE = `mutation ($input: UpgradeReleaseInput!) { upgradeRelease(input: $input) {
  release { ${RELEASE_FIELDS} } revision { ${REVISION_FIELDS} } pruned { kind name uid } leftAlone { object { kind name } reason } } }`;
const ROLLBACK = `mutation ($input: RollbackReleaseInput!) { rollbackRelease(input: $input) {
  release { ${RELEASE_FIELDS} } revision { ${REVISION_FIELDS} } pruned { kind name } leftAlone { object { kind name } reason } } }`;
const UNINSTALL = `mutation ($input: UninstallReleaseInput!) { uninstallRelease(input: $input) {
  uninstalledReleaseId release { id status statusMessage } deleted { kind name uid } leftAlone { object { kind name } reason }
  changedByHand { object { kind name } fields { path applied live manager } } } }`;
const RELEASE = `query ($id: ID!) { release(id: $id) { ${RELEASE_FIELDS} history { totalCount edges { node { ${REVISION_FIELDS} } } } package { name } packageVersion { version } } }`;
const RELEASES = `query ($workspaceId: ID, $includeUninstalled: Boolean) { releases(workspaceId: $workspaceId, includeUninstalled: $includeUninstalled) { totalCount edges { node { id status } } } }`;
const NODE = `query ($id: ID!) { node(id: $id) { id __typename ... on Release { revision } } }`;
const PREVIEW = `query ($input: PreviewReleaseInput!) { previewRelease(input: $input) {
  version diff objects { kind name change diff } drift { object { kind name } fields { path applied live manager } } } }`;
const RELEASE_EVENTS = `subscription ($workspaceId: ID!, $after: String) { releaseEvents(workspaceId: $workspaceId, after: $after) {
  cursor type revision status message release { id revision } } }`;

/** nginx in front, a Service for it and one for its admin port, its page in a ConfigMap, its settings in a Secret. */
const WEB_1_0 = `apiVersion: v1
kind: Secret
metadata:
  name: web-settings
stringData:
  greeting: \${{ params.greeting }}
  admin-password: \${{ params.adminPassword }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  index.html: "<h1>\${{ params.greeting }}</h1>"
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: \${{ params.port }}
      targetPort: 8080
---
apiVersion: v1
kind: Service
metadata:
  name: web-admin
spec:
  selector:
    app: web
  ports:
    - port: 9090
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    tier: \${{ params.tier }}
spec:
  replicas: \${{ params.replicas }}
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
          image: "nginx:\${{ params.tag }}"
          env:
            - name: GREETING
              valueFrom: { secretKeyRef: { name: web-settings, key: greeting } }
`;
/** The same without the admin Service: an upgrade to it prunes that Service. */
const WEB_1_1 = WEB_1_0.replace(/---\napiVersion: v1\nkind: Service\nmetadata:\n {2}name: web-admin\n[\s\S]*?(?=---)/, '');
const WEB_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    greeting: { type: 'string', maxLength: 100 },
    adminPassword: { type: 'string', maxLength: 50, writeOnly: true, default: 'very-secret-admin' },
    replicas: { type: 'integer', minimum: 0, maximum: 5, default: 1 },
    tag: { type: 'string', maxLength: 60, default: '1.27' },
    tier: { type: 'string', maxLength: 40, default: 'front' },
    port: { type: 'integer', minimum: 1, default: 80 },
    deadline: { type: 'integer', minimum: 1, default: 600 },
  },
  required: ['greeting'],
};

const DATA_MANIFESTS = `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: data
spec:
  accessModes: [ReadWriteOnce]
  resources:
    requests:
      storage: \${{ params.size }}
`;
const DATA_SCHEMA = { type: 'object', properties: { size: { type: 'string', maxLength: 20, default: '1Gi' } } };

interface InventoryItem {
  apiVersion: string;
  kind: string;
  namespace: string | null;
  name: string;
  uid: string;
}
interface Revision {
  id: string;
  revision: number;
  action: string;
  rolledBackFrom: number | null;
  status: string;
  version: string;
  values: Record<string, unknown>;
  diff: string;
  changedBy: { name: string };
  inventory: Array<{ kind: string; name: string; uid: string }>;
}
interface Release {
  id: string;
  revision: number;
  status: string;
  statusMessage: string | null;
  namespace: string;
  appMapName: string;
  stage: string;
  version: string;
  createdNamespace: boolean;
  values: Record<string, unknown>;
  inventory: InventoryItem[];
}
interface ErrorShape {
  code: string;
  field?: string;
  object?: string;
  path?: string;
  message: string;
}

function data<T>(response: GraphqlResponse<T>, what: string): T {
  if (response.data === undefined || response.data === null || response.errors !== undefined) throw new Error(`${what} failed: ${JSON.stringify(response.errors)}`);
  return response.data;
}

function errorOf(response: GraphqlResponse<unknown>): ErrorShape {
  const error = response.errors?.[0];
  if (error === undefined) throw new Error(`expected an error, got ${JSON.stringify(response.data)}`);
  const extensions = error.extensions ?? {};
  return {
    code: String(extensions.code),
    message: error.message,
    ...(typeof extensions.field === 'string' ? { field: extensions.field } : {}),
    ...(typeof extensions.object === 'string' ? { object: extensions.object } : {}),
    ...(typeof extensions.path === 'string' ? { path: extensions.path } : {}),
  };
}

const objectNames = (items: ReadonlyArray<{ kind: string; name: string }>) => items.map((item) => `${item.kind}/${item.name}`);

describe('releases: deploy, upgrade, roll back and uninstall catalog versions on a simulated cluster', () => {
  let gateway: TestGateway;
  let simulator: SimulatedCluster;
  let spare: SimulatedCluster;
  let clusterId: string;
  let spareClusterId: string;
  let shop: string;
  let other: string;
  let web10: string;
  let web11: string;
  let dataVersion: string;
  let directory: string;
  const tokens: Record<string, string> = {};

  async function deploy(input: Record<string, unknown>, token = tokens.devops!) {
    return gateway.request<{ deployPackage: { release: Release; revision: Revision } }>(
      DEPLOY,
      { input: { workspaceId: shop, packageVersionId: web10, clusterId, namespace: 'shop', appMapName: 'shop-web', stage: 'DEV', ...input } },
      token,
    );
  }

  async function readRelease(id: string, token = tokens.devops!) {
    return data(
      await gateway.request<{ release: Release & { history: Connection<Revision>; package: { name: string }; packageVersion: { version: string } } }>(RELEASE, { id }, token),
      'release',
    ).release;
  }

  async function settled(id: string, status = 'DEPLOYED'): Promise<Release> {
    return waitFor(`release ${id} to be ${status}`, async () => {
      const release = await readRelease(id);
      return release.status === status ? release : undefined;
    });
  }

  async function releaseRows(): Promise<number> {
    const [row] = await gateway.dataSource.query<Array<{ n: number | string }>>('SELECT COUNT(*) AS n FROM releases');
    return Number(row?.n ?? 0);
  }

  /** Every object of these kinds in a namespace of the simulator (those of one release, when given), as kind/name. */
  function objectsIn(cluster: SimulatedCluster, namespace: string, releaseLocalId?: string): string[] {
    const kinds = { secrets: 'Secret', configmaps: 'ConfigMap', services: 'Service', deployments: 'Deployment', persistentvolumeclaims: 'PersistentVolumeClaim' } as const;
    return Object.entries(kinds)
      .flatMap(([resource, kind]) =>
        cluster
          .listObjects(resource as keyof typeof kinds, namespace)
          .filter((object) => releaseLocalId === undefined || object.metadata.labels?.['kda.io/release'] === releaseLocalId)
          .map((object) => `${kind}/${object.metadata.name}`),
      )
      .sort();
  }

  async function hubSubjects(): Promise<number> {
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    return Number(/^kda_subscription_hub_subjects (\d+)/m.exec(metrics)?.[1] ?? 0);
  }

  async function kubectl(...args: string[]): Promise<string> {
    const { stdout } = await run('kubectl', ['--kubeconfig', join(directory, 'kubeconfig'), '--cache-dir', join(directory, 'cache'), ...args], {
      env: { ...process.env, HOME: directory, KUBECONFIG: '' },
      timeout: 30_000,
    });
    return stdout;
  }

  /** What carries the release's label, as kubectl lists it (or the simulator, without kubectl). */
  async function labelled(releaseId: string, namespace: string): Promise<string[]> {
    const local = localKeyOf(releaseId, 'Release');
    if (!kubectlAvailable) return objectsIn(simulator, namespace, local);
    const output = await kubectl('get', 'secrets,configmaps,services,deployments', '-n', namespace, '-l', `kda.io/release=${local}`, '-o', 'name');
    const kinds: Record<string, string> = { secret: 'Secret', configmap: 'ConfigMap', service: 'Service', 'deployment.apps': 'Deployment' };
    return output
      .trim()
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => {
        const [resource, name] = line.split('/');
        return `${kinds[resource!] ?? resource}/${name}`;
      })
      .sort();
  }

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'releases-'));
    [gateway, simulator, spare] = await Promise.all([
      startTestGateway(),
      // Short simulated seconds: a progress deadline of a few "seconds" passes quickly.
      startSimulatedCluster({ name: `rel-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200, podStartDelayMs: 20, simulatedSecondMs: 100 }),
      startSimulatedCluster({ name: `spare-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200 }),
    ]);
    for (const cluster of [simulator, spare]) cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 16, memoryBytes: 32 * GiB, storageBytes: 200 * GiB, maxPods: 110 });
    simulator.addStorageClass({ name: 'standard', provisioner: 'simulator.kda.io/hostpath', isDefault: true });
    writeFileSync(join(directory, 'kubeconfig'), simulator.kubeconfig());
    clusterId = (await registerCluster(gateway, simulator)).id;
    spareClusterId = (await registerCluster(gateway, spare)).id;

    const workspace = async (name: string) =>
      data(await gateway.request<{ createWorkspace: { workspace: { id: string } } }>(CREATE_WORKSPACE, { input: { name } }), 'createWorkspace').createWorkspace.workspace.id;
    shop = await workspace('Shop Team');
    other = await workspace('Other Team');
    const member = async (key: string, workspaceId: string, role: string) => {
      const user = await createUser(gateway, { name: key, email: `${key}-${randomBytes(3).toString('hex')}@example.com`, systemRole: 'USER' });
      data(await gateway.request(ADD_MEMBER, { input: { workspaceId, userId: user.id, role } }), 'addWorkspaceMember');
      tokens[key] = (await createToken(gateway, { name: 'cli', userId: user.id, scopes: ['READ', 'WRITE'] })).token;
    };
    await member('devops', shop, 'DEVOPS');
    await member('viewer', shop, 'VIEWER');
    await member('operator', shop, 'OPERATOR');
    await member('outsider', other, 'VIEWER');
    await member('outsiderManager', other, 'MANAGER');
    data(
      await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: shop, clusterId, namespaces: ['shop', 'shop-staging', 'shop-data', 'shop-crash', 'shop-edit'] } }),
      'allotCluster',
    );
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: other, clusterId, namespaces: ['other'] } }), 'allotCluster');
    await waitFor('the storage class in the cache', async () => {
      const response = await gateway.request(ALLOT_STORAGE, { input: { workspaceId: shop, clusterId, storageClassName: 'standard', quotaBytes: 2 * GiB } });
      return response.errors === undefined;
    });

    const packageId = data(
      await gateway.request<{ createCatalogPackage: { catalogPackage: { id: string } } }>(CREATE_PACKAGE, { input: { workspaceId: shop, name: 'web' } }, tokens.devops),
      'createCatalogPackage',
    ).createCatalogPackage.catalogPackage.id;
    const importVersion = async (id: string, version: string, manifests: string, parametersSchema: unknown) =>
      data(
        await gateway.request<{ importPackageVersion: { packageVersion: { id: string } } }>(
          IMPORT,
          { input: { packageId: id, version, manifests, parametersSchema } },
          tokens.devops,
        ),
        'importPackageVersion',
      ).importPackageVersion.packageVersion.id;
    web10 = await importVersion(packageId, '1.0.0', WEB_1_0, WEB_SCHEMA);
    web11 = await importVersion(packageId, '1.1.0', WEB_1_1, WEB_SCHEMA);
    const dataPackage = data(
      await gateway.request<{ createCatalogPackage: { catalogPackage: { id: string } } }>(CREATE_PACKAGE, { input: { workspaceId: shop, name: 'data' } }, tokens.devops),
      'createCatalogPackage',
    ).createCatalogPackage.catalogPackage.id;
    dataVersion = await importVersion(dataPackage, '1.0.0', DATA_MANIFESTS, DATA_SCHEMA);
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([simulator?.close(), spare?.close()]);
    rmSync(directory, { recursive: true, force: true });
  });

  it('deploys, upgrades (pruning what is no longer rendered), rolls back and uninstalls exactly its inventory', async () => {
    const subjectsBefore = await hubSubjects();
    const events = collect<{ releaseEvents: { cursor: string; type: string; revision: number; status: string; release: { id: string } } }>(
      gateway.websocket(`Bearer ${tokens.viewer}`),
      RELEASE_EVENTS,
      { workspaceId: shop },
    );
    await waitFor('the release events subscription to be live', async () => (await hubSubjects()) > subjectsBefore);

    // Deploy into a namespace that does not exist yet: it is created first.
    expect(simulator.listNamespaces().some((namespace) => namespace.metadata.name === 'shop')).toBe(false);
    const deployed = data(await deploy({ values: { greeting: 'hello', replicas: 2 } }), 'deployPackage').deployPackage;
    const releaseId = deployed.release.id;
    expect(deployed.release).toMatchObject({ revision: 1, status: 'DEPLOYING', namespace: 'shop', appMapName: 'shop-web', stage: 'DEV', version: '1.0.0', createdNamespace: true });
    // Written-only parameters never show.
    expect(deployed.release.values).toEqual({ greeting: 'hello', replicas: 2 });
    expect(deployed.revision).toMatchObject({ revision: 1, action: 'INSTALL', version: '1.0.0', changedBy: { name: 'devops' } });
    expect(deployed.revision.diff).toContain('+kind: Deployment');
    expect(deployed.revision.diff).not.toContain('very-secret-admin');
    // Apply order: the Secret and the ConfigMap, the Services, then the Deployment.
    expect(objectNames(deployed.release.inventory)).toEqual(['Secret/web-settings', 'ConfigMap/web-config', 'Service/web', 'Service/web-admin', 'Deployment/web']);

    // In the cluster: exactly those, labelled, owned by the gateway's field manager through apply.
    const local = localKeyOf(releaseId, 'Release');
    expect(await labelled(releaseId, 'shop')).toEqual(['ConfigMap/web-config', 'Deployment/web', 'Secret/web-settings', 'Service/web', 'Service/web-admin']);
    expect(simulator.getObject('configmaps', 'shop', 'web-config')?.data).toEqual({ 'index.html': '<h1>hello</h1>' });
    const deployment = simulator.getObject('deployments', 'shop', 'web')!;
    expect(deployment.metadata.labels).toMatchObject({ 'kda.io/release': local, 'kda.io/app-map': 'shop-web', 'kda.io/stage': 'DEV', tier: 'front' });
    expect(deployment.spec.template.metadata?.labels).toMatchObject({ app: 'web', 'kda.io/release': local });
    expect(deployment.metadata.managedFields).toEqual(expect.arrayContaining([expect.objectContaining({ manager: 'kda-gateway', operation: 'Apply' })]));
    expect(deployed.release.inventory.find((item) => item.kind === 'Deployment')?.uid).toBe(deployment.metadata.uid);

    // The rollout is followed until the workloads are ready; the events say so.
    await settled(releaseId);
    await waitFor('INSTALLED and DEPLOYED events', () =>
      events.results.some((result) => result.data?.releaseEvents.type === 'STATUS_CHANGED' && result.data.releaseEvents.status === 'DEPLOYED') ? true : undefined,
    );
    expect(events.results.map((result) => result.data?.releaseEvents.type).slice(0, 2)).toEqual(['INSTALLED', 'STATUS_CHANGED']);
    const installedCursor = events.results[0]!.data!.releaseEvents.cursor;

    // Someone puts an unrelated object in the same namespace: no release touches it.
    simulator.addService({ namespace: 'shop', name: 'unrelated', selector: { app: 'other' }, ports: [{ port: 81 }] });

    // Preview of the upgrade: the diff against what runs, and what would be pruned.
    const preview = data(
      await gateway.request<{ previewRelease: { version: string; diff: string; objects: Array<{ kind: string; name: string; change: string; diff: string }>; drift: unknown[] } }>(
        PREVIEW,
        { input: { releaseId, packageVersionId: web11, values: { greeting: 'hello', replicas: 3 } } },
        tokens.devops,
      ),
      'previewRelease',
    ).previewRelease;
    expect(preview.version).toBe('1.1.0');
    expect(preview.objects.map((object) => `${object.kind}/${object.name}:${object.change}`)).toEqual([
      'Secret/web-settings:UNCHANGED',
      'ConfigMap/web-config:UNCHANGED',
      'Service/web:UNCHANGED',
      'Deployment/web:UPDATE',
      'Service/web-admin:DELETE',
    ]);
    expect(preview.objects[3]!.diff).toMatch(/-\s+replicas: 2\n\+\s+replicas: 3\n/);
    expect(preview.drift).toEqual([]);

    // Drift: someone changes the image by hand; the preview names the field and who changed it.
    const [container] = simulator.getObject('deployments', 'shop', 'web')!.spec.template.spec.containers;
    simulator.patchObject('deployments', 'shop', 'web', { spec: { template: { spec: { containers: [{ ...container, image: 'nginx:hotfix' }] } } } });
    const drifted = data(
      await gateway.request<{
        previewRelease: { drift: Array<{ object: { kind: string; name: string }; fields: Array<{ path: string; applied: unknown; live: unknown; manager: string | null }> }> };
      }>(PREVIEW, { input: { releaseId } }, tokens.viewer),
      'previewRelease',
    ).previewRelease;
    expect(drifted.drift).toEqual([
      {
        object: { kind: 'Deployment', name: 'web' },
        fields: [{ path: 'spec.template.spec.containers[name=web].image', applied: 'nginx:1.27', live: 'nginx:hotfix', manager: expect.any(String) }],
      },
    ]);

    // Upgrade: another version (without web-admin) and another value; the dropped Service is pruned.
    const upgraded = data(
      await gateway.request<{ upgradeRelease: { release: Release; revision: Revision; pruned: Array<{ kind: string; name: string }>; leftAlone: unknown[] } }>(
        UPGRADE,
        { input: { releaseId, packageVersionId: web11, values: { greeting: 'hello', replicas: 3 } } },
        tokens.devops,
      ),
      'upgradeRelease',
    ).upgradeRelease;
    expect(upgraded.release).toMatchObject({ revision: 2, status: 'DEPLOYING', version: '1.1.0' });
    expect(upgraded.revision).toMatchObject({ revision: 2, action: 'UPGRADE' });
    expect(upgraded.revision.diff).toMatch(/-\s+replicas: 2\n\+\s+replicas: 3\n/);
    expect(upgraded.revision.diff).toContain('(revision 2: removed)');
    expect(objectNames(upgraded.pruned)).toEqual(['Service/web-admin']);
    expect(upgraded.leftAlone).toEqual([]);
    expect(objectsIn(simulator, 'shop')).toEqual(['ConfigMap/web-config', 'Deployment/web', 'Secret/web-settings', 'Service/unrelated', 'Service/web']);
    const upgradedDeployment = simulator.getObject('deployments', 'shop', 'web')!;
    expect(upgradedDeployment.spec.replicas).toBe(3);
    // The upgrade applies what the release wants: the hand-made image change is taken back.
    expect(upgradedDeployment.spec.template.spec.containers[0]?.image).toBe('nginx:1.27');
    await settled(releaseId);

    // Roll back to revision 1: a new revision with its version and values; web-admin comes back.
    const rolledBack = data(
      await gateway.request<{ rollbackRelease: { release: Release; revision: Revision } }>(ROLLBACK, { input: { releaseId, revision: 1 } }, tokens.devops),
      'rollbackRelease',
    ).rollbackRelease;
    expect(rolledBack.release).toMatchObject({ revision: 3, version: '1.0.0' });
    expect(rolledBack.revision).toMatchObject({ revision: 3, action: 'ROLLBACK', rolledBackFrom: 1, values: { greeting: 'hello', replicas: 2 } });
    expect(objectsIn(simulator, 'shop')).toEqual(['ConfigMap/web-config', 'Deployment/web', 'Secret/web-settings', 'Service/unrelated', 'Service/web', 'Service/web-admin']);
    expect(simulator.getObject('deployments', 'shop', 'web')!.spec.replicas).toBe(2);
    await settled(releaseId);

    const history = await readRelease(releaseId, tokens.viewer);
    expect(history.history.totalCount).toBe(3);
    expect(nodesOf(history.history).map((revision) => [revision.revision, revision.action, revision.status])).toEqual([
      [3, 'ROLLBACK', 'DEPLOYED'],
      [2, 'UPGRADE', 'SUPERSEDED'],
      [1, 'INSTALL', 'SUPERSEDED'],
    ]);
    expect(history).toMatchObject({ package: { name: 'web' }, packageVersion: { version: '1.0.0' } });

    // web-admin is deleted and recreated by someone else: same name, another uid — not the release's.
    const theirs = simulator.getObject('services', 'shop', 'web-admin')!;
    await KubeConfigOf(simulator).makeApiClient(CoreV1Api).deleteNamespacedService({ namespace: 'shop', name: 'web-admin' });
    await waitFor('web-admin to be gone', () => simulator.getObject('services', 'shop', 'web-admin') === undefined);
    simulator.addService({ namespace: 'shop', name: 'web-admin', selector: { app: 'theirs' }, ports: [{ port: 9090 }] });
    expect(simulator.getObject('services', 'shop', 'web-admin')!.metadata.uid).not.toBe(theirs.metadata.uid);

    const uninstalled = data(
      await gateway.request<{
        uninstallRelease: {
          uninstalledReleaseId: string;
          release: { status: string; statusMessage: string | null };
          deleted: Array<{ kind: string; name: string }>;
          leftAlone: Array<{ object: { kind: string; name: string }; reason: string }>;
          changedByHand: unknown[];
        };
      }>(UNINSTALL, { input: { releaseId } }, tokens.devops),
      'uninstallRelease',
    ).uninstallRelease;
    expect(uninstalled.uninstalledReleaseId).toBe(releaseId);
    expect(uninstalled.release.status).toBe('UNINSTALLED');
    // Reverse apply order.
    expect(objectNames(uninstalled.deleted)).toEqual(['Deployment/web', 'Service/web', 'ConfigMap/web-config', 'Secret/web-settings']);
    expect(uninstalled.leftAlone).toEqual([{ object: { kind: 'Service', name: 'web-admin' }, reason: expect.stringContaining('recreated by someone else') }]);
    expect(uninstalled.changedByHand).toEqual([]);
    await waitFor('the Deployment to be gone', () => simulator.getObject('deployments', 'shop', 'web') === undefined);
    // Nothing else: the unrelated Service, the recreated one and the namespace stay.
    expect(objectsIn(simulator, 'shop')).toEqual(['Service/unrelated', 'Service/web-admin']);
    expect(simulator.listNamespaces().some((namespace) => namespace.metadata.name === 'shop')).toBe(true);

    // An uninstalled release is kept for its history but changes no more.
    expect(errorOf(await gateway.request(UPGRADE, { input: { releaseId, values: { greeting: 'again' } } }, tokens.devops))).toMatchObject({ code: 'CONFLICT', field: 'releaseId' });
    expect(
      nodesOf(data(await gateway.request<{ releases: Connection<{ id: string }> }>(RELEASES, { workspaceId: shop }, tokens.viewer), 'releases').releases).map((node) => node.id),
    ).not.toContain(releaseId);

    // Resuming the events from the first one replays the rest, in order.
    const resumed = collect<{ releaseEvents: { type: string; revision: number } }>(gateway.websocket(`Bearer ${tokens.viewer}`), RELEASE_EVENTS, {
      workspaceId: shop,
      after: installedCursor,
    });
    await waitFor('the replayed events', () => (resumed.results.some((result) => result.data?.releaseEvents.type === 'UNINSTALLED') ? true : undefined));
    const replayed = resumed.results.map((result) => `${result.data?.releaseEvents.type}:${result.data?.releaseEvents.revision}`);
    expect(replayed.filter((entry) => !entry.startsWith('STATUS_CHANGED'))).toEqual(['UPGRADED:2', 'ROLLED_BACK:3', 'UNINSTALLED:3']);
    resumed.unsubscribe();
    events.unsubscribe();
  });

  it('refuses bad input naming the field, with nothing applied and nothing stored', async () => {
    const rowsBefore = await releaseRows();
    const refused = async (input: Record<string, unknown>, token = tokens.devops!) => errorOf(await deploy({ namespace: 'shop-staging', ...input }, token));

    // A template that renders an invalid manifest (a label value from a parameter): that value is named.
    expect(await refused({ values: { greeting: 'hi', tier: 'not a label!' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'values.tier' });
    // Values that break the schema; a missing required parameter.
    expect(await refused({ values: { greeting: 'hi', replicas: 9 } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'values.replicas' });
    expect(await refused({ values: {} })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'values.greeting' });
    expect(await refused({ values: { greeting: 'hi', colour: 'red' } })).toMatchObject({ code: 'BAD_USER_INPUT' });
    // A namespace or a cluster not allotted to the workspace.
    expect(await refused({ namespace: 'billing', values: { greeting: 'hi' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'namespace' });
    expect(await refused({ clusterId: spareClusterId, values: { greeting: 'hi' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'clusterId' });
    expect(spare.listObjects('services')).toEqual([]);
    // Names that are no names; a stage that is no stage.
    expect(await refused({ appMapName: 'Shop Web', values: { greeting: 'hi' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'appMapName' });
    expect(await refused({ stage: 'pre prod', values: { greeting: 'hi' } })).toMatchObject({ code: 'BAD_USER_INPUT', field: 'stage' });

    // The cluster's own dry run refuses one object (a port out of range): nothing is applied, and the
    // namespace the deploy created for it is gone again.
    const dryRun = await refused({ values: { greeting: 'hi', port: 70000 } });
    expect(dryRun).toMatchObject({ code: 'BAD_USER_INPUT', field: 'values.port', object: 'Service shop-staging/web', path: 'spec.ports[0].port' });
    expect(dryRun.message).toContain('dry run');
    await waitFor('the namespace made for the refused deploy to go', () => !simulator.listNamespaces().some((namespace) => namespace.metadata.name === 'shop-staging'));

    // A name clash with an object the release does not own: refused before anything is applied.
    simulator.addNamespace('shop-staging');
    simulator.addService({ namespace: 'shop-staging', name: 'web', selector: { app: 'legacy' }, ports: [{ port: 80 }] });
    const clash = await refused({ values: { greeting: 'hi' } });
    expect(clash).toMatchObject({ code: 'CONFLICT', object: 'Service shop-staging/web' });
    expect(clash.message).toContain('not an object of this release');
    expect(objectsIn(simulator, 'shop-staging')).toEqual(['Service/web']);
    const legacy = simulator.getObject('services', 'shop-staging', 'web')!;
    expect(legacy.metadata.labels?.['kda.io/release']).toBeUndefined();
    expect((legacy.metadata.managedFields ?? []).map((entry) => entry.manager)).not.toContain('kda-gateway');

    // Roles: VIEWER and OPERATOR read releases but may not deploy; another team's manager finds nothing.
    expect(await refused({ values: { greeting: 'hi' } }, tokens.viewer)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused({ values: { greeting: 'hi' } }, tokens.operator)).toMatchObject({ code: 'FORBIDDEN' });
    expect(await refused({ values: { greeting: 'hi' } }, tokens.outsiderManager)).toMatchObject({ code: 'NOT_FOUND', field: 'workspaceId' });
    // Nor may it deploy the Shop team's package into its own workspace.
    expect(await refused({ workspaceId: other, namespace: 'other', values: { greeting: 'hi' } }, tokens.outsiderManager)).toMatchObject({
      code: 'NOT_FOUND',
      field: 'packageVersionId',
    });

    expect(await releaseRows()).toBe(rowsBefore);
  });

  it('holds claims to the workspace storage quota', async () => {
    const deployData = (size: string) =>
      gateway.request<{ deployPackage: { release: Release } }>(
        DEPLOY,
        { input: { workspaceId: shop, packageVersionId: dataVersion, clusterId, namespace: 'shop-data', appMapName: 'shop-data', stage: 'PROD', values: { size } } },
        tokens.devops,
      );
    const tooMuch = errorOf(await deployData('5Gi'));
    expect(tooMuch).toMatchObject({ code: 'BAD_USER_INPUT', field: 'values.size', object: 'PersistentVolumeClaim shop-data/data' });
    expect(tooMuch.message).toContain('2 GiB quota');
    expect(objectsIn(simulator, 'shop-data')).toEqual([]);

    const release = data(await deployData('1Gi'), 'deployPackage').deployPackage.release;
    expect(objectsIn(simulator, 'shop-data')).toEqual(['PersistentVolumeClaim/data']);
    await settled(release.id);
    // Its own claim is not counted twice, but growing it past the quota is refused.
    const grow = errorOf(await gateway.request(UPGRADE, { input: { releaseId: release.id, values: { size: '3Gi' } } }, tokens.devops));
    expect(grow).toMatchObject({ code: 'BAD_USER_INPUT', field: 'values.size' });
    expect((await readRelease(release.id)).revision).toBe(1);
  });

  it('runs one operation at a time per release, refuses unknown revisions, and asks before deleting what was changed by hand', async () => {
    const deployed = data(await deploy({ namespace: 'shop-edit', appMapName: 'shop-edit', values: { greeting: 'hi' } }), 'deployPackage').deployPackage.release;
    const releaseId = deployed.id;
    const local = localKeyOf(releaseId, 'Release');
    await settled(releaseId);

    // Another replica is in the middle of an operation on this release (its lock is in the database).
    await gateway.dataSource.query('UPDATE releases SET lock_token = ?, locked_at = ? WHERE id = ?', ['another-replica', new Date(), local]);
    for (const [query, input] of [
      [UPGRADE, { releaseId, values: { greeting: 'bye' } }],
      [ROLLBACK, { releaseId, revision: 1 }],
      [UNINSTALL, { releaseId }],
    ] as const) {
      expect(errorOf(await gateway.request(query, { input }, tokens.devops))).toMatchObject({ code: 'CONFLICT', field: 'releaseId' });
    }
    expect((await readRelease(releaseId)).revision).toBe(1);
    await gateway.dataSource.query('UPDATE releases SET lock_token = NULL, locked_at = NULL WHERE id = ?', [local]);
    // Two upgrades at once: each is applied whole, one after the other, or refused — never interleaved.
    const both = await Promise.all(
      [1, 2].map((replicas) => gateway.request<{ upgradeRelease: { release: Release } }>(UPGRADE, { input: { releaseId, values: { greeting: 'hi', replicas } } }, tokens.devops)),
    );
    const applied = both.filter((response) => response.errors === undefined);
    for (const response of both.filter((candidate) => candidate.errors !== undefined)) expect(errorOf(response)).toMatchObject({ code: 'CONFLICT', field: 'releaseId' });
    expect((await readRelease(releaseId)).revision).toBe(1 + applied.length);

    // A revision the release does not have.
    expect(errorOf(await gateway.request(ROLLBACK, { input: { releaseId, revision: 42 } }, tokens.devops))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'revision' });
    expect(errorOf(await gateway.request(ROLLBACK, { input: { releaseId, revision: 0 } }, tokens.devops))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'revision' });

    // Someone scales the Deployment by hand: uninstall names the object and field and deletes nothing.
    const before = objectsIn(simulator, 'shop-edit');
    simulator.patchObject('deployments', 'shop-edit', 'web', { spec: { replicas: 4 } });
    const changed = errorOf(await gateway.request(UNINSTALL, { input: { releaseId } }, tokens.devops));
    expect(changed).toMatchObject({ code: 'CONFLICT', field: 'force', object: 'Deployment shop-edit/web', path: 'spec.replicas' });
    expect(objectsIn(simulator, 'shop-edit')).toEqual(before);
    expect((await readRelease(releaseId)).status).not.toBe('UNINSTALLED');

    // With force it deletes them all and says what had been changed.
    const forced = data(
      await gateway.request<{
        uninstallRelease: {
          deleted: Array<{ kind: string; name: string }>;
          changedByHand: Array<{ object: { kind: string; name: string }; fields: Array<{ path: string; applied: unknown; live: unknown }> }>;
        };
      }>(UNINSTALL, { input: { releaseId, force: true } }, tokens.devops),
      'uninstallRelease',
    ).uninstallRelease;
    expect(objectNames(forced.deleted)).toEqual(['Deployment/web', 'Service/web-admin', 'Service/web', 'ConfigMap/web-config', 'Secret/web-settings']);
    expect(forced.changedByHand).toEqual([{ object: { kind: 'Deployment', name: 'web' }, fields: [expect.objectContaining({ path: 'spec.replicas', live: 4 })] }]);
    await waitFor('shop-edit to be empty', () => objectsIn(simulator, 'shop-edit').length === 0);
  });

  it('follows a rollout that never becomes ready to FAILED, and an upgrade repairs it', async () => {
    const deployed = data(await deploy({ namespace: 'shop-crash', appMapName: 'shop-crash', values: { greeting: 'hi', tag: 'simulate-crash', deadline: 3 } }), 'deployPackage')
      .deployPackage.release;
    const failed = await settled(deployed.id, 'FAILED');
    expect(failed.statusMessage).toMatch(/Deployment web: .*(progress|timed out)/);
    data(await gateway.request(UPGRADE, { input: { releaseId: deployed.id, values: { greeting: 'hi', tag: '1.27' } } }, tokens.devops), 'upgradeRelease');
    const repaired = await settled(deployed.id);
    expect(repaired.revision).toBe(2);
  });

  it('shows a release to its own workspace only: another team finds nothing, in queries, node() and events', async () => {
    const release = data(await deploy({ namespace: 'shop-edit', appMapName: 'shop-peek', values: { greeting: 'hi' } }), 'deployPackage').deployPackage.release;
    // The team's VIEWER reads it; the other team's VIEWER gets what a missing release gets.
    expect((await readRelease(release.id, tokens.viewer)).id).toBe(release.id);
    expect(data(await gateway.request<{ node: { __typename: string } | null }>(NODE, { id: release.id }, tokens.viewer), 'node').node?.__typename).toBe('Release');
    expect(errorOf(await gateway.request(RELEASE, { id: release.id }, tokens.outsider))).toMatchObject({ code: 'NOT_FOUND' });
    expect(data(await gateway.request<{ node: unknown }>(NODE, { id: release.id }, tokens.outsider), 'node').node).toBeNull();
    expect(errorOf(await gateway.request(RELEASES, { workspaceId: shop }, tokens.outsider))).toMatchObject({ code: 'NOT_FOUND', field: 'workspaceId' });
    expect(data(await gateway.request<{ releases: { totalCount: number } }>(RELEASES, {}, tokens.outsider), 'releases').releases.totalCount).toBe(0);
    expect(errorOf(await gateway.request(PREVIEW, { input: { releaseId: release.id } }, tokens.outsider))).toMatchObject({ code: 'NOT_FOUND' });
    expect(errorOf(await gateway.request(UPGRADE, { input: { releaseId: release.id, values: { greeting: 'x' } } }, tokens.outsiderManager))).toMatchObject({
      code: 'NOT_FOUND',
      field: 'releaseId',
    });
    expect(errorOf(await gateway.request(UNINSTALL, { input: { releaseId: release.id } }, tokens.outsiderManager))).toMatchObject({ code: 'NOT_FOUND', field: 'releaseId' });
    // The team's VIEWER may read but not change it.
    expect(errorOf(await gateway.request(UPGRADE, { input: { releaseId: release.id, values: { greeting: 'x' } } }, tokens.viewer))).toMatchObject({ code: 'FORBIDDEN' });
    const events = collect(gateway.websocket(`Bearer ${tokens.outsider}`), RELEASE_EVENTS, { workspaceId: shop });
    // Refused before the stream opens: one result carrying the error, then the end.
    await events.done;
    expect(events.results).toEqual([
      expect.objectContaining({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND', field: 'workspaceId' }) })] }),
    ]);
  });
});
