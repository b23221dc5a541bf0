/**
 * The EventBus contract, run against both implementations. The JetStream one uses the real server
 * (NATS_URL or nats://127.0.0.1:4222) through createIsolatedNatsBus: a stream of its own over a
 * unique wire prefix, deleted at the end. Every test uses its own cluster id so tests never see
 * each other's messages. "Nothing else arrived" is asserted with a sentinel published last: both
 * buses deliver in order per subscription, so once the sentinel is in, everything before it is.
 */
import { randomBytes } from 'node:crypto';
import { InvalidCursorError, type EventBus } from '../src/shared/event-bus.js';
import { silentLogger } from '../src/shared/logger.js';
import { createMemoryBus } from '../src/infra/nats/memory-bus.js';
import { subjects } from '../src/infra/nats/subjects.js';
import { createIsolatedNatsBus, MessageCollector, waitUntil } from './support/nats-test-bus.js';

interface BusUnderTest {
  readonly bus: EventBus;
  destroy(): Promise<void>;
}

const implementations: [string, () => Promise<BusUnderTest>][] = [
  [
    'memory',
    async () => {
      const bus = createMemoryBus({ logger: silentLogger });
      return { bus, destroy: () => bus.close() };
    },
  ],
  ['jetstream', () => createIsolatedNatsBus()],
];

interface Payload {
  readonly n: number;
}

let clusterCounter = 0;
const uniqueCluster = (): string => `c${randomBytes(3).toString('hex')}${++clusterCounter}`;

