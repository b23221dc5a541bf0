import {
  projectKubernetesEvent,
  projectPersistentVolume,
  projectPersistentVolumeClaim,
  projectPodDisruptionBudget,
  projectService,
  projectStorageClass,
} from './resource-projections.js';

const meta = (name: string, namespace?: string, extra: Record<string, unknown> = {}) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: `${name}-uid`,
  resourceVersion: '7',
  creationTimestamp: '2024-05-01T10:00:00Z',
  ...extra,
});

describe('projectService', () => {
  it('projects a load balancer service with named and numeric target ports and its ingress addresses', () => {
    expect(
      projectService({
        metadata: meta('web', 'shop', { labels: { app: 'web' } }),
        spec: {
          type: 'LoadBalancer',
          clusterIP: '10.96.0.10',
          externalIPs: ['192.0.2.1'],
          selector: { app: 'web' },
          ports: [
            { name: 'http', protocol: 'TCP', port: 80, targetPort: 8080, nodePort: 30080 },
            { port: 443, targetPort: 'https' },
          ],
        },
        status: { loadBalancer: { ingress: [{ ip: '203.0.113.5' }, { hostname: 'lb.example.com' }, { ip: '192.0.2.1' }] } },
      }),
    ).toEqual({
      uid: 'web-uid',
      name: 'web',
      namespace: 'shop',
      resourceVersion: '7',
      type: 'LoadBalancer',
      clusterIP: '10.96.0.10',
      externalIPs: ['192.0.2.1', '203.0.113.5', 'lb.example.com'],
      ports: [
        { name: 'http', protocol: 'TCP', port: 80, targetPort: '8080', nodePort: 30080 },
        { protocol: 'TCP', port: 443, targetPort: 'https' },
      ],
      selector: { app: 'web' },
      labels: { app: 'web' },
      createdAt: '2024-05-01T10:00:00.000Z',
      loadBalancerIngress: ['203.0.113.5', 'lb.example.com', '192.0.2.1'],
    });
  });

  it('tells a pending load balancer (no ingress yet) from a service of another type', () => {
    expect(projectService({ metadata: meta('lb', 'shop'), spec: { type: 'LoadBalancer' }, status: { loadBalancer: {} } })).toMatchObject({ loadBalancerIngress: [] });
    expect(projectService({ metadata: meta('db', 'shop'), spec: { type: 'ClusterIP' } })).not.toHaveProperty('loadBalancerIngress');
  });

  it('defaults the type to ClusterIP', () => {
    expect(projectService({ metadata: meta('db', 'shop'), spec: {} })).toMatchObject({ type: 'ClusterIP', ports: [], externalIPs: [], selector: {} });
  });
});

describe('storage projections', () => {
  it('projects a bound persistent volume with its claim', () => {
    expect(
      projectPersistentVolume({
        metadata: meta('pv-1'),
        spec: {
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          storageClassName: 'fast',
          claimRef: { kind: 'PersistentVolumeClaim', namespace: 'shop', name: 'data-db-0', uid: 'x' },
        },
        status: { phase: 'Bound' },
      }),
    ).toEqual({
      uid: 'pv-1-uid',
      name: 'pv-1',
      resourceVersion: '7',
      capacityBytes: 10 * 2 ** 30,
      accessModes: ['ReadWriteOnce'],
      reclaimPolicy: 'Retain',
      storageClassName: 'fast',
      phase: 'Bound',
      claim: { namespace: 'shop', name: 'data-db-0' },
      createdAt: '2024-05-01T10:00:00.000Z',
    });
  });

  it('projects a pending claim and a bound one', () => {
    expect(
      projectPersistentVolumeClaim({
        metadata: meta('data', 'shop'),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'fast' },
        status: { phase: 'Pending' },
      }),
    ).toEqual({
      uid: 'data-uid',
      name: 'data',
      namespace: 'shop',
      resourceVersion: '7',
      requestedBytes: 5 * 2 ** 30,
      capacityBytes: 0,
      accessModes: ['ReadWriteOnce'],
      storageClassName: 'fast',
      phase: 'Pending',
      createdAt: '2024-05-01T10:00:00.000Z',
    });
    expect(
      projectPersistentVolumeClaim({
        metadata: meta('bound', 'shop'),
        spec: { resources: { requests: { storage: '1G' } }, volumeName: 'pv-9' },
        status: { phase: 'Bound', capacity: { storage: '2G' } },
      }),
    ).toMatchObject({ requestedBytes: 1e9, capacityBytes: 2e9, volumeName: 'pv-9', phase: 'Bound' });
  });

  it('projects storage classes and tells the default one by either annotation', () => {
    expect(
      projectStorageClass({
        metadata: meta('standard', undefined, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
        provisioner: 'rancher.io/local-path',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
      }),
    ).toEqual({
      uid: 'standard-uid',
      name: 'standard',
      resourceVersion: '7',
      provisioner: 'rancher.io/local-path',
      reclaimPolicy: 'Delete',
      volumeBindingMode: 'WaitForFirstConsumer',
      allowVolumeExpansion: true,
      isDefault: true,
    });
    const beta = { metadata: meta('old', undefined, { annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } }), provisioner: 'x' };
    expect(projectStorageClass(beta).isDefault).toBe(true);
    expect(projectStorageClass({ metadata: meta('plain'), provisioner: 'x' })).toMatchObject({ isDefault: false, allowVolumeExpansion: false });
  });
});

