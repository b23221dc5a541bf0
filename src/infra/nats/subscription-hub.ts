/**
 * The one place where GraphQL subscriptions meet the event bus (DESIGN.md: "one NATS subscription
 * per subject" inside a process).
 *
 * - Live subscribers of the same subject share ONE bus subscription (a SubjectChannel), opened by
 *   the first and closed when the last leaves. Subscribers with `after` get a private channel,
 *   because their replay starts at their own cursor.
 * - SubjectChannel.dispatch is the single fan-out point. Each subscriber is a HubSink; `subscribe`
 *   wraps a bounded queue sink in an async iterator for graphql-ws. Sharing one GraphQL execution
 *   among identical subscribers later means attaching one sink per (document, variables, scope)
 *   group with `attach` and fanning out the serialized result there; nothing here changes.
 * - A subscriber that does not keep up is ended with SlowConsumerError instead of buffering
 *   without bound; it can resume with the cursor of the last event it received.
 */
import type { BusMessage, EventBus, Unsubscribe } from '../../shared/event-bus.js';
import { ResyncRequiredError } from '../../shared/errors.js';
import { silentLogger, type Logger } from '../../shared/logger.js';

/** Receives a channel's messages. Calls are synchronous and in bus order. */
export interface HubSink<T = unknown> {
  deliver(message: BusMessage<T>): void;
  /** The bus subscription could not be opened (e.g. InvalidCursorError); no more calls follow. */
  fail(error: Error): void;
  /** The hub closed; no more calls follow. */
  end(): void;
}

export interface HubAttachment {
  /** Resolves once the bus subscription is established; rejects with the reason it could not be. */
  readonly ready: Promise<void>;
  /** Removes the sink; resolves after the bus subscription is gone if this was its last sink. */
  detach(): Promise<void>;
}

export interface HubSubscribeOptions<T> {
  /** Resume after this cursor (replay, then live) on a private bus subscription. */
  readonly after?: string;
  /** Applied before buffering, so filtered-out events never count against the buffer. */
  readonly filter?: (message: BusMessage<T>) => boolean;
  /** Most events waiting for this subscriber before it is ended as a slow consumer. */
  readonly bufferSize?: number;
}

export interface SubscriptionHubOptions {
  /** Events one subscriber may have waiting (KDA_SUBSCRIPTION_BACKLOG in the gateway). */
  readonly defaultBufferSize?: number;
  readonly logger?: Logger;
  /** Events discarded with a subscriber cut off for falling behind (its buffer and the one that overflowed it). */
  readonly onDropped?: (count: number) => void;
}

/** A RESYNC_REQUIRED error for clients: they resubscribe with `after:` its `lastCursor`. */
export class SlowConsumerError extends ResyncRequiredError {
  constructor(
    /** Kept out of the message: subject names are the bus's business, not the client's. */
    readonly subject: string,
    bufferSize: number,
    /** Events the subscriber will not get from this subscription (it resumes with its cursor). */
    readonly dropped = 0,
    lastCursor: string | null = null,
  ) {
    super(lastCursor, `the subscriber fell ${bufferSize} events behind`);
    this.name = 'SlowConsumerError';
  }
}

export class HubClosedError extends Error {
  constructor() {
    super('The subscription hub is closed');
    this.name = 'HubClosedError';
  }
}

/** A promise whose rejection is considered handled here; callers still see it when they await. */
function quietly<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

type ChannelState = 'opening' | 'open' | 'closed';

/** One bus subscription and the sinks it feeds. */
class SubjectChannel {
  readonly sinks = new Set<HubSink>();
  readonly opened: Promise<void>;
  private state: ChannelState = 'opening';
  private unsubscribe: Unsubscribe | undefined;

  constructor(
    private readonly bus: EventBus,
    readonly subject: string,
    after: string | undefined,
    private readonly onGone: (channel: SubjectChannel) => void,
  ) {
    this.opened = quietly(this.open(after));
  }

  get isOpen(): boolean {
    return this.state === 'open';
  }

  private async open(after: string | undefined): Promise<void> {
    try {
      this.unsubscribe = await this.bus.subscribe(this.subject, (message) => this.dispatch(message), after === undefined ? {} : { after });
    } catch (error) {
      const reason = error instanceof Error ? error : new Error(String(error));
      this.state = 'closed';
      this.onGone(this);
      for (const sink of this.sinks) sink.fail(reason);
      this.sinks.clear();
      throw reason;
    }
    // If everyone left (or the hub closed) meanwhile, close() releases the subscription.
    if (this.state === 'opening') this.state = 'open';
  }

