import type { Timers } from '../k8s/timers.js';
import { Outbox, type OutboxMessage } from './outbox.js';
import { RefusedMessageError } from '../../shared/event-bus.js';

/** Time stands still until the test moves it; retry timers fire when the test says so. */
class ManualClock implements Timers {
  time = 1_000_000;
  private readonly pending = new Map<number, () => void>();
  private nextHandle = 1;

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, _ms: number): unknown {
    const handle = this.nextHandle++;
    this.pending.set(handle, callback);
    return handle;
  }

  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }

  get timers(): number {
    return this.pending.size;
  }

  /** Fires every retry timer that is due (all of them: the test decides when). */
  fire(): void {
    const callbacks = [...this.pending.values()];
    this.pending.clear();
    for (const callback of callbacks) callback();
  }
}

/** A bus that accepts or refuses publishes, or holds them until released. */
class TestBus {
  readonly accepted: string[] = [];
  attempts = 0;
  up = true;
  /** Message ids the bus will never take (too large, say). */
  readonly refused = new Set<string>();
  private held: Array<() => void> = [];
  hold = false;

  readonly publish = async (message: OutboxMessage): Promise<void> => {
    this.attempts++;
    if (this.hold) await new Promise<void>((resolve) => this.held.push(resolve));
    if (!this.up) throw new Error('TIMEOUT');
    if (this.refused.has(message.messageId)) throw new RefusedMessageError(message.subject, 'too large');
    this.accepted.push(message.messageId);
  };

  release(): void {
    this.hold = false;
    for (const resolve of this.held.splice(0)) resolve();
  }
}

function message(id: string): OutboxMessage {
  return { subject: 'kda.v1.c1.pods.shop', data: { id }, messageId: id };
}

