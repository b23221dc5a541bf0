import { waitUntil } from '../../../test/support/nats-test-bus.js';
import { silentLogger } from '../../shared/logger.js';
import { createMemoryBus } from './memory-bus.js';
import { openMerged } from './merged-subscription.js';
import { SlowConsumerError, SubscriptionHub } from './subscription-hub.js';

describe('several hub subjects read as one stream', () => {
  test('merges in arrival order, maps or drops each message, and releases every subject on return()', async () => {
    const bus = createMemoryBus({ logger: silentLogger });
    const hub = new SubscriptionHub(bus);
    const stream = await openMerged<string>(hub, [
      { subject: 'kda.v1.a.pods.shop', map: (message) => `a:${String(message.data)}` },
      { subject: 'kda.v1.b.pods.shop', map: (message) => (message.data === 'skip' ? undefined : `b:${String(message.data)}`) },
    ]);
    expect(hub.activeSubjects().sort()).toEqual(['kda.v1.a.pods.shop', 'kda.v1.b.pods.shop']);
    await bus.publish('kda.v1.b.pods.shop', 'skip');
    await bus.publish('kda.v1.a.pods.shop', 1);
    await bus.publish('kda.v1.b.pods.shop', 2);
    expect([(await stream.next()).value, (await stream.next()).value]).toEqual(['a:1', 'b:2']);
    const waiting = stream.next();
    await stream.return?.();
    expect(await waiting).toEqual({ done: true, value: undefined });
    expect(hub.activeSubjects()).toEqual([]);
    await hub.close();
    await bus.close();
  });

  test('a reader that falls behind by the buffer is ended as a slow consumer, and lets go of the bus', async () => {
    const bus = createMemoryBus({ logger: silentLogger });
    const hub = new SubscriptionHub(bus);
    const stream = await openMerged<number>(hub, [{ subject: 'kda.v1.a.pods.shop', map: (message) => message.data as number }], 2);
    for (const value of [1, 2, 3]) await bus.publish('kda.v1.a.pods.shop', value);
    await expect(stream.next()).rejects.toThrow(SlowConsumerError);
    expect((await stream.next()).done).toBe(true);
    await waitUntil(() => hub.activeSubjects().length === 0, 'the bus subscription released');
    await hub.close();
    await bus.close();
  });
});
