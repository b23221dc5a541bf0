/** Small builders of cache projections for the app-maps unit tests. */
import type { MapClaim, MapPod, MapService, MapWorkload } from './objects.js';

let counter = 0;
const nextUid = () => `uid-${(counter += 1)}`;

export function workload(overrides: Partial<MapWorkload> & Pick<MapWorkload, 'name'>): MapWorkload {
  return {
    uid: nextUid(),
    kind: 'Deployment',
    namespace: 'shop',
    resourceVersion: '1',
    labels: { app: overrides.name },
    selector: { app: overrides.name },
    desired: 2,
    ready: 2,
    available: 2,
    updated: 2,
    totalReplicas: 2,
    images: [`example/${overrides.name}:1.0`],
    conditions: [],
    generation: 1,
    observedGeneration: 1,
    ...overrides,
  };
}

export function pod(overrides: Partial<MapPod> & Pick<MapPod, 'name'>): MapPod {
  return {
    uid: nextUid(),
    namespace: 'shop',
    resourceVersion: '1',
    phase: 'Running',
    ready: true,
    restarts: 0,
    nodeName: 'worker-1',
    labels: {},
    containers: [{ name: 'main', image: 'example/app:1.0', ready: true, restartCount: 0, state: 'running' }],
    ...overrides,
  };
}

export function service(overrides: Partial<MapService> & Pick<MapService, 'name'>): MapService {
  return {
    uid: nextUid(),
    namespace: 'shop',
    resourceVersion: '1',
    type: 'ClusterIP',
    clusterIP: '10.0.0.1',
    ports: [{ protocol: 'TCP', port: 80, targetPort: '8080' }],
    selector: {},
    labels: {},
    ...overrides,
  };
}

export function claim(overrides: Partial<MapClaim> & Pick<MapClaim, 'name'>): MapClaim {
  return {
    uid: nextUid(),
    namespace: 'shop',
    resourceVersion: '1',
    requestedBytes: 2 ** 30,
    capacityBytes: 2 ** 30,
    accessModes: ['ReadWriteOnce'],
    phase: 'Bound',
    ...overrides,
  };
}