describe('projectKubernetesEvent', () => {
  it('projects a classic event with count and timestamps', () => {
    expect(
      projectKubernetesEvent({
        metadata: meta('web-1.17a', 'shop'),
        type: 'Warning',
        reason: 'BackOff',
        message: 'Back-off restarting failed container',
        involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop', uid: 'p' },
        count: 12,
        firstTimestamp: '2024-05-01T10:00:00Z',
        lastTimestamp: '2024-05-01T10:30:00Z',
        source: { component: 'kubelet', host: 'worker-1' },
      }),
    ).toEqual({
      uid: 'web-1.17a-uid',
      namespace: 'shop',
      resourceVersion: '7',
      type: 'Warning',
      reason: 'BackOff',
      message: 'Back-off restarting failed container',
      involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'shop' },
      count: 12,
      firstSeen: '2024-05-01T10:00:00.000Z',
      lastSeen: '2024-05-01T10:30:00.000Z',
      source: 'kubelet',
    });
  });

  it('reads the series form newer reporters use, and falls back to the creation time', () => {
    const series = projectKubernetesEvent({
      metadata: meta('e', 'shop'),
      reason: 'Scheduled',
      involvedObject: { kind: 'Pod', name: 'web-1' },
      eventTime: '2024-05-01T10:00:00.000000Z',
      series: { count: 4, lastObservedTime: '2024-05-01T10:05:00.000000Z' },
      reportingComponent: 'default-scheduler',
    });
    expect(series).toMatchObject({ type: 'Normal', count: 4, firstSeen: '2024-05-01T10:00:00.000Z', lastSeen: '2024-05-01T10:05:00.000Z', source: 'default-scheduler' });
    expect(projectKubernetesEvent({ metadata: meta('bare', 'shop') })).toMatchObject({ count: 1, lastSeen: '2024-05-01T10:00:00.000Z', message: '', reason: '' });
  });

  it('gives an event without any time the oldest time there is, never an empty one (lastSeen is a non-null DateTime)', () => {
    const { creationTimestamp: _none, ...timeless } = meta('timeless', 'shop');
    expect(projectKubernetesEvent({ metadata: timeless }).lastSeen).toBe('1970-01-01T00:00:00.000Z');
  });
});

describe('projectPodDisruptionBudget', () => {
  it('keeps minAvailable or maxUnavailable as written, numbers as strings', () => {
    expect(
      projectPodDisruptionBudget({
        metadata: meta('db', 'shop'),
        spec: { minAvailable: 2, selector: { matchLabels: { app: 'db' } } },
        status: { disruptionsAllowed: 0, currentHealthy: 2 },
      }),
    ).toEqual({ uid: 'db-uid', name: 'db', namespace: 'shop', resourceVersion: '7', selector: { app: 'db' }, minAvailable: '2', disruptionsAllowed: 0 });
    expect(projectPodDisruptionBudget({ metadata: meta('web', 'shop'), spec: { maxUnavailable: '25%' }, status: { disruptionsAllowed: 1 } })).toMatchObject({
      maxUnavailable: '25%',
      disruptionsAllowed: 1,
      selector: {},
    });
  });
});
