import {
  ApiException,
  AppsV1Api,
  CoreV1Api,
  KubeConfig,
  KubernetesObjectApi,
  PatchStrategy,
  setHeaderOptions,
  Watch,
  type KubernetesObject,
  type V1Deployment,
  type V1ManagedFieldsEntry,
} from '@kubernetes/client-node';
import { startSimulatedCluster, type SimulatedCluster } from './index.js';
import { rawRequest, waitFor } from '../../test/support/simulator-helpers.js';

const GiB = 2 ** 30;
const apply = setHeaderOptions('Content-Type', PatchStrategy.ServerSideApply);
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

function failure(error: unknown): {
  code: number | undefined;
  status: { reason?: string; message?: string; details?: { causes?: Array<{ reason?: string; message?: string; field?: string }> } };
} {
  if (!(error instanceof ApiException)) throw error;
  return { code: error.code, status: JSON.parse(String(error.body)) as ReturnType<typeof failure>['status'] };
}

function entryOf(deployment: V1Deployment, manager: string, operation = 'Apply'): V1ManagedFieldsEntry | undefined {
  return deployment.metadata?.managedFields?.find((entry) => entry.manager === manager && entry.operation === operation);
}

function webConfig(spec: {
  replicas?: number;
  labels?: Record<string, string>;
  image?: string;
  env?: Array<{ name: string; value: string }>;
  annotations?: Record<string, string>;
}): V1Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: spec.labels ?? { app: 'web' }, ...(spec.annotations === undefined ? {} : { annotations: spec.annotations }) },
    spec: {
      ...(spec.replicas === undefined ? {} : { replicas: spec.replicas }),
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'main',
              ...(spec.image === undefined ? {} : { image: spec.image }),
              ports: [{ containerPort: 80 }],
              ...(spec.env === undefined ? {} : { env: spec.env }),
            },
          ],
        },
      },
    },
  };
}

