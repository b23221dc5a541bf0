/**
 * Heap cost of the pod cache: projections only, never whole objects (DESIGN.md). Prints the
 * figures for 10 clusters × 10,000 pods; asserts only a loose bound, so a cache that started
 * keeping raw objects would fail here.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { projectPod } from './projections.js';

const PODS = 10_000;

function rawPod(index: number): Record<string, unknown> {
  // Shaped like what a real apiserver sends for a Deployment's pod (managedFields included).
  return JSON.parse(
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `web-7d4b9c6f8d-${index.toString(36).padStart(5, '0')}`,
        generateName: 'web-7d4b9c6f8d-',
        namespace: `team-${index % 20}`,
        uid: `0b6f1c2e-4a5b-4c3d-9e8f-${index.toString(16).padStart(12, '0')}`,
        resourceVersion: String(100_000 + index),
        creationTimestamp: '2024-05-01T10:00:00Z',
        labels: { app: 'web', 'pod-template-hash': '7d4b9c6f8d', tier: 'frontend' },
        annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-05-01T09:59:00Z', 'prometheus.io/scrape': 'true' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4b9c6f8d', uid: 'rs-uid', controller: true, blockOwnerDeletion: true }],
        managedFields: [
          {
            manager: 'kube-controller-manager',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2024-05-01T10:00:00Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:metadata': { 'f:generateName': {}, 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': {} } },
          },
          {
            manager: 'kubelet',
            operation: 'Update',
            apiVersion: 'v1',
            time: '2024-05-01T10:00:09Z',
            fieldsType: 'FieldsV1',
            subresource: 'status',
            fieldsV1: { 'f:status': { 'f:conditions': {}, 'f:containerStatuses': {}, 'f:podIP': {} } },
          },
        ],
      },
      spec: {
        nodeName: `worker-${index % 50}`,
        serviceAccountName: 'default',
        restartPolicy: 'Always',
        dnsPolicy: 'ClusterFirst',
        terminationGracePeriodSeconds: 30,
        containers: [
          {
            name: 'app',
            image: 'registry.example.com/shop/web:1.27.3',
            ports: [{ containerPort: 8080, protocol: 'TCP' }],
            env: [
              { name: 'MODE', value: 'production' },
              { name: 'LOG_LEVEL', value: 'info' },
            ],
            resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } },
            volumeMounts: [{ name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }],
            readinessProbe: { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 10 },
          },
        ],
        volumes: [{ name: 'kube-api-access', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3607 } }] } }],
        tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
      },
      status: {
        phase: 'Running',
        hostIP: '10.0.0.1',
        podIP: `10.244.${index % 250}.${index % 200}`,
        startTime: '2024-05-01T10:00:01Z',
        qosClass: 'Burstable',
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: '2024-05-01T10:00:01Z' },
          { type: 'Ready', status: 'True', lastTransitionTime: '2024-05-01T10:00:09Z' },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: '2024-05-01T10:00:09Z' },
          { type: 'PodScheduled', status: 'True', lastTransitionTime: '2024-05-01T10:00:00Z' },
        ],
        containerStatuses: [
          {
            name: 'app',
            image: 'registry.example.com/shop/web:1.27.3',
            imageID: 'registry.example.com/shop/web@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef',
            containerID: `containerd://${index.toString(16).padStart(64, '0')}`,
            ready: true,
            started: true,
            restartCount: index % 3,
            state: { running: { startedAt: '2024-05-01T10:00:05Z' } },
          },
        ],
      },
    }),
  ) as Record<string, unknown>;
}

const collectGarbage = (() => {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

function heapUsed(): number {
  collectGarbage();
  collectGarbage();
  return process.memoryUsage().heapUsed;
}

/** Heap retained by what `build` returns, in bytes per item. */
function retainedPerItem(build: () => unknown[]): number {
  const before = heapUsed();
  const kept = build();
  const after = heapUsed();
  const perItem = (after - before) / kept.length;
  // Keep `kept` alive until after the measurement.
  expect(kept).toHaveLength(PODS);
  return perItem;
}

describe('pod cache memory', () => {
  it('keeps a pod projection several times smaller than the pod, well under 2 KB', () => {
    const raw = retainedPerItem(() => Array.from({ length: PODS }, (_, index) => rawPod(index)));
    const projected = retainedPerItem(() => Array.from({ length: PODS }, (_, index) => projectPod(rawPod(index))));
    const clusters = 10;
    // The figures are the point of this test.
    console.log(
      [
        `heap per pod: raw object ${(raw / 1024).toFixed(2)} KB, projection ${(projected / 1024).toFixed(2)} KB`,
        `${clusters} clusters × ${PODS} pods: raw ${((raw * PODS * clusters) / 2 ** 20).toFixed(0)} MB, projections ${((projected * PODS * clusters) / 2 ** 20).toFixed(0)} MB`,
      ].join('\n'),
    );
    expect(projected).toBeGreaterThan(0);
    expect(projected).toBeLessThan(raw / 3);
    expect(projected).toBeLessThan(2 * 1024);
  });
});
