import { ApiException, AppsV1Api, BatchV1Api, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions, Watch, type V1OwnerReference } from '@kubernetes/client-node';
import { startSimulatedCluster, type SimulatedCluster } from './index.js';
import { rawRequest, waitFor } from '../../test/support/simulator-helpers.js';

const GiB = 2 ** 30;
const merge = setHeaderOptions('Content-Type', PatchStrategy.MergePatch);

interface Seen {
  readonly type: string;
  readonly kind: string;
  readonly name: string;
  readonly deleting: boolean;
  readonly finalizers: readonly string[];
  readonly resourceVersion: number;
}

describe('owner references and garbage collection in the simulated apiserver', () => {
  let cluster: SimulatedCluster;
  let config: KubeConfig;
  let apps: AppsV1Api;
  let batch: BatchV1Api;
  let core: CoreV1Api;
  const aborts: Array<() => void> = [];

  beforeEach(async () => {
    cluster = await startSimulatedCluster({ name: 'gc-test', podStartDelayMs: 10, jobRunMs: 30, bookmarkIntervalMs: 50 });
    cluster.addNode({ name: 'worker-1', cpu: 8, memoryBytes: 16 * GiB, storageBytes: 100 * GiB });
    cluster.addNamespace('shop');
    config = new KubeConfig();
    config.loadFromString(cluster.kubeconfig());
    apps = config.makeApiClient(AppsV1Api);
    batch = config.makeApiClient(BatchV1Api);
    core = config.makeApiClient(CoreV1Api);
  });

  afterEach(async () => {
    for (const abort of aborts.splice(0)) abort();
    await cluster.close();
  });

  /** Every event on `paths` from now on, in the order the apiserver sent them. */
  async function record(...paths: string[]): Promise<Seen[]> {
    const seen: Seen[] = [];
    const version = cluster.resourceVersion;
    for (const path of paths) {
      const controller = await new Watch(config).watch(
        path,
        { resourceVersion: version },
        (type: string, object: { kind?: string; metadata?: { name?: string; deletionTimestamp?: unknown; finalizers?: string[]; resourceVersion?: string } }) => {
          seen.push({
            type,
            kind: object.kind ?? '',
            name: object.metadata?.name ?? '',
            deleting: object.metadata?.deletionTimestamp !== undefined,
            finalizers: object.metadata?.finalizers ?? [],
            resourceVersion: Number(object.metadata?.resourceVersion),
          });
          // Several watches: put their events back in the order the store made them.
          seen.sort((left, right) => left.resourceVersion - right.resourceVersion);
        },
        () => undefined,
      );
      aborts.push(() => controller.abort());
    }
    return seen;
  }

  const web = () => cluster.listPods('shop').filter((pod) => pod.metadata.labels?.['app'] === 'web');

  it('Background (the default): the owner goes at once, its ReplicaSet and their pods after it', async () => {
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 2, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx:1.27' }] });
    expect(web()).toHaveLength(2);
    await apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'web' });
    expect(cluster.getObject('deployments', 'shop', 'web')).toBeUndefined();
    await waitFor('the ReplicaSet and pods to go', () => web().length === 0 && cluster.listObjects('replicasets', 'shop').length === 0);
  });

  it('Foreground: the owner stays with the foregroundDeletion finalizer until its dependents (and theirs) are gone', async () => {
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 2, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx:1.27' }] });
    const replicaSet = cluster.listObjects('replicasets', 'shop')[0]?.metadata.name ?? '';
    const seen = await record('/apis/apps/v1/namespaces/shop/deployments', '/apis/apps/v1/namespaces/shop/replicasets', '/api/v1/namespaces/shop/pods');
    const response = await rawRequest(cluster, 'DELETE', '/apis/apps/v1/namespaces/shop/deployments/web', {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      propagationPolicy: 'Foreground',
    });
    expect(response.status).toBe(200);
    expect(response.json()).toMatchObject({ metadata: { name: 'web', deletionTimestamp: expect.any(String), finalizers: ['foregroundDeletion'] } });
    await waitFor('all four deletions', () => seen.filter((event) => event.type === 'DELETED').length === 4);
    const deletions = seen.filter((event) => event.type === 'DELETED').map((event) => event.kind);
    // Pods first, then their ReplicaSet, then the Deployment: each waited for its dependents.
    expect(deletions).toEqual(['Pod', 'Pod', 'ReplicaSet', 'Deployment']);
    expect(seen.find((event) => event.kind === 'Deployment')).toMatchObject({ type: 'MODIFIED', deleting: true, finalizers: ['foregroundDeletion'] });
    expect(seen.find((event) => event.kind === 'ReplicaSet' && event.deleting)).toMatchObject({ name: replicaSet, finalizers: ['foregroundDeletion'] });
    // No replacement pod was made while the ReplicaSet was being deleted.
    expect(seen.filter((event) => event.kind === 'Pod' && event.type === 'ADDED')).toEqual([]);
  });

  it('Foreground honours blockOwnerDeletion: a dependent held by its own finalizer holds the owner; a non-blocking one does not', async () => {
    const owner = await core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'owner' }, stringData: { k: 'v' } } });
    const reference = (block: boolean): V1OwnerReference => ({ apiVersion: 'v1', kind: 'Secret', name: 'owner', uid: owner.metadata?.uid ?? '', blockOwnerDeletion: block });
    await core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'blocker', ownerReferences: [reference(true)], finalizers: ['example.com/hold'] } } });
    await core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'loose', ownerReferences: [reference(false)], finalizers: ['example.com/hold'] } } });
    await core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'plain', ownerReferences: [reference(true)] } } });
    await core.deleteNamespacedSecret({ namespace: 'shop', name: 'owner', propagationPolicy: 'Foreground' });
    await waitFor('the plain dependent to go', () => cluster.getObject('secrets', 'shop', 'plain') === undefined);
    // Both held dependents are marked, and stay while their finalizer does.
    expect(cluster.getObject('secrets', 'shop', 'blocker')?.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(cluster.getObject('secrets', 'shop', 'loose')?.metadata.deletionTimestamp).toEqual(expect.any(String));
    expect(cluster.getObject('secrets', 'shop', 'owner')?.metadata.finalizers).toEqual(['foregroundDeletion']);
    // A finalizer cannot be added to an object being deleted.
    const added = await core
      .patchNamespacedSecret({ namespace: 'shop', name: 'blocker', body: { metadata: { finalizers: ['example.com/hold', 'example.com/more'] } } }, merge)
      .catch((error: unknown) => error);
    expect(added instanceof ApiException ? added.code : undefined).toBe(422);
    // The non-blocking one does not hold the owner; releasing the blocking one lets both go.
    await core.patchNamespacedSecret({ namespace: 'shop', name: 'blocker', body: { metadata: { finalizers: null } } }, merge);
    expect(cluster.getObject('secrets', 'shop', 'blocker')).toBeUndefined();
    await waitFor('the owner to go', () => cluster.getObject('secrets', 'shop', 'owner') === undefined);
    expect(cluster.getObject('secrets', 'shop', 'loose')?.metadata.finalizers).toEqual(['example.com/hold']);
  });

  it('Orphan leaves the dependents without the owner; a dependent with another existing owner only loses the reference', async () => {
    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 1, labels: { app: 'web' }, containers: [{ name: 'main', image: 'nginx:1.27' }] });
    await apps.deleteNamespacedDeployment({ namespace: 'shop', name: 'web', propagationPolicy: 'Orphan' });
    expect(cluster.getObject('deployments', 'shop', 'web')).toBeUndefined();
    cluster.reconcile();
    expect(cluster.listObjects('replicasets', 'shop')[0]?.metadata.ownerReferences).toEqual([]);
    expect(web()).toHaveLength(1);

    const first = await core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'first' } } });
    const second = await core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'second' } } });
    const owners = [first, second].map((owner) => ({ apiVersion: 'v1', kind: 'Secret', name: owner.metadata?.name ?? '', uid: owner.metadata?.uid ?? '' }));
    await core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'shared', ownerReferences: owners } } });
    await core.deleteNamespacedSecret({ namespace: 'shop', name: 'first' });
    await waitFor('the reference to the first owner to go', () => cluster.getObject('secrets', 'shop', 'shared')?.metadata.ownerReferences?.length === 1);
    await core.deleteNamespacedSecret({ namespace: 'shop', name: 'second' });
    await waitFor('the shared dependent to go with its last owner', () => cluster.getObject('secrets', 'shop', 'shared') === undefined);
  });

  it('collects the pods of Jobs, StatefulSets and DaemonSets; a batch/v1 Job left without a policy orphans its pods, with a warning', async () => {
    cluster.addStatefulSet({ namespace: 'shop', name: 'db', replicas: 2, labels: { app: 'db' }, containers: [{ name: 'db', image: 'postgres:16' }] });
    cluster.addDaemonSet({ namespace: 'shop', name: 'agent', labels: { app: 'agent' }, containers: [{ name: 'agent', image: 'agent:1' }] });
    await apps.deleteNamespacedStatefulSet({ namespace: 'shop', name: 'db', propagationPolicy: 'Foreground' });
    await apps.deleteNamespacedDaemonSet({ namespace: 'shop', name: 'agent' });
    await waitFor('the StatefulSet, DaemonSet and their pods to go', () => cluster.listPods('shop').length === 0 && cluster.getObject('statefulsets', 'shop', 'db') === undefined);

    for (const name of ['kept', 'collected']) {
      cluster.addJob({ namespace: 'shop', name, labels: { app: name }, containers: [{ name: 'main', image: 'busybox' }], runMs: 60_000 }, { settled: false });
    }
    await waitFor('both jobs to run', () => cluster.listPods('shop').filter((pod) => pod.status.phase === 'Running').length === 2);
    const orphaning = await rawRequest(cluster, 'DELETE', '/apis/batch/v1/namespaces/shop/jobs/kept');
    expect(orphaning.headers['warning']).toContain('child pods are preserved by default when jobs are deleted');
    await batch.deleteNamespacedJob({ namespace: 'shop', name: 'collected', propagationPolicy: 'Background' });
    await waitFor('the collected job pod to go', () => cluster.listPods('shop').every((pod) => pod.metadata.labels?.['app'] !== 'collected'));
    const kept = cluster.listPods('shop').filter((pod) => pod.metadata.labels?.['app'] === 'kept');
    expect(kept).toHaveLength(1);
    expect(kept[0]?.metadata.ownerReferences).toEqual([]);
  });

  it('checks preconditions and DeleteOptions like the apiserver', async () => {
    const secret = await core.createNamespacedSecret({ namespace: 'shop', body: { metadata: { name: 'precious' } } });
    const wrongUid = await rawRequest(cluster, 'DELETE', '/api/v1/namespaces/shop/secrets/precious', { preconditions: { uid: 'not-the-uid' } });
    expect(wrongUid.status).toBe(409);
    expect(wrongUid.json()).toMatchObject({
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on secrets "precious": Precondition failed: UID in precondition: not-the-uid, UID in object meta: ${secret.metadata?.uid}`,
    });
    const unknownPolicy = await rawRequest(cluster, 'DELETE', '/api/v1/namespaces/shop/secrets/precious?propagationPolicy=Sometimes');
    expect(unknownPolicy.status).toBe(422);
    expect(unknownPolicy.json()).toMatchObject({
      message: 'DeleteOptions.meta.k8s.io "" is invalid: propagationPolicy: Unsupported value: "Sometimes": supported values: "Foreground", "Background", "Orphan", "nil"',
    });
    expect(cluster.getObject('secrets', 'shop', 'precious')).toBeDefined();
    const right = await rawRequest(cluster, 'DELETE', '/api/v1/namespaces/shop/secrets/precious', { preconditions: { uid: secret.metadata?.uid } });
    expect(right.status).toBe(200);
    expect(cluster.getObject('secrets', 'shop', 'precious')).toBeUndefined();
  });
});