  /** The fan-out point: every event of this subject reaches its sinks from here. */
  private dispatch(message: BusMessage): void {
    for (const sink of this.sinks) sink.deliver(message);
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.onGone(this);
    try {
      await this.opened;
    } catch {
      return; // never opened, nothing to release
    }
    await this.unsubscribe?.();
  }
}

/** Per-subscriber bounded queue exposed as the async iterator graphql-ws consumes. */
class SubscriberQueue<T> implements HubSink<T>, AsyncIterableIterator<BusMessage<T>> {
  /** Consumed slots are cleared so delivered events can be collected before compaction. */
  private buffer: (BusMessage<T> | undefined)[] = [];
  private head = 0;
  private readonly waiters: {
    resolve: (result: IteratorResult<BusMessage<T>>) => void;
    reject: (error: Error) => void;
  }[] = [];
  private finished = false;
  private pendingError: Error | undefined;
  /** The cursor of the last event handed out: where the subscriber resumes if it is cut off. */
  private lastCursor: string | null = null;
  detach: () => Promise<void> = async () => undefined;

  constructor(
    private readonly subject: string,
    private readonly bufferSize: number,
    private readonly filter: ((message: BusMessage<T>) => boolean) | undefined,
    private readonly onSlow: (error: SlowConsumerError) => void,
    private readonly onQueued: (depth: number) => void,
  ) {}

  deliver(message: BusMessage<T>): void {
    if (this.finished) return;
    try {
      if (this.filter && !this.filter(message)) return;
    } catch (error) {
      this.failAndLeave(error instanceof Error ? error : new Error(String(error)));
      return;
    }
    const waiter = this.waiters.shift();
    if (waiter) {
      this.lastCursor = message.cursor;
      waiter.resolve({ value: message, done: false });
      return;
    }
    if (this.buffer.length - this.head >= this.bufferSize) {
      const error = new SlowConsumerError(this.subject, this.bufferSize, this.buffer.length - this.head + 1, this.lastCursor);
      this.onSlow(error);
      this.failAndLeave(error);
      return;
    }
    this.buffer.push(message);
    this.onQueued(this.buffer.length - this.head);
  }

  fail(error: Error): void {
    if (this.finished) return;
    this.finished = true;
    // Buffered events are dropped: the subscriber resumes from its last cursor anyway, and
    // holding them would keep a slow consumer's memory alive.
    this.buffer = [];
    this.head = 0;
    const first = this.waiters.shift();
    if (first) first.reject(error);
    else this.pendingError = error;
    this.settleWaitersDone();
  }

  end(): void {
    if (this.finished) return;
    this.finished = true;
    this.buffer = [];
    this.head = 0;
    this.settleWaitersDone();
  }

