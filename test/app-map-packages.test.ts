/**
 * "Save as package" end to end: an application map drawn around a release running on one simulated
 * cluster saved as a catalog version, deployed to another cluster, its workloads there with the same
 * images; the rights, the refusals (nothing written), and a Secret's value that never reaches the catalog.
 */
import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';
import { createToken, createUser } from './identity-support.js';
import { registerCluster } from './support/cluster.js';
import { nodesOf, type Connection } from './support/connections.js';
import { startTestGateway, type GraphqlResponse, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

const run = promisify(execFile);
const kubectlAvailable = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0;
if (!kubectlAvailable) console.warn('test/app-map-packages.test.ts: kubectl is not installed; the kubectl check is skipped');

const GiB = 2 ** 30;
const PASSWORD = 'Source-Only-Pa55word';
const TARGET_PASSWORD = 'Target-Pa55word';
const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');

const CREATE_WORKSPACE = `mutation ($input: CreateWorkspaceInput!) { createWorkspace(input: $input) { workspace { id } } }`;
const ADD_MEMBER = `mutation ($input: AddWorkspaceMemberInput!) { addWorkspaceMember(input: $input) { member { role } } }`;
const ALLOT_CLUSTER = `mutation ($input: AllotClusterInput!) { allotCluster(input: $input) { allotment { clusterId } } }`;
const ALLOT_STORAGE = `mutation ($input: AllotStorageInput!) { allotStorage(input: $input) { allotment { quotaBytes } } }`;
const CREATE_PACKAGE = `mutation ($input: CreateCatalogPackageInput!) { createCatalogPackage(input: $input) { catalogPackage { id } } }`;
const IMPORT = `mutation ($input: ImportPackageVersionInput!) { importPackageVersion(input: $input) { packageVersion { id } } }`;
const DEPLOY = `mutation ($input: DeployPackageInput!) { deployPackage(input: $input) { release { id status } } }`;
const RELEASE = `query ($id: ID!) { release(id: $id) { status statusMessage values } }`;
const CREATE_MAP = `mutation ($input: CreateAppMapInput!) { createAppMap(input: $input) { appMap { id } } }`;
const MAP_WORKLOADS = `query ($id: ID!) { appMap(id: $id) { workloads { edges { node { kind name } } } services { edges { node { name } } } } }`;
const SAVE = `mutation ($input: SaveAppMapAsPackageInput!) { saveAppMapAsPackage(input: $input) {
  packageVersion { id version description }
  catalogPackage { id name workspaceId tags }
  warnings } }`;
const VERSION = `query ($id: ID!) { catalogPackageVersion(id: $id) {
  version parametersSchema defaultValues manifestYaml templates { kind name manifest } package { id name } } }`;
const RENDER = `query ($id: ID!, $values: JSONObject) { catalogPackageVersion(id: $id) { render(values: $values) { yaml } } }`;

/** What the source cluster runs, deployed as a release: a web front with its settings, content and config, a CronJob, a seeding Job, an Ingress. */
const SHOP = `apiVersion: v1
kind: Secret
metadata:
  name: web-settings
stringData:
  password: \${{ params.password }}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: web-config
data:
  index.html: "<h1>Shop</h1>"
  ci.yaml: "run: echo $\${{ github.sha }}"
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: web-content
spec:
  accessModes: [ReadWriteOnce]
  storageClassName: standard
  resources:
    requests:
      storage: 1Gi
---
apiVersion: v1
kind: Service
metadata:
  name: web
  labels:
    app.kubernetes.io/part-of: web-shop
spec:
  type: NodePort
  selector:
    app: web
  ports:
    - port: 80
      targetPort: 8080
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
    app.kubernetes.io/part-of: web-shop
spec:
  replicas: 2
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
          image: nginx:1.27
          env:
            - name: PASSWORD
              valueFrom: { secretKeyRef: { name: web-settings, key: password } }
          volumeMounts:
            - { name: config, mountPath: /etc/shop }
            - { name: content, mountPath: /usr/share/nginx/html }
        - name: sidecar
          image: busybox:1.36
      volumes:
        - name: config
          configMap: { name: web-config }
        - name: content
          persistentVolumeClaim: { claimName: web-content }
---
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
  labels:
    app.kubernetes.io/part-of: web-shop
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    metadata:
      labels:
        app.kubernetes.io/part-of: web-shop
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers:
            - name: cleanup
              image: busybox:1.36
---
apiVersion: batch/v1
kind: Job
metadata:
  name: seed
  labels:
    app.kubernetes.io/part-of: web-shop
spec:
  template:
    spec:
      restartPolicy: Never
      containers:
        - name: seed
          image: example/shop-seed:1.0
---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: web
spec:
  rules:
    - host: shop.example.com
      http:
        paths:
          - path: /
            pathType: Prefix
            backend:
              service:
                name: web
                port:
                  number: 80
`;
const SHOP_SCHEMA = { type: 'object', properties: { password: { type: 'string', maxLength: 100, writeOnly: true } }, required: ['password'] };

interface ErrorShape {
  code: string;
  field?: string;
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
  return { code: String(extensions.code), message: error.message, ...(typeof extensions.field === 'string' ? { field: extensions.field } : {}) };
}

interface Saved {
  saveAppMapAsPackage: {
    packageVersion: { id: string; version: string; description: string | null };
    catalogPackage: { id: string; name: string; workspaceId: string; tags: string[] };
    warnings: string[];
  };
}

interface SavedVersion {
  catalogPackageVersion: {
    version: string;
    parametersSchema: Record<string, unknown>;
    defaultValues: Record<string, unknown>;
    manifestYaml: string;
    templates: Array<{ kind: string; name: string; manifest: Record<string, unknown> }>;
    package: { id: string; name: string };
  };
}

describe('saveAppMapAsPackage: a running application map saved as a catalog version, deployed elsewhere', () => {
  let gateway: TestGateway;
  let source: SimulatedCluster;
  let target: SimulatedCluster;
  let sourceId: string;
  let targetId: string;
  let shop: string;
  let other: string;
  let mapId: string;
  let directory: string;
  const tokens: Record<string, string> = {};

  const save = (input: Record<string, unknown>, token: string | null = tokens.devops!) => gateway.request<Saved>(SAVE, { input: { appMapId: mapId, ...input } }, token);

  async function rows(): Promise<{ packages: number; versions: number }> {
    const count = async (table: string) => Number((await gateway.dataSource.query<Array<{ n: number | string }>>(`SELECT COUNT(*) AS n FROM ${table}`))[0]?.n ?? 0);
    return { packages: await count('catalog_packages'), versions: await count('catalog_package_versions') };
  }

  async function deployed(releaseId: string): Promise<void> {
    await waitFor(`release ${releaseId} to be DEPLOYED`, async () => {
      const release = data(await gateway.request<{ release: { status: string; statusMessage: string | null } }>(RELEASE, { id: releaseId }, tokens.devops), 'release').release;
      if (release.status === 'FAILED') throw new Error(`the release failed: ${release.statusMessage}`);
      return release.status === 'DEPLOYED' ? true : undefined;
    });
  }

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'map-packages-'));
    [gateway, source, target] = await Promise.all([
      startTestGateway(),
      startSimulatedCluster({ name: `seoul-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200, podStartDelayMs: 20, podReadyDelayMs: 20 }),
      startSimulatedCluster({ name: `tokyo-${randomBytes(3).toString('hex')}`, bookmarkIntervalMs: 200, podStartDelayMs: 20, podReadyDelayMs: 20 }),
    ]);
    for (const cluster of [source, target]) {
      cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 16, memoryBytes: 32 * GiB, storageBytes: 200 * GiB, maxPods: 110 });
      cluster.addStorageClass({ name: 'standard', provisioner: 'simulator.kda.io/hostpath', isDefault: true });
    }
    writeFileSync(join(directory, 'kubeconfig'), target.kubeconfig());
    sourceId = (await registerCluster(gateway, source)).id;
    targetId = (await registerCluster(gateway, target)).id;

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
    await member('outsider', other, 'MANAGER');
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: shop, clusterId: sourceId, namespaces: ['shop', 'empty'] } }), 'allotCluster');
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: shop, clusterId: targetId, namespaces: ['shop-copy'] } }), 'allotCluster');
    data(await gateway.request(ALLOT_CLUSTER, { input: { workspaceId: other, clusterId: sourceId, namespaces: ['other'] } }), 'allotCluster');
    for (const clusterId of [sourceId, targetId]) {
      await waitFor('the storage class in the cache', async () => {
        const response = await gateway.request(ALLOT_STORAGE, { input: { workspaceId: shop, clusterId, storageClassName: 'standard', quotaBytes: 5 * GiB } });
        return response.errors === undefined;
      });
    }

    // The application runs as a release of a package; then someone scales it by hand and the CronJob runs once.
    const packageId = data(
      await gateway.request<{ createCatalogPackage: { catalogPackage: { id: string } } }>(CREATE_PACKAGE, { input: { workspaceId: shop, name: 'Shop' } }, tokens.devops),
      'createCatalogPackage',
    ).createCatalogPackage.catalogPackage.id;
    const versionId = data(
      await gateway.request<{ importPackageVersion: { packageVersion: { id: string } } }>(
        IMPORT,
        { input: { packageId, version: '1.0.0', manifests: SHOP, parametersSchema: SHOP_SCHEMA } },
        tokens.devops,
      ),
      'importPackageVersion',
    ).importPackageVersion.packageVersion.id;
    const release = data(
      await gateway.request<{ deployPackage: { release: { id: string } } }>(
        DEPLOY,
        { input: { workspaceId: shop, packageVersionId: versionId, clusterId: sourceId, namespace: 'shop', appMapName: 'shop-web', stage: 'DEV', values: { password: PASSWORD } } },
        tokens.devops,
      ),
      'deployPackage',
    ).deployPackage.release;
    await deployed(release.id);
    source.patchObject('deployments', 'shop', 'web', { spec: { replicas: 3 } });
    source.triggerCronJob('shop', 'cleanup');
    // Beside it, what the map does not take.
    source.addDeployment({ namespace: 'shop', name: 'unrelated', replicas: 1, labels: { app: 'unrelated' }, containers: [{ name: 'main', image: 'example/unrelated:1' }] });

    mapId = data(
      await gateway.request<{ createAppMap: { appMap: { id: string } } }>(
        CREATE_MAP,
        { input: { workspaceId: shop, clusterId: sourceId, namespace: 'shop', name: 'web-shop', stage: 'PROD', selector: 'app.kubernetes.io/part-of=web-shop' } },
        tokens.devops,
      ),
      'createAppMap',
    ).createAppMap.appMap.id;
    await waitFor('the map to show the CronJob’s Job', async () => {
      const map = data(await gateway.request<{ appMap: { workloads: Connection<{ kind: string; name: string }> } }>(MAP_WORKLOADS, { id: mapId }, tokens.devops), 'appMap').appMap;
      return nodesOf(map.workloads).filter((workload) => workload.kind === 'Job').length === 2 ? true : undefined;
    });
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.all([source?.close(), target?.close()]);
    if (directory !== undefined) rmSync(directory, { recursive: true, force: true });
  });

  it('refuses a viewer, another team, a foreign package and a half-given target, writing nothing', async () => {
    const before = await rows();
    expect(errorOf(await save({ newPackage: { name: 'Web Shop' }, version: '1.0.0' }, tokens.viewer))).toMatchObject({ code: 'FORBIDDEN' });
    // Another team's manager: the map does not exist for them, with or without a package of their own.
    const theirs = data(
      await gateway.request<{ createCatalogPackage: { catalogPackage: { id: string } } }>(CREATE_PACKAGE, { input: { workspaceId: other, name: 'Theirs' } }, tokens.outsider),
      'createCatalogPackage',
    ).createCatalogPackage.catalogPackage.id;
    expect(errorOf(await save({ newPackage: { name: 'Stolen' }, version: '1.0.0' }, tokens.outsider))).toMatchObject({ code: 'NOT_FOUND', field: 'appMapId' });
    expect(errorOf(await save({ packageId: theirs, version: '1.0.0' }, tokens.outsider))).toMatchObject({ code: 'NOT_FOUND', field: 'appMapId' });
    // Our DevOps member and their package: as missing as any other.
    expect(errorOf(await save({ packageId: theirs, version: '1.0.0' }))).toMatchObject({ code: 'NOT_FOUND', field: 'packageId' });
    // A system administrator sees both, and is told the package belongs elsewhere.
    expect(errorOf(await save({ packageId: theirs, version: '1.0.0' }, gateway.adminToken))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'packageId' });
    expect(errorOf(await save({ version: '1.0.0' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'packageId' });
    expect(errorOf(await save({ packageId: theirs, newPackage: { name: 'Both' }, version: '1.0.0' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'packageId' });
    expect(errorOf(await save({ newPackage: { name: 'Web Shop' }, version: 'one' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'version' });
    expect(errorOf(await save({ newPackage: { name: 'Shop' }, version: '1.0.0' }))).toMatchObject({ code: 'CONFLICT', field: 'newPackage.name' });
    expect(errorOf(await save({ newPackage: { name: 'Web Shop' }, version: '1.0.0' }, null))).toMatchObject({ code: 'UNAUTHENTICATED' });
    // A map around nothing.
    const empty = data(
      await gateway.request<{ createAppMap: { appMap: { id: string } } }>(
        CREATE_MAP,
        { input: { workspaceId: shop, clusterId: sourceId, namespace: 'empty', name: 'nothing', stage: 'DEV' } },
        tokens.devops,
      ),
      'createAppMap',
    ).createAppMap.appMap.id;
    const nothing = errorOf(await gateway.request(SAVE, { input: { appMapId: empty, newPackage: { name: 'Nothing' }, version: '1.0.0' } }, tokens.devops));
    expect(nothing).toMatchObject({ code: 'BAD_USER_INPUT', field: 'appMapId' });
    expect(nothing.message).toMatch(/holds no workload to save/);
    // Only the other team's own package was written.
    expect(await rows()).toEqual({ packages: before.packages + 1, versions: before.versions });
  });

  it("saves the map as a new package: clean templates, images and replicas as parameters, the Secret's value nowhere", async () => {
    const saved = data(
      await save({ newPackage: { name: 'Web Shop', description: 'Saved from the running shop', tags: ['saved'] }, version: '1.0.0', description: 'As it runs in Seoul' }),
      'saveAppMapAsPackage',
    ).saveAppMapAsPackage;
    expect(saved.catalogPackage).toMatchObject({ name: 'Web Shop', workspaceId: shop, tags: ['saved'] });
    expect(saved.packageVersion).toMatchObject({ version: '1.0.0', description: 'As it runs in Seoul' });
    expect(saved.warnings).toEqual([]);

    const version = data(await gateway.request<SavedVersion>(VERSION, { id: saved.packageVersion.id }, tokens.viewer), 'catalogPackageVersion').catalogPackageVersion;
    // The map's workloads (not the CronJob's Job, not what the map does not take), their Service, what their pods use, the Ingress in front.
    expect(version.templates.map((template) => `${template.kind}/${template.name}`)).toEqual([
      'Secret/web-settings',
      'ConfigMap/web-config',
      'PersistentVolumeClaim/web-content',
      'Service/web',
      'Deployment/web',
      'Job/seed',
      'CronJob/cleanup',
      'Ingress/web',
    ]);
    expect(version.defaultValues).toEqual({
      workloads: {
        web: { replicas: 3, images: { web: 'nginx:1.27', sidecar: 'busybox:1.36' } },
        seed: { images: { seed: 'example/shop-seed:1.0' } },
        cleanup: { images: { cleanup: 'busybox:1.36' } },
      },
      claims: { 'web-content': { storage: '1Gi', storageClassName: 'standard' } },
      secrets: { 'web-settings': {} },
    });
    const stored = JSON.stringify(await gateway.dataSource.query('SELECT * FROM catalog_package_versions'));
    for (const text of [version.manifestYaml, JSON.stringify(version.templates), JSON.stringify(version.parametersSchema), stored]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(b64(PASSWORD));
    }
    const yaml = version.manifestYaml;
    for (const written of [
      'kda.io/',
      'uid:',
      'resourceVersion',
      'managedFields',
      'creationTimestamp',
      'status:',
      'clusterIP',
      'nodePort',
      'volumeName',
      'controller-uid',
      'namespace:',
    ])
      expect(yaml).not.toContain(written);
    expect(yaml).toContain('image: ${{ params.workloads.web.images.web }}');
    expect(yaml).toContain('password: ${{ params.secrets.web-settings.password }}');
    // A literal `${{` of the running ConfigMap is kept as one.
    expect(yaml).toContain('run: echo $${{ github.sha }}');

    // The export imports again as the same templates.
    const copy = data(
      await gateway.request<{ importPackageVersion: { packageVersion: { id: string } } }>(
        IMPORT,
        { input: { packageId: version.package.id, version: '1.0.1', manifests: yaml, parametersSchema: version.parametersSchema } },
        tokens.devops,
      ),
      'importPackageVersion',
    ).importPackageVersion.packageVersion.id;
    const reimported = data(await gateway.request<SavedVersion>(VERSION, { id: copy }, tokens.devops), 'catalogPackageVersion').catalogPackageVersion;
    expect(reimported.templates).toEqual(version.templates);

    // The same version again: CONFLICT, nothing written; into the existing package under a new version: fine.
    const before = await rows();
    expect(errorOf(await save({ packageId: saved.catalogPackage.id, version: '1.0.0' }))).toMatchObject({ code: 'CONFLICT', field: 'version' });
    expect(await rows()).toEqual(before);
    const next = data(await save({ packageId: saved.catalogPackage.id, version: '1.1.0' }), 'saveAppMapAsPackage').saveAppMapAsPackage;
    expect(next.catalogPackage.id).toBe(saved.catalogPackage.id);
  });

  it('deploys the saved version to the other cluster: the same images run there, the Secret holds the value given at deploy', async () => {
    const [packageRow] = await gateway.dataSource.query<Array<{ id: string }>>("SELECT id FROM catalog_packages WHERE name = 'Web Shop'");
    const [versionRow] = await gateway.dataSource.query<Array<{ id: string }>>("SELECT id FROM catalog_package_versions WHERE package_id = ? AND version = '1.0.0'", [
      packageRow!.id,
    ]);
    const versionId = versionRow!.id;
    const values = { secrets: { 'web-settings': { password: TARGET_PASSWORD } } };
    // Without the Secret's value a deploy is refused.
    const missing = errorOf(
      await gateway.request(
        DEPLOY,
        { input: { workspaceId: shop, packageVersionId: versionId, clusterId: targetId, namespace: 'shop-copy', appMapName: 'web-shop', stage: 'PROD' } },
        tokens.devops,
      ),
    );
    expect(missing).toMatchObject({ code: 'BAD_USER_INPUT', field: 'values.secrets.web-settings.password' });

    const release = data(
      await gateway.request<{ deployPackage: { release: { id: string } } }>(
        DEPLOY,
        { input: { workspaceId: shop, packageVersionId: versionId, clusterId: targetId, namespace: 'shop-copy', appMapName: 'web-shop', stage: 'PROD', values } },
        tokens.devops,
      ),
      'deployPackage',
    ).deployPackage.release;
    const images = (cluster: SimulatedCluster, namespace: string) =>
      Object.fromEntries(
        [...cluster.listObjects('deployments', namespace), ...cluster.listObjects('cronjobs', namespace), ...cluster.listObjects('jobs', namespace)]
          .filter((workload) => workload.kind !== 'Job' || workload.metadata.ownerReferences === undefined || workload.metadata.ownerReferences.length === 0)
          .filter((workload) => workload.metadata.name !== 'unrelated')
          .map((workload) => {
            const template = workload.kind === 'CronJob' ? workload.spec.jobTemplate.spec.template : workload.spec.template;
            return [`${workload.kind}/${workload.metadata.name}`, template.spec.containers.map((container) => container.image)];
          }),
      );
    await waitFor('the workloads in the other cluster', () => (Object.keys(images(target, 'shop-copy')).length === 3 ? true : undefined));
    expect(images(target, 'shop-copy')).toEqual(images(source, 'shop'));
    expect(images(target, 'shop-copy')).toEqual({
      'Deployment/web': ['nginx:1.27', 'busybox:1.36'],
      'Job/seed': ['example/shop-seed:1.0'],
      'CronJob/cleanup': ['busybox:1.36'],
    });
    expect(target.getObject('deployments', 'shop-copy', 'web')?.spec.replicas).toBe(3);
    expect(target.getObject('secrets', 'shop-copy', 'web-settings')?.data).toEqual({ password: b64(TARGET_PASSWORD) });
    expect(target.getObject('configmaps', 'shop-copy', 'web-config')?.data).toEqual({ 'index.html': '<h1>Shop</h1>', 'ci.yaml': 'run: echo ${{ github.sha }}' });
    expect(target.getObject('ingresses', 'shop-copy', 'web')).toBeDefined();
    expect(target.getObject('persistentvolumeclaims', 'shop-copy', 'web-content')?.spec.storageClassName).toBe('standard');
    await deployed(release.id);
    // The value given at deploy is write-only there too.
    const shown = data(await gateway.request<{ release: { values: unknown } }>(RELEASE, { id: release.id }, tokens.devops), 'release').release.values;
    expect(JSON.stringify(shown)).not.toContain(TARGET_PASSWORD);

    if (kubectlAvailable) {
      // Rendered, the version is what kubectl applies as it is to a fresh namespace (the simulator serves no OpenAPI document to validate against).
      target.addNamespace('fresh');
      const rendered = data(await gateway.request<{ catalogPackageVersion: { render: { yaml: string } } }>(RENDER, { id: versionId, values }, tokens.devops), 'render');
      writeFileSync(join(directory, 'saved.yaml'), rendered.catalogPackageVersion.render.yaml);
      const { stdout } = await run(
        'kubectl',
        [
          '--kubeconfig',
          join(directory, 'kubeconfig'),
          '--cache-dir',
          join(directory, 'cache'),
          'apply',
          '--validate=false',
          '--dry-run=server',
          '-n',
          'fresh',
          '-f',
          join(directory, 'saved.yaml'),
        ],
        { env: { ...process.env, HOME: directory, KUBECONFIG: '' }, timeout: 30_000 },
      );
      expect(stdout.trim().split('\n')).toEqual(
        [
          'secret/web-settings',
          'configmap/web-config',
          'persistentvolumeclaim/web-content',
          'service/web',
          'deployment.apps/web',
          'job.batch/seed',
          'cronjob.batch/cleanup',
          'ingress.networking.k8s.io/web',
        ].map((object) => `${object} created (server dry run)`),
      );
    }
  });

  it('answers UNAVAILABLE while the cluster cannot be read, writing nothing', async () => {
    const before = await rows();
    source.setReachable(false);
    try {
      expect(errorOf(await save({ newPackage: { name: 'Unreachable' }, version: '1.0.0' }))).toMatchObject({ code: 'UNAVAILABLE' });
    } finally {
      source.setReachable(true);
    }
    expect(await rows()).toEqual(before);
  });
});
