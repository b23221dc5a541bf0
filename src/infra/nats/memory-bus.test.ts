/** Behaviour specific to the in-process bus; the shared contract is in test/event-bus.test.ts. */
import { InvalidCursorError, type BusMessage } from '../../shared/event-bus.js';
import { silentLogger } from '../../shared/logger.js';
import { createMemoryBus } from './memory-bus.js';
import { MessageCollector } from '../../../test/support/nats-test-bus.js';

const subject = 'kda.v1.c1.pods.web';

describe('memory bus', () => {
  test('delivers asynchronously, in publish order per subscriber', async () => {
    const bus = createMemoryBus({ logger: silentLogger });
    const received: number[] = [];
    await bus.subscribe<number>(subject, (message) => received.push(message.data));
    const publishes = [1, 2, 3].map((n) => bus.publish(subject, n));
    expect(received).toEqual([]);
    await Promise.all(publishes);
    await bus.close();
    expect(received).toEqual([1, 2, 3]);
  });

  test('a handler that publishes is not re-entered, and order follows publish order', async () => {
    const bus = createMemoryBus({ logger: silentLogger });
    const publishedOrder: string[] = [];
    const publish = (data: string): Promise<void> => {
      publishedOrder.push(data);
      return bus.publish(subject, data);
    };
    const collector = new MessageCollector<string>();
    let depth = 0;
    let maxDepth = 0;
    await bus.subscribe<string>(subject, (message) => {
      depth++;
      maxDepth = Math.max(maxDepth, depth);
      collector.handler(message);
      if (message.data === 'first') void publish('from handler');
      depth--;
    });
    await publish('first');
    await publish('second');
    await collector.waitForCount(3);
    expect(maxDepth).toBe(1);
    expect(collector.data).toEqual(publishedOrder);
    await bus.close();
  });

  test('a cursor whose successors were evicted from the ring buffer has expired', async () => {
    const bus = createMemoryBus({ retainMessages: 3, logger: silentLogger });
    const collector = new MessageCollector<number>();
    await bus.subscribe<number>(subject, collector.handler);
    for (let n = 1; n <= 5; n++) await bus.publish(subject, n);
    await collector.waitForCount(5);
    const cursorOf = (n: number): string => (collector.messages[n - 1] as BusMessage<number>).cursor;

    // Retained: 3, 4, 5. After 2 -> 3, 4, 5 is complete; after 1 would skip 2.
    await expect(bus.subscribe(subject, () => undefined, { after: cursorOf(1) })).rejects.toBeInstanceOf(InvalidCursorError);
    const resumed = new MessageCollector<number>();
    await bus.subscribe<number>(subject, resumed.handler, { after: cursorOf(2) });
    await resumed.waitForCount(3);
    expect(resumed.data).toEqual([3, 4, 5]);
    // Resuming after the newest message is valid and replays nothing.
    const upToDate = new MessageCollector<number>();
    await bus.subscribe<number>(subject, upToDate.handler, { after: cursorOf(5) });
    await bus.publish(subject, 6);
    await upToDate.waitForCount(1);
    expect(upToDate.data).toEqual([6]);
    await bus.close();
  });

  test('messageIds are forgotten after the duplicate window', async () => {
    let now = 1_000;
    const bus = createMemoryBus({ duplicateWindowMs: 100, now: () => now, logger: silentLogger });
    const collector = new MessageCollector<string>();
    await bus.subscribe<string>(subject, collector.handler);
    await bus.publish(subject, 'a', { messageId: 'id-1' });
    now += 99;
    await bus.publish(subject, 'a again', { messageId: 'id-1' });
    now += 1;
    await bus.publish(subject, 'a after the window', { messageId: 'id-1' });
    await collector.waitForCount(2);
    await bus.close();
    expect(collector.data).toEqual(['a', 'a after the window']);
  });

  test('subscribers cannot change what others receive', async () => {
    const bus = createMemoryBus({ logger: silentLogger });
    const published = { list: [1] };
    const first = new MessageCollector<{ list: number[] }>();
    await bus.subscribe<{ list: number[] }>(subject, first.handler);
    await bus.publish(subject, published);
    published.list.push(2);
    await first.waitForCount(1);
    expect(first.data[0]).toEqual({ list: [1] });
    await bus.close();
  });

  test('close delivers what was already published, then refuses work', async () => {
    const bus = createMemoryBus({ logger: silentLogger });
    const collector = new MessageCollector<number>();
    await bus.subscribe<number>(subject, collector.handler);
    void bus.publish(subject, 1);
    await bus.close();
    expect(collector.data).toEqual([1]);
    await expect(bus.subscribe(subject, () => undefined)).rejects.toThrow(/closed/);
    await expect(bus.checkReady()).rejects.toThrow(/closed/);
  });

  test('retainMessages must be a non-negative integer', () => {
    expect(() => createMemoryBus({ retainMessages: -1 })).toThrow(RangeError);
  });
});