  next(): Promise<IteratorResult<BusMessage<T>>> {
    if (this.head < this.buffer.length) {
      const value = this.buffer[this.head];
      this.buffer[this.head] = undefined;
      this.head++;
      this.compact();
      if (value) {
        this.lastCursor = value.cursor;
        return Promise.resolve({ value, done: false });
      }
    }
    if (this.pendingError) {
      const error = this.pendingError;
      this.pendingError = undefined;
      return Promise.reject(error);
    }
    if (this.finished) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Called by graphql-ws when the client leaves: releases the bus subscription. */
  async return(): Promise<IteratorResult<BusMessage<T>>> {
    this.end();
    this.pendingError = undefined;
    await this.detach();
    return { value: undefined, done: true };
  }

  async throw(): Promise<IteratorResult<BusMessage<T>>> {
    return this.return();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  private failAndLeave(error: Error): void {
    this.fail(error);
    this.detach().catch(() => undefined);
  }

  private settleWaitersDone(): void {
    for (const waiter of this.waiters.splice(0)) waiter.resolve({ value: undefined, done: true });
  }

  private compact(): void {
    if (this.head === this.buffer.length) {
      this.buffer = [];
      this.head = 0;
    } else if (this.head >= 1024 && this.head * 2 >= this.buffer.length) {
      this.buffer = this.buffer.slice(this.head);
      this.head = 0;
    }
  }
}

const DEFAULT_BUFFER_SIZE = 1000;

export class SubscriptionHub {
  private readonly sharedChannels = new Map<string, SubjectChannel>();
  private readonly privateChannels = new Set<SubjectChannel>();
  private readonly readiness = new WeakMap<object, Promise<void>>();
  /** Events one subscriber may have waiting before it is ended as a slow consumer, unless it asks otherwise. */
  readonly defaultBufferSize: number;
  private peakBacklog = 0;
  private readonly logger: Logger;
  private readonly onDropped: ((count: number) => void) | undefined;
  private closed = false;

  constructor(
    private readonly bus: EventBus,
    options: SubscriptionHubOptions = {},
  ) {
    this.defaultBufferSize = options.defaultBufferSize ?? DEFAULT_BUFFER_SIZE;
    this.logger = options.logger ?? silentLogger;
    this.onDropped = options.onDropped;
  }

  /**
   * Events of `subject` (NATS wildcards allowed) as an async iterator. The bus subscription starts
   * now; `await hub.ready(iterator)` to know it is established (and to surface a bad cursor as an
   * error of the subscribe call rather than of the first event).
   */
  subscribe<T = unknown>(subject: string, options: HubSubscribeOptions<T> = {}): AsyncIterableIterator<BusMessage<T>> {
    const bufferSize = options.bufferSize ?? this.defaultBufferSize;
    if (!Number.isInteger(bufferSize) || bufferSize < 1) throw new RangeError(`bufferSize must be a positive integer, got ${bufferSize}`);
    const queue = new SubscriberQueue<T>(
      subject,
      bufferSize,
      options.filter,
      (error) => {
        this.logger.warn('slow subscriber disconnected', { subject, error: error.message });
        this.onDropped?.(error.dropped);
      },
      (depth) => this.noteBacklog(depth),
    );
    const attachment = this.attach(subject, queue, options.after === undefined ? {} : { after: options.after });
    queue.detach = () => attachment.detach();
    this.readiness.set(queue, attachment.ready);
    return queue;
  }

  /** Resolves once the iterator's bus subscription is established; rejects if it failed. */
  ready(iterator: AsyncIterableIterator<unknown>): Promise<void> {
    return this.readiness.get(iterator) ?? Promise.reject(new TypeError('Not an iterator of this hub'));
  }

  /** Lower-level form of `subscribe` for sinks that fan out further themselves. */
  attach<T = unknown>(subject: string, sink: HubSink<T>, options: { after?: string } = {}): HubAttachment {
    if (this.closed) {
      const error = new HubClosedError();
      sink.fail(error);
      return { ready: quietly(Promise.reject(error)), detach: async () => undefined };
    }
    const channel = options.after === undefined ? this.sharedChannel(subject) : this.privateChannel(subject, options.after);
    const untypedSink = sink as HubSink;
    channel.sinks.add(untypedSink);
    return {
      ready: channel.opened,
      detach: async () => {
        if (!channel.sinks.delete(untypedSink)) return;
        if (channel.sinks.size === 0) await channel.close();
      },
    };
  }

  /** A subscriber of this hub (or a stream built on it) has `depth` events waiting to be read. */
  noteBacklog(depth: number): void {
    if (depth > this.peakBacklog) this.peakBacklog = depth;
  }

  /** The most events any subscriber has had waiting to be read since the start (for /metrics): never above its buffer size. */
  backlogPeak(): number {
    return this.peakBacklog;
  }

  /** Subjects with at least one subscriber whose bus subscription is established. */
  activeSubjects(): string[] {
    const subjects = new Set<string>();
    for (const channel of this.allChannels()) {
      if (channel.isOpen && channel.sinks.size > 0) subjects.add(channel.subject);
    }
    return [...subjects];
  }

  /** Subscribers of exactly this subject whose bus subscription is established. */
  subscriberCount(subject: string): number {
    let count = 0;
    for (const channel of this.allChannels()) {
      if (channel.isOpen && channel.subject === subject) count += channel.sinks.size;
    }
    return count;
  }

  /** How many bus subscriptions the hub holds (opening or open). */
  busSubscriptionCount(): number {
    return this.sharedChannels.size + this.privateChannels.size;
  }

  /** Ends every iterator (done) and releases every bus subscription. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const channels = [...this.allChannels()];
    for (const channel of channels) {
      for (const sink of channel.sinks) sink.end();
      channel.sinks.clear();
    }
    await Promise.all(channels.map((channel) => channel.close()));
  }

  private sharedChannel(subject: string): SubjectChannel {
    let channel = this.sharedChannels.get(subject);
    if (!channel) {
      channel = new SubjectChannel(this.bus, subject, undefined, (gone) => {
        if (this.sharedChannels.get(subject) === gone) this.sharedChannels.delete(subject);
      });
      this.sharedChannels.set(subject, channel);
    }
    return channel;
  }

  private privateChannel(subject: string, after: string): SubjectChannel {
    const channel = new SubjectChannel(this.bus, subject, after, (gone) => this.privateChannels.delete(gone));
    this.privateChannels.add(channel);
    return channel;
  }

  private *allChannels(): Iterable<SubjectChannel> {
    yield* this.sharedChannels.values();
    yield* this.privateChannels;
  }
}
