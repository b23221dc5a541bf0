import type { ClusterFacts, MapEvent, NamespaceObjects } from './objects.js';
import { imagesOf, splitImage } from './images.js';
import { drawPicture, type PictureInput } from './picture.js';
import type { AppMapRecord } from './records.js';
import { claim, pod, service, workload } from './test-objects.test-support.js';

const cluster: ClusterFacts = { id: 'c1', name: 'acorn', provider: 'ON_PREMISE', region: 'Seoul', state: 'RUNNING' };

function map(overrides: Partial<AppMapRecord> = {}): AppMapRecord {
  return {
    id: 'm1',
    workspaceId: 'w1',
    clusterId: 'c1',
    namespace: 'shop',
    name: 'shop',
    description: '',
    stage: 'PROD',
    selector: 'part-of=shop',
    groups: [],
    releaseId: null,
    continuousDeployment: false,
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...overrides,
  };
}

const front = workload({ name: 'front', labels: { app: 'front', 'part-of': 'shop', tier: 'web' } });
const api = workload({ name: 'api', labels: { app: 'api', 'part-of': 'shop', tier: 'back' } });
const db = workload({
  name: 'db',
  kind: 'StatefulSet',
  labels: { app: 'db', 'part-of': 'shop', tier: 'data' },
  claimTemplates: ['data'],
  currentRevision: 'db-1',
  updateRevision: 'db-1',
});
const other = workload({ name: 'other', labels: { app: 'other' } });

function event(uid: string, kind: string, name: string, lastSeen: string): MapEvent {
  return { uid, type: 'Normal', reason: 'Started', message: `${kind} ${name}`, involvedObject: { kind, name }, count: 1, lastSeen };
}

function objects(overrides: Partial<NamespaceObjects> = {}): NamespaceObjects {
  return {
    workloads: [front, api, db, other],
    pods: [
      pod({ name: 'front-a1', labels: { app: 'front' } }),
      pod({ name: 'front-a2', labels: { app: 'front' } }),
      pod({ name: 'api-b1', labels: { app: 'api' } }),
      pod({ name: 'db-0', labels: { app: 'db' } }),
      pod({ name: 'other-c1', labels: { app: 'other' } }),
      pod({ name: 'debug', labels: { 'part-of': 'shop' } }),
    ],
    services: [
      service({ name: 'front', type: 'LoadBalancer', selector: { app: 'front' }, loadBalancerIngress: ['203.0.113.5'] }),
      service({ name: 'api', selector: { app: 'api' } }),
      service({ name: 'other', selector: { app: 'other' } }),
      service({ name: 'docs', labels: { 'part-of': 'shop' } }),
    ],
    claims: [claim({ name: 'data-db-0' }), claim({ name: 'uploads' }), claim({ name: 'data-other-0' })],
    events: [
      event('e1', 'Pod', 'front-a2', '2024-05-01T10:05:00Z'),
      event('e2', 'ReplicaSet', 'front-7d9f', '2024-05-01T10:04:00Z'),
      event('e3', 'Pod', 'other-c1', '2024-05-01T10:03:00Z'),
      event('e4', 'StatefulSet', 'db', '2024-05-01T10:02:00Z'),
    ],
    ...overrides,
  };
}

function draw(overrides: Partial<PictureInput> = {}) {
  return drawPicture({ map: map(), cluster, allotted: true, objects: objects(), ...overrides });
}

