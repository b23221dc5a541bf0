import {
  claimHealth,
  cronJobHealth,
  daemonSetHealth,
  deploymentHealth,
  isWorse,
  jobHealth,
  podHealth,
  serviceHealth,
  statefulSetHealth,
  workloadHealth,
  worstOf,
  type HealthStatus,
} from './health.js';
import { claim, pod, service, workload } from './test-objects.test-support.js';

const statusOf = (judged: { status: HealthStatus }) => judged.status;

describe('Deployment health (kubectl rollout status, Argo CD verdicts)', () => {
  test('healthy once every replica is updated and available and no old one is left', () => {
    expect(deploymentHealth(workload({ name: 'web', desired: 3, updated: 3, available: 3, ready: 3, totalReplicas: 3 }))).toEqual({ status: 'HEALTHY', reason: null });
  });

  test('suspended while paused, whatever its counts', () => {
    expect(deploymentHealth(workload({ name: 'web', paused: true, updated: 0 }))).toEqual({ status: 'SUSPENDED', reason: 'the Deployment is paused' });
  });

  test('progressing while the controller has not observed the latest generation', () => {
    expect(deploymentHealth(workload({ name: 'web', generation: 4, observedGeneration: 3 })).status).toBe('PROGRESSING');
  });

  test('progressing while updated, old or available replicas are short, saying which', () => {
    expect(deploymentHealth(workload({ name: 'web', desired: 3, updated: 1 }))).toEqual({ status: 'PROGRESSING', reason: 'rolling out: 1 of 3 replicas updated' });
    expect(deploymentHealth(workload({ name: 'web', desired: 2, updated: 2, totalReplicas: 3 }))).toEqual({
      status: 'PROGRESSING',
      reason: 'rolling out: 1 old replicas pending termination',
    });
    expect(deploymentHealth(workload({ name: 'web', desired: 2, updated: 2, available: 1 }))).toEqual({
      status: 'PROGRESSING',
      reason: 'rolling out: 1 of 2 updated replicas available',
    });
  });

  test('degraded when its progress deadline is exceeded, with the controller’s message', () => {
    const stuck = workload({
      name: 'web',
      updated: 1,
      conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-5d" has timed out progressing.' }],
    });
    expect(deploymentHealth(stuck)).toEqual({ status: 'DEGRADED', reason: 'the rollout exceeded its progress deadline: ReplicaSet "web-5d" has timed out progressing.' });
  });

  test('a Deployment scaled to zero is healthy', () => {
    expect(statusOf(deploymentHealth(workload({ name: 'web', desired: 0, updated: 0, available: 0, ready: 0, totalReplicas: 0 })))).toBe('HEALTHY');
  });
});

describe('StatefulSet health per update strategy', () => {
  const sts = (overrides: Parameters<typeof workload>[0]) =>
    workload({ kind: 'StatefulSet', desired: 3, ready: 3, updated: 3, available: 3, currentRevision: 'db-1', updateRevision: 'db-1', ...overrides });

  test('progressing until the controller has observed it at all, or the latest generation', () => {
    expect(statusOf(statefulSetHealth(sts({ name: 'db', observedGeneration: 0 })))).toBe('PROGRESSING');
    expect(statusOf(statefulSetHealth(sts({ name: 'db', generation: 2, observedGeneration: 1 })))).toBe('PROGRESSING');
  });

  test('progressing while pods are not ready', () => {
    expect(statefulSetHealth(sts({ name: 'db', ready: 1 }))).toEqual({ status: 'PROGRESSING', reason: '1 of 3 pods ready' });
  });

  test('RollingUpdate: progressing while the revisions differ, healthy when they meet', () => {
    expect(statefulSetHealth(sts({ name: 'db', updated: 1, updateRevision: 'db-2' }))).toEqual({ status: 'PROGRESSING', reason: 'rolling update: 1 of 3 pods at revision db-2' });
    expect(statusOf(statefulSetHealth(sts({ name: 'db' })))).toBe('HEALTHY');
  });

  test('a partitioned RollingUpdate is done once the pods above the partition are updated', () => {
    expect(statefulSetHealth(sts({ name: 'db', partition: 2, updated: 0, updateRevision: 'db-2' }))).toEqual({
      status: 'PROGRESSING',
      reason: 'partitioned rollout: 0 of 1 pods updated',
    });
    expect(statusOf(statefulSetHealth(sts({ name: 'db', partition: 2, updated: 1, updateRevision: 'db-2' })))).toBe('HEALTHY');
  });

  test('OnDelete: healthy once ready, whatever the revisions (pods roll only when deleted)', () => {
    expect(statusOf(statefulSetHealth(sts({ name: 'db', updateStrategy: 'OnDelete', updated: 0, updateRevision: 'db-2' })))).toBe('HEALTHY');
  });
});

