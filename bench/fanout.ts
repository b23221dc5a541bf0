/**
 * Scenario 1, subscription fan-out: N graphql-ws subscribers of `podEvents(clusterId)` on the real
 * gateway, K pod changes in the simulator, timed until every subscriber got every event. Baseline
 * in the same run: a raw ws server broadcasting a message of the same size to N raw ws clients.
 */
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import type { BusConfig } from '../src/config/config.js';
import { startBenchCluster } from './clusters.js';
import { SEQUENCE_LABEL } from './fanout-protocol.js';
import { deliveredPerSecond, measureFanout, medianFirstMs, type FanoutMeasurement, type FanoutPlan, type FanoutTarget } from './fanout-session.js';
import { registerCluster, startBenchGateway } from './gateway.js';
import { formatBytes, formatMs, formatRate, formatRatio, goal, progress, waitUntil, type ResultRow } from './support.js';

const SUBSCRIPTION = `subscription Pods($clusterId: ID!) {
  podEvents(clusterId: $clusterId) { type cursor pod { id namespace name phase ready restarts labels containers { name image } } }
}`;

export interface FanoutScenarioOptions {
  readonly bus: BusConfig;
  readonly subscriberCounts: readonly number[];
  readonly eventsPerRound: number;
  readonly rounds: number;
  readonly batchSize: number;
}

/** A raw ws server that sends each event, serialized once, to every client. */
async function startRawBroadcaster(sample: string): Promise<{ target: FanoutTarget; stop(): Promise<void> }> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const template = JSON.parse(sample) as { payload: { data: { podEvents: { pod: { labels: Record<string, string> } } } } };
  const target: FanoutTarget = {
    mode: 'raw',
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}`,
    emit: (sequence) => {
      template.payload.data.podEvents.pod.labels[SEQUENCE_LABEL] = sequence;
      const text = JSON.stringify(template);
      for (const client of server.clients) client.send(text);
    },
  };
  return {
    target,
    stop: async () => {
      for (const client of server.clients) client.terminate();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function rowsFor(label: string, plan: FanoutPlan, gateway: FanoutMeasurement, raw: FanoutMeasurement): ResultRow[] {
  const gatewayRate = deliveredPerSecond(gateway, plan);
  const rawRate = deliveredPerSecond(raw, plan);
  const gatewayFirst = medianFirstMs(gateway);
  const rawFirst = medianFirstMs(raw);
  const rows: ResultRow[] = [];
  if (plan.subscribers > 1) {
    rows.push({
      scenario: `fan-out ${label} N=${plan.subscribers}: delivered events/s`,
      measured: formatRate(gatewayRate, 'ev'),
      baseline: formatRate(rawRate, 'ev'),
      ratio: formatRatio(gatewayRate, rawRate),
      goal: goal('≥ 0.80× raw', gatewayRate / rawRate, { minimum: 0.8 }),
      note: `higher is better; DESIGN: 0.24× per-subscriber execution, 0.90× shared (${plan.rounds} rounds × ${plan.eventsPerRound} events, median)`,
    });
  }
  rows.push({
    scenario: `fan-out ${label} N=${plan.subscribers}: time to first subscriber`,
    measured: formatMs(gatewayFirst),
    baseline: formatMs(rawFirst),
    ratio: formatRatio(gatewayFirst, rawFirst),
    goal: goal('≤ 2 ms', gatewayFirst, { maximum: 2 }),
    note:
      plan.subscribers === 1
        ? 'lower is better; the gateway figure is its whole event path (apiserver watch, informer, bus, hub, GraphQL) with no fan-out'
        : 'lower is better; from the pod change (gateway) or the broadcast (raw), includes the event path of the N=1 row',
  });
  rows.push({
    scenario: `fan-out ${label} N=${plan.subscribers}: time to subscribe all`,
    measured: formatMs(gateway.subscribeAllMs),
    baseline: formatMs(raw.subscribeAllMs),
    ratio: formatRatio(gateway.subscribeAllMs, raw.subscribeAllMs),
    goal: goal('≤ 1.5× raw', gateway.subscribeAllMs / raw.subscribeAllMs, { maximum: 1.5 }),
    note: 'lower is better; sockets opened in batches until each got a warm-up event (graphql-ws adds init, auth, subscribe)',
  });
  if (plan.subscribers >= 1000) {
    rows.push({
      scenario: `fan-out ${label} N=${plan.subscribers}: heap per idle subscriber`,
      measured: formatBytes(gateway.heapPerSubscriber),
      baseline: formatBytes(raw.heapPerSubscriber),
      ratio: formatRatio(gateway.heapPerSubscriber, raw.heapPerSubscriber),
      goal: goal('≤ 1.5× raw', gateway.heapPerSubscriber / raw.heapPerSubscriber, { maximum: 1.5 }),
      note: "lower is better; the server's JS heap per live, idle subscription (graphql-ws context, shared group membership) vs a raw ws connection; socket buffers outside the heap not counted",
    });
  }
  return rows;
}

export async function runFanoutScenario(options: FanoutScenarioOptions): Promise<ResultRow[]> {
  const label = `(${options.bus.kind} bus)`;
  const gateway = await startBenchGateway(options.bus);
  const simulator = await startBenchCluster('fanout', { pods: 3 });
  const rows: ResultRow[] = [];
  try {
    const clusterId = await registerCluster(gateway, simulator, 3);
    const pod = simulator.listPods()[0];
    if (pod === undefined) throw new Error('the fan-out cluster has no pod');
    const { namespace, name } = pod.metadata;
    const gatewayTarget: FanoutTarget = {
      mode: 'graphql',
      url: gateway.websocketUrl,
      authorization: `Bearer ${gateway.adminToken}`,
      query: SUBSCRIPTION,
      variables: { clusterId },
      emit: (sequence) =>
        simulator.updatePod(namespace, name, (draft) => {
          draft.metadata.labels = { ...draft.metadata.labels, [SEQUENCE_LABEL]: sequence };
        }),
    };
    for (const subscribers of options.subscriberCounts) {
      const plan: FanoutPlan = { subscribers, eventsPerRound: options.eventsPerRound, rounds: options.rounds, batchSize: options.batchSize };
      progress(`fan-out ${label}: ${subscribers} graphql-ws subscribers`);
      const measured = await measureFanout(gatewayTarget, plan);
      // Every subscriber is gone: the gateway must release its sockets and its bus subscription.
      await waitUntil('the gateway to close every websocket', async () => (await gateway.metric('kda_websocket_connections')) === 0, 30_000);
      await waitUntil('the subscription hub to release its bus subscriptions', async () => (await gateway.metric('kda_subscription_hub_subjects')) === 0, 30_000);

      progress(`fan-out ${label}: ${subscribers} raw ws clients`);
      const broadcaster = await startRawBroadcaster(measured.sample);
      let baseline: FanoutMeasurement;
      try {
        baseline = await measureFanout(broadcaster.target, plan);
      } finally {
        await broadcaster.stop();
      }
      rows.push(...rowsFor(label, plan, measured, baseline));
    }
    return rows;
  } finally {
    await gateway.stop();
    await simulator.close();
  }
}