describe.each(implementations)('EventBus contract: %s', (_name, create) => {
  let underTest: BusUnderTest;
  let bus: EventBus;
  const unsubscribes: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    underTest = await create();
    bus = underTest.bus;
  });

  afterEach(async () => {
    await Promise.all(unsubscribes.splice(0).map((unsubscribe) => unsubscribe()));
  });

  afterAll(async () => {
    await underTest?.destroy();
  });

  async function subscribe(subject: string, after?: string): Promise<MessageCollector<Payload>> {
    const collector = new MessageCollector<Payload>();
    unsubscribes.push(await bus.subscribe<Payload>(subject, collector.handler, after === undefined ? {} : { after }));
    return collector;
  }

  test('is ready while open', async () => {
    await expect(bus.checkReady()).resolves.toBeUndefined();
  });

  test('routes by subject with * and > wildcards', async () => {
    const cluster = uniqueCluster();
    const podsAnyNamespace = await subscribe(`kda.v1.${cluster}.pods.*`);
    const wholeCluster = await subscribe(`kda.v1.${cluster}.>`);
    const exact = await subscribe(subjects.clusterObjects(cluster, 'pods', 'web'));

    await bus.publish(subjects.clusterObjects(cluster, 'pods', 'web'), { n: 1 });
    await bus.publish(subjects.clusterObjects(cluster, 'pods', 'db'), { n: 2 });
    await bus.publish(subjects.clusterObjects(cluster, 'nodes'), { n: 3 });
    await bus.publish(subjects.clusterMetrics(cluster, 'pods', 'web'), { n: 4 });
    await bus.publish(subjects.clusterObjects(uniqueCluster(), 'pods', 'web'), { n: 5 });
    // Sentinel, matched by all three subscriptions.
    await bus.publish(subjects.clusterObjects(cluster, 'pods', 'web'), { n: 99 });

    for (const collector of [podsAnyNamespace, wholeCluster, exact]) await collector.waitFor((m) => m.data.n === 99);
    expect(podsAnyNamespace.data.map((d) => d.n)).toEqual([1, 2, 99]);
    expect(wholeCluster.data.map((d) => d.n)).toEqual([1, 2, 3, 4, 99]);
    expect(exact.data.map((d) => d.n)).toEqual([1, 99]);
    expect(exact.messages[0]?.subject).toBe(subjects.clusterObjects(cluster, 'pods', 'web'));
    expect(wholeCluster.messages[3]?.subject).toBe(subjects.clusterMetrics(cluster, 'pods', 'web'));
  });

  test('a live subscription gets everything published after subscribe resolved, nothing before', async () => {
    const subject = subjects.clusterObjects(uniqueCluster(), 'pods', 'web');
    await bus.publish(subject, { n: 0 });
    const live = await subscribe(subject);
    for (let n = 1; n <= 20; n++) await bus.publish(subject, { n });

    await live.waitFor((m) => m.data.n === 20);
    expect(live.data.map((d) => d.n)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });

  test('resuming after a cursor delivers exactly the later messages in order, then live ones', async () => {
    const subject = subjects.clusterObjects(uniqueCluster(), 'pods', 'web');
    const first = await subscribe(subject);
    for (let n = 1; n <= 5; n++) await bus.publish(subject, { n });
    const second = await first.waitFor((m) => m.data.n === 2);

    const resumed = await subscribe(subject, second.cursor);
    await bus.publish(subject, { n: 6 });
    await bus.publish(subject, { n: 7 });

    await resumed.waitFor((m) => m.data.n === 7);
    expect(resumed.data.map((d) => d.n)).toEqual([3, 4, 5, 6, 7]);
    // Cursors identify messages: the replayed copy carries the cursor the live one had.
    await first.waitFor((m) => m.data.n === 7);
    expect(resumed.messages.map((m) => m.cursor)).toEqual(first.messages.slice(2).map((m) => m.cursor));
  });

  test('resuming filters by subject: only matching messages after the cursor', async () => {
    const cluster = uniqueCluster();
    const web = subjects.clusterObjects(cluster, 'pods', 'web');
    const db = subjects.clusterObjects(cluster, 'pods', 'db');
    const all = await subscribe(`kda.v1.${cluster}.>`);
    await bus.publish(web, { n: 1 });
    await bus.publish(db, { n: 2 });
    await bus.publish(web, { n: 3 });
    const start = await all.waitFor((m) => m.data.n === 1);
    await all.waitFor((m) => m.data.n === 3);

    const resumed = await subscribe(web, start.cursor);
    await bus.publish(web, { n: 4 });
    await resumed.waitFor((m) => m.data.n === 4);
    expect(resumed.data.map((d) => d.n)).toEqual([3, 4]);
  });

  test('the same messageId is delivered once', async () => {
    const subject = subjects.buildLog(uniqueCluster());
    const live = await subscribe(subject);
    await bus.publish(subject, { n: 1 }, { messageId: `${subject}:1` });
    await bus.publish(subject, { n: 1 }, { messageId: `${subject}:1` });
    await bus.publish(subject, { n: 2 }, { messageId: `${subject}:2` });

    await live.waitFor((m) => m.data.n === 2);
    expect(live.data.map((d) => d.n)).toEqual([1, 2]);
  });

  test('unsubscribe stops delivery; other subscriptions continue', async () => {
    const subject = subjects.clusterObjects(uniqueCluster(), 'pods', 'web');
    const leaving = new MessageCollector<Payload>();
    const unsubscribe = await bus.subscribe<Payload>(subject, leaving.handler);
    const staying = await subscribe(subject);
    await bus.publish(subject, { n: 1 });
    await leaving.waitFor((m) => m.data.n === 1);

    await unsubscribe();
    await bus.publish(subject, { n: 2 });
    await bus.publish(subject, { n: 3 });
    await staying.waitFor((m) => m.data.n === 3);
    expect(leaving.data.map((d) => d.n)).toEqual([1]);
    expect(staying.data.map((d) => d.n)).toEqual([1, 2, 3]);
  });

  test('a throwing handler does not end its subscription', async () => {
    const subject = subjects.clusterObjects(uniqueCluster(), 'pods', 'web');
    const received: number[] = [];
    unsubscribes.push(
      await bus.subscribe<Payload>(subject, (message) => {
        received.push(message.data.n);
        if (message.data.n === 1) throw new Error('handler bug');
      }),
    );
    await bus.publish(subject, { n: 1 });
    await bus.publish(subject, { n: 2 });
    await waitUntil(() => received.length >= 2, 'the message after the failing one');
    expect(received).toEqual([1, 2]);
  });

  test('payloads arrive as JSON values', async () => {
    const subject = subjects.workspaceBuilds(uniqueCluster());
    const live = new MessageCollector<unknown>();
    unsubscribes.push(await bus.subscribe(subject, live.handler));
    await bus.publish(subject, { at: new Date(0), nested: { list: [1, 'a', null] }, skipped: undefined });
    await live.waitForCount(1);
    expect(live.data[0]).toEqual({ at: '1970-01-01T00:00:00.000Z', nested: { list: [1, 'a', null] } });
  });

  test.each([
    ['garbage', 'not a cursor!'],
    ['empty', ''],
    ['a non-numeric sequence', Buffer.from('js:abc').toString('base64url')],
    ['a sequence far beyond the end', Buffer.from('js:9007199254740991').toString('base64url')],
    ['an in-process cursor of another bus instance', Buffer.from('mem:0123456789ab:1').toString('base64url')],
    ['non-canonical base64', `${Buffer.from('js:1').toString('base64url')}=`],
  ])('subscribe rejects an invalid cursor: %s', async (_what, cursor) => {
    const subject = subjects.clusterObjects(uniqueCluster(), 'pods', 'web');
    await expect(bus.subscribe(subject, () => undefined, { after: cursor })).rejects.toBeInstanceOf(InvalidCursorError);
  });

  test('subjects outside kda.v1.> and malformed subjects are refused', async () => {
    await expect(bus.publish('other.subject', { n: 1 })).rejects.toThrow(/outside the bus scope/);
    await expect(bus.publish('kda.v1.*.pods.x', { n: 1 })).rejects.toThrow(/Invalid subject/);
    await expect(bus.subscribe('kda.>', () => undefined)).rejects.toThrow(/outside the bus scope/);
    await expect(bus.subscribe('kda.v1.>.pods', () => undefined)).rejects.toThrow(/Invalid subject/);
  });

  test('after close it is not ready and refuses work', async () => {
    const other = await create();
    await other.destroy();
    await expect(other.bus.checkReady()).rejects.toThrow();
    await expect(other.bus.publish(subjects.buildLog('x'), { n: 1 })).rejects.toThrow(/closed/);
  });
});
