/**
 * A bounded, ordered outbox in front of the event bus, one per publisher (a cluster's watches, the
 * build followers). A JetStream publish made while NATS is unreachable fails after the client's
 * request timeout; the watch loop must neither wait for NATS nor lose what it saw.
 *
 * - `enqueue` is synchronous. One pump publishes strictly in order, one message at a time, and
 *   retries the message at the head (with backoff) until the bus accepts it. Every message carries
 *   a messageId: a retry whose earlier attempt did reach the stream is dropped by JetStream's
 *   de-duplication, so nothing arrives twice.
 * - At most `maxEvents` messages wait behind the one being published. Beyond that the oldest
 *   waiting one is dropped (`onDrop` tells the owner what subscribers will miss) and a resync is
 *   owed: once the bus accepts a message again (the retried head), and before the rest of the
 *   queue, the owner's `resync` supplies messages that bring subscribers to the current state.
 * - `close` publishes what it can and abandons the rest at the first failure (logged with the
 *   count): a shutdown never waits for NATS to come back.
 */
import { silentLogger, type Logger } from '../../shared/logger.js';
import { Backoff, type BackoffSettings } from '../k8s/backoff.js';
import { RefusedMessageError } from '../../shared/event-bus.js';
import { realTimers, type Timers } from '../k8s/timers.js';

export interface OutboxMessage {
  readonly subject: string;
  readonly data: unknown;
  /** Makes a retry idempotent (JetStream de-duplication window). */
  readonly messageId: string;
}

export interface OutboxStats {
  /** Messages not yet accepted by the bus, resync messages included. */
  readonly pending: number;
  /** Age of the oldest change not yet on the bus (a dropped one counts until its resync is sent); 0 when none. */
  readonly oldestPendingAgeMs: number;
  /** Messages dropped because `maxEvents` were already waiting (since this outbox was created). */
  readonly dropped: number;
  /** Resyncs started after drops (since this outbox was created). */
  readonly resyncs: number;
}

export interface OutboxOptions<M extends OutboxMessage> {
  /** Used in logs. */
  readonly name: string;
  /** Most messages waiting behind the one being published; at least 1. */
  readonly maxEvents: number;
  readonly publish: (message: M) => Promise<void>;
  /** A message dropped to keep the bound; it will never be published. */
  readonly onDrop?: (message: M) => void;
  /** After drops: messages that bring subscribers to the current state, given those still queued. */
  readonly resync?: (queued: readonly M[]) => M[];
  readonly retry?: BackoffSettings;
  readonly timers?: Timers;
  readonly logger?: Logger;
}

export const OUTBOX_RETRY: BackoffSettings = { initialMs: 200, maxMs: 5_000, jitter: 0.2 };

interface Entry<M> {
  readonly message: M;
  /** When the change it carries was first owed to the bus. */
  readonly since: number;
}

/** FIFO with O(1) push and shift, and O(1) removal of the second element. */
class Fifo<T> {
  private items: T[] = [];
  private head = 0;

  get length(): number {
    return this.items.length - this.head;
  }

  peek(): T | undefined {
    return this.items[this.head];
  }

  push(item: T): void {
    this.items.push(item);
  }

  shift(): T | undefined {
    if (this.length === 0) return undefined;
    const item = this.items[this.head] as T;
    this.head++;
    if (this.head >= 1024 && this.head * 2 >= this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }

  /** Removes the element after the head (the head stays first). */
  removeSecond(): T | undefined {
    if (this.length < 2) return undefined;
    const second = this.items[this.head + 1] as T;
    this.items[this.head + 1] = this.items[this.head] as T;
    this.shift();
    return second;
  }

  values(): T[] {
    return this.items.slice(this.head);
  }

  clear(): void {
    this.items = [];
    this.head = 0;
  }
}

export class Outbox<M extends OutboxMessage> {
  private readonly queue = new Fifo<Entry<M>>();
  /** Resync messages; they go before the queue. */
  private resyncBatch = new Fifo<Entry<M>>();
  private readonly backoff: Backoff;
  private readonly timers: Timers;
  private readonly logger: Logger;
  private readonly maxEvents: number;
  private inFlight: Entry<M> | undefined;
  /** Since when the oldest dropped change is owed (undefined: no resync owed). */
  private owedSince: number | undefined;
  private droppedSinceResync = 0;
  private dropped = 0;
  private resyncs = 0;
  private failing = false;
  private closing = false;
  /** Set and cleared synchronously by the pump itself, so an enqueue never finds a pump that is about to stop. */
  private pumpRunning = false;
  private pumping: Promise<void> = Promise.resolve();
  private wakeSleeper: (() => void) | undefined;

  constructor(private readonly options: OutboxOptions<M>) {
    if (!Number.isInteger(options.maxEvents) || options.maxEvents < 1) throw new RangeError(`maxEvents must be a whole number of at least 1, got ${options.maxEvents}`);
    this.maxEvents = options.maxEvents;
    this.backoff = new Backoff(options.retry ?? OUTBOX_RETRY);
    this.timers = options.timers ?? realTimers;
    this.logger = (options.logger ?? silentLogger).child({ outbox: options.name });
  }

  /** Never blocks and never throws; after `close` the message is discarded. */
  enqueue(message: M): void {
    if (this.closing) {
      this.logger.warn('event discarded: the outbox is closed', { subject: message.subject });
      return;
    }
    if (this.waiting() >= this.maxEvents) this.dropOldestWaiting();
    this.queue.push({ message, since: this.timers.now() });
    if (!this.pumpRunning) {
      this.pumpRunning = true;
      this.pumping = this.pump();
    }
  }

