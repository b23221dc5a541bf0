import { InvalidCursorError, type BusMessage, type EventBus, type Unsubscribe } from '../../shared/event-bus.js';
import { silentLogger } from '../../shared/logger.js';
import { createMemoryBus } from './memory-bus.js';
import { waitUntil } from '../../../test/support/nats-test-bus.js';
import { HubClosedError, SlowConsumerError, SubscriptionHub, type HubSink } from './subscription-hub.js';

const subject = 'kda.v1.c1.pods.web';

/** The real in-process bus, counting the subscriptions the hub holds on it. */
class CountingBus implements EventBus {
  readonly inner = createMemoryBus({ logger: silentLogger });
  opened = 0;
  active = 0;
  /** When set, subscribe waits for it: lets a test act while a bus subscription is opening. */
  gate: Promise<void> | undefined;

  publish(subjectName: string, data: unknown): Promise<void> {
    return this.inner.publish(subjectName, data);
  }

  async subscribe<T>(subjectName: string, handler: (message: BusMessage<T>) => void, options?: { after?: string }): Promise<Unsubscribe> {
    await this.gate;
    const unsubscribe = await this.inner.subscribe(subjectName, handler, options);
    this.opened++;
    this.active++;
    let released = false;
    return async () => {
      if (!released) {
        released = true;
        this.active--;
      }
      await unsubscribe();
    };
  }

