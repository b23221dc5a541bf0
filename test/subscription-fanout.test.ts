import { registerCluster, startSmallCluster, type RegisteredCluster } from './support/cluster.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { RawGraphqlWsClient, type RawFrame } from './support/raw-graphql-ws.js';
import { waitFor } from './support/wait.js';

/** Small on purpose: a stalled socket reaches it after a few large events. */
const BACKLOG = 16;
const BUFFER_BYTES = 256 * 1024;

interface PodEventPayload {
  readonly data: {
    readonly podEvents: {
      readonly type?: string;
      readonly cursor: string;
      readonly pod: { readonly name: string; readonly restarts?: number; readonly labels?: Record<string, string> };
    };
  };
}

function podEventOf(frame: RawFrame): PodEventPayload['data']['podEvents'] {
  return (frame.message.payload as PodEventPayload).data.podEvents;
}

function sample(text: string, name: string, labels = ''): number {
  const prefix = `${name}${labels === '' ? '' : `{${labels}}`} `;
  const line = text.split('\n').find((candidate) => candidate.startsWith(prefix));
  return line === undefined ? 0 : Number(line.slice(prefix.length));
}

describe('live fan-out: one serialization per event, the same bytes to every socket, slow sockets cut off', () => {
  let gateway: TestGateway;
  let cluster: RegisteredCluster;
  let clients: RawGraphqlWsClient[] = [];

  beforeAll(async () => {
    gateway = await startTestGateway({ limits: { subscriptionBacklog: BACKLOG, subscriptionBufferBytes: BUFFER_BYTES } });
    cluster = await registerCluster(gateway, await startSmallCluster());
  });

  afterEach(async () => {
    for (const client of clients) client.close();
    clients = [];
    await waitFor('every subscription to end', async () => (await metric('kda_websocket_subscriptions', 'field="podEvents"')) === 0);
  });

  afterAll(async () => {
    await gateway?.stop();
    await cluster?.simulator.close();
  });

  async function metric(name: string, labels = ''): Promise<number> {
    return sample(await (await fetch(`${gateway.url}/metrics`)).text(), name, labels);
  }

  async function subscribers(ids: readonly string[], selection: string, after?: string): Promise<RawGraphqlWsClient[]> {
    const opened = await Promise.all(ids.map(() => RawGraphqlWsClient.connect(gateway.graphqlUrl.replace(/^http/, 'ws'), `Bearer ${gateway.adminToken}`)));
    clients.push(...opened);
    const query = `subscription ($clusterId: ID!, $after: String) { podEvents(clusterId: $clusterId, namespace: "team-a", after: $after) ${selection} }`;
    opened.forEach((client, index) => client.subscribe(ids[index]!, query, { clusterId: cluster.id, ...(after === undefined ? {} : { after }) }));
    await waitFor(`${ids.length} podEvents subscriptions to run`, async () => (await metric('kda_websocket_subscriptions', 'field="podEvents"')) >= ids.length);
    return opened;
  }

  const framesOf = (client: RawGraphqlWsClient, pod: string) => client.nextFrames().filter((frame) => podEventOf(frame).pod.name === pod);

  function setLabel(pod: string, key: string, value: string): void {
    cluster.simulator.updatePod('team-a', pod, (draft) => {
      draft.metadata.labels = { ...draft.metadata.labels, [key]: value };
    });
  }

  function setRestarts(pod: string, restarts: number): void {
    cluster.simulator.updatePod('team-a', pod, (draft) => {
      const status = draft.status.containerStatuses?.[0];
      if (status !== undefined) status.restartCount = restarts;
    });
  }

  test('every socket gets the same bytes for an event; only the operation id differs', async () => {
    const [first, second, third] = await subscribers(['same', 'same', 'other'], '{ type cursor pod { name restarts labels } }');
    for (const tick of ['1', '2', '3']) setLabel('web-0', 'tick', tick);
    for (const client of [first!, second!, third!]) {
      await waitFor('the third change on every socket', () => framesOf(client, 'web-0').some((frame) => podEventOf(frame).pod.labels?.tick === '3'));
    }
    const texts = (client: RawGraphqlWsClient) => framesOf(client, 'web-0').map((frame) => frame.text);
    expect(texts(first!)).toHaveLength(3);
    expect(texts(second!)).toEqual(texts(first!));
    expect(texts(third!).map((text) => text.replace('{"id":"other",', '{"id":"same",'))).toEqual(texts(first!));
    expect(framesOf(first!, 'web-0').map((frame) => podEventOf(frame).pod.labels?.tick)).toEqual(['1', '2', '3']);
  });

  test('a MODIFIED event that changes nothing the subscription selected is not sent', async () => {
    const [client] = await subscribers(['1'], '{ type cursor pod { name restarts } }');
    const unchangedBefore = await metric('kda_subscription_events_unchanged_total', 'field="podEvents"');
    setRestarts('web-1', 1);
    await waitFor('restarts 1', () => framesOf(client!, 'web-1').length === 1);
    // Labels are not selected: the pod changed, but not as this subscription sees it.
    setLabel('web-1', 'unseen', 'yes');
    await waitFor(
      'the unchanged event to reach the shared subscription',
      async () => (await metric('kda_subscription_events_unchanged_total', 'field="podEvents"')) > unchangedBefore,
    );
    setRestarts('web-1', 2);
    await waitFor('restarts 2', () => framesOf(client!, 'web-1').length >= 2);
    // Events arrive in order: had the label change been sent, it would sit between the two.
    expect(framesOf(client!, 'web-1').map((frame) => podEventOf(frame))).toEqual([
      expect.objectContaining({ type: 'MODIFIED', pod: { name: 'web-1', restarts: 1 } }),
      expect.objectContaining({ type: 'MODIFIED', pod: { name: 'web-1', restarts: 2 } }),
    ]);
  });

  test('a socket that stops reading is cut off with RESYNC_REQUIRED and its last cursor, while a fast one gets every event', async () => {
    const [fast, slow] = await subscribers(['fast', 'slow'], '{ cursor pod { name labels } }');
    const sequenceOf = (frame: RawFrame) => podEventOf(frame).pod.labels?.seq;
    setLabel('db-0', 'seq', '0');
    for (const client of [fast!, slow!]) await waitFor('the first event on both sockets', () => framesOf(client, 'db-0').some((frame) => sequenceOf(frame) === '0'));

    slow!.pause();
    const droppedBefore = await metric('kda_subscription_events_dropped_total', 'reason="backlog"');
    // Large events fill the stalled socket's kernel buffers quickly; then the gateway's own bound is reached.
    const blob = 'x'.repeat(100_000);
    let sent = 0;
    while ((await metric('kda_subscription_events_dropped_total', 'reason="backlog"')) === droppedBefore) {
      if (sent >= 500) throw new Error(`the stalled socket was not cut off after ${sent} events`);
      sent += 1;
      cluster.simulator.updatePod('team-a', 'db-0', (draft) => {
        draft.metadata.labels = { ...draft.metadata.labels, seq: String(sent), blob };
      });
      await waitFor(`event ${sent} on the fast socket`, () => framesOf(fast!, 'db-0').some((frame) => sequenceOf(frame) === String(sent)));
    }
    // Memory stays bounded: no subscriber ever had more events waiting on its socket than the limit.
    expect(await metric('kda_subscription_backlog_peak')).toBeLessThanOrEqual(BACKLOG);
    expect(await metric('kda_subscription_backlog_peak')).toBeGreaterThan(0);
    // The fast socket got every event, in order, and is not held up after the cut.
    setLabel('db-0', 'seq', 'after');
    await waitFor('the event after the cut on the fast socket', () => framesOf(fast!, 'db-0').some((frame) => sequenceOf(frame) === 'after'));
    const fastSequence = framesOf(fast!, 'db-0').map(sequenceOf);
    expect(fastSequence).toEqual(['0', ...Array.from({ length: sent }, (_, index) => String(index + 1)), 'after']);

    slow!.resume();
    const error = await waitFor('the slow socket’s error', () => slow!.frames.find((frame) => frame.message.type === 'error' && frame.message.id === 'slow'));
    const slowFrames = framesOf(slow!, 'db-0');
    const lastCursor = podEventOf(slowFrames.at(-1)!).cursor;
    expect(error.message.payload).toEqual([expect.objectContaining({ message: expect.stringContaining('Resync required'), extensions: { code: 'RESYNC_REQUIRED', lastCursor } })]);
    // What the slow socket got is the start of what the fast one got, nothing skipped in between.
    expect(slowFrames.map((frame) => frame.text.replace('{"id":"slow",', '{"id":"fast",'))).toEqual(
      framesOf(fast!, 'db-0')
        .slice(0, slowFrames.length)
        .map((frame) => frame.text),
    );
    expect(slowFrames.length).toBeLessThan(fastSequence.length);

    // Resubscribing after that cursor resumes exactly with the first event it missed.
    const [resumed] = await subscribers(['resumed'], '{ cursor pod { name labels } }', lastCursor);
    const missed = framesOf(fast!, 'db-0')[slowFrames.length]!;
    const firstResumed = await waitFor('the first replayed event', () => framesOf(resumed!, 'db-0')[0]);
    expect(podEventOf(firstResumed).cursor).toBe(podEventOf(missed).cursor);
  });
});
