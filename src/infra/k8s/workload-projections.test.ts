import { projectCronJob, projectDaemonSet, projectDeployment, projectJob, projectStatefulSet } from './workload-projections.js';

const metadata = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: 'shop',
  uid: `${name}-uid`,
  resourceVersion: '42',
  generation: 3,
  creationTimestamp: '2024-05-01T10:00:00Z',
  labels: { app: name },
  managedFields: [{ manager: 'kubectl' }],
  ...extra,
});

const template = (restartedAt?: string) => ({
  metadata: { labels: { app: 'web' }, ...(restartedAt ? { annotations: { 'kubectl.kubernetes.io/restartedAt': restartedAt } } : {}) },
  spec: {
    containers: [
      { name: 'app', image: 'nginx:1.27' },
      { name: 'proxy', image: 'envoy:1.30' },
    ],
  },
});

describe('workload projections', () => {
  it('projects a Deployment mid-rollout, keeping the restart stamp and dropping condition times', () => {
    const deployment = {
      metadata: metadata('web'),
      spec: {
        replicas: 3,
        selector: {
          matchLabels: { app: 'web' },
          matchExpressions: [
            { key: 'tier', operator: 'In', values: ['front'] },
            { key: 'x', operator: 'Exists' },
          ],
        },
        template: template('2024-05-02T08:00:00Z'),
      },
      status: {
        observedGeneration: 2,
        replicas: 4,
        readyReplicas: 2,
        availableReplicas: 2,
        updatedReplicas: 1,
        conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: '2024-05-02T08:00:01Z' }],
      },
    };
    expect(projectDeployment(deployment)).toEqual({
      uid: 'web-uid',
      kind: 'Deployment',
      name: 'web',
      namespace: 'shop',
      resourceVersion: '42',
      labels: { app: 'web' },
      selector: { app: 'web', tier: 'front' },
      desired: 3,
      ready: 2,
      available: 2,
      updated: 1,
      images: ['nginx:1.27', 'envoy:1.30'],
      conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }],
      generation: 3,
      observedGeneration: 2,
      restartedAt: '2024-05-02T08:00:00Z',
      createdAt: '2024-05-01T10:00:00.000Z',
      totalReplicas: 4,
      updateStrategy: 'RollingUpdate',
    });
  });

  it('keeps what a health judgement needs: a paused Deployment, its strategy and the claims its pods mount', () => {
    const projected = projectDeployment({
      metadata: metadata('paused'),
      spec: {
        paused: true,
        strategy: { type: 'Recreate' },
        selector: { matchLabels: { app: 'web' } },
        template: {
          spec: {
            containers: [{ name: 'web', image: 'nginx:1.27' }],
            volumes: [
              { name: 'content', persistentVolumeClaim: { claimName: 'web-content' } },
              { name: 'tmp', emptyDir: {} },
            ],
          },
        },
      },
    });
    expect(projected).toMatchObject({ paused: true, updateStrategy: 'Recreate', claimNames: ['web-content'] });
    expect(projectDeployment({ metadata: metadata('plain'), spec: { template: template() } })).not.toHaveProperty('paused');
  });

  it('projects a StatefulSet rollout: strategy, partition, revisions and claim templates', () => {
    const projected = projectStatefulSet({
      metadata: metadata('db'),
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: 'db' } },
        template: template(),
        updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
        volumeClaimTemplates: [{ metadata: { name: 'data' } }],
      },
      status: { currentRevision: 'db-1', updateRevision: 'db-2' },
    });
    expect(projected).toMatchObject({ updateStrategy: 'RollingUpdate', partition: 2, currentRevision: 'db-1', updateRevision: 'db-2', claimTemplates: ['data'] });
    expect(projectStatefulSet({ metadata: metadata('s'), spec: { template: template(), updateStrategy: { type: 'OnDelete' } } })).toMatchObject({ updateStrategy: 'OnDelete' });
  });

  it('defaults replicas to 1 and counts to 0 for a Deployment the controller has not seen', () => {
    const projected = projectDeployment({ metadata: metadata('new'), spec: { selector: {}, template: template() } });
    expect(projected).toMatchObject({ desired: 1, ready: 0, available: 0, updated: 0, observedGeneration: 0, conditions: [] });
    expect(projected).not.toHaveProperty('restartedAt');
    expect(projectDeployment({ metadata: metadata('zero'), spec: { replicas: 0, template: template() } }).desired).toBe(0);
  });

  it('projects a StatefulSet with current replicas as available', () => {
    const projected = projectStatefulSet({
      metadata: metadata('db'),
      spec: { replicas: 3, selector: { matchLabels: { app: 'db' } }, template: template() },
      status: { readyReplicas: 3, currentReplicas: 2, updatedReplicas: 1, observedGeneration: 3 },
    });
    expect(projected).toMatchObject({ kind: 'StatefulSet', desired: 3, ready: 3, available: 2, updated: 1, generation: 3, observedGeneration: 3 });
  });

  it('projects a DaemonSet from its scheduling counts', () => {
    const projected = projectDaemonSet({
      metadata: metadata('agent'),
      spec: { selector: { matchLabels: { app: 'agent' } }, template: template() },
      status: { desiredNumberScheduled: 5, numberReady: 4, numberAvailable: 3, updatedNumberScheduled: 5, observedGeneration: 3 },
    });
    expect(projected).toMatchObject({ kind: 'DaemonSet', desired: 5, ready: 4, available: 3, updated: 5 });
  });

  it('projects a Job created by a CronJob with its counts, conditions and owner', () => {
    const projected = projectJob({
      metadata: metadata('report-28512', {
        ownerReferences: [{ apiVersion: 'batch/v1', kind: 'CronJob', name: 'report', uid: 'cj-uid', controller: true }],
      }),
      spec: { parallelism: 2, selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'j' } }, template: template() },
      status: { active: 1, ready: 1, succeeded: 3, failed: 1, conditions: [{ type: 'Complete', status: 'False' }] },
    });
    expect(projected).toMatchObject({
      kind: 'Job',
      desired: 2,
      ready: 1,
      available: 1,
      succeeded: 3,
      failed: 1,
      owner: { kind: 'CronJob', name: 'report', uid: 'cj-uid' },
      conditions: [{ type: 'Complete', status: 'False' }],
    });
    expect(projected).not.toHaveProperty('suspended');
    expect(projectJob({ metadata: metadata('held'), spec: { suspend: true, template: template() } })).toMatchObject({ suspended: true });
  });

  it('projects a CronJob with its schedule, suspension and last run, and its job template images', () => {
    const projected = projectCronJob({
      metadata: metadata('report'),
      spec: { schedule: '*/5 * * * *', suspend: true, jobTemplate: { spec: { template: template() } } },
      status: { active: [{ name: 'report-1' }, { name: 'report-2' }], lastScheduleTime: '2024-05-02T08:05:00Z' },
    });
    expect(projected).toMatchObject({
      kind: 'CronJob',
      selector: {},
      desired: 0,
      available: 2,
      schedule: '*/5 * * * *',
      suspended: true,
      lastScheduleTime: '2024-05-02T08:05:00.000Z',
      images: ['nginx:1.27', 'envoy:1.30'],
    });
    expect(projectCronJob({ metadata: metadata('idle'), spec: { schedule: '0 * * * *' } })).toMatchObject({ suspended: false, available: 0 });
  });

  it('refuses a workload without identity, as the reflector skips such objects', () => {
    expect(() => projectDeployment({ metadata: { name: 'x', namespace: 'shop' } })).toThrow(/metadata.uid/);
    expect(() => projectJob({ metadata: { name: 'x', uid: 'u' } })).toThrow(/metadata.namespace/);
  });
});
