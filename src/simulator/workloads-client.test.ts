import { ApiException, AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, Log, PatchStrategy, PolicyV1Api, setHeaderOptions, StorageV1Api, Watch } from '@kubernetes/client-node';
import { PassThrough } from 'node:stream';
import { startSimulatedCluster, type SimulatedCluster } from './index.js';
import { waitFor } from '../../test/support/simulator-helpers.js';

const GiB = 2 ** 30;
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);
const jsonPatch = setHeaderOptions('Content-Type', PatchStrategy.JsonPatch);

function errorCode(error: unknown): number | undefined {
  return error instanceof ApiException ? error.code : undefined;
}

function statusBody(error: unknown): { reason?: string; message?: string; details?: { causes?: Array<{ reason: string; message: string }> } } {
  return error instanceof ApiException ? (JSON.parse(String(error.body)) as ReturnType<typeof statusBody>) : {};
}

describe('simulated workloads, batch, storage, policy, events and logs with @kubernetes/client-node', () => {
  let cluster: SimulatedCluster;
  let config: KubeConfig;
  let core: CoreV1Api;
  let apps: AppsV1Api;
  let batch: BatchV1Api;
  let policy: PolicyV1Api;
  let storage: StorageV1Api;

  /** `logIntervalMs`: how often running pods chatter in their logs. */
  async function useCluster(logIntervalMs: number): Promise<void> {
    cluster = await startSimulatedCluster({ name: 'workloads-test', podStartDelayMs: 20, jobRunMs: 50, logIntervalMs, bookmarkIntervalMs: 50 });
    cluster.addNode({
      name: 'cp-1',
      roles: ['control-plane'],
      cpu: 4,
      memoryBytes: 8 * GiB,
      storageBytes: 50 * GiB,
      taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }],
    });
    cluster.addNode({ name: 'worker-1', cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    cluster.addNode({ name: 'worker-2', cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    cluster.addNamespace('shop');
    config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig());
    core = config.makeApiClient(CoreV1Api);
    apps = config.makeApiClient(AppsV1Api);
    batch = config.makeApiClient(BatchV1Api);
    policy = config.makeApiClient(PolicyV1Api);
    storage = config.makeApiClient(StorageV1Api);
  }

  beforeEach(async () => {
    await useCluster(50);
  });

  afterEach(async () => {
    await cluster.close();
  });

  const webPods = () => cluster.listPods('shop').filter((pod) => pod.metadata.labels?.['app'] === 'web');
  const running = () => webPods().filter((pod) => pod.status.phase === 'Running');

  it('creates a Deployment that owns a ReplicaSet that owns running pods, with status and conditions', async () => {
    const created = await apps.createNamespacedDeployment({
      namespace: 'shop',
      body: {
        metadata: { name: 'web', labels: { app: 'web' } },
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: {
            metadata: { labels: { app: 'web' } },
            spec: { containers: [{ name: 'main', image: 'nginx:1.27', resources: { requests: { cpu: '100m', memory: '64Mi' } } }] },
          },
        },
      },
    });
    expect(created.metadata?.generation).toBe(1);
    await waitFor('three ready replicas', async () => (await apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' })).status?.readyReplicas === 3);
    const deployment = await apps.readNamespacedDeployment({ namespace: 'shop', name: 'web' });
    expect(deployment.status).toMatchObject({ replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 });
    expect(deployment.status?.conditions?.map((condition) => `${condition.type}=${condition.status}`).sort()).toEqual(['Available=True', 'Progressing=True']);
    const replicaSets = await apps.listNamespacedReplicaSet({ namespace: 'shop', labelSelector: 'app=web' });
    expect(replicaSets.items).toHaveLength(1);
    const replicaSet = replicaSets.items[0];
    const hash = replicaSet?.metadata?.labels?.['pod-template-hash'] ?? '';
    expect(replicaSet?.metadata?.name).toBe(`web-${hash}`);
    expect(replicaSet?.metadata?.ownerReferences?.[0]).toMatchObject({ kind: 'Deployment', name: 'web', controller: true, uid: deployment.metadata?.uid });
    const pods = await core.listNamespacedPod({ namespace: 'shop', labelSelector: `pod-template-hash=${hash}` });
    expect(pods.items).toHaveLength(3);
    for (const pod of pods.items) {
      expect(pod.metadata?.name).toMatch(new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
      expect(pod.metadata?.ownerReferences?.[0]).toMatchObject({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `web-${hash}`, controller: true });
      expect(pod.spec?.nodeName).toMatch(/^worker-/);
    }
    const events = await core.listNamespacedEvent({ namespace: 'shop', fieldSelector: 'involvedObject.kind=Deployment,involvedObject.name=web' });
    expect(events.items.map((event) => event.reason)).toContain('ScalingReplicaSet');
    const podEvents = await core.listNamespacedEvent({ namespace: 'shop', fieldSelector: `involvedObject.name=${pods.items[0]?.metadata?.name ?? ''}` });
    expect(podEvents.items.map((event) => event.reason)).toEqual(expect.arrayContaining(['Scheduled', 'Pulled', 'Created', 'Started']));
  });

  it('scales through spec.replicas and the scale subresource (GET, PUT, PATCH)', async () => {
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 2, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx:1.27' }] });
    expect(running()).toHaveLength(2);
    const scale = await apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'web' });
    expect(scale).toMatchObject({ kind: 'Scale', spec: { replicas: 2 }, status: { replicas: 2, selector: 'app=web' } });
    await apps.patchNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { spec: { replicas: 5 } } }, merge);
    await waitFor('five running pods', () => running().length === 5);
    await apps.replaceNamespacedDeploymentScale({ namespace: 'shop', name: 'web', body: { metadata: { name: 'web', namespace: 'shop' }, spec: { replicas: 1 } } });
    await waitFor('one pod', () => webPods().length === 1);
    await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: [{ op: 'replace', path: '/spec/replicas', value: 3 }] }, jsonPatch);
    await waitFor('three running pods', () => running().length === 3);
    const invalid = await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { replicas: -1 } } }, merge).catch((error: unknown) => error);
    expect(errorCode(invalid)).toBe(422);
    const missing = await apps.readNamespacedDeploymentScale({ namespace: 'shop', name: 'nope' }).catch((error: unknown) => error);
    expect(errorCode(missing)).toBe(404);
    expect(statusBody(missing).message).toBe('deployments.apps "nope" not found');
  });

  it('rolls a changed template (kubectl rollout restart) to a new ReplicaSet step by step', async () => {
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 4, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx:1.27' }] });
    const before = new Set(webPods().map((pod) => pod.metadata.name));
    const oldHash = webPods()[0]?.metadata.labels?.['pod-template-hash'];
    const restartedAt = new Date().toISOString();
    const watch = new Watch(config);
    const seen: string[] = [];
    const from = cluster.resourceVersion;
    const controller = await watch.watch(
      '/api/v1/namespaces/shop/pods',
      { resourceVersion: from },
      (type, pod: { metadata?: { name?: string }; status?: { phase?: string } }) => seen.push(`${type} ${pod.metadata?.name ?? ''} ${pod.status?.phase ?? ''}`),
      () => undefined,
    );
    // The surge bound is on the ReplicaSets' sizes (pods being deleted may linger, as Terminating ones do).
    const sizes = new Map<string, number>();
    let most = 0;
    const sets = await watch.watch(
      '/apis/apps/v1/namespaces/shop/replicasets',
      { resourceVersion: from },
      (type, replicaSet: { metadata?: { name?: string }; spec?: { replicas?: number } }) => {
        sizes.set(replicaSet.metadata?.name ?? '', type === 'DELETED' ? 0 : (replicaSet.spec?.replicas ?? 0));
        most = Math.max(
          most,
          [...sizes.values()].reduce((sum, size) => sum + size, 0),
        );
      },
      () => undefined,
    );
    try {
      await apps.patchNamespacedDeployment(
        { namespace: 'shop', name: 'web', body: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } } } } },
        strategic,
      );
      await waitFor('the rollout to finish', () => {
        const deployment = cluster.getObject('deployments', 'shop', 'web');
        const pods = webPods();
        return deployment?.status.updatedReplicas === 4 && deployment.status.availableReplicas === 4 && pods.length === 4 && pods.every((pod) => !before.has(pod.metadata.name));
      });
      await waitFor('the watch to see the old pods go', () => seen.filter((line) => line.startsWith('DELETED')).length === 4);
    } finally {
      controller.abort();
      sets.abort();
    }
    const deployment = cluster.getObject('deployments', 'shop', 'web');
    expect(deployment?.metadata.generation).toBe(2);
    expect(deployment?.status.observedGeneration).toBe(2);
    expect(deployment?.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    const replicaSets = cluster.listObjects('replicasets', 'shop');
    expect(replicaSets.map((replicaSet) => replicaSet.spec.replicas).sort()).toEqual([0, 4]);
    expect(
      webPods().every((pod) => pod.metadata.annotations?.['kubectl.kubernetes.io/restartedAt'] === restartedAt && pod.metadata.labels?.['pod-template-hash'] !== oldHash),
    ).toBe(true);
    // Never more than replicas + 25% surge pods wanted at once, and new pods went Pending before Running.
    expect(most).toBe(5);
    expect(seen.some((line) => line.startsWith('ADDED') && line.endsWith('Pending'))).toBe(true);
    expect(seen.filter((line) => line.startsWith('DELETED')).length).toBe(4);
    const scaled = cluster
      .listObjects('events', 'shop')
      .filter((event) => event.reason === 'ScalingReplicaSet')
      .map((event) => event.message);
    expect(scaled.length).toBeGreaterThanOrEqual(3);
  });

  it('runs StatefulSets as ordinal pods with claims, and DaemonSets on every node they tolerate', async () => {
    cluster.addStorageClass({ name: 'fast', provisioner: 'example.com/csi', isDefault: true });
    cluster.addStatefulSet({
      namespace: 'shop',
      name: 'db',
      replicas: 2,
      labels: { app: 'db' },
      containers: [{ name: 'db', image: 'postgres:16' }],
      volumeClaims: [{ name: 'data', storage: '8Gi' }],
    });
    expect(
      cluster
        .listPods('shop')
        .map((pod) => pod.metadata.name)
        .sort(),
    ).toEqual(['db-0', 'db-1']);
    const claims = await core.listNamespacedPersistentVolumeClaim({ namespace: 'shop' });
    expect(claims.items.map((claim) => `${claim.metadata?.name} ${claim.status?.phase} ${claim.status?.capacity?.['storage']}`).sort()).toEqual([
      'data-db-0 Bound 8Gi',
      'data-db-1 Bound 8Gi',
    ]);
    const volumes = await core.listPersistentVolume();
    expect(volumes.items.every((volume) => volume.status?.phase === 'Bound' && volume.spec?.storageClassName === 'fast')).toBe(true);
    await apps.patchNamespacedStatefulSet({ namespace: 'shop', name: 'db', body: { spec: { replicas: 3 } } }, merge);
    await waitFor('db-2 to run', () => cluster.listPods('shop').some((pod) => pod.metadata.name === 'db-2' && pod.status.phase === 'Running'));
    await waitFor('status to count it', async () => (await apps.readNamespacedStatefulSet({ namespace: 'shop', name: 'db' })).status?.readyReplicas === 3);

    cluster.addDaemonSet({ namespace: 'shop', name: 'agent', labels: { app: 'agent' }, containers: [{ name: 'agent', image: 'agent:1' }] });
    const agents = () => cluster.listPods('shop').filter((pod) => pod.metadata.labels?.['app'] === 'agent');
    expect(
      agents()
        .map((pod) => pod.spec.nodeName)
        .sort(),
    ).toEqual(['worker-1', 'worker-2']);
    cluster.addDaemonSet({ namespace: 'shop', name: 'everywhere', labels: { app: 'everywhere' }, toleratesAllTaints: true, containers: [{ name: 'agent', image: 'agent:1' }] });
    const daemonSets = await apps.listNamespacedDaemonSet({ namespace: 'shop' });
    expect(daemonSets.items.map((daemonSet) => `${daemonSet.metadata?.name} ${daemonSet.status?.desiredNumberScheduled} ${daemonSet.status?.numberReady}`)).toEqual([
      'agent 2 2',
      'everywhere 3 3',
    ]);
    cluster.addNode({ name: 'worker-3', cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    await waitFor('an agent on the new node', () => agents().some((pod) => pod.spec.nodeName === 'worker-3' && pod.status.phase === 'Running'));
  });

  it('deletes workloads with their ReplicaSets and pods, or orphans them', async () => {
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 2, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx' }] });
    cluster.addDeployment({ namespace: 'shop', name: 'keep', replicas: 1, labels: { app: 'keep' }, containers: [{ name: 'main', image: 'nginx' }] });
    await apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'web' });
    await waitFor('the pods to go', () => webPods().length === 0 && cluster.listObjects('replicasets', 'shop').length === 1);
    await apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'keep', propagationPolicy: 'Orphan' });
    cluster.reconcile();
    expect(cluster.listObjects('replicasets', 'shop')).toHaveLength(1);
    expect(cluster.listObjects('replicasets', 'shop')[0]?.metadata.ownerReferences).toEqual([]);
    expect(errorCode(await apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'web' }).catch((error: unknown) => error))).toBe(404);
  });

  it('runs Jobs to Complete or Failed, and CronJob runs that create Jobs', async () => {
    await batch.createNamespacedJob({
      namespace: 'shop',
      body: { metadata: { name: 'migrate' }, spec: { completions: 2, template: { spec: { restartPolicy: 'Never', containers: [{ name: 'migrate', image: 'migrate:1' }] } } } },
    });
    await waitFor(
      'the job to complete',
      async () => (await batch.readNamespacedJob({ namespace: 'shop', name: 'migrate' })).status?.conditions?.some((condition) => condition.type === 'Complete') === true,
    );
    const job = await batch.readNamespacedJob({ namespace: 'shop', name: 'migrate' });
    expect(job.status).toMatchObject({ succeeded: 2 });
    expect(job.status?.completionTime).toBeInstanceOf(Date);
    expect(
      cluster
        .listPods('shop')
        .filter((pod) => pod.metadata.labels?.['job-name'] === 'migrate')
        .map((pod) => pod.status.phase),
    ).toEqual(['Succeeded', 'Succeeded']);

    cluster.addJob({ namespace: 'shop', name: 'broken', containers: [{ name: 'run', image: 'broken:1' }], exitCode: 1, backoffLimit: 1 }, { settled: false });
    await waitFor(
      'the job to fail',
      () => cluster.getObject('jobs', 'shop', 'broken')?.status.conditions?.some((condition) => condition.type === 'Failed' && condition.status === 'True') === true,
    );
    expect(cluster.getObject('jobs', 'shop', 'broken')?.status.failed).toBe(2);
    const invalid = await batch
      .createNamespacedJob({
        namespace: 'shop',
        body: { metadata: { name: 'bad' }, spec: { template: { spec: { containers: [{ name: 'a', image: 'b' }], restartPolicy: 'Always' } } } },
      })
      .catch((error: unknown) => error);
    expect(errorCode(invalid)).toBe(422);

    cluster.addCronJob({ namespace: 'shop', name: 'report', schedule: '*/10 * * * *', containers: [{ name: 'report', image: 'report:1' }] });
    const run = cluster.triggerCronJob('shop', 'report');
    expect(run.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'CronJob', name: 'report' });
    await waitFor('the run to finish', () => cluster.getObject('cronjobs', 'shop', 'report')?.status.lastSuccessfulTime !== undefined);
    const cronJob = await batch.readNamespacedCronJob({ namespace: 'shop', name: 'report' });
    expect(cronJob.status?.lastScheduleTime).toBeInstanceOf(Date);
    expect(cronJob.status?.active ?? []).toEqual([]);
    await batch.patchNamespacedCronJob({ namespace: 'shop', name: 'report', body: { spec: { suspend: true } } }, merge);
    expect(() => cluster.triggerCronJob('shop', 'report')).toThrow('suspended');
  });

  it('serves Services, PersistentVolumes, claims, StorageClasses and Events', async () => {
    cluster.addStorageClass({ name: 'nfs', provisioner: 'cluster.local/nfs', isDefault: true });
    cluster.addPersistentVolume({ name: 'pv-static', capacity: '10Gi', storageClassName: 'manual' });
    const claim = cluster.addPersistentVolumeClaim({ namespace: 'shop', name: 'static', storage: '5Gi', storageClassName: 'manual' });
    expect(claim.status.phase).toBe('Bound');
    expect(claim.spec.volumeName).toBe('pv-static');
    const dynamic = await core.createNamespacedPersistentVolumeClaim({
      namespace: 'shop',
      body: { metadata: { name: 'dyn' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
    });
    expect(dynamic.spec?.storageClassName).toBe('nfs');
    await waitFor('the claim to bind', async () => (await core.readNamespacedPersistentVolumeClaim({ namespace: 'shop', name: 'dyn' })).status?.phase === 'Bound');
    const classes = await storage.listStorageClass();
    expect(classes.items.map((entry) => [entry.metadata?.name, entry.metadata?.annotations?.['storageclass.kubernetes.io/is-default-class']])).toEqual([['nfs', 'true']]);

    const service = await core.createNamespacedService({
      namespace: 'shop',
      body: { metadata: { name: 'web' }, spec: { type: 'LoadBalancer', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] } },
    });
    expect(service.spec?.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(service.spec?.ports?.[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    // The cloud's load balancer takes a moment: the address comes with a later status update.
    expect(service.status?.loadBalancer?.ingress ?? []).toEqual([]);
    await waitFor('the load balancer address', async () => ((await core.readNamespacedService({ namespace: 'shop', name: 'web' })).status?.loadBalancer?.ingress ?? []).length > 0);
    expect((await core.readNamespacedService({ namespace: 'shop', name: 'web' })).status?.loadBalancer?.ingress?.[0]?.ip).toMatch(/^\d+\.\d+\.\d+\.\d+$/);
    cluster.addService({ namespace: 'shop', name: 'db', ports: [{ port: 5432 }], selector: { app: 'db' } });
    const services = await core.listServiceForAllNamespaces();
    expect(services.items.map((entry) => `${entry.metadata?.name} ${entry.spec?.type}`)).toEqual(['db ClusterIP', 'web LoadBalancer']);

    const ensured = await core.listNamespacedEvent({ namespace: 'shop', fieldSelector: 'involvedObject.name=web,involvedObject.kind=Service' });
    expect(ensured.items.map((event) => `${event.reason} ${event.source?.component}`).sort()).toEqual([
      'EnsuredLoadBalancer service-controller',
      'EnsuringLoadBalancer service-controller',
    ]);

    const recorded = cluster.recordEvent({
      involvedObject: { kind: 'Service', name: 'web', namespace: 'shop' },
      reason: 'UpdatedLoadBalancer',
      message: 'Updated load balancer with new hosts',
    });
    cluster.recordEvent({ involvedObject: { kind: 'Service', name: 'web', namespace: 'shop' }, reason: 'UpdatedLoadBalancer', message: 'Updated load balancer with new hosts' });
    const events = await core.listNamespacedEvent({ namespace: 'shop', fieldSelector: 'reason=UpdatedLoadBalancer' });
    expect(events.items).toHaveLength(1);
    expect(events.items[0]).toMatchObject({ count: 2, type: 'Normal', involvedObject: { kind: 'Service', name: 'web', uid: service.metadata?.uid } });
    expect(recorded?.metadata.name).toMatch(/^web\./);
  });

  it('evicts through policy/v1 while the budget allows it, then answers 429', async () => {
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 3, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx' }] });
    cluster.addPodDisruptionBudget({ namespace: 'shop', name: 'web', selector: { app: 'web' }, minAvailable: 2 });
    const budget = await policy.readNamespacedPodDisruptionBudget({ namespace: 'shop', name: 'web' });
    expect(budget.status).toMatchObject({ currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 });
    const [first, second] = webPods();
    // Hold the replacement Pending (nowhere to schedule it), so the budget cannot recover between the two evictions.
    for (const node of ['worker-1', 'worker-2']) cluster.updateNode(node, { unschedulable: true });
    const evict = (name: string) =>
      core.createNamespacedPodEviction({ namespace: 'shop', name, body: { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace: 'shop' } } });
    await evict(first?.metadata.name ?? '');
    expect(cluster.listPods('shop').some((pod) => pod.metadata.name === first?.metadata.name)).toBe(false);
    const refused = await evict(second?.metadata.name ?? '').catch((error: unknown) => error);
    expect(errorCode(refused)).toBe(429);
    const status = statusBody(refused);
    expect(status.reason).toBe('TooManyRequests');
    expect(status.message).toBe("Cannot evict pod as it would violate the pod's disruption budget.");
    expect(status.details?.causes?.[0]).toEqual({ reason: 'DisruptionBudget', message: 'The disruption budget web needs 2 healthy pods and has 2 currently' });
    expect(errorCode(await evict('missing').catch((error: unknown) => error))).toBe(404);
    // The replacement runs: the budget allows one disruption again.
    for (const node of ['worker-1', 'worker-2']) cluster.updateNode(node, { unschedulable: false });
    await waitFor('the budget to recover', () => cluster.getObject('poddisruptionbudgets', 'shop', 'web')?.status.disruptionsAllowed === 1);
    await evict(second?.metadata.name ?? '');
  });

  it('serves pod logs: tail, timestamps, and a followed stream that ends with the pod', async () => {
    // No chatter: the tail must be exactly what the test appended, whatever the machine's load.
    await cluster.close();
    await useCluster(3_600_000);
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 1, labels: { app: 'web' }, containers: [{ name: 'main', image: 'example/web:1' }] });
    const pod = webPods()[0];
    const name = pod?.metadata.name ?? '';
    const text = await core.readNamespacedPodLog({ namespace: 'shop', name, container: 'main' });
    expect(text).toContain('starting main (example/web:1)');
    cluster.appendPodLog('shop', name, 'main', 'hello from the test');
    expect(await core.readNamespacedPodLog({ namespace: 'shop', name, tailLines: 1 })).toBe('hello from the test\n');
    expect(await core.readNamespacedPodLog({ namespace: 'shop', name, tailLines: 1, timestamps: true })).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z hello from the test\n$/);
    expect(() => cluster.appendPodLog('shop', name, 'nope', 'x')).toThrow('container nope is not valid');

    const output = new PassThrough();
    let streamed = '';
    output.on('data', (chunk: Buffer) => (streamed += chunk.toString('utf8')));
    let ended = false;
    output.on('end', () => (ended = true));
    const controller = await new Log(config).log('shop', name, 'main', output, { follow: true, tailLines: 0 });
    try {
      cluster.appendPodLog('shop', name, 'main', 'a new line');
      await waitFor('the new line', () => streamed.includes('a new line\n'));
      cluster.appendPodLog('shop', name, 'main', 'and another');
      await waitFor('lines as they are written', () => streamed.endsWith('a new line\nand another\n'));
      cluster.deletePod('shop', name);
      await waitFor('the stream to end', () => ended);
    } finally {
      controller.abort();
    }
    const pending = cluster.createPod({ namespace: 'shop', name: 'waiting', phase: 'Pending', nodeName: 'worker-1', containers: [{ name: 'main', image: 'x' }] });
    const refused = await core.readNamespacedPodLog({ namespace: 'shop', name: pending.metadata.name }).catch((error: unknown) => error);
    expect(errorCode(refused)).toBe(400);
  });

  it('cordons and uncordons nodes through PATCH, and watches workloads with selectors, paging and 410', async () => {
    await core.patchNode({ name: 'worker-1', body: { spec: { unschedulable: true } } }, strategic);
    expect(cluster.listNodes().find((node) => node.metadata.name === 'worker-1')?.spec.unschedulable).toBe(true);
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 3, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx' }] });
    expect(webPods().every((pod) => pod.spec.nodeName === 'worker-2')).toBe(true);
    await core.patchNode({ name: 'worker-1', body: { spec: { unschedulable: null } } }, strategic);
    expect(cluster.listNodes().find((node) => node.metadata.name === 'worker-1')?.spec.unschedulable).toBeUndefined();

    for (const name of ['a', 'b', 'c']) cluster.addDeployment({ namespace: 'shop', name, labels: { app: name, tier: 'back' }, containers: [{ name: 'main', image: 'x' }] });
    const page = await apps.listDeploymentForAllNamespaces({ limit: 2, labelSelector: 'tier=back' });
    expect(page.items.map((item) => item.metadata?.name)).toEqual(['a', 'b']);
    const rest = await apps.listDeploymentForAllNamespaces({ limit: 2, labelSelector: 'tier=back', _continue: page.metadata?._continue ?? '' });
    expect(rest.items.map((item) => item.metadata?.name)).toEqual(['c']);

    const from = cluster.resourceVersion;
    const events: string[] = [];
    const watch = await new Watch(config).watch(
      '/apis/apps/v1/namespaces/shop/deployments',
      { resourceVersion: from, allowWatchBookmarks: true },
      (type, object: { kind?: string; apiVersion?: string; metadata?: { name?: string } }) =>
        events.push(`${type} ${object.kind ?? ''} ${object.apiVersion ?? ''} ${object.metadata?.name ?? ''}`),
      () => undefined,
    );
    try {
      await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'a', body: { metadata: { labels: { app: 'a', tier: 'front' } } } }, merge);
      await waitFor('the MODIFIED event', () => events.some((event) => event.startsWith('MODIFIED Deployment apps/v1 a')));
      await waitFor('a bookmark', () => events.some((event) => event.startsWith('BOOKMARK Deployment apps/v1')));
    } finally {
      watch.abort();
    }
    cluster.compact();
    const gone: string[] = [];
    let finished = false;
    await new Watch(config).watch(
      '/apis/apps/v1/deployments',
      { resourceVersion: from },
      (type) => gone.push(type),
      () => (finished = true),
    );
    await waitFor('the watch to end', () => finished);
    expect(gone).toEqual(['ERROR']);
  });

  it('applies manifests server-side (create, then update) and delays every response under setLatency', async () => {
    const manifest = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'applied', namespace: 'shop' },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: 'applied' } },
        template: { metadata: { labels: { app: 'applied' } }, spec: { containers: [{ name: 'main', image: 'nginx:1' }] } },
      },
    };
    const path = '/apis/apps/v1/namespaces/shop/deployments/applied?fieldManager=test&force=true';
    const first = await rawRequest(cluster, 'PATCH', path, manifest, 'application/apply-patch+yaml');
    expect(first.status).toBe(201);
    const second = await rawRequest(cluster, 'PATCH', path, { ...manifest, spec: { ...manifest.spec, replicas: 3 } }, 'application/apply-patch+yaml');
    expect(second.status).toBe(200);
    await waitFor('three applied pods', () => cluster.listPods('shop').filter((pod) => pod.metadata.labels?.['app'] === 'applied' && pod.status.phase === 'Running').length === 3);
    const unknownType = await rawRequest(cluster, 'PATCH', path, {}, 'text/plain');
    expect(unknownType.status).toBe(415);

    cluster.setLatency(150);
    const started = Date.now();
    await core.listNode();
    // A lower bound only: the response cannot come before the injected delay.
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    cluster.setLatency(0);
    expect(() => cluster.setLatency(-1)).toThrow('non-negative');
  });
});

async function rawRequest(cluster: SimulatedCluster, method: string, path: string, body: unknown, contentType: string): Promise<{ status: number; body: string }> {
  const { request } = await import('node:https');
  const { simulatorCaCertificate } = await import('./tls-fixture.js');
  return new Promise((resolve, reject) => {
    const text = JSON.stringify(body);
    const outgoing = request(
      `${cluster.url}${path}`,
      { method, ca: simulatorCaCertificate, headers: { authorization: `Bearer ${cluster.token}`, 'content-type': contentType, 'content-length': Buffer.byteLength(text) } },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    outgoing.on('error', reject);
    outgoing.end(text);
  });
}
