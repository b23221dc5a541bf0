/**
 * NATS goes away while pods change: the gateway keeps the events (in order, per cluster) and
 * publishes them when NATS is back, so a subscriber resuming with its cursor misses nothing; /metrics
 * shows the lag meanwhile. The gateway runs against a nats-server of this file's own, stopped and
 * started again on the same port and store directory.
 */
import { localKeyOf } from '../src/shared/global-id.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { PrivateNatsServer } from './support/private-nats-server.js';
import { collect, type CollectedSubscription } from './support/subscription.js';
import { waitFor } from './support/wait.js';

interface PodEventResult {
  podEvents: { type: string; cursor: string; pod: { name: string } };
}

const POD_EVENTS = `subscription ($clusterId: ID!, $namespace: String, $after: String) {
  podEvents(clusterId: $clusterId, namespace: $namespace, after: $after) { type cursor pod { name } }
}`;

const NAMESPACE = 'outage';
const container = [{ name: 'main', image: 'example/app:1' }];

function eventsOf(subscription: CollectedSubscription<PodEventResult>): string[] {
  return subscription.results.map((result) => (result.data ? `${result.data.podEvents.type} ${result.data.podEvents.pod.name}` : `error ${JSON.stringify(result.errors)}`));
}

/** A gateway on a NATS server of its own, a simulated cluster, and what the tests read from them. */
function outageSetup(limits: { outboxMaxEvents?: number } = {}) {
  const setup = {} as {
    nats: PrivateNatsServer;
    gateway: TestGateway;
    cluster: RegisteredCluster;
    clusterKey: string;
  };

  beforeAll(async () => {
    setup.nats = await PrivateNatsServer.start();
    setup.gateway = await startTestGateway({ bus: { kind: 'nats', url: setup.nats.url }, limits });
    setup.cluster = await registerCluster(setup.gateway, await startSmallCluster());
    setup.clusterKey = localKeyOf(setup.cluster.id, 'Cluster');
    setup.cluster.simulator.addNamespace(NAMESPACE);
  });

  afterAll(async () => {
    // The gateway's shutdown does not wait for an unreachable NATS, but a failed test may have left it down.
    if (setup.nats && !setup.nats.running) await setup.nats.start();
    await setup.gateway?.stop();
    await setup.cluster?.simulator.close();
    await setup.nats?.destroy();
  });

  const metric = async (name: string, labels: string): Promise<number | undefined> => {
    const text = await (await fetch(`${setup.gateway.url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}${labels === '' ? '' : `{${labels}}`} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };

  return {
    setup,
    clusterOutbox: (name: string) => metric(name, `outbox="cluster",cluster_id="${setup.clusterKey}"`),
    async podNames(): Promise<string[]> {
      const response = await setup.gateway.request<{ cluster: { pods: { edges: Array<{ node: { name: string } }> } } }>(
        `query ($id: ID!, $namespace: String) { cluster(id: $id) { pods(namespace: $namespace, first: 100) { edges { node { name } } } } }`,
        { id: setup.cluster.id, namespace: NAMESPACE },
      );
      return (response.data?.cluster.pods.edges.map((edge) => edge.node.name) ?? []).sort();
    },
    /** A live subscriber and the cursor of the event `before`, created once it listens. */
    async subscribeAndTakeCursor(): Promise<{ live: CollectedSubscription<PodEventResult>; cursor: string }> {
      const live = collect<PodEventResult>(setup.gateway.websocket(), POD_EVENTS, { clusterId: setup.cluster.id, namespace: NAMESPACE });
      await waitFor('the live subscription', async () => ((await metric('kda_subscription_hub_subjects', '')) ?? 0) >= 1);
      setup.cluster.simulator.createPod({ namespace: NAMESPACE, name: 'before', nodeName: 'worker-1', containers: container });
      const before = await waitFor('ADDED before', () => live.results.find((result) => result.data?.podEvents.pod.name === 'before'));
      return { live, cursor: before.data?.podEvents.cursor ?? '' };
    },
  };
}

describe('pod events made while NATS is down', () => {
  const { setup, clusterOutbox, podNames, subscribeAndTakeCursor } = outageSetup();

  test('are published in order once NATS is back: a subscriber resuming with its cursor, and one that stayed, get each once', async () => {
    const { gateway, cluster, nats } = setup;
    const { live, cursor } = await subscribeAndTakeCursor();
    expect(await clusterOutbox('kda_outbox_pending_events')).toBe(0);

    await nats.stop();
    const simulator = cluster.simulator;
    simulator.createPod({ namespace: NAMESPACE, name: 'a', nodeName: 'worker-1', containers: container });
    simulator.createPod({ namespace: NAMESPACE, name: 'b', nodeName: 'worker-1', containers: container });
    simulator.createPod({ namespace: NAMESPACE, name: 'c', nodeName: 'worker-1', containers: container });
    simulator.updatePod(NAMESPACE, 'a', (pod) => {
      pod.metadata.labels = { ...pod.metadata.labels, tier: 'front' };
    });
    simulator.deletePod(NAMESPACE, 'b');
    simulator.createPod({ namespace: NAMESPACE, name: 'd', nodeName: 'worker-1', containers: container });
    simulator.updatePod(NAMESPACE, 'c', (pod) => {
      pod.metadata.labels = { ...pod.metadata.labels, tier: 'back' };
    });
    simulator.deletePod(NAMESPACE, 'a');
    const expected = ['ADDED a', 'ADDED b', 'ADDED c', 'MODIFIED a', 'DELETED b', 'ADDED d', 'MODIFIED c', 'DELETED a'];

    // The gateway saw every change (its caches answer without NATS) and holds the events.
    await waitFor('the changes in the cluster query', async () => JSON.stringify(await podNames()) === JSON.stringify(['before', 'c', 'd']));
    await waitFor('the eight events pending in the outbox', async () => ((await clusterOutbox('kda_outbox_pending_events')) ?? 0) >= expected.length);
    await waitFor('the oldest pending event to age', async () => ((await clusterOutbox('kda_outbox_oldest_pending_age_seconds')) ?? 0) > 0);
    expect(await clusterOutbox('kda_outbox_dropped_events_total')).toBe(0);

    await nats.start();
    await waitFor('the outbox to drain', async () => (await clusterOutbox('kda_outbox_pending_events')) === 0, 90_000);
    expect(await clusterOutbox('kda_outbox_oldest_pending_age_seconds')).toBe(0);
    expect(await clusterOutbox('kda_outbox_dropped_events_total')).toBe(0);
    expect(await clusterOutbox('kda_outbox_resyncs_total')).toBe(0);

    const resumed = collect<PodEventResult>(gateway.websocket(), POD_EVENTS, { clusterId: cluster.id, namespace: NAMESPACE, after: cursor });
    await waitFor('every event after the cursor', () => resumed.results.length >= expected.length);
    // A sentinel published after them all: nothing more (no repeat) came before it.
    simulator.createPod({ namespace: NAMESPACE, name: 'after', nodeName: 'worker-1', containers: container });
    await waitFor('the sentinel on the resumed subscription', () => eventsOf(resumed).includes('ADDED after'));
    expect(eventsOf(resumed)).toEqual([...expected, 'ADDED after']);

    // The subscriber that stayed connected through the outage gets the same, once each.
    await waitFor('the sentinel on the live subscription', () => eventsOf(live).includes('ADDED after'), 60_000);
    expect(eventsOf(live)).toEqual(['ADDED before', ...expected, 'ADDED after']);
    live.unsubscribe();
    resumed.unsubscribe();
  }, 180_000);
});

/** What a subscriber knows after applying events in order: ADDED and MODIFIED put a pod, DELETED removes it. */
function stateAfter(initial: readonly string[], events: readonly string[]): string[] {
  const pods = new Set(initial);
  for (const event of events) {
    const [type, name = ''] = event.split(' ');
    if (type === 'DELETED') pods.delete(name);
    else pods.add(name);
  }
  return [...pods].sort();
}

describe('pod events made while NATS is down, beyond KDA_OUTBOX_MAX_EVENTS', () => {
  const { setup, clusterOutbox, podNames, subscribeAndTakeCursor } = outageSetup({ outboxMaxEvents: 2 });

  test('the oldest are dropped and the resync brings a subscriber resuming with its cursor to the current state', async () => {
    const { cluster, gateway, nats } = setup;
    const { live, cursor } = await subscribeAndTakeCursor();
    // Connecting already went beyond two events (the first list); count from here.
    const droppedBefore = (await clusterOutbox('kda_outbox_dropped_events_total')) ?? 0;
    const resyncsBefore = (await clusterOutbox('kda_outbox_resyncs_total')) ?? 0;

    await nats.stop();
    const simulator = cluster.simulator;
    for (const name of ['p1', 'p2', 'p3', 'p4', 'p5']) simulator.createPod({ namespace: NAMESPACE, name, nodeName: 'worker-1', containers: container });
    simulator.updatePod(NAMESPACE, 'p1', (pod) => {
      pod.metadata.labels = { ...pod.metadata.labels, tier: 'front' };
    });
    simulator.deletePod(NAMESPACE, 'p2');
    simulator.deletePod(NAMESPACE, 'p5');
    await waitFor('the changes in the cluster query', async () => JSON.stringify(await podNames()) === JSON.stringify(['before', 'p1', 'p3', 'p4']));
    // Eight events, at most two waiting (and one being attempted): at least five dropped.
    await waitFor('the drops in /metrics', async () => ((await clusterOutbox('kda_outbox_dropped_events_total')) ?? 0) >= droppedBefore + 5);
    expect(await clusterOutbox('kda_outbox_pending_events')).toBeLessThanOrEqual(3);
    expect(await clusterOutbox('kda_outbox_oldest_pending_age_seconds')).toBeGreaterThanOrEqual(0);

    await nats.start();
    await waitFor('the outbox to drain', async () => (await clusterOutbox('kda_outbox_pending_events')) === 0, 90_000);
    expect(await clusterOutbox('kda_outbox_resyncs_total')).toBeGreaterThan(resyncsBefore);
    expect(await clusterOutbox('kda_outbox_oldest_pending_age_seconds')).toBe(0);

    const resumed = collect<PodEventResult>(gateway.websocket(), POD_EVENTS, { clusterId: cluster.id, namespace: NAMESPACE, after: cursor });
    simulator.createPod({ namespace: NAMESPACE, name: 'after', nodeName: 'worker-1', containers: container });
    await waitFor('the sentinel on the resumed subscription', () => eventsOf(resumed).includes('ADDED after'));
    const current = [...(await podNames())].sort();
    expect(current).toEqual(['after', 'before', 'p1', 'p3', 'p4']);
    expect(stateAfter(['before'], eventsOf(resumed))).toEqual(current);
    // No pod is announced twice, whatever was dropped.
    expect(eventsOf(resumed).filter((event, index, all) => event.startsWith('ADDED') && all.indexOf(event) !== index)).toEqual([]);

    await waitFor('the sentinel on the live subscription', () => eventsOf(live).includes('ADDED after'), 60_000);
    expect(stateAfter([], eventsOf(live))).toEqual(current);
    live.unsubscribe();
    resumed.unsubscribe();
  }, 180_000);
});
