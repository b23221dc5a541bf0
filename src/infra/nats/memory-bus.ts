/**
 * In-process EventBus for the embedded default: the same contract as the JetStream bus (cursors,
 * resume after a cursor, message-id de-duplication, wildcard subjects, asynchronous in-order
 * delivery), without a server. Payloads go through JSON once per publish so that subscribers see
 * exactly what they would see over NATS (no Dates, no class instances, no shared references with
 * the publisher).
 */
import { randomBytes } from 'node:crypto';
import { InvalidCursorError, type BusMessage, type EventBus, type MessageHandler, type PublishOptions, type SubscribeOptions, type Unsubscribe } from '../../shared/event-bus.js';
import { createJsonLogger, type Logger } from '../../shared/logger.js';
import { decodeMemoryCursor, encodeMemoryCursor } from './cursor.js';
import { assertPublishable, assertSubscribable, tokensMatch } from './subject-match.js';
import { subjects } from './subjects.js';

export interface MemoryBusOptions {
  /** How many of the latest messages stay available to `after` (default 10,000). */
  readonly retainMessages?: number;
  /** How long a messageId is remembered for de-duplication (default 2 minutes, as JetStream). */
  readonly duplicateWindowMs?: number;
  /** Subjects this bus carries (default `kda.v1.>`, like the JetStream stream). */
  readonly scope?: string;
  readonly logger?: Logger;
  /** Clock for the de-duplication window; injectable for tests. */
  readonly now?: () => number;
}

interface RetainedMessage {
  readonly sequence: number;
  readonly tokens: readonly string[];
  readonly message: BusMessage;
}

/** Fixed-capacity log of the latest messages; sequences in it are contiguous. */
class RetainedLog {
  private readonly slots: (RetainedMessage | undefined)[];
  private start = 0;
  private size = 0;

  constructor(private readonly capacity: number) {
    this.slots = new Array<RetainedMessage | undefined>(capacity);
  }

  append(entry: RetainedMessage): void {
    if (this.capacity === 0) return;
    if (this.size < this.capacity) {
      this.slots[(this.start + this.size) % this.capacity] = entry;
      this.size++;
    } else {
      this.slots[this.start] = entry;
      this.start = (this.start + 1) % this.capacity;
    }
  }

  /** Sequence of the oldest retained message, or undefined when nothing is retained. */
  firstSequence(): number | undefined {
    return this.size === 0 ? undefined : this.slots[this.start]?.sequence;
  }

  /** Retained messages with a sequence greater than `sequence`, oldest first. */
  after(sequence: number): RetainedMessage[] {
    const first = this.firstSequence();
    if (first === undefined) return [];
    const result: RetainedMessage[] = [];
    for (let offset = Math.max(0, sequence + 1 - first); offset < this.size; offset++) {
      const entry = this.slots[(this.start + offset) % this.capacity];
      if (entry) result.push(entry);
    }
    return result;
  }
}

/** One subscriber: its own queue, drained in a microtask so delivery is async but ordered. */
class MemorySubscription {
  private queue: BusMessage[] = [];
  private drainScheduled = false;
  active = true;

  constructor(
    readonly patternTokens: readonly string[],
    private readonly handler: MessageHandler<unknown>,
    private readonly logger: Logger,
  ) {}

  enqueue(message: BusMessage): void {
    if (!this.active) return;
    this.queue.push(message);
    if (!this.drainScheduled) {
      this.drainScheduled = true;
      queueMicrotask(() => this.drain());
    }
  }

  private drain(): void {
    this.drainScheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const message of batch) {
      if (!this.active) return;
      try {
        this.handler(message);
      } catch (error) {
        // One failing handler must not end the subscription nor reach the publisher.
        this.logger.error('event bus handler failed', { subject: message.subject, error: String(error) });
      }
    }
  }
}

const DEFAULT_RETAIN = 10_000;
const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

export function createMemoryBus(options: MemoryBusOptions = {}): EventBus {
  const retainMessages = options.retainMessages ?? DEFAULT_RETAIN;
  if (!Number.isInteger(retainMessages) || retainMessages < 0) {
    throw new RangeError(`retainMessages must be a non-negative integer, got ${retainMessages}`);
  }
  const duplicateWindowMs = options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS;
  const scope = options.scope ?? subjects.all;
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createJsonLogger({ base: { component: 'memory-bus' } });
  const epoch = randomBytes(6).toString('hex');

  const retained = new RetainedLog(retainMessages);
  const subscriptions = new Set<MemorySubscription>();
  /** messageId -> expiry time; insertion order is expiry order, so pruning stops at the first live one. */
  const recentMessageIds = new Map<string, number>();
  let lastSequence = 0;
  let closed = false;

  const assertOpen = (): void => {
    if (closed) throw new Error('Event bus is closed');
  };

  const isDuplicate = (messageId: string): boolean => {
    const time = now();
    for (const [id, expiresAt] of recentMessageIds) {
      if (expiresAt > time) break;
      recentMessageIds.delete(id);
    }
    if (recentMessageIds.has(messageId)) return true;
    recentMessageIds.set(messageId, time + duplicateWindowMs);
    return false;
  };

  const resumeSequence = (cursor: string): number => {
    const sequence = decodeMemoryCursor(cursor, epoch);
    if (sequence > lastSequence) throw new InvalidCursorError(cursor);
    // Something published after the cursor has been evicted: resuming would silently skip it.
    const first = retained.firstSequence() ?? lastSequence + 1;
    if (sequence + 1 < first) throw new InvalidCursorError(cursor);
    return sequence;
  };

  return {
    async publish(subject: string, data: unknown, publishOptions: PublishOptions = {}): Promise<void> {
      assertOpen();
      const tokens = assertPublishable(subject, scope);
      const payload: unknown = JSON.parse(JSON.stringify(data ?? null));
      if (publishOptions.messageId !== undefined && isDuplicate(publishOptions.messageId)) return;
      const sequence = ++lastSequence;
      const message: BusMessage = { subject, data: payload, cursor: encodeMemoryCursor(epoch, sequence) };
      retained.append({ sequence, tokens, message });
      for (const subscription of subscriptions) {
        if (tokensMatch(subscription.patternTokens, tokens)) subscription.enqueue(message);
      }
    },

    async subscribe<T>(subject: string, handler: MessageHandler<T>, subscribeOptions: SubscribeOptions = {}): Promise<Unsubscribe> {
      assertOpen();
      const patternTokens = assertSubscribable(subject, scope);
      const subscription = new MemorySubscription(patternTokens, handler as MessageHandler<unknown>, logger);
      // Replay and registration happen in the same synchronous step: no gap, no duplicate.
      if (subscribeOptions.after !== undefined) {
        for (const entry of retained.after(resumeSequence(subscribeOptions.after))) {
          if (tokensMatch(patternTokens, entry.tokens)) subscription.enqueue(entry.message);
        }
      }
      subscriptions.add(subscription);
      return async () => {
        subscription.active = false;
        subscriptions.delete(subscription);
      };
    },

    async checkReady(): Promise<void> {
      assertOpen();
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      // Deliveries already queued run before this microtask: pending messages reach their handlers.
      await new Promise<void>((resolve) => queueMicrotask(resolve));
      for (const subscription of subscriptions) subscription.active = false;
      subscriptions.clear();
    },
  };
}