  checkReady(): Promise<void> {
    return this.inner.checkReady();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

async function take<T>(iterator: AsyncIterator<BusMessage<T>>, count: number): Promise<T[]> {
  const values: T[] = [];
  while (values.length < count) {
    const result = await iterator.next();
    if (result.done) break;
    values.push(result.value.data);
  }
  return values;
}

describe('SubscriptionHub', () => {
  let bus: CountingBus;
  let hub: SubscriptionHub;
  let dropped: number[];

  beforeEach(() => {
    bus = new CountingBus();
    dropped = [];
    hub = new SubscriptionHub(bus, { logger: silentLogger, onDropped: (count) => dropped.push(count) });
  });

  afterEach(async () => {
    await hub.close();
    await bus.close();
  });

  test('live subscribers of one subject share one bus subscription', async () => {
    const first = hub.subscribe<number>(subject);
    const second = hub.subscribe<number>(subject);
    await Promise.all([hub.ready(first), hub.ready(second)]);
    expect(bus.opened).toBe(1);
    expect(hub.subscriberCount(subject)).toBe(2);
    expect(hub.activeSubjects()).toEqual([subject]);

    await bus.publish(subject, 1);
    await bus.publish(subject, 2);
    expect(await take(first, 2)).toEqual([1, 2]);
    expect(await take(second, 2)).toEqual([1, 2]);
  });

  test('the bus subscription closes with the last subscriber and reopens for the next', async () => {
    const first = hub.subscribe(subject);
    const second = hub.subscribe(subject);
    await hub.ready(second);

    await first.return?.();
    expect(bus.active).toBe(1);
    expect(hub.subscriberCount(subject)).toBe(1);
    await second.return?.();
    expect(bus.active).toBe(0);
    expect(hub.activeSubjects()).toEqual([]);
    expect(hub.busSubscriptionCount()).toBe(0);

    const third = hub.subscribe<number>(subject);
    await hub.ready(third);
    expect(bus.opened).toBe(2);
    await bus.publish(subject, 3);
    expect(await take(third, 1)).toEqual([3]);
  });

  test('a subscriber leaving while the bus subscription opens releases it once open', async () => {
    let openGate = (): void => undefined;
    bus.gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const leaving = hub.subscribe(subject);
    const returned = leaving.return?.();
    expect(hub.subscriberCount(subject)).toBe(0);
    openGate();
    await returned;
    expect(bus.opened).toBe(1);
    expect(bus.active).toBe(0);
  });

  test('the iterator ends the subscription when a for-await loop breaks', async () => {
    const iterator = hub.subscribe<number>(subject);
    await hub.ready(iterator);
    await bus.publish(subject, 1);
    for await (const message of iterator) {
      expect(message.data).toBe(1);
      break;
    }
    expect(bus.active).toBe(0);
  });

  test('a subscriber with a cursor replays on its own bus subscription, then goes live', async () => {
    const live = hub.subscribe<number>(subject);
    await hub.ready(live);
    for (let n = 1; n <= 3; n++) await bus.publish(subject, n);
    const [, second] = await Promise.all([live.next(), live.next()]);
    const cursor = (second.value as BusMessage<number>).cursor;

    const resumed = hub.subscribe<number>(subject, { after: cursor });
    await hub.ready(resumed);
    expect(bus.opened).toBe(2);
    expect(hub.subscriberCount(subject)).toBe(2);
    await bus.publish(subject, 4);
    expect(await take(resumed, 2)).toEqual([3, 4]);
  });

  test('a bad cursor rejects ready and the first next, and holds nothing', async () => {
    const iterator = hub.subscribe(subject, { after: 'bogus' });
    await expect(hub.ready(iterator)).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(iterator.next()).rejects.toBeInstanceOf(InvalidCursorError);
    await expect(iterator.next()).resolves.toEqual({ value: undefined, done: true });
    expect(hub.busSubscriptionCount()).toBe(0);
    expect(bus.active).toBe(0);
  });

  test('filters apply before buffering', async () => {
    const evens = hub.subscribe<number>(subject, { filter: (message) => message.data % 2 === 0, bufferSize: 2 });
    await hub.ready(evens);
    for (let n = 1; n <= 4; n++) await bus.publish(subject, n);
    expect(await take(evens, 2)).toEqual([2, 4]);
  });

  test('a slow subscriber is ended with SlowConsumerError (RESYNC_REQUIRED, its last cursor); the others keep receiving', async () => {
    const slow = hub.subscribe<number>(subject, { bufferSize: 2 });
    const fast = hub.subscribe<number>(subject);
    await hub.ready(fast);
    await hub.ready(slow);
    // The slow one takes the first event, then reads no more: 2 and 3 fill its buffer, 4 overflows it.
    const firstOfSlow = slow.next();
    const fastValues: number[] = [];
    const draining = (async () => {
      for await (const message of fast) {
        fastValues.push(message.data);
        if (message.data === 4) break;
      }
    })();
    for (let n = 1; n <= 4; n++) await bus.publish(subject, n);
    await draining;
    expect(fastValues).toEqual([1, 2, 3, 4]);

    const first = await firstOfSlow;
    expect(first.value?.data).toBe(1);
    const failure = slow.next();
    await expect(failure).rejects.toBeInstanceOf(SlowConsumerError);
    await expect(failure).rejects.toMatchObject({ code: 'RESYNC_REQUIRED', details: { lastCursor: first.value?.cursor } });
    await expect(slow.next()).resolves.toEqual({ value: undefined, done: true });
    // The two it had buffered and the third that did not fit (for /metrics).
    expect(dropped).toEqual([3]);
    expect(hub.subscriberCount(subject)).toBe(0);
    await waitUntil(() => bus.active === 0, 'the shared bus subscription to close');
  });

  test('a waiting next() gets the event as soon as it arrives', async () => {
    const iterator = hub.subscribe<number>(subject, { bufferSize: 1 });
    await hub.ready(iterator);
    const pending = iterator.next();
    await bus.publish(subject, 7);
    await expect(pending).resolves.toEqual({ value: expect.objectContaining({ data: 7, subject }), done: false });
  });

  test('close ends every iterator and releases every bus subscription', async () => {
    const first = hub.subscribe(subject);
    const second = hub.subscribe('kda.v1.c1.>');
    await Promise.all([hub.ready(first), hub.ready(second)]);
    const waiting = first.next();
    await hub.close();
    await expect(waiting).resolves.toEqual({ value: undefined, done: true });
    await expect(second.next()).resolves.toEqual({ value: undefined, done: true });
    expect(bus.active).toBe(0);

    const late = hub.subscribe(subject);
    await expect(hub.ready(late)).rejects.toBeInstanceOf(HubClosedError);
    await expect(late.next()).rejects.toBeInstanceOf(HubClosedError);
  });

  test('attach lets one sink fan out further on the shared subscription', async () => {
    const received: number[] = [];
    const sink: HubSink<number> = { deliver: (message) => received.push(message.data), fail: () => undefined, end: () => undefined };
    const attachment = hub.attach(subject, sink);
    const iterator = hub.subscribe<number>(subject);
    await Promise.all([attachment.ready, hub.ready(iterator)]);
    expect(bus.opened).toBe(1);
    await bus.publish(subject, 5);
    expect(await take(iterator, 1)).toEqual([5]);
    expect(received).toEqual([5]);
    await attachment.detach();
    expect(bus.active).toBe(1);
  });

  test('ready refuses iterators the hub did not make', async () => {
    await expect(hub.ready((async function* () {})())).rejects.toBeInstanceOf(TypeError);
  });
});
