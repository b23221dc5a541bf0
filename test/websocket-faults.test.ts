/**
 * What survives a websocket fault (README "Limits and guarantees"): a client that stops reading,
 * a peer that goes silent, and a caller that opens far more subscriptions than it may. Each
 * scenario runs the whole gateway against MariaDB, NATS and the simulator.
 */
import WebSocket from 'ws';
import type { GatewayLimits } from '../src/config/config.js';
import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { RawGraphqlWsClient, type RawFrame } from './support/raw-graphql-ws.js';
import { SilentWebsocketPeer } from './support/silent-websocket-peer.js';
import { waitFor } from './support/wait.js';

const POD_EVENTS = `subscription ($clusterId: ID!, $namespace: String, $after: String) {
  podEvents(clusterId: $clusterId, namespace: $namespace, after: $after) { cursor pod { name labels } }
}`;

interface PodEvent {
  readonly cursor: string;
  readonly pod: { readonly name: string; readonly labels?: Record<string, string> };
}

interface GraphqlErrorPayload {
  readonly message: string;
  readonly extensions?: Record<string, unknown>;
}

function podEventOf(frame: RawFrame): PodEvent {
  return (frame.message.payload as { data: { podEvents: PodEvent } }).data.podEvents;
}

/** Every sample of a metric, whatever its labels, added up (0 when absent). */
function metricSum(text: string, name: string, labels?: string): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(`${name} `) && !line.startsWith(`${name}{`)) continue;
    if (labels !== undefined && !line.includes(labels)) continue;
    total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

/** One gateway and one simulated cluster per scenario, each with the limits it exercises. */
async function startScenario(limits: Partial<GatewayLimits>): Promise<{ gateway: TestGateway; cluster: RegisteredCluster; stop: () => Promise<void> }> {
  const gateway = await startTestGateway({ limits });
  const cluster = await registerCluster(gateway, await startSmallCluster());
  return {
    gateway,
    cluster,
    stop: async () => {
      await gateway.stop();
      await cluster.simulator.close();
    },
  };
}