describe('DaemonSet health per update strategy', () => {
  const ds = (overrides: Parameters<typeof workload>[0]) => workload({ kind: 'DaemonSet', desired: 4, ready: 4, updated: 4, available: 4, ...overrides });

  test('progressing while updated or available pods are short, or the generation is not observed', () => {
    expect(daemonSetHealth(ds({ name: 'agent', updated: 2 }))).toEqual({ status: 'PROGRESSING', reason: 'rolling out: 2 of 4 pods updated' });
    expect(daemonSetHealth(ds({ name: 'agent', available: 3 }))).toEqual({ status: 'PROGRESSING', reason: 'rolling out: 3 of 4 pods available' });
    expect(statusOf(daemonSetHealth(ds({ name: 'agent', generation: 2, observedGeneration: 1 })))).toBe('PROGRESSING');
  });

  test('healthy when done; OnDelete is healthy without updated pods', () => {
    expect(statusOf(daemonSetHealth(ds({ name: 'agent' })))).toBe('HEALTHY');
    expect(statusOf(daemonSetHealth(ds({ name: 'agent', updateStrategy: 'OnDelete', updated: 0 })))).toBe('HEALTHY');
  });
});

describe('Job and CronJob health', () => {
  const job = (conditions: Array<{ type: string; status: string; message?: string }>, suspended?: boolean) =>
    workload({ name: 'report', kind: 'Job', conditions, ...(suspended === undefined ? {} : { suspended }) });

  test('by its Complete and Failed conditions; running until one holds', () => {
    expect(statusOf(jobHealth(job([{ type: 'Complete', status: 'True' }])))).toBe('HEALTHY');
    expect(jobHealth(job([{ type: 'Failed', status: 'True', message: 'Job has reached the specified backoff limit' }]))).toEqual({
      status: 'DEGRADED',
      reason: 'the Job failed: Job has reached the specified backoff limit',
    });
    expect(jobHealth(job([]))).toEqual({ status: 'PROGRESSING', reason: 'the Job is running' });
    // A condition that does not hold is not a verdict.
    expect(statusOf(jobHealth(job([{ type: 'Complete', status: 'False' }])))).toBe('PROGRESSING');
  });

  test('suspended by its condition or its flag', () => {
    expect(statusOf(jobHealth(job([{ type: 'Suspended', status: 'True' }])))).toBe('SUSPENDED');
    expect(statusOf(jobHealth(job([], true)))).toBe('SUSPENDED');
  });

  test('a CronJob is suspended or healthy', () => {
    expect(statusOf(cronJobHealth(workload({ name: 'nightly', kind: 'CronJob', suspended: true })))).toBe('SUSPENDED');
    expect(statusOf(workloadHealth(workload({ name: 'nightly', kind: 'CronJob', desired: 0, updated: 0 })))).toBe('HEALTHY');
  });
});

