import { nodeRoles, projectNamespace, projectNode, projectPod } from './projections.js';

/** A pod as a watch event carries it: plain JSON, timestamps as strings. */
function podJson(): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: 'web-7d4b9c-x2x',
      namespace: 'shop',
      uid: 'pod-uid-1',
      resourceVersion: '1234',
      creationTimestamp: '2024-05-01T10:00:00Z',
      labels: { app: 'web' },
      ownerReferences: [
        { apiVersion: 'v1', kind: 'Secret', name: 'not-the-owner', uid: 'x', controller: false },
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'rs-uid', controller: true },
      ],
      managedFields: [{ manager: 'kubelet' }],
    },
    spec: {
      nodeName: 'worker-1',
      containers: [
        { name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '1', memory: '128Mi' } } },
        { name: 'sidecar', image: 'envoy:1.30' },
        { name: 'init-like', image: 'busybox' },
      ],
    },
    status: {
      phase: 'Running',
      podIP: '10.0.0.7',
      startTime: '2024-05-01T10:00:05Z',
      conditions: [
        { type: 'PodScheduled', status: 'True' },
        { type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T10:00:09Z' },
      ],
      containerStatuses: [
        { name: 'app', image: 'docker.io/library/nginx:1.27', ready: true, restartCount: 2, state: { running: { startedAt: '2024-05-01T10:00:08Z' } } },
        { name: 'sidecar', ready: false, restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off' } } },
        { name: 'init-like', ready: false, restartCount: 0, state: { terminated: { reason: 'Completed', exitCode: 0, startedAt: '2024-05-01T10:00:06Z' } } },
      ],
    },
  };
}

/** The same pod as the generated clients deserialize a list: Date instances for timestamps. */
function podFromGeneratedClient(): Record<string, unknown> {
  const pod = podJson();
  const metadata = pod['metadata'] as Record<string, unknown>;
  metadata['creationTimestamp'] = new Date('2024-05-01T10:00:00Z');
  const status = pod['status'] as Record<string, unknown>;
  status['startTime'] = new Date('2024-05-01T10:00:05Z');
  const statuses = status['containerStatuses'] as Record<string, unknown>[];
  statuses[0] = { ...statuses[0], state: { running: { startedAt: new Date('2024-05-01T10:00:08Z') } } };
  return pod;
}

describe('projectPod', () => {
  it('normalizes a pod', () => {
    expect(projectPod(podJson())).toEqual({
      uid: 'pod-uid-1',
      name: 'web-7d4b9c-x2x',
      namespace: 'shop',
      resourceVersion: '1234',
      phase: 'Running',
      ready: true,
      restarts: 5,
      nodeName: 'worker-1',
      podIP: '10.0.0.7',
      startedAt: '2024-05-01T10:00:05.000Z',
      createdAt: '2024-05-01T10:00:00.000Z',
      labels: { app: 'web' },
      owner: { kind: 'ReplicaSet', name: 'web-7d4b9c', uid: 'rs-uid' },
      containers: [
        {
          name: 'app',
          image: 'nginx:1.27',
          ready: true,
          restartCount: 2,
          state: 'running',
          startedAt: '2024-05-01T10:00:08.000Z',
          requests: { cpuCores: 0.25, memoryBytes: 64 * 1024 ** 2 },
          limits: { cpuCores: 1, memoryBytes: 128 * 1024 ** 2 },
        },
        {
          name: 'sidecar',
          image: 'envoy:1.30',
          ready: false,
          restartCount: 3,
          state: 'waiting',
          reason: 'CrashLoopBackOff',
          requests: { cpuCores: 0, memoryBytes: 0 },
          limits: { cpuCores: 0, memoryBytes: 0 },
        },
        {
          name: 'init-like',
          image: 'busybox',
          ready: false,
          restartCount: 0,
          state: 'terminated',
          reason: 'Completed',
          startedAt: '2024-05-01T10:00:06.000Z',
          requests: { cpuCores: 0, memoryBytes: 0 },
          limits: { cpuCores: 0, memoryBytes: 0 },
        },
      ],
    });
  });

  it('projects the list shape (Dates) exactly like the watch shape (strings)', () => {
    expect(projectPod(podFromGeneratedClient())).toEqual(projectPod(podJson()));
  });

  it('handles a freshly created pod with no status, and a pod being deleted', () => {
    const pending = projectPod({
      metadata: { name: 'p', namespace: 'n', uid: 'u', resourceVersion: '1', deletionTimestamp: '2024-05-01T11:00:00Z' },
      spec: { containers: [{ name: 'c', image: 'i' }] },
    });
    expect(pending).toMatchObject({ phase: 'Unknown', ready: false, restarts: 0, deletionTimestamp: '2024-05-01T11:00:00.000Z' });
    expect(pending.containers[0]).toMatchObject({ state: 'unknown', ready: false, restartCount: 0 });
    expect(pending).not.toHaveProperty('owner');
    expect(pending).not.toHaveProperty('nodeName');
  });

  it('refuses an object without identity', () => {
    expect(() => projectPod({ metadata: { name: 'p', namespace: 'n' } })).toThrow(/metadata.uid/);
  });
});

