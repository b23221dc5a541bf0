/**
 * Every kind of the cluster picture through the informers against the simulator over real HTTPS,
 * and a cluster that does not serve some kind.
 */
import { randomUUID } from 'node:crypto';
import type { KubeConfig } from '@kubernetes/client-node';
import type { ClusterObjectEvent } from '../src/domains/clusters/model.js';
import { ClusterInformers, type InformedKind } from '../src/infra/k8s/cluster-informers.js';
import { KubeApiTransport, type ReflectorTransport } from '../src/infra/k8s/kube-transport.js';
import { RecordingBus } from './support/k8s/recording-bus.js';
import { waitFor } from './support/k8s/wait-for.js';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';

const TUNING = { backoff: { initialMs: 10, maxMs: 200, jitter: 0.2 }, watchDeadlineMs: 2_000, watchTimeoutSeconds: 60 };
const WAIT_MS = 15_000;

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function simulator(options: { vulnerabilityReports?: boolean } = {}): Promise<{ cluster: SimulatedCluster; clusterId: string }> {
  const clusterId = `kinds-${randomUUID().slice(0, 8)}`;
  const cluster = await startSimulatedCluster({ name: clusterId, bookmarkIntervalMs: 100, podStartDelayMs: 10, vulnerabilityScanDelayMs: 20, ...options });
  cleanups.push(() => cluster.close());
  cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 32 * 1024 ** 3, storageBytes: 100 * 1024 ** 3 });
  cluster.addNamespace('shop');
  return { cluster, clusterId };
}

/** The real transport, except that one kind is asked for at a path no apiserver serves. */
function withUnservedKind(unserved: InformedKind): (kind: InformedKind, kubeConfig: KubeConfig) => ReflectorTransport {
  return (kind, kubeConfig) => {
    const real = new KubeApiTransport(kubeConfig, { watchInactivityMs: TUNING.watchDeadlineMs + 1_000, listTimeoutMs: 10_000 });
    if (kind !== unserved) return real;
    const path = '/apis/kda.example/v1alpha0/nothing-here';
    return { list: (_path, request) => real.list(path, request), watch: (_path, request, callbacks) => real.watch(path, request, callbacks) };
  };
}

describe('informers and kinds a cluster does not serve', () => {
  it('treats a kind the apiserver does not serve as empty: the cluster is RUNNING, never UNREACHABLE', async () => {
    const { cluster, clusterId } = await simulator();
    const bus = new RecordingBus();
    const informers = new ClusterInformers({
      clusterId,
      kubeconfigYaml: cluster.kubeconfig(),
      bus,
      tuning: TUNING,
      transportFor: withUnservedKind('poddisruptionbudgets'),
    });
    cleanups.push(() => informers.stop());
    const states: string[] = [];
    informers.onStatusChange((status) => states.push(status.state));
    informers.start();

    expect(await informers.whenSynced(WAIT_MS)).toBe(true);
    expect(informers.absentKinds()).toContain('poddisruptionbudgets');
    expect(informers.podDisruptionBudgets()).toEqual([]);
    expect(informers.status().state).toBe('RUNNING');
    cluster.createPod({ namespace: 'shop', name: 'web-1', containers: [{ name: 'app', image: 'nginx:1.27' }] });
    await waitFor(() => informers.pods('shop').length === 1, 'other kinds keep working', WAIT_MS);
    expect(states).not.toContain('UNREACHABLE');
    expect(states.at(-1)).toBe('RUNNING');
  });
});

const containers = [{ name: 'app', image: 'nginx:1.27' }];

function published(bus: RecordingBus, clusterId: string, kind: string, namespace = '_'): string[] {
  return bus.on(`kda.v1.${clusterId}.${kind}.${namespace}`).map((entry) => {
    const event = entry.data as ClusterObjectEvent<{ name?: string; reason?: string }>;
    return `${event.type} ${event.object.name ?? event.object.reason ?? ''}`;
  });
}