describe('Pod health', () => {
  test('a crash-looping or unpullable container degrades its pod', () => {
    const crashing = pod({
      name: 'web-1',
      ready: false,
      containers: [{ name: 'web', image: 'x:simulate-crash', ready: false, restartCount: 3, state: 'waiting', reason: 'CrashLoopBackOff' }],
    });
    expect(podHealth(crashing)).toEqual({ status: 'DEGRADED', reason: 'container web is crash-looping' });
    for (const reason of ['ImagePullBackOff', 'ErrImagePull', 'CreateContainerConfigError']) {
      expect(
        statusOf(podHealth(pod({ name: 'web-2', phase: 'Pending', containers: [{ name: 'web', image: 'x', ready: false, restartCount: 0, state: 'waiting', reason }] }))),
      ).toBe('DEGRADED');
    }
  });

  test('pending and not-yet-ready pods progress; a ready one is healthy', () => {
    expect(
      podHealth(pod({ name: 'web-1', phase: 'Pending', containers: [{ name: 'web', image: 'x', ready: false, restartCount: 0, state: 'waiting', reason: 'ContainerCreating' }] })),
    ).toEqual({
      status: 'PROGRESSING',
      reason: 'pending: container web is ContainerCreating',
    });
    expect(podHealth(pod({ name: 'web-1', ready: false, containers: [{ name: 'web', image: 'x', ready: false, restartCount: 0, state: 'running' }] }))).toEqual({
      status: 'PROGRESSING',
      reason: 'not ready yet',
    });
    expect(statusOf(podHealth(pod({ name: 'web-1' })))).toBe('HEALTHY');
  });

  test('a running pod that restarted and is not ready is crash-looping, as between two back-offs; one that restarted and recovered is healthy', () => {
    expect(podHealth(pod({ name: 'web-1', ready: false, containers: [{ name: 'web', image: 'x', ready: false, restartCount: 2, state: 'running' }] }))).toEqual({
      status: 'DEGRADED',
      reason: 'container web is crash-looping',
    });
    expect(statusOf(podHealth(pod({ name: 'web-1', restarts: 4, containers: [{ name: 'web', image: 'x', ready: true, restartCount: 4, state: 'running' }] })))).toBe('HEALTHY');
  });

  test('failed pods degrade; succeeded ones are healthy; terminating ones progress; unknown ones degrade', () => {
    expect(
      podHealth(pod({ name: 'job-1', phase: 'Failed', containers: [{ name: 'run', image: 'x', ready: false, restartCount: 0, state: 'terminated', reason: 'Error' }] })),
    ).toEqual({
      status: 'DEGRADED',
      reason: 'the pod failed: container run Error',
    });
    expect(statusOf(podHealth(pod({ name: 'job-1', phase: 'Succeeded', ready: false })))).toBe('HEALTHY');
    expect(podHealth(pod({ name: 'web-1', deletionTimestamp: '2024-05-01T00:00:00Z' }))).toEqual({ status: 'PROGRESSING', reason: 'terminating' });
    expect(statusOf(podHealth(pod({ name: 'web-1', phase: 'Unknown' })))).toBe('DEGRADED');
  });

  test('a Job’s pod runs to completion: a waiting container there is a retry, running is progress', () => {
    const owner = { kind: 'Job', name: 'report' };
    expect(
      statusOf(
        podHealth(
          pod({ name: 'report-1', owner, ready: false, containers: [{ name: 'run', image: 'x', ready: false, restartCount: 1, state: 'waiting', reason: 'CrashLoopBackOff' }] }),
        ),
      ),
    ).not.toBe('DEGRADED');
    expect(podHealth(pod({ name: 'report-1', owner, ready: false }))).toEqual({ status: 'PROGRESSING', reason: 'running to completion' });
  });
});

describe('Service and claim health', () => {
  test('a LoadBalancer progresses until it has an address; other types are healthy', () => {
    expect(serviceHealth(service({ name: 'front', type: 'LoadBalancer', loadBalancerIngress: [] }))).toEqual({
      status: 'PROGRESSING',
      reason: 'waiting for a load balancer address',
    });
    expect(statusOf(serviceHealth(service({ name: 'front', type: 'LoadBalancer', loadBalancerIngress: ['203.0.113.5'] })))).toBe('HEALTHY');
    expect(statusOf(serviceHealth(service({ name: 'db', type: 'ClusterIP' })))).toBe('HEALTHY');
  });

  test('a claim: Bound healthy, Pending progressing, Lost degraded', () => {
    expect(statusOf(claimHealth(claim({ name: 'data', phase: 'Bound' })))).toBe('HEALTHY');
    expect(claimHealth(claim({ name: 'data', phase: 'Pending' }))).toEqual({ status: 'PROGRESSING', reason: 'waiting for a volume to be bound' });
    expect(claimHealth(claim({ name: 'data', phase: 'Lost' }))).toEqual({ status: 'DEGRADED', reason: 'the claim lost its volume' });
  });
});

describe('the worst of several objects', () => {
  test('orders HEALTHY < SUSPENDED < PROGRESSING < MISSING < DEGRADED', () => {
    const order: HealthStatus[] = ['HEALTHY', 'SUSPENDED', 'PROGRESSING', 'MISSING', 'DEGRADED'];
    for (let index = 1; index < order.length; index += 1) expect(isWorse(order[index]!, order[index - 1]!)).toBe(true);
  });

  test('names the object that decides, the first one on a tie; nothing to judge is healthy', () => {
    const judged = [
      { kind: 'Deployment', name: 'web', health: { status: 'PROGRESSING' as const, reason: 'rolling out' } },
      { kind: 'Pod', name: 'web-1', health: { status: 'DEGRADED' as const, reason: 'container web is in CrashLoopBackOff' } },
      { kind: 'Pod', name: 'web-2', health: { status: 'DEGRADED' as const, reason: 'container web is in ImagePullBackOff' } },
    ];
    expect(worstOf(judged)).toEqual({ status: 'DEGRADED', reason: 'Pod web-1: container web is in CrashLoopBackOff' });
    expect(worstOf([])).toEqual({ status: 'HEALTHY', reason: null });
    expect(worstOf([{ kind: 'Deployment', name: 'web', health: { status: 'SUSPENDED', reason: null } }])).toEqual({ status: 'SUSPENDED', reason: 'Deployment web: suspended' });
  });
});