async function until(condition: () => boolean, description: string): Promise<void> {
  for (let turn = 0; turn < 1_000; turn++) {
    if (condition()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never happened: ${description}`);
}

function setup(maxEvents: number, resync?: (queued: readonly OutboxMessage[]) => OutboxMessage[]) {
  const clock = new ManualClock();
  const bus = new TestBus();
  const dropped: string[] = [];
  const outbox = new Outbox<OutboxMessage>({
    name: 'test',
    maxEvents,
    publish: bus.publish,
    onDrop: (entry) => dropped.push(entry.messageId),
    ...(resync ? { resync } : {}),
    timers: clock,
  });
  return { clock, bus, dropped, outbox };
}

describe('Outbox', () => {
  test('a message the bus will never take is dropped at once, not retried in front of the others; its object is resynced once', async () => {
    const resynced: string[][] = [];
    const { clock, bus, dropped, outbox } = setup(100, (queued) => {
      resynced.push(queued.map((entry) => entry.messageId));
      return [message('huge-now')];
    });
    bus.refused.add('huge');
    bus.refused.add('huge-now');
    for (const id of ['a', 'huge', 'b']) outbox.enqueue(message(id));
    await until(() => outbox.stats().pending === 0, 'the queue drained');
    expect(bus.accepted).toEqual(['a', 'b']);
    expect(dropped).toEqual(['huge']);
    // The resync's message is refused too: dropped, and no further resync is owed (no loop).
    expect(resynced).toHaveLength(1);
    expect(outbox.stats()).toMatchObject({ pending: 0, dropped: 2, resyncs: 1, oldestPendingAgeMs: 0 });
    expect(clock.timers).toBe(0);
  });

  test('keeps what the bus refuses and publishes it in order once the bus accepts again, each message once', async () => {
    const { clock, bus, outbox } = setup(100);
    outbox.enqueue(message('a'));
    await until(() => bus.accepted.length === 1, 'a published');

    bus.up = false;
    for (const id of ['b', 'c', 'd']) outbox.enqueue(message(id));
    await until(() => clock.timers === 1, 'a retry scheduled after the refusal');
    clock.fire();
    await until(() => bus.attempts === 3 && clock.timers === 1, 'a second refused attempt');
    expect(outbox.stats()).toMatchObject({ pending: 3, dropped: 0, resyncs: 0 });

    bus.up = true;
    clock.fire();
    await until(() => outbox.stats().pending === 0, 'the queue drained');
    expect(bus.accepted).toEqual(['a', 'b', 'c', 'd']);
    expect(outbox.stats()).toEqual({ pending: 0, oldestPendingAgeMs: 0, dropped: 0, resyncs: 0 });
  });

  test('enqueue returns at once while the bus does not answer', async () => {
    const { bus, outbox } = setup(100);
    bus.hold = true;
    outbox.enqueue(message('a'));
    outbox.enqueue(message('b'));
    expect(outbox.stats().pending).toBe(2);
    bus.release();
    await until(() => bus.accepted.length === 2, 'both published');
    expect(bus.accepted).toEqual(['a', 'b']);
  });

  test('beyond the bound the oldest waiting messages are dropped; once the bus accepts again, the resync goes before the rest of the queue', async () => {
    const resyncCalls: string[][] = [];
    const { clock, bus, dropped, outbox } = setup(3, (queued) => {
      resyncCalls.push(queued.map((entry) => entry.messageId));
      return [message('resync')];
    });
    bus.up = false;
    outbox.enqueue(message('m1'));
    await until(() => clock.timers === 1, 'the refused first attempt');
    for (const id of ['m2', 'm3', 'm4', 'm5', 'm6', 'm7']) outbox.enqueue(message(id));
    expect(dropped).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect(outbox.stats()).toMatchObject({ pending: 3, dropped: 4, resyncs: 0 });
    expect(resyncCalls).toEqual([]);

    bus.up = true;
    clock.fire();
    await until(() => outbox.stats().pending === 0, 'the queue drained');
    // m5 is the retried head: the first accepted publish shows the bus is back, then the resync is computed.
    expect(resyncCalls).toEqual([['m6', 'm7']]);
    expect(bus.accepted).toEqual(['m5', 'resync', 'm6', 'm7']);
    expect(outbox.stats()).toEqual({ pending: 0, oldestPendingAgeMs: 0, dropped: 4, resyncs: 1 });
  });

  test('the message being published is never the one dropped', async () => {
    const { bus, dropped, outbox } = setup(1);
    bus.hold = true;
    outbox.enqueue(message('head'));
    outbox.enqueue(message('second'));
    outbox.enqueue(message('third'));
    expect(dropped).toEqual(['second']);
    bus.release();
    await until(() => outbox.stats().pending === 0, 'the queue drained');
    expect(bus.accepted).toEqual(['head', 'third']);
  });

  test('the oldest pending age counts from the oldest change not yet on the bus, dropped ones included until their resync', async () => {
    const { clock, bus, outbox } = setup(1, () => [message('resync')]);
    bus.up = false;
    outbox.enqueue(message('old'));
    await until(() => clock.timers === 1, 'the refused first attempt');
    clock.time += 4_000;
    outbox.enqueue(message('newer'));
    clock.time += 1_000;
    outbox.enqueue(message('newest'));
    expect(outbox.stats()).toMatchObject({ pending: 1, dropped: 2, oldestPendingAgeMs: 5_000 });

    bus.up = true;
    clock.fire();
    await until(() => outbox.stats().pending === 0, 'the queue drained');
    expect(bus.accepted).toEqual(['newest', 'resync']);
    expect(outbox.stats().oldestPendingAgeMs).toBe(0);
  });

  test('close publishes what is queued while the bus accepts', async () => {
    const { bus, outbox } = setup(100);
    bus.hold = true;
    for (const id of ['a', 'b', 'c']) outbox.enqueue(message(id));
    const closed = outbox.close();
    bus.release();
    await closed;
    expect(bus.accepted).toEqual(['a', 'b', 'c']);
  });

  test('close does not wait for an unreachable bus: the rest is abandoned, later events discarded', async () => {
    const { clock, bus, outbox } = setup(100);
    bus.up = false;
    outbox.enqueue(message('a'));
    outbox.enqueue(message('b'));
    await until(() => clock.timers === 1, 'the refused first attempt');
    await outbox.close();
    expect(outbox.stats().pending).toBe(0);
    outbox.enqueue(message('late'));
    expect(outbox.stats().pending).toBe(0);
    expect(bus.accepted).toEqual([]);
  });

  test('a bound below one is refused', () => {
    expect(() => setup(0)).toThrow(RangeError);
    expect(() => setup(2.5)).toThrow(RangeError);
  });
});
