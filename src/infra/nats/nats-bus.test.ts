/**
 * JetStream-specific behaviour (the shared contract is in test/event-bus.test.ts): stream setup,
 * the wire prefix, readiness, expired cursors, and recovery after the server restarts. The last
 * one runs a private nats-server (test/support/private-nats-server.ts), so it can be stopped and
 * started without touching the shared server.
 */
import { connect, nanos, type NatsConnection } from 'nats';
import { InvalidCursorError, RefusedMessageError, type BusMessage, type EventBus } from '../../shared/event-bus.js';
import { silentLogger } from '../../shared/logger.js';
import { createNatsBus } from './nats-bus.js';
import { createIsolatedNatsBus, deleteStream, MessageCollector, natsTestUrl, natsUnreachableMessage, waitUntil } from '../../../test/support/nats-test-bus.js';
import { freePort, PrivateNatsServer } from '../../../test/support/private-nats-server.js';

const subject = 'kda.v1.c1.pods.web';

describe('JetStream bus on the shared server', () => {
  let admin: NatsConnection;
  const streamsToDelete: string[] = [];

  beforeAll(async () => {
    admin = await connect({ servers: natsTestUrl() }).catch((error: unknown) => {
      throw new Error(`${natsUnreachableMessage(natsTestUrl())} (${String(error)})`);
    });
  });

  afterAll(async () => {
    for (const stream of streamsToDelete) await deleteStream(natsTestUrl(), stream);
    await admin?.close();
  });

  test('creates its stream over the prefixed scope with the configured limits, and updates them later', async () => {
    const isolated = await createIsolatedNatsBus({ maxAgeMs: 60_000, maxMessages: 500, duplicateWindowMs: 5_000 });
    streamsToDelete.push(isolated.streamName);
    await isolated.bus.close();
    const jsm = await admin.jetstreamManager();
    const created = await jsm.streams.info(isolated.streamName);
    expect(created.config.subjects).toEqual([`${isolated.subjectPrefix}.kda.v1.>`]);
    expect(created.config.max_age).toBe(nanos(60_000));
    expect(created.config.max_msgs).toBe(500);
    expect(created.config.duplicate_window).toBe(nanos(5_000));

    const reconnected = await createNatsBus({
      url: natsTestUrl(),
      streamName: isolated.streamName,
      subjectPrefix: isolated.subjectPrefix,
      maxMessages: 800,
      logger: silentLogger,
    });
    await reconnected.close();
    const updated = await jsm.streams.info(isolated.streamName);
    expect(updated.config.max_msgs).toBe(800);
    expect(updated.config.max_age).toBe(nanos(24 * 60 * 60 * 1000));
  });

  test('publishes on the prefixed wire subject and reports the logical subject', async () => {
    const isolated = await createIsolatedNatsBus();
    try {
      const wire: string[] = [];
      const raw = admin.subscribe(`${isolated.subjectPrefix}.kda.v1.>`, { callback: (_error, message) => wire.push(message.subject) });
      await admin.flush();
      const collector = new MessageCollector();
      await isolated.bus.subscribe(subject, collector.handler);
      await isolated.bus.publish(subject, { n: 1 });
      await collector.waitForCount(1);
      await waitUntil(() => wire.length === 1, 'the raw wire message');
      raw.unsubscribe();
      expect(wire).toEqual([`${isolated.subjectPrefix}.${subject}`]);
      expect(collector.messages[0]?.subject).toBe(subject);
    } finally {
      await isolated.destroy();
    }
  });

  test("a message above the server's payload limit is refused for good (RefusedMessageError), not as a passing failure", async () => {
    const isolated = await createIsolatedNatsBus();
    try {
      const tooLarge = 'x'.repeat((admin.info?.max_payload ?? 1024 * 1024) + 1);
      await expect(isolated.bus.publish(subject, { tooLarge })).rejects.toBeInstanceOf(RefusedMessageError);
      await isolated.bus.publish(subject, { small: true });
    } finally {
      await isolated.destroy();
    }
  });

  test('unsubscribing removes the server-side consumer', async () => {
    const isolated = await createIsolatedNatsBus();
    try {
      const jsm = await admin.jetstreamManager();
      const unsubscribe = await isolated.bus.subscribe(subject, () => undefined);
      expect((await jsm.streams.info(isolated.streamName)).state.consumer_count).toBe(1);
      await unsubscribe();
      expect((await jsm.streams.info(isolated.streamName)).state.consumer_count).toBe(0);
    } finally {
      await isolated.destroy();
    }
  });

  test('checkReady fails with the reason when the stream is gone', async () => {
    const isolated = await createIsolatedNatsBus();
    try {
      await expect(isolated.bus.checkReady()).resolves.toBeUndefined();
      await deleteStream(natsTestUrl(), isolated.streamName);
      await expect(isolated.bus.checkReady()).rejects.toThrow(new RegExp(`stream ${isolated.streamName} is unavailable`));
    } finally {
      await isolated.destroy();
    }
  });

  test('a cursor whose successors aged out of the stream has expired', async () => {
    const isolated = await createIsolatedNatsBus({ maxMessages: 3 });
    try {
      const { bus } = isolated;
      const collector = new MessageCollector<number>();
      await bus.subscribe<number>(subject, collector.handler);
      for (let n = 1; n <= 5; n++) await bus.publish(subject, n);
      await collector.waitForCount(5);
      const cursorOf = (n: number): string => (collector.messages[n - 1] as BusMessage<number>).cursor;

      await expect(bus.subscribe(subject, () => undefined, { after: cursorOf(1) })).rejects.toBeInstanceOf(InvalidCursorError);
      const resumed = new MessageCollector<number>();
      await bus.subscribe<number>(subject, resumed.handler, { after: cursorOf(2) });
      await resumed.waitForCount(3);
      expect(resumed.data).toEqual([3, 4, 5]);
    } finally {
      await isolated.destroy();
    }
  });

  test('createNatsBus names the URL when the server cannot be reached', async () => {
    const port = await freePort();
    await expect(createNatsBus({ url: `nats://127.0.0.1:${port}`, logger: silentLogger })).rejects.toThrow(`NATS is not reachable at nats://127.0.0.1:${port}`);
  });
});

describe('JetStream bus across a server restart', () => {
  let server: PrivateNatsServer;
  let bus: EventBus | undefined;

  beforeAll(async () => {
    server = await PrivateNatsServer.start();
  });

  afterAll(async () => {
    await bus?.close();
    await server.destroy();
  });

  test('a live subscription resumes after the restart without losing what was published meanwhile', async () => {
    bus = await createNatsBus({ url: server.url, logger: silentLogger, pullExpiresMs: 2_000 });
    const collector = new MessageCollector<number>();
    await bus.subscribe<number>(subject, collector.handler);
    await bus.publish(subject, 1);
    await collector.waitForCount(1);

    await server.stop();
    await server.start();
    // Published by another client as soon as the server is back, before the subscriber's
    // ordered consumer has been recreated: it must still arrive.
    const publisher = await createNatsBus({ url: server.url, logger: silentLogger });
    await publisher.publish(subject, 2);
    await publisher.close();
    await waitUntil(() => collector.messages.length >= 2, 'the message published during recovery', 20_000);
    await expect(bus.checkReady()).resolves.toBeUndefined();
    await bus.publish(subject, 3);
    await waitUntil(() => collector.messages.length >= 3, 'the message published after recovery', 20_000);
    expect(collector.data).toEqual([1, 2, 3]);
  }, 60_000);
});