describe('server-side apply and dry run against the simulated apiserver (@kubernetes/client-node)', () => {
  let cluster: SimulatedCluster;
  let config: KubeConfig;
  let apps: AppsV1Api;
  let core: CoreV1Api;

  beforeEach(async () => {
    cluster = await startSimulatedCluster({ name: 'apply-test', podStartDelayMs: 10, bookmarkIntervalMs: 50 });
    cluster.addNode({ name: 'worker-1', cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    cluster.addNamespace('shop');
    config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig());
    apps = config.makeApiClient(AppsV1Api);
    core = config.makeApiClient(CoreV1Api);
  });

  afterEach(async () => {
    await cluster.close();
  });

  const applyWeb = (manager: string, body: V1Deployment, options: { force?: boolean; dryRun?: string } = {}) =>
    apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body, fieldManager: manager, ...options }, apply);

  it('creates on apply and records what the applier owns in managedFields (FieldsV1, keyed lists by name and port)', async () => {
    const created = await applyWeb(
      'deployer',
      webConfig({
        replicas: 2,
        labels: { app: 'web', tier: 'front' },
        image: 'nginx:1.27',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      }),
    );
    expect(created.metadata?.generation).toBe(1);
    // Defaults were filled in, but only what was applied is owned.
    expect(created.spec?.strategy?.type).toBe('RollingUpdate');
    expect(created.metadata?.managedFields).toHaveLength(1);
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: 'deployer', operation: 'Apply', apiVersion: 'apps/v1', fieldsType: 'FieldsV1' });
    expect(created.metadata?.managedFields?.[0]?.time).toEqual(expect.any(Date));
    expect(created.metadata?.managedFields?.[0]?.fieldsV1).toEqual({
      'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:containers': {
              'k:{"name":"main"}': {
                '.': {},
                'f:env': {
                  'k:{"name":"A"}': { '.': {}, 'f:name': {}, 'f:value': {} },
                  'k:{"name":"B"}': { '.': {}, 'f:name': {}, 'f:value': {} },
                },
                'f:image': {},
                'f:name': {},
                'f:ports': { 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } },
              },
            },
          },
        },
      },
    });
  });

  it('records Update managers for POST, PUT and merge patches (by ?fieldManager, else the user agent), defaults included', async () => {
    // No replicas: no pods, so the controller leaves the object alone once it has observed it.
    const body = webConfig({ replicas: 0, image: 'nginx:1.27' });
    const created = await apps.createNamespacedDeployment({ namespace: 'shop', body });
    const creator = entryOf(created, 'kubernetes-client-javascript', 'Update');
    expect(creator).toBeDefined();
    expect(creator?.fieldsV1).toMatchObject({ 'f:spec': { 'f:replicas': {}, 'f:progressDeadlineSeconds': {}, 'f:strategy': expect.any(Object) } });
    const tuned = await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { revisionHistoryLimit: 3 } }, fieldManager: 'tuner' }, merge);
    expect(entryOf(tuned, 'tuner', 'Update')?.fieldsV1).toEqual({ 'f:spec': { 'f:revisionHistoryLimit': {} } });
    // The creator lost the field the tuner changed, and kept the rest.
    const creatorSpec = (entryOf(tuned, 'kubernetes-client-javascript', 'Update')?.fieldsV1 as { 'f:spec': Record<string, unknown> })['f:spec'];
    expect(creatorSpec['f:revisionHistoryLimit']).toBeUndefined();
    expect(creatorSpec['f:replicas']).toEqual({});
    await waitFor('the controller to observe it', () => cluster.getObject('deployments', 'shop', 'web')?.status.observedGeneration === 2);
    const fresh = await apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
    const replaced = await apps.replaceNamespacedDeployment({
      namespace: 'shop',
      name: 'web',
      fieldManager: 'editor',
      body: { ...fresh, metadata: { ...fresh.metadata, labels: { app: 'web', edited: 'yes' } } },
    });
    expect(entryOf(replaced, 'editor', 'Update')?.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:edited': {} } } });
    // Writing the same object again changes nothing: no new resourceVersion.
    const again = await apps.replaceNamespacedDeployment({ namespace: 'shop', name: 'web', fieldManager: 'editor', body: replaced });
    expect(again.metadata?.resourceVersion).toBe(replaced.metadata?.resourceVersion);
  });

  it('answers 409 Conflict naming the field and its manager, takes over with force, shares equal values, and prunes what an applier drops', async () => {
    await applyWeb('deployer', webConfig({ replicas: 2, image: 'nginx:1.27', env: [{ name: 'A', value: '1' }], annotations: { note: 'mine' } }));
    await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { replicas: 5 } }, fieldManager: 'scaler' }, merge);
    const before = await apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
    const scalerTime = entryOf(before, 'scaler', 'Update')?.time?.toISOString().replace('.000Z', 'Z');

    const conflict = failure(await applyWeb('deployer', webConfig({ replicas: 2, image: 'nginx:1.27', env: [{ name: 'A', value: '1' }] })).catch((error: unknown) => error));
    expect(conflict.code).toBe(409);
    expect(conflict.status.reason).toBe('Conflict');
    expect(conflict.status.message).toBe(`Apply failed with 1 conflict: conflict with "scaler" using apps/v1 at ${scalerTime}: .spec.replicas`);
    expect(conflict.status.details?.causes).toEqual([
      { reason: 'FieldManagerConflict', message: `conflict with "scaler" using apps/v1 at ${scalerTime}`, field: '.spec.replicas' },
    ]);
    // Nothing was written (the controller may have updated the status meanwhile; spec and ownership are as they were).
    const after = await apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
    expect(after.spec).toEqual(before.spec);
    expect(after.metadata?.managedFields).toEqual(before.metadata?.managedFields);

    // The same value as the other owner: no conflict, both own it.
    const shared = await applyWeb('deployer', webConfig({ replicas: 5, image: 'nginx:1.27', env: [{ name: 'A', value: '1' }], annotations: { note: 'mine' } }));
    expect(entryOf(shared, 'deployer')?.fieldsV1).toMatchObject({ 'f:spec': { 'f:replicas': {} } });
    expect(entryOf(shared, 'scaler', 'Update')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } });

    // Another applier changing a field the first one owns: conflict with an applier (no "using").
    const other = webConfig({ image: 'nginx:1.28', labels: { app: 'web', team: 'blue' } });
    const image = failure(await applyWeb('other', other).catch((error: unknown) => error));
    expect(image.code).toBe(409);
    expect(image.status.message).toBe('Apply failed with 1 conflict: conflict with "deployer": .spec.template.spec.containers[name="main"].image');
    const forced = await applyWeb('other', other, { force: true });
    expect(forced.spec?.template?.spec?.containers[0]?.image).toBe('nginx:1.28');
    const deployerFields = JSON.stringify(entryOf(forced, 'deployer')?.fieldsV1);
    expect(deployerFields).not.toContain('f:image');
    expect(JSON.stringify(entryOf(forced, 'other')?.fieldsV1)).toContain('f:image');

    // The deployer drops env A, the annotation and replicas: gone where it was the only owner.
    const pruned = await applyWeb('deployer', webConfig({ image: 'nginx:1.28', labels: { app: 'web', team: 'blue' } }));
    expect(pruned.spec?.template?.spec?.containers[0]?.env).toBeUndefined();
    expect(pruned.metadata?.annotations?.['note']).toBeUndefined();
    // replicas is still the scaler's, so it stays; the label the other applier shares stays too.
    expect(pruned.spec?.replicas).toBe(5);
    expect(pruned.metadata?.labels).toEqual({ app: 'web', team: 'blue' });
    expect(pruned.spec?.template?.spec?.containers[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
  });

  it('refuses apply without a fieldManager, force on other patches, and keyed items without their key (422, nothing stored)', async () => {
    const missingManager = failure(
      await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: webConfig({ image: 'nginx' }) }, apply).catch((error: unknown) => error),
    );
    expect(missingManager.code).toBe(422);
    expect(missingManager.status.message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch');
    const forcedMerge = failure(
      await apps
        .patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { replicas: 1 } }, fieldManager: 'x', force: true }, merge)
        .catch((error: unknown) => error),
    );
    expect(forcedMerge.code).toBe(422);
    expect(forcedMerge.status.message).toContain('force: Forbidden: may not be specified for non-apply patch');
    const noKey = webConfig({ image: 'nginx' });
    noKey.spec!.template.spec!.containers[0]!.env = [{ value: 'orphan' } as never];
    const keyless = failure(await applyWeb('deployer', noKey).catch((error: unknown) => error));
    expect(keyless.code).toBe(422);
    expect(keyless.status.message).toContain('omits key field "name"');
    const invalid = failure(await applyWeb('deployer', webConfig({ replicas: -1, image: 'nginx' })).catch((error: unknown) => error));
    expect(invalid.code).toBe(422);
    expect(cluster.getObject('deployments', 'shop', 'web')).toBeUndefined();
  });

  it('applies every kind a package carries through KubernetesObjectApi: dry run first leaves nothing, re-applying changes nothing', async () => {
    const objects = KubernetesObjectApi.makeApiClient(config);
    const template = (app: string, image = 'nginx:1.27') => ({
      metadata: { labels: { app } },
      spec: { containers: [{ name: app, image, ports: [{ containerPort: 8080 }], env: [{ name: 'MODE', valueFrom: { configMapKeyRef: { name: 'settings', key: 'mode' } } }] }] },
    });
    const labels = (app: string) => ({ app, 'app.kubernetes.io/instance': 'shop-release' });
    const manifests: KubernetesObject[] = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'release-ns', labels: { team: 'shop' } } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' }, data: { mode: 'fast' } } as KubernetesObject,
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'credentials', namespace: 'shop' }, stringData: { password: 'secret' } } as KubernetesObject,
      { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data', namespace: 'shop' }, spec: { resources: { requests: { storage: '1Gi' } } } } as KubernetesObject,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'shop', labels: labels('web') },
        spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
      } as KubernetesObject,
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'shop', labels: labels('web') },
        spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: template('web') },
      } as KubernetesObject,
      {
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'shop', labels: labels('db') },
        spec: { replicas: 1, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template('db', 'postgres:16') },
      } as KubernetesObject,
      {
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: 'shop', labels: labels('agent') },
        spec: { selector: { matchLabels: { app: 'agent' } }, template: template('agent', 'agent:1') },
      } as KubernetesObject,
      {
        apiVersion: 'batch/v1',
        kind: 'Job',
        metadata: { name: 'migrate', namespace: 'shop' },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'migrate:1' }] } } },
      } as KubernetesObject,
      {
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'report', namespace: 'shop' },
        spec: { schedule: '0 * * * *', jobTemplate: { spec: { template: { spec: { restartPolicy: 'OnFailure', containers: [{ name: 'report', image: 'report:1' }] } } } } },
      } as KubernetesObject,
      {
        apiVersion: 'networking.k8s.io/v1',
        kind: 'Ingress',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { rules: [{ host: 'shop.example', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'web', port: { number: 80 } } } }] } }] },
      } as KubernetesObject,
    ];
    const version = cluster.resourceVersion;
    for (const manifest of manifests) await objects.patch(manifest, undefined, 'All', 'release', false, PatchStrategy.ServerSideApply);
    expect(cluster.resourceVersion).toBe(version);
    const first = new Map<string, KubernetesObject>();
    for (const manifest of manifests) first.set(manifest.kind ?? '', await objects.patch(manifest, undefined, undefined, 'release', false, PatchStrategy.ServerSideApply));
    await waitFor('the workloads to run', () => cluster.listPods('shop').filter((pod) => pod.status.phase === 'Running').length >= 4);
    await waitFor('the load balancer', () => (cluster.getObject('services', 'shop', 'web')?.status.loadBalancer.ingress ?? []).length > 0);
    for (const manifest of manifests) {
      const again = (await objects.patch(manifest, undefined, undefined, 'release', false, PatchStrategy.ServerSideApply)) as KubernetesObject & { spec?: unknown };
      const before = first.get(manifest.kind ?? '') as KubernetesObject & { spec?: unknown };
      // What the release owns and what it set stay as they were; the controllers' status is theirs.
      expect([manifest.kind, again.metadata?.generation, again.metadata?.managedFields?.map((entry) => entry.fieldsV1)]).toEqual([
        manifest.kind,
        before.metadata?.generation,
        before.metadata?.managedFields?.map((entry) => entry.fieldsV1),
      ]);
      expect(again.spec).toEqual(before.spec);
    }
    // A PUT that leaves out the allocated cluster IP and node port keeps them, as the apiserver does.
    const service = cluster.getObject('services', 'shop', 'web');
    const replaced = await core.replaceNamespacedService({
      namespace: 'shop',
      name: 'web',
      body: { metadata: { name: 'web', labels: { app: 'web' } }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    expect([replaced.spec?.clusterIP, replaced.spec?.ports?.[0]?.nodePort]).toEqual([service?.spec.clusterIP, service?.spec.ports[0]?.nodePort]);
  });

  it('dry-runs create, apply, update, patch and delete: validated and answered as if done, nothing stored, no watch event', async () => {
    await applyWeb('deployer', webConfig({ replicas: 1, image: 'nginx:1.27' }));
    await waitFor('the rollout to settle', () =>
      (cluster.getObject('deployments', 'shop', 'web')?.status.conditions ?? []).some(
        (condition) => condition.type === 'Progressing' && condition.reason === 'NewReplicaSetAvailable',
      ),
    );
    const stored = cluster.getObject('deployments', 'shop', 'web');
    const version = cluster.resourceVersion;
    const seen: string[] = [];
    const watch = new Watch(config);
    const controllers = await Promise.all(
      ['/apis/apps/v1/namespaces/shop/deployments', '/api/v1/namespaces/shop/pods', '/api/v1/namespaces/shop/secrets'].map((path) =>
        watch.watch(
          path,
          { resourceVersion: version },
          (type: string, object: { kind?: string; metadata?: { name?: string } }) => seen.push(`${type} ${object.kind} ${object.metadata?.name}`),
          () => undefined,
        ),
      ),
    );
    try {
      const dryCreate = await apps.createNamespacedDeployment({ namespace: 'shop', body: { ...webConfig({ image: 'nginx:1.27' }), metadata: { name: 'api' } }, dryRun: 'All' });
      expect(dryCreate.metadata).toMatchObject({ name: 'api', generation: 1, uid: expect.any(String) });
      expect(dryCreate.metadata?.resourceVersion).toBeUndefined();
      expect(dryCreate.spec?.replicas).toBe(1);
      const dryApplyCreate = await apps.patchNamespacedDeployment(
        { namespace: 'shop', name: 'worker', body: { ...webConfig({ image: 'worker:1' }), metadata: { name: 'worker' } }, fieldManager: 'deployer', dryRun: 'All' },
        apply,
      );
      expect(dryApplyCreate.metadata?.managedFields?.[0]?.manager).toBe('deployer');
      const dryPod = await core.createNamespacedPod({
        namespace: 'shop',
        body: { metadata: { name: 'lonely' }, spec: { containers: [{ name: 'main', image: 'busybox' }] } },
        dryRun: 'All',
      });
      expect(dryPod.status?.phase).toBe('Pending');
      expect(dryPod.spec?.nodeName).toBeUndefined();

      const dryApply = await applyWeb('deployer', webConfig({ replicas: 3, image: 'nginx:1.28' }), { dryRun: 'All' });
      expect(dryApply.spec?.replicas).toBe(3);
      expect(dryApply.metadata?.generation).toBe(2);
      expect(dryApply.metadata?.resourceVersion).toBe(stored?.metadata.resourceVersion);
      const dryMerge = await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { replicas: 4 } }, dryRun: 'All' }, merge);
      expect(dryMerge.spec?.replicas).toBe(4);
      const current = await apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
      const dryReplace = await apps.replaceNamespacedDeployment({ namespace: 'shop', name: 'web', body: { ...current, spec: { ...current.spec!, replicas: 6 } }, dryRun: 'All' });
      expect(dryReplace.spec?.replicas).toBe(6);
      const dryDelete = await rawRequest(cluster, 'DELETE', '/apis/apps/v1/namespaces/shop/deployments/web?dryRun=All', { propagationPolicy: 'Foreground' });
      expect(dryDelete.status).toBe(200);
      expect(dryDelete.json()).toMatchObject({ metadata: { name: 'web', finalizers: ['foregroundDeletion'], deletionTimestamp: expect.any(String) } });
      const podName = cluster.listPods('shop')[0]?.metadata.name ?? '';
      const dryPodDelete = await rawRequest(cluster, 'DELETE', `/api/v1/namespaces/shop/pods/${podName}`, { dryRun: ['All'] });
      expect(dryPodDelete.json()).toMatchObject({ metadata: { name: podName } });

      // Still validated and checked: a dry run that would fail fails the same way.
      expect(failure(await applyWeb('deployer', webConfig({ replicas: -2, image: 'x' }), { dryRun: 'All' }).catch((error: unknown) => error)).code).toBe(422);
      expect(failure(await apps.createNamespacedDeployment({ namespace: 'shop', body: webConfig({ image: 'x' }), dryRun: 'All' }).catch((error: unknown) => error)).code).toBe(409);
      expect(
        failure(await apps.createNamespacedDeployment({ namespace: 'shop', body: webConfig({ image: 'x' }), dryRun: 'Some' }).catch((error: unknown) => error)).status.message,
      ).toBe('CreateOptions.meta.k8s.io "" is invalid: dryRun: Unsupported value: ["Some"]: supported values: "All"');

      // Nothing changed: the stored objects, the resourceVersion, and the watches saw nothing...
      expect(cluster.getObject('deployments', 'shop', 'web')).toEqual(stored);
      expect(cluster.getObject('deployments', 'shop', 'api')).toBeUndefined();
      expect(cluster.getObject('deployments', 'shop', 'worker')).toBeUndefined();
      expect(cluster.getObject('pods', 'shop', 'lonely')).toBeUndefined();
      expect(cluster.listPods('shop')).toHaveLength(1);
      expect(cluster.resourceVersion).toBe(version);
      // ...until a real write, which they see alone.
      await core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'marker' }, stringData: { k: 'v' } } });
      await waitFor('the marker event', () => seen.length > 0);
      expect(seen).toEqual(['ADDED Secret marker']);
    } finally {
      for (const controller of controllers) controller.abort();
    }
  });
});
