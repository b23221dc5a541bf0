/**
 * The reflectors against a simulated apiserver over real HTTPS: resume after cuts, one relist on
 * 410, the watch deadline, and an unreachable cluster coming back, all without lost or repeated
 * events.
 */
import { randomUUID } from 'node:crypto';
import type { ClusterObjectEvent, PodProjection } from '../src/domains/clusters/model.js';
import { ClusterInformers, type ClusterStatusMessage } from '../src/infra/k8s/cluster-informers.js';
import { INFORMED_KINDS } from '../src/infra/k8s/informed-kinds.js';
import { RecordingBus } from './support/k8s/recording-bus.js';
import { waitFor } from './support/k8s/wait-for.js';
import { createJsonLogger } from '../src/shared/logger.js';
import { startSimulatedCluster, type SimulatedCluster } from '../src/simulator/index.js';

const TUNING = {
  backoff: { initialMs: 10, maxMs: 200, jitter: 0.2 },
  // Bookmarks every 100 ms keep healthy watches well inside the deadline.
  watchDeadlineMs: 750,
  watchTimeoutSeconds: 60,
};
const WAIT_MS = 15_000;

interface Setup {
  readonly cluster: SimulatedCluster;
  readonly informers: ClusterInformers;
  readonly bus: RecordingBus;
  readonly clusterId: string;
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function setup(): Promise<Setup> {
  const clusterId = `sim-${randomUUID().slice(0, 8)}`;
  const cluster = await startSimulatedCluster({ name: clusterId, bookmarkIntervalMs: 100, podStartDelayMs: 10 });
  cleanups.push(() => cluster.close());
  cluster.addNode({ name: 'worker-1', roles: ['worker'], cpu: 8, memoryBytes: 32 * 1024 ** 3, storageBytes: 100 * 1024 ** 3 });
  cluster.addNamespace('shop');
  const bus = new RecordingBus();
  const informers = new ClusterInformers({
    clusterId,
    kubeconfigYaml: cluster.kubeconfig(),
    bus,
    tuning: TUNING,
    ...(process.env['DEBUG_INFORMERS'] ? { logger: createJsonLogger() } : {}),
  });
  cleanups.push(() => informers.stop());
  informers.start();
  expect(await informers.whenSynced(WAIT_MS)).toBe(true);
  await waitFor(() => cluster.watchCount() === servedKinds(informers), 'one watch per served kind', WAIT_MS);
  return { cluster, informers, bus, clusterId };
}

/** Kinds the simulator serves (the others are absent: no watch). */
function servedKinds(informers: ClusterInformers): number {
  return INFORMED_KINDS.length - informers.absentKinds().length;
}

function container(): { name: string; image: string }[] {
  return [{ name: 'app', image: 'nginx:1.27' }];
}

function podEvents(bus: RecordingBus, clusterId: string, name?: string): ClusterObjectEvent<PodProjection>[] {
  return bus
    .on(`kda.v1.${clusterId}.pods.`)
    .map((entry) => entry.data as ClusterObjectEvent<PodProjection>)
    .filter((event) => name === undefined || event.object.name === name);
}

function podListRequests(cluster: SimulatedCluster): number {
  return cluster.requestCount(/^\/api\/v1\/pods\?(?!.*watch=true)/);
}

/** Step labels seen in MODIFIED events of one pod, in order. */
function stepsOf(events: ClusterObjectEvent<PodProjection>[]): string[] {
  return events.filter((event) => event.type === 'MODIFIED' && event.object.labels['step'] !== undefined).map((event) => event.object.labels['step'] ?? '');
}

describe('informers against the simulator', () => {
  it('puts a created pod in the cache and on the bus', async () => {
    const { cluster, informers, bus, clusterId } = await setup();
    cluster.createPod({ namespace: 'shop', name: 'web-1', labels: { app: 'web' }, containers: container() });

    await waitFor(() => informers.pods('shop').some((pod) => pod.name === 'web-1'), 'pod in cache', WAIT_MS);
    await waitFor(() => podEvents(bus, clusterId, 'web-1').some((event) => event.type === 'ADDED'), 'ADDED on the bus', WAIT_MS);
    const added = bus.on(`kda.v1.${clusterId}.pods.shop`).find((entry) => (entry.data as ClusterObjectEvent<PodProjection>).object.name === 'web-1');
    expect(added?.data).toMatchObject({ v: 1, type: 'ADDED', clusterId, kind: 'pods', object: { namespace: 'shop', labels: { app: 'web' } } });
    expect(added?.messageId).toMatch(new RegExp(`^${clusterId}:pods:[^:]+:\\d+$`));
    expect(informers.nodes().map((node) => node.name)).toEqual(['worker-1']);
    expect(informers.status().state).toBe('RUNNING');
  });

  it('resumes from its resourceVersion after watches are cut mid-stream; every change arrives exactly once', async () => {
    const { cluster, informers, bus, clusterId } = await setup();
    cluster.createPod({ namespace: 'shop', name: 'web-1', containers: container() });
    await waitFor(() => informers.pods('shop').length === 1, 'pod in cache', WAIT_MS);

    const steps = 12;
    for (let step = 1; step <= steps; step += 1) {
      cluster.updatePod('shop', 'web-1', (pod) => {
        pod.metadata.labels = { ...pod.metadata.labels, step: String(step) };
      });
      if (step % 3 === 0) cluster.cutWatches();
      // Sometimes let it reconnect before the next change, sometimes change while it is away.
      if (step % 4 === 0) await waitFor(() => cluster.watchCount() === servedKinds(informers), 'watches back', WAIT_MS);
    }
    cluster.createPod({ namespace: 'shop', name: 'web-2', containers: container() });
    cluster.cutWatches();
    cluster.deletePod('shop', 'web-2');

    await waitFor(() => podEvents(bus, clusterId, 'web-2').some((event) => event.type === 'DELETED'), 'web-2 deleted', WAIT_MS);
    await waitFor(() => informers.pods('shop')[0]?.labels['step'] === String(steps), 'last step in cache', WAIT_MS);
    expect(stepsOf(podEvents(bus, clusterId, 'web-1'))).toEqual(Array.from({ length: steps }, (_, index) => String(index + 1)));
    expect(podEvents(bus, clusterId, 'web-2').map((event) => event.type)).toEqual(['ADDED', 'DELETED']);
    expect(bus.duplicateMessageIds()).toEqual([]);
    expect(podListRequests(cluster)).toBe(1);
  });

  it('on 410 after compaction while disconnected relists once and emits the difference, deletions included', async () => {
    const { cluster, informers, bus, clusterId } = await setup();
    for (const name of ['kept', 'changed', 'deleted']) cluster.createPod({ namespace: 'shop', name, containers: container() });
    await waitFor(() => informers.pods('shop').length === 3 && informers.pods('shop').every((pod) => pod.phase === 'Running'), 'three running pods', WAIT_MS);
    await waitFor(() => podEvents(bus, clusterId).filter((event) => event.type === 'ADDED').length === 3, 'pods published', WAIT_MS);
    const before = bus.published.length;

    cluster.setReachable(false);
    await waitFor(() => informers.status().state === 'UNREACHABLE', 'unreachable', WAIT_MS);
    cluster.deletePod('shop', 'deleted');
    cluster.updatePod('shop', 'changed', (pod) => {
      pod.metadata.labels = { ...pod.metadata.labels, version: '2' };
    });
    cluster.createPod({ namespace: 'shop', name: 'new', phase: 'Running', containers: container() });
    cluster.compact();
    cluster.setReachable(true);

    await waitFor(
      () => informers.status().state === 'RUNNING' && informers.pods('shop').length === 3 && informers.pods('shop').some((pod) => pod.name === 'new'),
      'caught up',
      WAIT_MS,
    );
    const after = bus.published.slice(before).filter((entry) => entry.subject.startsWith(`kda.v1.${clusterId}.pods.`));
    const summary = after.map((entry) => {
      const event = entry.data as ClusterObjectEvent<PodProjection>;
      return `${event.type} ${event.object.name}`;
    });
    expect(summary.sort()).toEqual(['ADDED new', 'DELETED deleted', 'MODIFIED changed']);
    expect(informers.pods('shop').find((pod) => pod.name === 'changed')?.labels['version']).toBe('2');
    expect(bus.duplicateMessageIds()).toEqual([]);
    expect(podListRequests(cluster)).toBe(2);
  });

  it('destroys a silent watch at the deadline and resumes; changes made meanwhile arrive', async () => {
    const { cluster, informers, bus, clusterId } = await setup();
    const watchesBefore = cluster.requestCount(/^\/api\/v1\/pods\?.*watch=true/);

    cluster.silenceWatches(true);
    cluster.createPod({ namespace: 'shop', name: 'quiet', phase: 'Running', containers: container() });
    await waitFor(() => cluster.requestCount(/^\/api\/v1\/pods\?.*watch=true/) > watchesBefore, 'watch replaced after the deadline', WAIT_MS);
    expect(informers.pods('shop')).toEqual([]);
    cluster.silenceWatches(false);

    await waitFor(() => informers.pods('shop').some((pod) => pod.name === 'quiet'), 'change delivered', WAIT_MS);
    expect(podEvents(bus, clusterId, 'quiet').map((event) => event.type)).toEqual(['ADDED']);
    expect(podListRequests(cluster)).toBe(1);
    expect(bus.duplicateMessageIds()).toEqual([]);
  });

  it('reports UNREACHABLE while the apiserver is down, then RUNNING again and caught up', async () => {
    const { cluster, informers, bus, clusterId } = await setup();
    const statuses: string[] = [];
    informers.onStatusChange((status) => statuses.push(status.state));

    cluster.setReachable(false);
    await waitFor(() => informers.status().state === 'UNREACHABLE', 'unreachable', WAIT_MS);
    expect(informers.status().reason).toMatch(/^[a-z]+: /);
    const lastSeenWhileDown = informers.status().lastSeenAt;
    cluster.createPod({ namespace: 'shop', name: 'while-down', phase: 'Running', containers: container() });

    cluster.setReachable(true);
    await waitFor(() => informers.status().state === 'RUNNING' && informers.pods('shop').some((pod) => pod.name === 'while-down'), 'running and caught up', WAIT_MS);
    expect(statuses).toEqual(['UNREACHABLE', 'RUNNING']);
    expect(Date.parse(informers.status().lastSeenAt ?? '')).toBeGreaterThan(Date.parse(lastSeenWhileDown ?? ''));
    const published = bus.on(`kda.v1.${clusterId}.status._`).map((entry) => entry.data as ClusterStatusMessage);
    expect(published.map((message) => message.state)).toEqual(['RUNNING', 'UNREACHABLE', 'RUNNING']);
    expect(podEvents(bus, clusterId, 'while-down').map((event) => event.type)).toEqual(['ADDED']);
  });
});