describe('informers for every kind', () => {
  it('brings every kind created in the cluster into the caches and onto the bus', async () => {
    const { cluster, clusterId } = await simulator();
    const bus = new RecordingBus();
    const informers = new ClusterInformers({ clusterId, kubeconfigYaml: cluster.kubeconfig(), bus, tuning: TUNING });
    cleanups.push(() => informers.stop());
    informers.start();
    expect(await informers.whenSynced(WAIT_MS)).toBe(true);
    expect(informers.absentKinds()).toEqual([]);

    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 2, labels: { app: 'web' }, containers });
    cluster.addStatefulSet({ namespace: 'shop', name: 'db', replicas: 1, containers });
    cluster.addDaemonSet({ namespace: 'shop', name: 'agent', toleratesAllTaints: true, containers });
    cluster.addJob({ namespace: 'shop', name: 'migrate', containers });
    cluster.addCronJob({ namespace: 'shop', name: 'report', schedule: '*/5 * * * *', containers });
    cluster.addService({ namespace: 'shop', name: 'web', selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] });
    cluster.addStorageClass({ name: 'manual', provisioner: 'kubernetes.io/no-provisioner', isDefault: true });
    cluster.addPersistentVolume({ name: 'pv-1', capacity: '10Gi', storageClassName: 'manual', accessModes: ['ReadWriteOnce'] });
    cluster.addPersistentVolumeClaim({ namespace: 'shop', name: 'data', storage: '1Gi', storageClassName: 'manual', accessModes: ['ReadWriteOnce'] });
    cluster.addPodDisruptionBudget({ namespace: 'shop', name: 'web', selector: { app: 'web' }, minAvailable: 1 });
    cluster.recordEvent({ involvedObject: { kind: 'Deployment', name: 'web', namespace: 'shop' }, reason: 'Tested', message: 'hello from the test', type: 'Warning' });

    const kinds = ['CronJob', 'DaemonSet', 'Deployment', 'Job', 'StatefulSet'];
    await waitFor(() => kinds.every((kind) => informers.workloads('shop').some((workload) => workload.kind === kind)), 'all five workload kinds', WAIT_MS);
    await waitFor(() => informers.workloads('shop').some((w) => w.kind === 'Deployment' && w.ready === 2), 'deployment ready', WAIT_MS);
    await waitFor(() => informers.pods('shop').filter((pod) => pod.owner?.kind === 'ReplicaSet').length === 2, 'deployment pods', WAIT_MS);
    expect(informers.workloads('shop').find((w) => w.kind === 'Deployment')).toMatchObject({ name: 'web', desired: 2, images: ['nginx:1.27'], selector: { app: 'web' } });
    expect(informers.workloads('shop').find((w) => w.kind === 'CronJob')).toMatchObject({ name: 'report', schedule: '*/5 * * * *', suspended: false });

    await waitFor(() => informers.services('shop').length === 1, 'service', WAIT_MS);
    expect(informers.services('shop')[0]).toMatchObject({
      name: 'web',
      type: 'ClusterIP',
      selector: { app: 'web' },
      ports: [{ name: 'http', port: 80, targetPort: '8080', protocol: 'TCP' }],
    });
    await waitFor(() => informers.storageClasses().some((sc) => sc.name === 'manual'), 'storage class', WAIT_MS);
    expect(informers.storageClasses().find((sc) => sc.name === 'manual')).toMatchObject({ isDefault: true, provisioner: 'kubernetes.io/no-provisioner' });
    await waitFor(() => informers.persistentVolumes().some((pv) => pv.name === 'pv-1'), 'persistent volume', WAIT_MS);
    expect(informers.persistentVolumes().find((pv) => pv.name === 'pv-1')?.capacityBytes).toBe(10 * 2 ** 30);
    await waitFor(() => informers.persistentVolumeClaims('shop').some((pvc) => pvc.name === 'data'), 'claim', WAIT_MS);
    expect(informers.persistentVolumeClaims('shop').find((pvc) => pvc.name === 'data')?.requestedBytes).toBe(2 ** 30);
    await waitFor(() => informers.podDisruptionBudgets('shop').some((pdb) => pdb.name === 'web'), 'disruption budget', WAIT_MS);
    expect(informers.podDisruptionBudgets('shop').find((pdb) => pdb.name === 'web')).toMatchObject({ minAvailable: '1', selector: { app: 'web' } });
    await waitFor(() => informers.events('shop').some((event) => event.reason === 'Tested'), 'event', WAIT_MS);
    expect(informers.events('shop').find((event) => event.reason === 'Tested')).toMatchObject({
      type: 'Warning',
      message: 'hello from the test',
      involvedObject: { kind: 'Deployment', name: 'web', namespace: 'shop' },
    });

    await waitFor(() => published(bus, clusterId, 'poddisruptionbudgets', 'shop').length > 0, 'published', WAIT_MS);
    const workloadNames = published(bus, clusterId, 'workloads', 'shop').filter((entry) => entry.startsWith('ADDED'));
    expect(workloadNames.sort()).toEqual(['ADDED agent', 'ADDED db', 'ADDED migrate', 'ADDED report', 'ADDED web']);
    expect(published(bus, clusterId, 'services', 'shop')).toContain('ADDED web');
    expect(published(bus, clusterId, 'storageclasses')).toContain('ADDED manual');
    expect(published(bus, clusterId, 'persistentvolumes')).toContain('ADDED pv-1');
    expect(published(bus, clusterId, 'persistentvolumeclaims', 'shop')).toContain('ADDED data');
    expect(published(bus, clusterId, 'poddisruptionbudgets', 'shop')).toContain('ADDED web');
    expect(published(bus, clusterId, 'events', 'shop')).toContain('ADDED Tested');
    expect(bus.duplicateMessageIds()).toEqual([]);
    expect(informers.status().state).toBe('RUNNING');
  });
});