describe('what belongs to a map', () => {
  test('the workloads its selector takes, the pods of those workloads (and pods the selector takes alone), by name', () => {
    const picture = draw();
    expect(picture.workloads.map((entry) => `${entry.object.kind}/${entry.object.name}`)).toEqual(['Deployment/api', 'Deployment/front', 'StatefulSet/db']);
    expect(picture.pods.map((entry) => `${entry.object.name}:${entry.workload ?? '-'}`)).toEqual(['api-b1:api', 'db-0:db', 'debug:-', 'front-a1:front', 'front-a2:front']);
  });

  test('services and the workloads each sends traffic to; a service the selector takes without targets stays', () => {
    expect(draw().services.map((entry) => `${entry.object.name}->${entry.workloads.join(',')}`)).toEqual(['api->api', 'docs->', 'front->front']);
  });

  test('a service connects to a workload without pods yet through its selector', () => {
    const picture = draw({ objects: objects({ pods: [] }) });
    expect(picture.services.find((entry) => entry.object.name === 'front')?.workloads).toEqual(['front']);
  });

  test('claims: a StatefulSet’s from its templates, or by its selector’s labels, and those its pods mount', () => {
    const mounting = workload({ name: 'uploader', labels: { 'part-of': 'shop' }, claimNames: ['uploads'] });
    const labelled = claim({ name: 'cache-db-1', labels: { app: 'db' } });
    const picture = draw({ objects: objects({ workloads: [front, api, db, other, mounting], claims: [...objects().claims, labelled] }) });
    expect(picture.claims.map((entry) => `${entry.object.name}:${entry.workloads.join(',')}`)).toEqual(['cache-db-1:db', 'data-db-0:db', 'uploads:uploader']);
  });

  test('an empty selector takes the whole namespace', () => {
    const picture = draw({ map: map({ selector: '' }) });
    expect(picture.workloads).toHaveLength(4);
    expect(picture.services).toHaveLength(4);
    expect(picture.claims).toHaveLength(3);
  });

  test('the events about its objects, their ReplicaSets included, newest first', () => {
    expect(draw().events.map((entry) => entry.uid)).toEqual(['e1', 'e2', 'e4']);
  });

  test('groups by selector or by names, each with its health', () => {
    const stuckApi = workload({ ...api, updated: 1, desired: 2 });
    const picture = draw({
      map: map({
        groups: [
          { name: 'front', selector: 'tier=web', workloadNames: null },
          { name: 'back', selector: null, workloadNames: ['api', 'missing'] },
          { name: 'data', selector: 'tier=data', workloadNames: null },
        ],
      }),
      objects: objects({ workloads: [front, stuckApi, db, other] }),
    });
    expect(picture.groups.map((entry) => `${entry.group.name}:${entry.workloads.join(',')}:${entry.health.status}`)).toEqual([
      'front:front:HEALTHY',
      'back:api:PROGRESSING',
      'data:db:HEALTHY',
    ]);
    expect(picture.workloads.map((entry) => entry.group)).toEqual(['back', 'front', 'data']);
  });

  test('replica totals and the distinct images with who runs them', () => {
    const picture = draw();
    expect(picture.replicas).toEqual({ desired: 6, ready: 6, available: 6, updated: 6 });
    expect(imagesOf(picture.workloads).map((image) => `${image.repository}|${image.tag}|${image.workloads.join(',')}`)).toEqual([
      'example/api|1.0|api',
      'example/front|1.0|front',
      'example/db|1.0|db',
    ]);
  });

  test('image references split into repository and tag', () => {
    expect(splitImage('registry:5000/team/app:1.2@sha256:abc')).toEqual({ repository: 'registry:5000/team/app', tag: '1.2' });
    expect(splitImage('registry:5000/team/app')).toEqual({ repository: 'registry:5000/team/app', tag: null });
    expect(splitImage('nginx')).toEqual({ repository: 'nginx', tag: null });
  });
});

describe('the verdict of a map', () => {
  test('healthy when every object is', () => {
    expect(draw().health).toEqual({ status: 'HEALTHY', reason: null });
  });

  test('the worst of its objects, naming the one that decides', () => {
    const crashing = pod({
      name: 'front-a3',
      labels: { app: 'front' },
      ready: false,
      containers: [{ name: 'front', image: 'example/front:simulate-crash', ready: false, restartCount: 1, state: 'waiting', reason: 'CrashLoopBackOff' }],
    });
    const rolling = workload({ ...front, updated: 1 });
    const picture = draw({ objects: objects({ workloads: [rolling, api, db], pods: [...objects().pods, crashing] }) });
    expect(picture.health).toEqual({ status: 'DEGRADED', reason: 'Pod front-a3: container front is crash-looping' });
  });

  test('a pending load balancer or claim holds the map in PROGRESSING', () => {
    expect(draw({ objects: objects({ services: [service({ name: 'front', type: 'LoadBalancer', selector: { app: 'front' }, loadBalancerIngress: [] })] }) }).health).toEqual({
      status: 'PROGRESSING',
      reason: 'Service front: waiting for a load balancer address',
    });
    expect(draw({ objects: objects({ claims: [claim({ name: 'data-db-0', phase: 'Lost' })] }) }).health.status).toBe('DEGRADED');
  });

  test('MISSING when its selector matches nothing, saying what it looked for', () => {
    expect(draw({ map: map({ selector: 'app=gone' }) }).health).toEqual({ status: 'MISSING', reason: 'no workload in namespace shop matches app=gone' });
    expect(draw({ map: map({ selector: '' }), objects: objects({ workloads: [] }) }).health).toEqual({ status: 'MISSING', reason: 'no workload runs in namespace shop' });
  });

  test('MISSING, with nothing drawn, when the cluster cannot be read, saying which and why', () => {
    const unreachable = draw({ cluster: { ...cluster, state: 'UNREACHABLE', reason: 'connection refused' } });
    expect(unreachable.health).toEqual({ status: 'MISSING', reason: 'cluster acorn is unreachable: connection refused' });
    expect(unreachable.workloads).toEqual([]);
    expect(draw({ cluster: { ...cluster, state: 'CONNECTING' } }).health).toEqual({ status: 'MISSING', reason: 'cluster acorn is not connected yet' });
    expect(draw({ objects: null }).health.status).toBe('MISSING');
    expect(draw({ cluster: null }).health).toEqual({ status: 'MISSING', reason: 'its cluster is not registered any more' });
  });

  test('MISSING when its namespace is no longer allotted to its workspace', () => {
    expect(draw({ allotted: false }).health).toEqual({ status: 'MISSING', reason: "namespace shop of cluster acorn is no longer allotted to the map's workspace" });
  });

  test('a DEGRADED cluster is still read (some of its watches or nodes are unwell, its caches answer)', () => {
    expect(draw({ cluster: { ...cluster, state: 'DEGRADED', reason: 'node acorn-w01 NotReady' } }).health.status).toBe('HEALTHY');
  });
});