  stats(): OutboxStats {
    const oldest = [this.resyncBatch.peek()?.since, this.queue.peek()?.since, this.owedSince].filter((time): time is number => time !== undefined);
    return {
      pending: this.resyncBatch.length + this.queue.length,
      oldestPendingAgeMs: oldest.length === 0 ? 0 : Math.max(0, this.timers.now() - Math.min(...oldest)),
      dropped: this.dropped,
      resyncs: this.resyncs,
    };
  }

  /** The messages the bus has not accepted yet (waiting or in flight); undefined while dropped ones are owed a resync. */
  unaccepted(): M[] | undefined {
    if (this.owedSince !== undefined) return undefined;
    return [...this.resyncBatch.values(), ...this.queue.values()].map((entry) => entry.message);
  }

  /** Publishes what the bus accepts; at the first failure the rest is abandoned. */
  async close(): Promise<void> {
    this.closing = true;
    this.wakeSleeper?.();
    await this.pumping;
  }

  /** Queued messages other than the one being published. */
  private waiting(): number {
    return this.queue.length - (this.inFlight !== undefined && this.queue.peek() === this.inFlight ? 1 : 0);
  }

  private dropOldestWaiting(): void {
    const headInFlight = this.inFlight !== undefined && this.queue.peek() === this.inFlight;
    const entry = headInFlight ? this.queue.removeSecond() : this.queue.shift();
    if (entry === undefined) return;
    this.dropped++;
    this.droppedSinceResync++;
    if (this.owedSince === undefined) {
      this.logger.warn('outbox full: dropping the oldest events; subscribers get the current state once the bus accepts events again', { maxEvents: this.maxEvents });
    }
    this.owedSince = Math.min(this.owedSince ?? entry.since, entry.since);
    try {
      this.options.onDrop?.(entry.message);
    } catch (error) {
      this.logger.error('onDrop listener threw', { error: String(error) });
    }
  }

  private startResync(): void {
    const since = this.owedSince ?? this.timers.now();
    let messages: M[] = [];
    try {
      messages = this.options.resync?.(this.queue.values().map((entry) => entry.message)) ?? [];
    } catch (error) {
      this.logger.error('resync failed; subscribers may miss changes until the next event of each object', { error: String(error) });
    }
    this.logger.info('resynchronizing subscribers after dropped events', { dropped: this.droppedSinceResync, messages: messages.length });
    this.resyncBatch = new Fifo<Entry<M>>();
    for (const message of messages) this.resyncBatch.push({ message, since });
    this.owedSince = undefined;
    this.droppedSinceResync = 0;
    this.resyncs++;
  }

  private next(): Entry<M> | undefined {
    // Resync only once the bus takes messages again: computed earlier, it would be stale by then.
    if (this.owedSince !== undefined && this.resyncBatch.length === 0 && (!this.failing || this.queue.length === 0)) this.startResync();
    return this.resyncBatch.peek() ?? this.queue.peek();
  }

  private async pump(): Promise<void> {
    for (;;) {
      const entry = this.next();
      if (entry === undefined) {
        this.pumpRunning = false;
        return;
      }
      this.inFlight = entry;
      try {
        await this.options.publish(entry.message);
      } catch (error) {
        this.inFlight = undefined;
        if (error instanceof RefusedMessageError) {
          this.refuse(entry, error);
          continue;
        }
        if (this.closing) {
          this.abandon(error);
          this.pumpRunning = false;
          return;
        }
        if (!this.failing) {
          this.logger.warn('cannot publish; keeping events in order and retrying', { error: describe(error), pending: this.stats().pending });
        }
        this.failing = true;
        await this.sleep(this.backoff.next());
        continue;
      }
      this.inFlight = undefined;
      if (this.failing) this.logger.info('publishing again', { pending: this.stats().pending - 1 });
      this.failing = false;
      this.backoff.reset();
      if (this.resyncBatch.peek() === entry) this.resyncBatch.shift();
      else if (this.queue.peek() === entry) this.queue.shift();
    }
  }

  /**
   * A message the bus will never take is dropped like one over the bound: counted, and the state
   * of what it was about owed to subscribers. Not again for a resync message: that would loop.
   */
  private refuse(entry: Entry<M>, error: RefusedMessageError): void {
    const fromResync = this.resyncBatch.peek() === entry;
    if (fromResync) this.resyncBatch.shift();
    else if (this.queue.peek() === entry) this.queue.shift();
    this.dropped++;
    this.logger.error('the bus refuses an event; it is dropped', { error: error.message, subject: entry.message.subject, resync: fromResync });
    if (fromResync) return;
    this.droppedSinceResync++;
    this.owedSince = Math.min(this.owedSince ?? entry.since, entry.since);
    try {
      this.options.onDrop?.(entry.message);
    } catch (listenerError) {
      this.logger.error('onDrop listener threw', { error: String(listenerError) });
    }
  }

  private abandon(error: unknown): void {
    const pending = this.stats().pending;
    this.logger.warn('closing with events the bus did not accept; they are not published', {
      error: describe(error),
      pending,
      resyncOwed: this.owedSince !== undefined,
    });
    this.queue.clear();
    this.resyncBatch.clear();
    this.owedSince = undefined;
  }

  private sleep(ms: number): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const wake = (): void => {
        this.timers.clearTimeout(handle);
        this.wakeSleeper = undefined;
        resolve();
      };
      const handle = this.timers.setTimeout(wake, ms);
      this.wakeSleeper = wake;
    });
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