describe('projectNode', () => {
  const node = {
    metadata: {
      name: 'worker-1',
      uid: 'node-uid',
      resourceVersion: '77',
      creationTimestamp: '2024-04-01T00:00:00Z',
      labels: {
        'node-role.kubernetes.io/control-plane': '',
        'node-role.kubernetes.io/worker': 'true',
        'kubernetes.io/hostname': 'worker-1',
      },
    },
    spec: {
      unschedulable: true,
      taints: [
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        { key: 'x', effect: 'NoExecute' },
      ],
    },
    status: {
      capacity: { cpu: '4', memory: '16314372Ki', 'ephemeral-storage': '100Gi', pods: '110' },
      allocatable: { cpu: '3800m', memory: '15Gi', 'ephemeral-storage': '95G', pods: '110' },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', lastHeartbeatTime: '2024-05-01T00:00:00Z' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      addresses: [
        { type: 'Hostname', address: 'worker-1' },
        { type: 'InternalIP', address: '192.168.0.11' },
      ],
      nodeInfo: { kubeletVersion: 'v1.30.2' },
    },
  };

  it('normalizes a node', () => {
    expect(projectNode(node)).toEqual({
      uid: 'node-uid',
      name: 'worker-1',
      resourceVersion: '77',
      labels: node.metadata.labels,
      roles: ['control-plane', 'worker'],
      ready: true,
      unschedulable: true,
      kubeletVersion: 'v1.30.2',
      internalIP: '192.168.0.11',
      capacity: { cpuCores: 4, memoryBytes: 16314372 * 1024, storageBytes: 100 * 1024 ** 3, pods: 110 },
      allocatable: { cpuCores: 3.8, memoryBytes: 15 * 1024 ** 3, storageBytes: 95e9, pods: 110 },
      conditions: [
        { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory' },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      taints: [
        { key: 'dedicated', value: 'gpu', effect: 'NoSchedule' },
        { key: 'x', effect: 'NoExecute' },
      ],
      createdAt: '2024-04-01T00:00:00.000Z',
    });
  });

  it('is not ready without a True Ready condition and takes legacy role labels', () => {
    const bare = projectNode({ metadata: { name: 'n', uid: 'u', labels: { 'kubernetes.io/role': 'master' } }, status: { conditions: [{ type: 'Ready', status: 'Unknown' }] } });
    expect(bare).toMatchObject({ ready: false, unschedulable: false, roles: ['master'], taints: [] });
    expect(bare.capacity).toEqual({ cpuCores: 0, memoryBytes: 0, storageBytes: 0, pods: 0 });
  });

  it('lists roles sorted and unique', () => {
    expect(nodeRoles({ 'node-role.kubernetes.io/': 'x', 'node-role.kubernetes.io/b': '', 'node-role.kubernetes.io/a': '', 'kubernetes.io/role': 'a' })).toEqual(['a', 'b']);
  });
});

describe('projectNamespace', () => {
  it('normalizes a namespace, Active by default', () => {
    expect(projectNamespace({ metadata: { name: 'shop', uid: 'ns-uid', resourceVersion: '9', labels: { team: 'a' } }, status: { phase: 'Terminating' } })).toEqual({
      uid: 'ns-uid',
      name: 'shop',
      resourceVersion: '9',
      phase: 'Terminating',
      labels: { team: 'a' },
    });
    expect(projectNamespace({ metadata: { name: 'x', uid: 'y' } }).phase).toBe('Active');
  });
});

describe('compact pod projections (heap per cached pod)', () => {
  const sibling = (name: string, uid: string, labels: Record<string, string>) => {
    const json = podJson();
    const metadata = json['metadata'] as Record<string, unknown>;
    return projectPod({ ...json, metadata: { ...metadata, name, uid, labels } });
  };

  test('pods of one controller share one frozen copy of their labels, controller, requests and limits', () => {
    const first = sibling('web-a', 'uid-a', { app: 'web', 'pod-template-hash': '7d4b9c' });
    const second = sibling('web-b', 'uid-b', { app: 'web', 'pod-template-hash': '7d4b9c' });
    expect(second.labels).toBe(first.labels);
    expect(second.owner).toBe(first.owner);
    expect(second.containers[0]!.requests).toBe(first.containers[0]!.requests);
    expect(second.containers[0]!.limits).toBe(first.containers[0]!.limits);
    expect(Object.isFrozen(first.labels)).toBe(true);
    expect(first.containers[0]!.requests).toEqual({ cpuCores: 0.25, memoryBytes: 64 * 2 ** 20 });
    // Different content, different copies.
    expect(sibling('web-c', 'uid-c', { app: 'web', 'pod-template-hash': 'other' }).labels).not.toBe(first.labels);
  });

  test('labels unique to a pod (a StatefulSet pod’s name) are not pooled', () => {
    const labels = { app: 'db', 'statefulset.kubernetes.io/pod-name': 'db-0' };
    const pod = sibling('db-0', 'uid-db-0', labels);
    expect(pod.labels).toEqual(labels);
    expect(Object.isFrozen(pod.labels)).toBe(false);
  });
});
