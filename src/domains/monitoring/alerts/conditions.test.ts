import { currentConditions, usageConditions, type AlertView } from './conditions.js';

type SyncParts = Omit<AlertView, 'nodeUsage'>;

function view(parts: Partial<{ [K in keyof SyncParts]: ReturnType<SyncParts[K]> }>): AlertView {
  return {
    nodes: () => parts.nodes ?? [],
    pods: () => parts.pods ?? [],
    workloads: () => parts.workloads ?? [],
    criticalFindings: () => parts.criticalFindings ?? [],
    nodeUsage: () => Promise.resolve(null),
  };
}

const ALLOCATABLE = { cpuCores: 4, memoryBytes: 8 * 2 ** 30 };

const deployment = (available: number, conditions: Array<{ type: string; status: string; reason?: string; message?: string }> = []) => ({
  kind: 'Deployment',
  namespace: 'shop',
  name: 'web',
  desired: 3,
  available,
  conditions,
});

describe('alert conditions', () => {
  it('one CRITICAL_VULNERABILITY per workload and image, naming the first advisories', () => {
    const findings = ['CVE-1', 'CVE-2', 'CVE-3', 'CVE-4'].map((id) => ({ id, package: 'openssl' }));
    const conditions = currentConditions('c1', view({ criticalFindings: [{ namespace: 'shop', workload: { kind: 'Deployment', name: 'web' }, image: 'r/shop/web:2', findings }] }));
    expect(conditions).toEqual([
      expect.objectContaining({
        kind: 'CRITICAL_VULNERABILITY',
        severity: 'CRITICAL',
        fingerprint: 'CRITICAL_VULNERABILITY/c1/shop/Deployment/web/r/shop/web:2',
        message: 'Deployment shop/web runs r/shop/web:2 with 4 CRITICAL findings: CVE-1, CVE-2, CVE-3 and 1 more',
      }),
    ]);
  });

  it('a rollout in progress with replicas available is not an alert; none available, or past its deadline, is', () => {
    expect(currentConditions('c1', view({ workloads: [deployment(1)] }))).toEqual([]);
    expect(currentConditions('c1', view({ workloads: [deployment(0)] }))).toEqual([
      expect.objectContaining({ kind: 'WORKLOAD_UNAVAILABLE', severity: 'CRITICAL', fingerprint: 'WORKLOAD_UNAVAILABLE/c1/shop/Deployment/web' }),
    ]);
    const late = currentConditions(
      'c1',
      view({
        workloads: [deployment(2, [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }])],
      }),
    );
    expect(late).toEqual([expect.objectContaining({ severity: 'WARNING', message: expect.stringContaining('timed out progressing') })]);
    // Scaled to zero on purpose, a CronJob, a Job: not this alert.
    expect(
      currentConditions(
        'c1',
        view({
          workloads: [
            { ...deployment(0), desired: 0 },
            { ...deployment(0), kind: 'CronJob' },
            { ...deployment(0), kind: 'Job' },
          ],
        }),
      ),
    ).toEqual([]);
  });

  it('names crash-looping containers and nodes not Ready; a restarting but running container is not crash-looping', () => {
    const conditions = currentConditions(
      'c1',
      view({
        nodes: [
          { name: 'n1', ready: true, allocatable: ALLOCATABLE, conditions: [] },
          { name: 'n2', ready: false, allocatable: ALLOCATABLE, conditions: [{ type: 'Ready', status: 'False', message: 'PLEG is not healthy' }] },
        ],
        pods: [
          {
            namespace: 'shop',
            name: 'web-1',
            containers: [
              { name: 'web', restartCount: 7, reason: 'CrashLoopBackOff' },
              { name: 'proxy', restartCount: 0 },
            ],
          },
          { namespace: 'shop', name: 'web-2', containers: [{ name: 'web', restartCount: 3 }] },
        ],
      }),
    );
    expect(conditions.map((condition) => [condition.kind, condition.objectName, condition.message])).toEqual([
      ['NODE_NOT_READY', 'n2', 'node n2 is not Ready: PLEG is not healthy'],
      ['POD_CRASH_LOOPING', 'web-1', 'pod shop/web-1: container web is crash-looping (7 restarts)'],
    ]);
  });

  it('usage over a workspace’s threshold: one condition per workspace and node, CPU or memory, strictly over; null is off', () => {
    const nodes = [
      { name: 'n1', ready: true, allocatable: ALLOCATABLE, conditions: [] },
      { name: 'n2', ready: true, allocatable: ALLOCATABLE, conditions: [] },
      { name: 'n3', ready: true, allocatable: ALLOCATABLE, conditions: [] },
    ];
    const usage = [
      { name: 'n1', cpuMillicores: 3200, memoryBytes: 2 ** 30 },
      { name: 'n2', cpuMillicores: 400, memoryBytes: 6 * 2 ** 30 },
      // Exactly at 50%: not over.
      { name: 'n3', cpuMillicores: 2000, memoryBytes: 4 * 2 ** 30 },
    ];
    const conditions = usageConditions('c1', nodes, usage, [
      { workspaceId: 'w1', cpuPercent: 50, memoryPercent: null },
      { workspaceId: 'w2', cpuPercent: null, memoryPercent: 50 },
      { workspaceId: 'w3', cpuPercent: 90, memoryPercent: 90 },
    ]);
    expect(conditions.map((condition) => [condition.workspaceId, condition.objectName, condition.message])).toEqual([
      ['w1', 'n1', 'node n1: CPU at 80% of allocatable (threshold 50%)'],
      ['w2', 'n2', 'node n2: memory at 75% of allocatable (threshold 50%)'],
    ]);
    expect(new Set(conditions.map((condition) => condition.fingerprint)).size).toBe(2);
    expect(conditions[0]).toMatchObject({ kind: 'USAGE_OVER_THRESHOLD', severity: 'WARNING', clusterId: 'c1', namespace: null, objectKind: 'Node' });
    // The same node over two workspaces' thresholds: two alerts, each its own.
    const both = usageConditions('c1', nodes, usage, [
      { workspaceId: 'w1', cpuPercent: 50, memoryPercent: null },
      { workspaceId: 'w4', cpuPercent: 10, memoryPercent: null },
    ]);
    expect(both.filter((condition) => condition.objectName === 'n1').map((condition) => condition.workspaceId)).toEqual(['w1', 'w4']);
    // A node without a sample, or without allocatable, is not judged.
    expect(
      usageConditions(
        'c1',
        [{ name: 'n9', ready: true, allocatable: { cpuCores: 0, memoryBytes: 0 }, conditions: [] }],
        [{ name: 'n9', cpuMillicores: 9000, memoryBytes: 1 }],
        [{ workspaceId: 'w1', cpuPercent: 0, memoryPercent: 0 }],
      ),
    ).toEqual([]);
  });
});
