import { AppsV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, StorageV1Api, Watch, type V1Deployment } from '@kubernetes/client-node';
import { startSimulatedCluster, type SimPod, type SimulatedCluster } from './index.js';
import { waitFor } from '../../test/support/simulator-helpers.js';

const GiB = 2 ** 30;
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);
const strategic = setHeaderOptions('Content-Type', PatchStrategy.StrategicMergePatch);

interface PodSeen {
  readonly type: string;
  readonly name: string;
  readonly phase: string;
  readonly ready: boolean;
  readonly image: string;
  readonly resourceVersion: number;
}

describe('rollouts at a realistic pace in the simulated cluster', () => {
  let cluster: SimulatedCluster;
  let config: KubeConfig;
  let apps: AppsV1Api;
  let core: CoreV1Api;
  const aborts: Array<() => void> = [];

  beforeEach(async () => {
    // One simulated second lasts 20 ms: a 5 s progress deadline passes in 100 ms, back-off starts at 200 ms.
    cluster = await startSimulatedCluster({ name: 'rollouts', podStartDelayMs: 10, podReadyDelayMs: 20, simulatedSecondMs: 20, loadBalancerDelayMs: 30, bookmarkIntervalMs: 50 });
    cluster.addNode({ name: 'worker-1', cpu: 16, memoryBytes: 32 * GiB, storageBytes: 100 * GiB });
    cluster.addNode({ name: 'worker-2', cpu: 16, memoryBytes: 32 * GiB, storageBytes: 100 * GiB });
    cluster.addNamespace('shop');
    config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig());
    apps = config.makeApiClient(AppsV1Api);
    core = config.makeApiClient(CoreV1Api);
  });

  afterEach(async () => {
    for (const abort of aborts.splice(0)) abort();
    await cluster.close();
  });

  async function watchDeployment(name: string): Promise<V1Deployment[]> {
    const seen: V1Deployment[] = [];
    const controller = await new Watch(config).watch(
      '/apis/apps/v1/namespaces/shop/deployments',
      { resourceVersion: cluster.resourceVersion, fieldSelector: `metadata.name=${name}` },
      (_type: string, object: V1Deployment) => seen.push(object),
      () => undefined,
    );
    aborts.push(() => controller.abort());
    return seen;
  }

  async function watchPods(): Promise<PodSeen[]> {
    const seen: PodSeen[] = [];
    const controller = await new Watch(config).watch(
      '/api/v1/namespaces/shop/pods',
      { resourceVersion: cluster.resourceVersion },
      (
        type: string,
        pod: {
          metadata?: { name?: string; resourceVersion?: string };
          status?: { phase?: string; conditions?: Array<{ type: string; status: string }> };
          spec?: { containers?: Array<{ image?: string }> };
        },
      ) =>
        seen.push({
          type,
          name: pod.metadata?.name ?? '',
          phase: pod.status?.phase ?? '',
          ready: pod.status?.conditions?.some((condition) => condition.type === 'Ready' && condition.status === 'True') === true,
          image: pod.spec?.containers?.[0]?.image ?? '',
          resourceVersion: Number(pod.metadata?.resourceVersion),
        }),
      () => undefined,
    );
    aborts.push(() => controller.abort());
    return seen;
  }

  const progressing = (deployment: V1Deployment | undefined) => deployment?.status?.conditions?.find((condition) => condition.type === 'Progressing');
  const deployment = (name = 'web') => cluster.getObject('deployments', 'shop', name);
  const reasonOf = (name = 'web') => deployment(name)?.status.conditions?.find((condition) => condition.type === 'Progressing')?.reason;

  function addWeb(replicas: number, extra: { strategy?: 'Recreate'; maxSurge?: number; maxUnavailable?: number } = {}): void {
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx:1.27' }], ...extra });
  }

  it('rolls out step by step within maxSurge/maxUnavailable: observedGeneration, updated, ready and available move one pod at a time', async () => {
    addWeb(4, { maxSurge: 1, maxUnavailable: 0 });
    const statuses = await watchDeployment('web');
    const pods = await watchPods();
    await apps.patchNamespacedDeployment(
      { namespace: 'shop', name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.28' }] } } } } },
      strategic,
    );
    await waitFor('the rollout to complete', () => progressing(statuses.at(-1))?.reason === 'NewReplicaSetAvailable' && statuses.at(-1)?.status?.updatedReplicas === 4);

    const rolled = statuses.filter((entry) => entry.status?.observedGeneration === 2);
    // The controller saw the new generation before any new pod counted.
    expect(statuses.find((entry) => entry.metadata?.generation === 2)?.status?.observedGeneration).toBe(1);
    expect(rolled[0]?.status?.updatedReplicas ?? 0).toBeLessThanOrEqual(1);
    const updated = rolled.map((entry) => entry.status?.updatedReplicas ?? 0);
    expect(updated).toEqual([...updated].sort((left, right) => left - right));
    expect([...new Set(updated)].filter((count) => count > 0)).toEqual([1, 2, 3, 4]);
    // maxUnavailable 0: never fewer than 4 available; maxSurge 1: never more than 5 pods.
    expect(Math.min(...rolled.map((entry) => entry.status?.availableReplicas ?? 0))).toBe(4);
    expect(Math.max(...rolled.map((entry) => entry.status?.replicas ?? 0))).toBeLessThanOrEqual(5);
    expect(rolled.some((entry) => (entry.status?.readyReplicas ?? 0) > (entry.status?.availableReplicas ?? 0) || progressing(entry)?.reason === 'ReplicaSetUpdated')).toBe(true);
    expect(rolled.map((entry) => progressing(entry)?.reason)).toContain('ReplicaSetUpdated');
    expect(rolled.at(-1)?.status?.conditions?.find((condition) => condition.type === 'Available')).toMatchObject({ status: 'True', reason: 'MinimumReplicasAvailable' });
    // New pods ran before they were ready (the readiness delay).
    expect(pods.some((pod) => pod.image === 'nginx:1.28' && pod.phase === 'Running' && !pod.ready)).toBe(true);
  });

  it('Recreate removes every old pod before the first new one exists', async () => {
    addWeb(3, { strategy: 'Recreate' });
    const pods = await watchPods();
    await apps.patchNamespacedDeployment(
      { namespace: 'shop', name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.28' }] } } } } },
      strategic,
    );
    await waitFor(
      'three new pods ready',
      () => cluster.listPods('shop').filter((pod) => pod.spec.containers[0]?.image === 'nginx:1.28' && pod.status.phase === 'Running').length === 3,
    );
    await waitFor('the watch to catch up', () => pods.filter((pod) => pod.type === 'DELETED').length === 3);
    const ordered = [...pods].sort((left, right) => left.resourceVersion - right.resourceVersion);
    const lastOldGone = Math.max(...ordered.filter((pod) => pod.type === 'DELETED').map((pod) => pod.resourceVersion));
    const firstNew = Math.min(...ordered.filter((pod) => pod.type === 'ADDED').map((pod) => pod.resourceVersion));
    expect(lastOldGone).toBeLessThan(firstNew);
  });

  it('an image tagged simulate-crash crash-loops (CrashLoopBackOff, restarts growing) and the rollout exceeds its progress deadline; rolling back recovers', async () => {
    addWeb(2, { maxSurge: 1, maxUnavailable: 0 });
    // Waiting on the change itself (subscribed before the cause), not on time.
    const secondBackOff = cluster.nextChange((change) => {
      const status = change.resource === 'pods' ? (change.object as SimPod).status.containerStatuses?.[0] : undefined;
      return status?.state.waiting?.reason === 'CrashLoopBackOff' && status.restartCount === 2;
    });
    await apps.patchNamespacedDeployment(
      {
        namespace: 'shop',
        name: 'web',
        body: { spec: { progressDeadlineSeconds: 5, template: { spec: { containers: [{ name: 'main', image: 'nginx:simulate-crash' }] } } } },
      },
      strategic,
    );
    const crashing = () => cluster.listPods('shop').find((pod) => pod.spec.containers[0]?.image === 'nginx:simulate-crash');
    await secondBackOff;
    const pod = crashing();
    expect(pod?.status.phase).toBe('Running');
    expect(pod?.status.containerStatuses?.[0]).toMatchObject({ ready: false, lastState: { terminated: { exitCode: 1, reason: 'Error' } } });
    expect(pod?.status.containerStatuses?.[0]?.state.waiting?.message).toMatch(/^back-off \d+s restarting failed container=main pod=web-/);
    await waitFor('the progress deadline', () => reasonOf() === 'ProgressDeadlineExceeded', 5_000);
    const stuck = deployment();
    expect(stuck?.status.conditions?.find((condition) => condition.type === 'Progressing')).toMatchObject({
      status: 'False',
      message: expect.stringMatching(/^ReplicaSet "web-\w+" has timed out progressing\.$/),
    });
    // The old pods still serve: maxUnavailable 0 kept both.
    expect(stuck?.status).toMatchObject({ availableReplicas: 2, updatedReplicas: 1 });
    const backOffs = cluster.listObjects('events', 'shop').filter((event) => event.reason === 'BackOff' && event.involvedObject.name === pod?.metadata.name);
    expect(backOffs[0]).toMatchObject({ type: 'Warning', message: expect.stringContaining('Back-off restarting failed container main') });

    await apps.patchNamespacedDeployment(
      { namespace: 'shop', name: 'web', body: { spec: { template: { spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } } } } },
      strategic,
    );
    await waitFor('the rollback to complete', () => reasonOf() === 'NewReplicaSetAvailable' && deployment()?.status.updatedReplicas === 2 && cluster.listPods('shop').length === 2);
    expect(crashing()).toBeUndefined();
  });

  it('a Job whose image crashes fails its pods until the backoff limit, then Fails', async () => {
    cluster.addJob(
      { namespace: 'shop', name: 'migrate', labels: { app: 'migrate' }, containers: [{ name: 'main', image: 'migrate:simulate-crash' }], backoffLimit: 1 },
      { settled: false },
    );
    await waitFor('the job to fail', () =>
      (cluster.getObject('jobs', 'shop', 'migrate')?.status.conditions ?? []).some((condition) => condition.type === 'Failed' && condition.status === 'True'),
    );
    const pods = cluster.listPods('shop').filter((pod) => pod.metadata.labels?.['app'] === 'migrate');
    expect(pods.map((pod) => [pod.status.phase, pod.status.containerStatuses?.[0]?.state.terminated?.exitCode, pod.status.containerStatuses?.[0]?.restartCount])).toEqual([
      ['Failed', 1, 0],
      ['Failed', 1, 0],
    ]);
  });

  it('a paused Deployment scales but does not roll out until resumed', async () => {
    addWeb(2);
    await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { paused: true } } }, merge);
    await waitFor('the paused condition', () => reasonOf() === 'DeploymentPaused');
    expect(deployment()?.status.conditions?.find((condition) => condition.type === 'Progressing')?.status).toBe('Unknown');
    await apps.patchNamespacedDeployment(
      { namespace: 'shop', name: 'web', body: { spec: { replicas: 3, template: { spec: { containers: [{ name: 'main', image: 'nginx:1.28' }] } } } } },
      strategic,
    );
    await waitFor('three pods of the old template', () => cluster.listPods('shop').filter((pod) => pod.status.phase === 'Running').length === 3);
    expect(cluster.listObjects('replicasets', 'shop')).toHaveLength(1);
    expect(cluster.listPods('shop').every((pod) => pod.spec.containers[0]?.image === 'nginx:1.27')).toBe(true);
    await apps.patchNamespacedDeployment({ namespace: 'shop', name: 'web', body: { spec: { paused: false } } }, merge);
    await waitFor(
      'the rollout after resuming',
      () => reasonOf() === 'NewReplicaSetAvailable' && deployment()?.status.updatedReplicas === 3 && cluster.listPods('shop').length === 3,
    );
    expect(cluster.listPods('shop').every((pod) => pod.spec.containers[0]?.image === 'nginx:1.28')).toBe(true);
  });

  it('minReadySeconds: pods are ready before they count as available', async () => {
    const seen = await watchDeployment('web');
    cluster.addDeployment(
      { namespace: 'shop', name: 'web', replicas: 2, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx:1.27' }], minReadySeconds: 5 },
      { settled: false },
    );
    await waitFor('both available', () => deployment()?.status.availableReplicas === 2);
    await waitFor('the watch to catch up', () => seen.at(-1)?.status?.availableReplicas === 2);
    expect(seen.some((entry) => entry.status?.readyReplicas === 2 && entry.status.availableReplicas === 0)).toBe(true);
  });

  it('StatefulSets roll down to the partition and OnDelete waits for deletions; DaemonSets count updated pods', async () => {
    cluster.addStatefulSet({ namespace: 'shop', name: 'db', replicas: 3, labels: { app: 'db' }, containers: [{ name: 'db', image: 'postgres:16' }] });
    const image = (ordinal: number) => cluster.getObject('pods', 'shop', `db-${ordinal}`)?.spec.containers[0]?.image;
    const status = () => cluster.getObject('statefulsets', 'shop', 'db')?.status;
    await apps.patchNamespacedStatefulSet(
      {
        namespace: 'shop',
        name: 'db',
        body: { spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 1 } }, template: { spec: { containers: [{ name: 'db', image: 'postgres:17' }] } } } },
      },
      strategic,
    );
    await waitFor('ordinals 2 and 1 updated', () => image(2) === 'postgres:17' && image(1) === 'postgres:17' && status()?.updatedReplicas === 2 && status()?.readyReplicas === 3);
    expect(image(0)).toBe('postgres:16');
    expect(status()?.currentRevision).not.toBe(status()?.updateRevision);
    // Below the partition a replaced pod comes back at the current revision.
    await core.deleteNamespacedPod({ namespace: 'shop', name: 'db-0' });
    await waitFor('db-0 back', () => cluster.getObject('pods', 'shop', 'db-0')?.status.phase === 'Running' && status()?.readyReplicas === 3);
    expect(image(0)).toBe('postgres:16');
    await apps.patchNamespacedStatefulSet({ namespace: 'shop', name: 'db', body: { spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } } }, strategic);
    await waitFor('all updated', () => image(0) === 'postgres:17' && status()?.currentRevision === status()?.updateRevision && status()?.currentReplicas === 3);

    await apps.patchNamespacedStatefulSet(
      {
        namespace: 'shop',
        name: 'db',
        body: { spec: { updateStrategy: { type: 'OnDelete', rollingUpdate: null }, template: { spec: { containers: [{ name: 'db', image: 'postgres:18' }] } } } },
      },
      strategic,
    );
    await waitFor('the new revision observed', () => status()?.observedGeneration === cluster.getObject('statefulsets', 'shop', 'db')?.metadata.generation);
    expect([0, 1, 2].map(image)).toEqual(['postgres:17', 'postgres:17', 'postgres:17']);
    await core.deleteNamespacedPod({ namespace: 'shop', name: 'db-1' });
    await waitFor('db-1 on the new revision', () => image(1) === 'postgres:18' && status()?.updatedReplicas === 1);

    cluster.addDaemonSet({ namespace: 'shop', name: 'agent', labels: { app: 'agent' }, containers: [{ name: 'agent', image: 'agent:1' }] });
    await apps.patchNamespacedDaemonSet(
      { namespace: 'shop', name: 'agent', body: { spec: { template: { spec: { containers: [{ name: 'agent', image: 'agent:2' }] } } } } },
      strategic,
    );
    await waitFor('both nodes updated', () => {
      const daemonSet = cluster.getObject('daemonsets', 'shop', 'agent');
      return daemonSet?.status.updatedNumberScheduled === 2 && daemonSet.status.numberAvailable === 2 && daemonSet.status.observedGeneration === 2;
    });
  });

  it('claims: WaitForFirstConsumer stays Pending until a pod mounts it, and a bound claim whose volume goes is Lost', async () => {
    const storage = config.makeApiClient(StorageV1Api);
    await storage.createStorageClass({ body: { metadata: { name: 'late' }, provisioner: 'example.com/csi', volumeBindingMode: 'WaitForFirstConsumer' } });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'shop',
      body: { metadata: { name: 'data' }, spec: { storageClassName: 'late', resources: { requests: { storage: '1Gi' } } } },
    });
    await waitFor('the waiting event', () => cluster.listObjects('events', 'shop').some((event) => event.reason === 'WaitForFirstConsumer'));
    expect(cluster.getObject('persistentvolumeclaims', 'shop', 'data')?.status.phase).toBe('Pending');
    await core.createNamespacedPod({
      namespace: 'shop',
      body: { metadata: { name: 'user' }, spec: { containers: [{ name: 'main', image: 'busybox' }], volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } },
    });
    await waitFor('the claim to bind', () => cluster.getObject('persistentvolumeclaims', 'shop', 'data')?.status.phase === 'Bound');
    const volume = cluster.getObject('persistentvolumeclaims', 'shop', 'data')?.spec.volumeName ?? '';
    await core.deletePersistentVolume({ name: volume });
    await waitFor('the claim to be Lost', () => cluster.getObject('persistentvolumeclaims', 'shop', 'data')?.status.phase === 'Lost');
  });
});