describe('what survives a websocket fault', () => {
  let stops: (() => Promise<void> | void)[] = [];

  afterEach(async () => {
    for (const stop of stops.reverse()) await stop();
    stops = [];
  });

  async function scenario(limits: Partial<GatewayLimits>) {
    const started = await startScenario(limits);
    stops.push(started.stop);
    const { gateway, cluster } = started;
    const metrics = async () => (await fetch(`${gateway.url}/metrics`)).text();
    const connect = async () => {
      const client = await RawGraphqlWsClient.connect(gateway.graphqlUrl.replace(/^http/, 'ws'), `Bearer ${gateway.adminToken}`);
      stops.push(() => client.close());
      return client;
    };
    const setLabel = (pod: string, key: string, value: string, more: Record<string, string> = {}) =>
      cluster.simulator.updatePod('team-a', pod, (draft) => {
        draft.metadata.labels = { ...draft.metadata.labels, ...more, [key]: value };
      });
    const podFrames = (client: RawGraphqlWsClient, id: string) => client.frames.filter((frame) => frame.message.type === 'next' && frame.message.id === id);
    const errorOf = (client: RawGraphqlWsClient, id: string) => client.frames.find((frame) => frame.message.type === 'error' && frame.message.id === id);
    const subscriptions = async () => metricSum(await metrics(), 'kda_websocket_subscriptions');
    return { gateway, cluster, metrics, connect, setLabel, podFrames, errorOf, subscriptions };
  }

  it('a slow consumer: 10,000 events at a socket that does not read keep its buffer bounded, end each of its subscriptions with RESYNC_REQUIRED, and never hold up a healthy subscriber', async () => {
    const BUFFER_BYTES = 256 * 1024;
    const EVENTS = 10_000;
    // The stalled client answers no ping either: keep it from being taken for a dead peer meanwhile.
    const { cluster, metrics, connect, setLabel, podFrames, errorOf, subscriptions } = await scenario({ subscriptionBufferBytes: BUFFER_BYTES, websocketKeepAliveSeconds: 600 });
    const healthy = await connect();
    const stalled = await connect();
    const variables = { clusterId: cluster.id, namespace: 'team-a' };
    const seqOf = (frame: RawFrame) => podEventOf(frame).pod.labels?.seq;
    // `shared`: one execution for both sockets, frames written straight to each socket.
    for (const client of [healthy, stalled]) client.subscribe('shared', POD_EVENTS, variables);
    await waitFor('both shared subscriptions to run', async () => (await subscriptions()) === 2);
    setLabel('db-0', 'seq', '0');
    const first = await waitFor('the first event', () => podFrames(healthy, 'shared').find((frame) => seqOf(frame) === '0'));
    // `replay`: a subscription with `after` runs on its own and is sent at its socket's pace.
    for (const client of [healthy, stalled]) client.subscribe('replay', POD_EVENTS, { ...variables, after: podEventOf(first).cursor });
    await waitFor('both replaying subscriptions to run', async () => (await subscriptions()) === 4);
    await waitFor('the first event on the stalled socket', () => podFrames(stalled, 'shared').length === 1);

    stalled.pause();
    const before = await metrics();
    // A kilobyte per event: 10,000 of them are more than the kernel's socket buffers take, so the rest waits in the gateway.
    const blob = { blob: 'x'.repeat(1000) };
    let mostBuffered = 0;
    for (let sent = 1; sent <= EVENTS;) {
      const batchEnd = Math.min(EVENTS, sent + 499);
      for (; sent <= batchEnd; sent += 1) setLabel('db-0', 'seq', String(sent), blob);
      await waitFor(`event ${batchEnd} on the healthy socket`, async () => {
        mostBuffered = Math.max(mostBuffered, metricSum(await metrics(), 'kda_websocket_buffered_bytes_max'));
        return podFrames(healthy, 'replay').some((frame) => seqOf(frame) === String(batchEnd)) && podFrames(healthy, 'shared').some((frame) => seqOf(frame) === String(batchEnd));
      });
    }
    const after = await metrics();
    mostBuffered = Math.max(mostBuffered, metricSum(after, 'kda_websocket_buffered_bytes_max'));

    // The healthy socket got every event of both subscriptions, in order.
    const all = Array.from({ length: EVENTS }, (_, index) => String(index + 1));
    expect(podFrames(healthy, 'shared').map(seqOf)).toEqual(['0', ...all]);
    expect(podFrames(healthy, 'replay').map(seqOf)).toEqual(all);
    // Bounded memory: the stalled socket held at most the byte limit plus one frame per operation;
    // no subscriber had more events waiting than the limits allow.
    expect(mostBuffered).toBeGreaterThan(0);
    expect(mostBuffered).toBeLessThanOrEqual(BUFFER_BYTES + 64 * 1024);
    expect(metricSum(after, 'kda_subscription_backlog_peak')).toBeLessThanOrEqual(1000);
    expect(metricSum(after, 'kda_subscription_queue_peak')).toBeLessThanOrEqual(1000);
    expect(metricSum(after, 'kda_subscription_events_dropped_total', 'reason="backlog"')).toBeGreaterThan(
      metricSum(before, 'kda_subscription_events_dropped_total', 'reason="backlog"'),
    );
    expect(metricSum(after, 'kda_subscription_events_dropped_total', 'reason="slow_consumer"')).toBeGreaterThan(
      metricSum(before, 'kda_subscription_events_dropped_total', 'reason="slow_consumer"'),
    );

    // Once it reads again, the stalled socket gets what was queued, then the clear error, with the
    // cursor of the last event it got, for each subscription.
    stalled.resume();
    for (const id of ['shared', 'replay']) {
      const error = await waitFor(`the ${id} subscription's error`, () => errorOf(stalled, id));
      const received = podFrames(stalled, id);
      expect(received.length).toBeLessThan(id === 'shared' ? EVENTS + 1 : EVENTS);
      expect(received.map(seqOf)).toEqual((id === 'shared' ? ['0', ...all] : all).slice(0, received.length));
      expect(error.message.payload).toEqual([
        expect.objectContaining({ message: expect.stringContaining('Resync required'), extensions: { code: 'RESYNC_REQUIRED', lastCursor: podEventOf(received.at(-1)!).cursor } }),
      ]);
    }
    // The socket itself goes on: resuming from that cursor gets the first event it missed.
    const lastShared = podEventOf(podFrames(stalled, 'shared').at(-1)!);
    stalled.subscribe('resumed', POD_EVENTS, { ...variables, after: lastShared.cursor });
    const missed = podFrames(healthy, 'shared')[podFrames(stalled, 'shared').length]!;
    const resumed = await waitFor('the first replayed event', () => podFrames(stalled, 'resumed')[0]);
    expect(podEventOf(resumed).cursor).toBe(podEventOf(missed).cursor);
  });

  it('a slow consumer of answers: a query or mutation answered while its socket holds more than KDA_SUBSCRIPTION_BUFFER_BYTES unread gets a short RATE_LIMITED refusal instead of its answer', async () => {
    const BUFFER_BYTES = 256 * 1024;
    const QUERIES = 50;
    const { cluster, metrics, connect, setLabel, podFrames, subscriptions } = await scenario({ subscriptionBufferBytes: BUFFER_BYTES, websocketKeepAliveSeconds: 600 });
    const variables = { clusterId: cluster.id, namespace: 'team-a' };
    const healthy = await connect();
    const stalled = await connect();
    for (const client of [healthy, stalled]) client.subscribe('fill', POD_EVENTS, variables);
    await waitFor('both subscriptions to run', async () => (await subscriptions()) === 2);
    stalled.pause();
    // Fill the stalled socket past the limit with large events (the healthy socket paces them).
    const blob = { blob: 'x'.repeat(20_000) };
    const buffered = async () => metricSum(await metrics(), 'kda_websocket_buffered_bytes_max');
    for (let sent = 1; (await buffered()) <= BUFFER_BYTES; sent += 1) {
      if (sent > 2000) throw new Error('the stalled socket never held more than the limit');
      setLabel('db-0', 'seq', String(sent), blob);
      await waitFor(`event ${sent} on the healthy socket`, () => podFrames(healthy, 'fill').some((frame) => podEventOf(frame).pod.labels?.seq === String(sent)));
    }
    const held = await buffered();
    const withheld = async () => metricSum(await metrics(), 'kda_rate_limit_rejections_total', 'budget="socket_buffer"');
    const withheldBefore = await withheld();

    // Each answer (tens of kilobytes of schema) would pile up in the gateway; a refusal is a few hundred bytes.
    const query = '{ __schema { types { name description fields { name description } } } }';
    for (let index = 0; index < QUERIES; index += 1) stalled.send({ id: `q${index}`, type: 'subscribe', payload: { query } });
    await waitFor('every answer withheld', async () => (await withheld()) === withheldBefore + QUERIES);
    expect(await buffered()).toBeLessThanOrEqual(held + QUERIES * 1024);

    stalled.resume();
    const answers = await waitFor('every refusal', () => {
      const found = stalled.frames.filter((frame) => frame.message.type === 'next' && frame.message.id?.startsWith('q') === true);
      return found.length === QUERIES && found;
    });
    for (const answer of answers) {
      expect(answer.message.payload).toEqual({
        errors: [
          expect.objectContaining({
            message: expect.stringContaining('(KDA_SUBSCRIPTION_BUFFER_BYTES); read what was sent, then ask again'),
            extensions: { code: 'RATE_LIMITED', limit: 'socketBuffer', maximum: BUFFER_BYTES },
          }),
        ],
      });
    }
    // Once it has read, the same socket gets its answers again.
    stalled.send({ id: 'again', type: 'subscribe', payload: { query } });
    const again = await waitFor('the answer once read', () => stalled.frames.find((frame) => frame.message.type === 'next' && frame.message.id === 'again'));
    expect((again.message.payload as { data?: { __schema?: unknown } }).data?.__schema).toBeDefined();
    expect(answers[0]!.text.length * 20).toBeLessThan(again.text.length);
  });

  it('a dead peer: a socket that stops answering pings is closed by the keepalive, and its subscriptions and bus subscriptions are released', async () => {
    const KEEPALIVE_SECONDS = 2;
    // Well under the 12 s + 12 s graphql-ws takes with its fixed default: the configured interval is what closes them.
    const DETECTED_WITHIN_MS = 20_000;
    const { gateway, cluster, metrics, connect, setLabel, podFrames, subscriptions } = await scenario({ websocketKeepAliveSeconds: KEEPALIVE_SECONDS });
    const variables = { clusterId: cluster.id, namespace: 'team-a' };
    const healthy = await connect();
    healthy.subscribe('live', POD_EVENTS, variables);
    await waitFor('the healthy subscription to run', async () => (await subscriptions()) === 1);
    setLabel('web-0', 'round', '1');
    const first = await waitFor('the first event', () => podFrames(healthy, 'live')[0]);
    const baseline = await metrics();
    expect(metricSum(baseline, 'kda_subscription_hub_subjects')).toBe(1);

    // A websocket client whose machine stopped answering: it never sends a pong.
    const mute = new WebSocket(gateway.graphqlUrl.replace(/^http/, 'ws'), 'graphql-transport-ws', { autoPong: false });
    let muteClosedWith: number | undefined;
    mute.once('close', (code) => (muteClosedWith = code));
    await new Promise<void>((resolve, reject) => {
      mute.once('open', resolve);
      mute.once('error', reject);
    });
    const acknowledged = new Promise<void>((resolve) => mute.once('message', () => resolve()));
    mute.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${gateway.adminToken}` } }));
    await acknowledged;
    const send = (message: unknown) => mute.send(JSON.stringify(message));
    send({ id: 'shared', type: 'subscribe', payload: { query: POD_EVENTS, variables } });
    send({ id: 'replay', type: 'subscribe', payload: { query: POD_EVENTS, variables: { ...variables, after: podEventOf(first).cursor } } });
    send({ id: 'status', type: 'subscribe', payload: { query: 'subscription { clusterStatus { id status } }' } });
    // A bare TCP peer that completed the handshake, subscribed, and went silent.
    const silent = await SilentWebsocketPeer.open(new URL(gateway.graphqlUrl), `Bearer ${gateway.adminToken}`);
    stops.push(() => silent.destroy());
    silent.send({
      id: 'every-namespace',
      type: 'subscribe',
      payload: { query: 'subscription ($clusterId: ID!) { podEvents(clusterId: $clusterId) { cursor } }', variables: { clusterId: cluster.id } },
    });
    silent.send({ id: 'replay', type: 'subscribe', payload: { query: POD_EVENTS, variables: { ...variables, after: podEventOf(first).cursor } } });
    await waitFor('the dead peers’ subscriptions to run', async () => (await subscriptions()) === 6);
    const held = await metrics();
    expect(metricSum(held, 'kda_websocket_connections')).toBe(3);
    expect(metricSum(held, 'kda_subscription_hub_subjects')).toBeGreaterThanOrEqual(3);

    // Both are found dead by the keepalive and closed: the client side sees the close.
    let silentClosed = false;
    void silent.closed.then(() => (silentClosed = true));
    // 1006: the server dropped the connection without a closing handshake, as one does with a dead peer.
    expect(await waitFor('the mute client to be closed', () => muteClosedWith, DETECTED_WITHIN_MS)).toBe(1006);
    await waitFor('the silent peer to be closed', () => silentClosed, DETECTED_WITHIN_MS);

    // Everything they held is released: their subscriptions, shared groups and bus subscriptions.
    await waitFor('the dead peers’ subscriptions to be released', async () => {
      const text = await metrics();
      return (
        metricSum(text, 'kda_websocket_subscriptions') === 1 &&
        metricSum(text, 'kda_websocket_connections') === 1 &&
        metricSum(text, 'kda_shared_subscription_groups') === 1 &&
        metricSum(text, 'kda_subscription_hub_subjects') === 1
      );
    });
    // The healthy socket, which answered every ping, is still open and live.
    setLabel('web-0', 'round', '2');
    await waitFor('the next event on the healthy socket', () => podFrames(healthy, 'live').some((frame) => podEventOf(frame).pod.labels?.round === '2'));
    healthy.close();
    await waitFor('every subscription released', async () => {
      const text = await metrics();
      return (
        metricSum(text, 'kda_websocket_subscriptions') === 0 && metricSum(text, 'kda_subscription_hub_subjects') === 0 && metricSum(text, 'kda_shared_subscription_groups') === 0
      );
    });
  });

  it('10,000 subscriptions on one socket: the socket and user caps refuse the excess with SUBSCRIPTION_LIMIT_EXCEEDED, the open ones keep working, and closing some frees the budget', async () => {
    const PER_SOCKET = 100;
    const PER_USER = 250;
    const { cluster, connect, setLabel, podFrames, errorOf, subscriptions } = await scenario({ maxSubscriptionsPerSocket: PER_SOCKET, maxSubscriptionsPerUser: PER_USER });
    const variables = { clusterId: cluster.id, namespace: 'team-a' };
    const ids = (prefix: string, count: number) => Array.from({ length: count }, (_, index) => `${prefix}${index}`);
    const refusals = (client: RawGraphqlWsClient) => client.frames.filter((frame) => frame.message.type === 'error');
    const payloadOf = (frame: RawFrame) => (frame.message.payload as GraphqlErrorPayload[])[0]!;

    // One socket asks for 10,000: the first 100 run, every other one is refused, naming the cap.
    const first = await connect();
    for (const id of ids('a', 10_000)) first.subscribe(id, POD_EVENTS, variables);
    await waitFor('9,900 refusals', () => refusals(first).length === 10_000 - PER_SOCKET);
    await waitFor('the first 100 to run', async () => (await subscriptions()) === PER_SOCKET);
    const refused = new Set(refusals(first).map((frame) => frame.message.id));
    expect(ids('a', PER_SOCKET).filter((id) => refused.has(id))).toEqual([]);
    expect(payloadOf(refusals(first)[0]!)).toEqual({
      message: expect.stringContaining(`At most ${PER_SOCKET} operations may be open at once on one websocket (KDA_MAX_SUBSCRIPTIONS_PER_SOCKET)`),
      extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: 'perSocket', maximum: PER_SOCKET },
    });
    // The socket and its 100 subscriptions go on.
    setLabel('web-0', 'round', '1');
    await waitFor('the event on every open subscription', () => ids('a', PER_SOCKET).every((id) => podFrames(first, id).length === 1));
    // Completing ten frees ten places on the socket.
    for (const id of ids('a', 10)) first.complete(id);
    await waitFor('ten fewer subscriptions', async () => (await subscriptions()) === PER_SOCKET - 10);
    for (const id of ids('b', 10)) first.subscribe(id, POD_EVENTS, variables);
    await waitFor('ten more subscriptions', async () => (await subscriptions()) === PER_SOCKET);
    expect(ids('b', 10).filter((id) => errorOf(first, id) !== undefined)).toEqual([]);

    // The same token on more sockets: 250 at most for the user, whatever the sockets.
    const second = await connect();
    for (const id of ids('c', PER_SOCKET)) second.subscribe(id, POD_EVENTS, variables);
    await waitFor('200 subscriptions', async () => (await subscriptions()) === 2 * PER_SOCKET);
    expect(refusals(second)).toEqual([]);
    const third = await connect();
    for (const id of ids('d', PER_SOCKET)) third.subscribe(id, POD_EVENTS, variables);
    await waitFor('50 refusals on the third socket', () => refusals(third).length === 3 * PER_SOCKET - PER_USER);
    await waitFor('250 subscriptions', async () => (await subscriptions()) === PER_USER);
    expect(payloadOf(refusals(third)[0]!)).toEqual({
      message: expect.stringContaining(`At most ${PER_USER} subscriptions of one user may be open at once, across all its websockets (KDA_MAX_SUBSCRIPTIONS_PER_USER)`),
      extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: 'perUser', maximum: PER_USER },
    });
    const admitted = ids('d', PER_SOCKET).filter((id) => errorOf(third, id) === undefined);
    expect(admitted).toHaveLength(PER_USER - 2 * PER_SOCKET);
    setLabel('web-0', 'round', '2');
    await waitFor('the event on the open subscriptions of every socket', () =>
      [first, second, third].every((client) => client.frames.some((frame) => frame.message.type === 'next' && podEventOf(frame).pod.labels?.round === '2')),
    );
    expect(admitted.every((id) => podFrames(third, id).length === 1)).toBe(true);

    // A socket that goes away gives its subscriptions back to the user's budget.
    first.close();
    await waitFor('the first socket’s subscriptions released', async () => (await subscriptions()) === PER_USER - PER_SOCKET);
    const refusedBefore = refusals(third).length;
    for (const id of ids('e', PER_SOCKET - admitted.length)) third.subscribe(id, POD_EVENTS, variables);
    await waitFor('the third socket full', async () => (await subscriptions()) === 2 * PER_SOCKET);
    expect(refusals(third)).toHaveLength(refusedBefore);
  });
});
