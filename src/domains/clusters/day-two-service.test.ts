import { DayTwoService } from './day-two-service.js';
import type { NodeProjection, PodProjection, WorkloadProjection } from './model.js';
import type { ClusterLiveView, ClusterOperations, EvictionOutcome } from './ports.js';

function pod(name: string, ownerKind?: string, phase = 'Running'): PodProjection {
  return {
    uid: `uid-${name}`,
    name,
    namespace: 'apps',
    resourceVersion: '1',
    phase,
    ready: true,
    restarts: 0,
    nodeName: 'worker-1',
    labels: {},
    containers: [],
    ...(ownerKind ? { owner: { kind: ownerKind, name: `${name}-owner`, uid: `owner-${name}` } } : {}),
  };
}

const node = { name: 'worker-1' } as NodeProjection;
const web = { kind: 'Deployment', name: 'web', namespace: 'apps' } as WorkloadProjection;

function liveView(pods: PodProjection[]): ClusterLiveView {
  return {
    status: () => ({ state: 'RUNNING' }),
    nodes: () => [node],
    namespaces: () => [],
    pods: (namespace) => pods.filter((candidate) => namespace === undefined || candidate.namespace === namespace),
    workloads: () => [web],
    services: () => [],
    persistentVolumes: () => [],
    persistentVolumeClaims: () => [],
    storageClasses: () => [],
    events: () => [],
    podDisruptionBudgets: () => [],
  };
}

/** Records every call; evictions answer from a script per pod, then EVICTED. */
class RecordingOperations implements ClusterOperations {
  readonly calls: string[] = [];
  constructor(private readonly evictionScript: Record<string, EvictionOutcome[]> = {}) {}
  async scaleWorkload(_clusterId: string, kind: string, namespace: string, name: string, replicas: number) {
    this.calls.push(`scale ${kind} ${namespace}/${name} ${replicas}`);
  }
  async restartWorkload(_clusterId: string, kind: string, namespace: string, name: string, at: string) {
    this.calls.push(`restart ${kind} ${namespace}/${name} ${at}`);
  }
  async deletePod(_clusterId: string, namespace: string, name: string) {
    this.calls.push(`delete ${namespace}/${name}`);
  }
  async setNodeSchedulable(_clusterId: string, name: string, schedulable: boolean) {
    this.calls.push(`${schedulable ? 'uncordon' : 'cordon'} ${name}`);
  }
  async evictPod(_clusterId: string, namespace: string, name: string): Promise<EvictionOutcome> {
    this.calls.push(`evict ${namespace}/${name}`);
    return this.evictionScript[name]?.shift() ?? 'EVICTED';
  }
}

function service(operations: ClusterOperations, pods: PodProjection[]) {
  let clock = 0;
  return new DayTwoService({
    operations,
    liveView: async () => liveView(pods),
    now: () => new Date(clock),
    delay: async (ms) => {
      clock += ms;
    },
  });
}

describe('drain', () => {
  const pods = [pod('web-1', 'ReplicaSet'), pod('db-0', 'StatefulSet'), pod('agent', 'DaemonSet'), pod('etcd', 'Node'), pod('done', 'Job', 'Succeeded')];

  test('cordons first, evicts what must leave, leaves DaemonSet and static pods, retries PDB refusals', async () => {
    const operations = new RecordingOperations({ 'db-0': ['BLOCKED_BY_DISRUPTION_BUDGET', 'BLOCKED_BY_DISRUPTION_BUDGET'] });
    const report = await service(operations, pods).drain('c1', 'worker-1', { timeoutMs: 60_000, ignoreDaemonSets: true });
    expect(operations.calls).toEqual(['cordon worker-1', 'evict apps/web-1', 'evict apps/db-0', 'evict apps/db-0', 'evict apps/db-0']);
    expect(report.evicted.map((evicted) => evicted.name)).toEqual(['web-1', 'db-0']);
    expect(report.skipped.map((skipped) => skipped.pod.name)).toEqual(['agent', 'etcd']);
    expect(report.blocked).toEqual([]);
  });

  test('gives up at the timeout and reports the pods a budget still protects', async () => {
    const operations = new RecordingOperations({ 'db-0': Array<EvictionOutcome>(100).fill('BLOCKED_BY_DISRUPTION_BUDGET') });
    const report = await service(operations, pods).drain('c1', 'worker-1', { timeoutMs: 10_000, ignoreDaemonSets: true });
    expect(report.blocked.map((blocked) => blocked.name)).toEqual(['db-0']);
    expect(operations.calls.filter((call) => call === 'evict apps/db-0').length).toBeGreaterThan(1);
  });

  test('refuses a node with DaemonSet pods unless told to ignore them, before cordoning it', async () => {
    const operations = new RecordingOperations();
    await expect(service(operations, pods).drain('c1', 'worker-1', { timeoutMs: 1000, ignoreDaemonSets: false })).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'ignoreDaemonSets' },
    });
    expect(operations.calls).toEqual([]);
  });

  test('an unknown node is NOT_FOUND', async () => {
    await expect(service(new RecordingOperations(), pods).drain('c1', 'nope', { timeoutMs: 1000, ignoreDaemonSets: true })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('scale and restart', () => {
  test.each([-1, 1.5, 1001])('replicas %p is refused without calling the cluster', async (replicas) => {
    const operations = new RecordingOperations();
    await expect(service(operations, []).scaleWorkload({ clusterId: 'c1', namespace: 'apps', name: 'web' }, 'Deployment', replicas)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      details: { field: 'replicas' },
    });
    expect(operations.calls).toEqual([]);
  });

  test('an unknown workload is NOT_FOUND without calling the cluster', async () => {
    const operations = new RecordingOperations();
    await expect(service(operations, []).scaleWorkload({ clusterId: 'c1', namespace: 'apps', name: 'api' }, 'Deployment', 3)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service(operations, []).restartWorkload({ clusterId: 'c1', namespace: 'apps', name: 'web' }, 'StatefulSet')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(operations.calls).toEqual([]);
  });

  test('scale and restart reach the cluster', async () => {
    const operations = new RecordingOperations();
    const dayTwo = service(operations, []);
    await dayTwo.scaleWorkload({ clusterId: 'c1', namespace: 'apps', name: 'web' }, 'Deployment', 3);
    await dayTwo.restartWorkload({ clusterId: 'c1', namespace: 'apps', name: 'web' }, 'Deployment');
    expect(operations.calls).toEqual(['scale Deployment apps/web 3', `restart Deployment apps/web ${new Date(0).toISOString()}`]);
  });
});