describe('informers and Trivy Operator reports', () => {
  it('caches VulnerabilityReports, publishes their changes, and follows a rewritten one', async () => {
    const { cluster, clusterId } = await simulator();
    const bus = new RecordingBus();
    const informers = new ClusterInformers({ clusterId, kubeconfigYaml: cluster.kubeconfig(), bus, tuning: TUNING });
    cleanups.push(() => informers.stop());
    informers.start();
    expect(await informers.whenSynced(WAIT_MS)).toBe(true);

    cluster.addDeployment({ namespace: 'shop', name: 'web', replicas: 1, labels: { app: 'web' }, containers });
    await waitFor(() => informers.vulnerabilityReports('shop').length === 1, 'the report', WAIT_MS);
    const [replicaSet] = cluster.listObjects('replicasets', 'shop');
    expect(informers.vulnerabilityReports('shop')[0]).toMatchObject({
      ownerKind: 'ReplicaSet',
      ownerName: replicaSet?.metadata.name,
      container: 'app',
      repository: 'library/nginx',
      tag: '1.27',
    });
    expect(published(bus, clusterId, 'vulnerabilityreports', 'shop')).toEqual([`ADDED replicaset-${replicaSet?.metadata.name}-app`]);

    cluster.putVulnerabilityReport({
      namespace: 'shop',
      owner: { kind: 'ReplicaSet', name: replicaSet!.metadata.name },
      container: 'app',
      image: 'nginx:1.27',
      vulnerabilities: [{ vulnerabilityID: 'CVE-1', resource: 'p', installedVersion: '1', fixedVersion: '', severity: 'HIGH', title: 't', primaryLink: '' }],
    });
    await waitFor(() => informers.vulnerabilityReports('shop')[0]?.counts.high === 1 && informers.vulnerabilityReports('shop')[0]?.findings.length === 1, 'the rewrite', WAIT_MS);
    expect(informers.vulnerabilityReports('shop')[0]?.counts).toEqual({ critical: 0, high: 1, medium: 0, low: 0, unknown: 0 });
    expect(informers.vulnerabilityReports('billing')).toEqual([]);
  });

  it('treats a cluster without Trivy Operator as having no reports: the kind is absent, the cluster RUNNING', async () => {
    const { cluster, clusterId } = await simulator({ vulnerabilityReports: false });
    const informers = new ClusterInformers({ clusterId, kubeconfigYaml: cluster.kubeconfig(), bus: new RecordingBus(), tuning: TUNING });
    cleanups.push(() => informers.stop());
    informers.start();
    expect(await informers.whenSynced(WAIT_MS)).toBe(true);
    expect(informers.absentKinds()).toEqual(['vulnerabilityreports']);
    expect(informers.vulnerabilityReports()).toEqual([]);
    expect(informers.status().state).toBe('RUNNING');
  });
});
