/**
 * EventBus over NATS JetStream (production and tests).
 *
 * - One stream (default `KDA`) captures `kda.v1.>`; it is created or updated at connect.
 * - Every subscription is a JetStream ordered consumer, so every delivered message carries its
 *   stream sequence as cursor. A live subscription starts at `last_seq + 1` read just before the
 *   consumer is created (not at deliver policy "new", whose start is decided later on the
 *   server): whatever is published after `subscribe` resolved is delivered, and the library's
 *   ordered-consumer resets (reconnect, missed heartbeats, consumer gone) resume from the last
 *   delivered sequence + 1, so a reconnect loses nothing the stream still holds.
 * - `subjectPrefix` moves everything onto `<prefix>.kda.v1.>` on the wire while callers keep
 *   using the subjects from subjects.ts; this isolates test runs (two streams may not capture
 *   overlapping subjects) and tenants sharing one NATS account.
 */
import { createHash } from 'node:crypto';
import {
  connect,
  ConsumerEvents,
  DiscardPolicy,
  Events,
  nanos,
  RetentionPolicy,
  StorageType,
  StringCodec,
  type Consumer,
  type ConsumerMessages,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  type StreamInfo,
} from 'nats';
import {
  InvalidCursorError,
  RefusedMessageError,
  type BusMessage,
  type EventBus,
  type MessageHandler,
  type PublishOptions,
  type SubscribeOptions,
  type Unsubscribe,
} from '../../shared/event-bus.js';
import { DomainError } from '../../shared/errors.js';
import { createJsonLogger, type Logger } from '../../shared/logger.js';
import type { GatewayMetrics } from '../../shared/metrics.js';
import { inSpan, SpanKind } from '../../shared/tracing.js';
import { decodeJetStreamCursor, encodeJetStreamCursor } from './cursor.js';
import { assertPublishable, assertSubscribable, InvalidSubjectError } from './subject-match.js';
import { subjects } from './subjects.js';

export interface NatsBusOptions {
  /** e.g. nats://127.0.0.1:4222; a comma-separated list is accepted for clusters. */
  readonly url: string;
  readonly streamName?: string;
  /** Wire prefix (dot-separated tokens) put in front of every subject; see the file comment. */
  readonly subjectPrefix?: string;
  /** Retention of the stream (default 24 h): cursors older than this expire. */
  readonly maxAgeMs?: number;
  /** Retention of the stream by count (default 1,000,000 messages). */
  readonly maxMessages?: number;
  /** How long a messageId is remembered for de-duplication (default 2 minutes). */
  readonly duplicateWindowMs?: number;
  readonly connectionName?: string;
  /**
   * Lifetime of each pull request (default 10 s). Heartbeats come every half of it, so it bounds
   * how soon a subscription notices its consumer is gone (server restart) and how long the
   * library backs off between recovery attempts. The library default (30 s) recovers too slowly.
   */
  readonly pullExpiresMs?: number;
  readonly logger?: Logger;
  /**
   * Given: when NATS cannot be reached at start, wait for it (calling this once with the reason)
   * instead of failing.
   */
  readonly onWaiting?: (reason: string) => void;
  /** Connection state and publish latency for /metrics. */
  readonly metrics?: Pick<GatewayMetrics, 'natsConnected' | 'natsPublishDuration'>;
}

const DEFAULTS = {
  streamName: 'KDA',
  maxAgeMs: 24 * 60 * 60 * 1000,
  maxMessages: 1_000_000,
  duplicateWindowMs: 2 * 60 * 1000,
  pullExpiresMs: 10_000,
} as const;

const JS_STREAM_NOT_FOUND = 10059;
const JS_STREAM_NAME_IN_USE = 10058;
const PREFIX_TOKENS = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const codec = StringCodec();

function jsErrorCode(error: unknown): number | undefined {
  const apiError = (error as { api_error?: { err_code?: number } } | null)?.api_error;
  return apiError?.err_code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** A subscription asked for while NATS cannot serve it: an error the caller can act on (subscribe again). */
function busUnavailable(logger: Logger, subject: string, cause?: unknown): DomainError {
  logger.warn('subscription refused: NATS cannot serve it now', { subject, ...(cause === undefined ? {} : { error: describe(cause) }) });
  return new DomainError('UNAVAILABLE', 'Live events are unavailable: the event bus cannot be reached now; subscribe again shortly');
}

/** A short token of a stream's name and creation: the same on every replica, another for a stream made again. */
function streamTokenOf(name: string, created: string): string {
  return createHash('sha256').update(`${name}\n${created}`).digest('hex').slice(0, 10);
}

/** A status's `data`: a server address, an error code or a count; anything else as JSON. */
function describeStatusData(data: unknown): string {
  return typeof data === 'string' || typeof data === 'number' ? String(data) : JSON.stringify(data);
}

interface StreamSettings {
  readonly name: string;
  readonly wireScope: string;
  readonly maxAgeMs: number;
  readonly maxMessages: number;
  readonly duplicateWindowMs: number;
}

/** Creates the stream, or brings an existing one to these limits; safe when replicas race. Returns its creation time. */
async function ensureStream(jsm: JetStreamManager, settings: StreamSettings, logger: Logger): Promise<string> {
  const limits = {
    subjects: [settings.wireScope],
    max_age: nanos(settings.maxAgeMs),
    max_msgs: settings.maxMessages,
    duplicate_window: nanos(settings.duplicateWindowMs),
  };
  let existing: StreamInfo | undefined;
  try {
    existing = await jsm.streams.info(settings.name);
  } catch (error) {
    if (jsErrorCode(error) !== JS_STREAM_NOT_FOUND) throw error;
  }
  if (!existing) {
    try {
      const created = await jsm.streams.add({
        name: settings.name,
        ...limits,
        retention: RetentionPolicy.Limits,
        storage: StorageType.File,
        discard: DiscardPolicy.Old,
      });
      logger.info('created JetStream stream', { stream: settings.name, subjects: limits.subjects });
      return created.created;
    } catch (error) {
      // Another replica created it first: fall through to the update.
      if (jsErrorCode(error) !== JS_STREAM_NAME_IN_USE) throw error;
      existing = await jsm.streams.info(settings.name);
    }
  }
  const config = existing.config;
  const upToDate =
    config.subjects?.length === 1 &&
    config.subjects[0] === settings.wireScope &&
    config.max_age === limits.max_age &&
    config.max_msgs === limits.max_msgs &&
    config.duplicate_window === limits.duplicate_window;
  if (!upToDate) {
    await jsm.streams.update(settings.name, limits);
    logger.info('updated JetStream stream limits', { stream: settings.name, subjects: limits.subjects });
  }
  return existing.created;
}

async function followConnectionStatus(nc: NatsConnection, logger: Logger, onChange: (connected: boolean) => void): Promise<void> {
  for await (const status of nc.status()) {
    if (status.type === Events.Disconnect) {
      onChange(false);
      logger.warn('NATS disconnected; the client keeps reconnecting', { server: describeStatusData(status.data) });
    } else if (status.type === Events.Reconnect) {
      onChange(true);
      logger.info('NATS reconnected', { server: describeStatusData(status.data) });
    } else if (status.type === Events.Error) {
      logger.error('NATS async error', { error: describeStatusData(status.data) });
    }
  }
}

async function logConsumerStatus(messages: ConsumerMessages, logger: Logger): Promise<void> {
  for await (const status of await messages.status()) {
    if (status.type === ConsumerEvents.OrderedConsumerRecreated) {
      logger.info('JetStream ordered consumer recreated (resuming after last delivered message)');
    } else if (status.type === ConsumerEvents.HeartbeatsMissed) {
      logger.warn('JetStream consumer missed heartbeats', { count: describeStatusData(status.data) });
    } else if (status.type === ConsumerEvents.StreamNotFound) {
      logger.error('JetStream stream not found for a subscription; retrying');
    }
  }
}

export async function createNatsBus(options: NatsBusOptions): Promise<EventBus> {
  const streamName = options.streamName ?? DEFAULTS.streamName;
  const prefix = options.subjectPrefix;
  if (prefix !== undefined && !PREFIX_TOKENS.test(prefix)) {
    throw new InvalidSubjectError(prefix, 'subjectPrefix needs dot-separated literal tokens of [A-Za-z0-9_-]');
  }
  const logger = options.logger ?? createJsonLogger({ base: { component: 'nats-bus' } });
  const pullExpiresMs = options.pullExpiresMs ?? DEFAULTS.pullExpiresMs;
  const toWire = (subject: string): string => (prefix === undefined ? subject : `${prefix}.${subject}`);
  const fromWire = (subject: string): string => (prefix === undefined ? subject : subject.slice(prefix.length + 1));

  const connectOptions = {
    servers: options.url.split(',').map((server) => server.trim()),
    name: options.connectionName ?? 'kda-gateway',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
  };
  let nc: NatsConnection;
  try {
    nc = await connect(connectOptions);
  } catch (error) {
    const reason = `NATS is not reachable at ${options.url}: ${describe(error)}`;
    if (options.onWaiting === undefined) throw new Error(reason, { cause: error });
    // A gateway started before NATS waits for it (not ready meanwhile) instead of exiting into a crash loop.
    logger.warn(`${reason}; waiting for it`);
    options.onWaiting(reason);
    nc = await connect({ ...connectOptions, waitOnFirstConnect: true });
    logger.info('NATS reachable', { url: options.url });
  }

  const streamSettings: StreamSettings = {
    name: streamName,
    wireScope: toWire(subjects.all),
    maxAgeMs: options.maxAgeMs ?? DEFAULTS.maxAgeMs,
    maxMessages: options.maxMessages ?? DEFAULTS.maxMessages,
    duplicateWindowMs: options.duplicateWindowMs ?? DEFAULTS.duplicateWindowMs,
  };
  let jsm: JetStreamManager;
  let js: JetStreamClient;
  /** When the stream this bus reads was created: another value after a reconnect means NATS lost its store. */
  let streamCreated: string;
  try {
    jsm = await nc.jetstreamManager();
    js = nc.jetstream();
    streamCreated = await ensureStream(jsm, streamSettings, logger);
  } catch (error) {
    await nc.close();
    throw new Error(`NATS JetStream stream ${streamName} is not usable: ${describe(error)}`, { cause: error });
  }

  /** Names this stream in its cursors. */
  let streamToken = streamTokenOf(streamName, streamCreated);
  let connected = true;
  let closing = false;
  const openSubscriptions = new Set<Unsubscribe>();
  /** Each open subscription's way to start over on a new stream (by its unsubscribe). */
  const restarts = new Map<Unsubscribe, () => Promise<void>>();
  const metrics = options.metrics;
  metrics?.natsConnected.set(1);
  nc.closed()
    .then(() => metrics?.natsConnected.set(0))
    .catch(() => metrics?.natsConnected.set(0));

  /**
   * After every reconnect: a server that lost its store (a new one, an emptied volume) has no
   * stream, so publishing would fail for good. Make it again, and move every open subscription
   * onto it from its first message: the library's own recovery would wait for the old stream's
   * next sequence and skip everything before it.
   */
  const recoverStream = async (): Promise<void> => {
    let created: string | undefined;
    for (let attempt = 0; created === undefined; attempt += 1) {
      if (closing || nc.isClosed()) return;
      try {
        created = await ensureStream(jsm, streamSettings, logger);
      } catch (error) {
        // JetStream may still be recovering right after the server came up.
        logger.warn('JetStream stream not ready after reconnect; retrying', { stream: streamName, error: describe(error) });
        await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 250 * 2 ** attempt)));
      }
    }
    if (created === streamCreated) return;
    streamCreated = created;
    streamToken = streamTokenOf(streamName, created);
    logger.warn('JetStream stream was made anew (NATS lost its store); open subscriptions start over on it', { stream: streamName, subscriptions: restarts.size });
    const results = await Promise.allSettled([...restarts.values()].map((restart) => restart()));
    for (const result of results) if (result.status === 'rejected') logger.error('a subscription could not start over on the new stream', { error: describe(result.reason) });
  };
  let recovering: Promise<void> = Promise.resolve();
  followConnectionStatus(nc, logger, (value) => {
    connected = value;
    metrics?.natsConnected.set(value ? 1 : 0);
    if (value) recovering = recovering.then(recoverStream).catch((error: unknown) => logger.error('JetStream stream recovery failed', { error: describe(error) }));
  }).catch((error: unknown) => logger.error('NATS status monitor stopped', { error: describe(error) }));

  const assertOpen = (): void => {
    if (closing || nc.isClosed()) throw new Error('Event bus is closed');
  };

  /** First stream sequence this subscription must see. */
  const startSequence = async (after: string | undefined): Promise<number> => {
    const cursorSequence = after === undefined ? undefined : decodeJetStreamCursor(after, streamToken);
    const { state } = await jsm.streams.info(streamName);
    if (after === undefined || cursorSequence === undefined) return state.last_seq + 1;
    // A cursor beyond the stream's end was issued by another (recreated) stream.
    if (cursorSequence > state.last_seq) throw new InvalidCursorError(after);
    // Messages after the cursor have aged out (an emptied stream has first_seq = last_seq + 1):
    // resuming would silently skip them. Strict even when the lost ones were on other subjects.
    if (cursorSequence + 1 < state.first_seq) throw new InvalidCursorError(after);
    return cursorSequence + 1;
  };

  return {
    async publish(subject: string, data: unknown, publishOptions: PublishOptions = {}): Promise<void> {
      assertOpen();
      assertPublishable(subject, subjects.all);
      const payload = codec.encode(JSON.stringify(data ?? null));
      // The server's limit (1 MB by default): such a message would be refused on every retry.
      const maxPayload = nc.info?.max_payload;
      if (maxPayload !== undefined && payload.length > maxPayload)
        throw new RefusedMessageError(subject, `${payload.length} bytes, above the server's max_payload of ${maxPayload}`);
      const messageId = publishOptions.messageId;
      await inSpan('nats publish', SpanKind.PRODUCER, { 'messaging.system': 'nats', 'messaging.destination.name': subject }, async () => {
        const stopTimer = metrics?.natsPublishDuration.startTimer();
        try {
          await js.publish(toWire(subject), payload, messageId === undefined ? undefined : { msgID: messageId });
          stopTimer?.({ outcome: 'ok' });
        } catch (error) {
          stopTimer?.({ outcome: 'error' });
          throw error;
        }
      });
    },

    async subscribe<T>(subject: string, handler: MessageHandler<T>, subscribeOptions: SubscribeOptions = {}): Promise<Unsubscribe> {
      assertOpen();
      assertSubscribable(subject, subjects.all);
      if (!connected) throw busUnavailable(logger, subject);
      let optStartSeq: number;
      try {
        optStartSeq = await startSequence(subscribeOptions.after);
      } catch (error) {
        if (error instanceof InvalidCursorError) throw error;
        // NATS went away, or came back with JetStream not ready yet: the caller may try again.
        throw busUnavailable(logger, subject, error);
      }
      let active = true;
      /** Bumped when the subscription starts over on a new stream: the old consumer's stragglers are ignored. */
      let generation = 0;
      const deliverFor =
        (ownGeneration: number) =>
        (jsMessage: JsMsg): void => {
          if (!active || ownGeneration !== generation) return;
          let data: unknown;
          try {
            data = JSON.parse(codec.decode(jsMessage.data));
          } catch {
            logger.error('dropped a non-JSON message', { subject: jsMessage.subject, sequence: jsMessage.seq });
            return;
          }
          const message: BusMessage<T> = {
            subject: fromWire(jsMessage.subject),
            data: data as T,
            cursor: encodeJetStreamCursor(jsMessage.seq, streamToken),
          };
          try {
            handler(message);
          } catch (error) {
            // A throwing callback would stop the library's consumer: keep the subscription alive.
            logger.error('event bus handler failed', { subject: message.subject, error: describe(error) });
          }
        };

      const consumeFrom = async (startSeq: number): Promise<{ consumer: Consumer; messages: ConsumerMessages }> => {
        const consumer = await js.consumers.get(streamName, {
          filterSubjects: toWire(subject),
          opt_start_seq: startSeq,
          name_prefix: 'kda_',
        });
        // Resolves once the consumer exists on the server; from then on nothing after startSeq is missed.
        const messages = await consumer.consume({ callback: deliverFor(generation), expires: pullExpiresMs });
        logConsumerStatus(messages, logger).catch(() => undefined);
        messages
          .closed()
          .then((error) => {
            if (active && error) logger.error('JetStream subscription ended', { subject, error: describe(error) });
          })
          .catch(() => undefined);
        return { consumer, messages };
      };
      let current: Awaited<ReturnType<typeof consumeFrom>>;
      try {
        current = await consumeFrom(optStartSeq);
      } catch (error) {
        throw busUnavailable(logger, subject, error);
      }
      const release = async ({ consumer, messages }: typeof current): Promise<void> => {
        await messages.close().catch(() => undefined);
        // Ordered consumers are ephemeral (inactive threshold) but removing them now is tidier.
        await consumer.delete().catch(() => false);
      };

      const unsubscribe: Unsubscribe = async () => {
        if (!active) return;
        active = false;
        openSubscriptions.delete(unsubscribe);
        restarts.delete(unsubscribe);
        await release(current);
      };
      openSubscriptions.add(unsubscribe);
      restarts.set(unsubscribe, async () => {
        generation += 1;
        const previous = current;
        await release(previous);
        if (!active) return;
        // Everything on the new stream was published after the old one was lost: deliver it all.
        current = await consumeFrom(1);
        if (!active) await release(current);
      });
      return unsubscribe;
    },

    async checkReady(): Promise<void> {
      if (closing || nc.isClosed()) throw new Error('NATS connection is closed');
      if (!connected) throw new Error(`NATS is disconnected from ${options.url} (reconnecting)`);
      try {
        await jsm.streams.info(streamName);
      } catch (error) {
        throw new Error(`JetStream stream ${streamName} is unavailable: ${describe(error)}`, { cause: error });
      }
    },

    async close(): Promise<void> {
      if (closing) return;
      closing = true;
      await Promise.all([...openSubscriptions].map((unsubscribe) => unsubscribe()));
      if (!nc.isClosed()) await nc.drain();
    },
  };
}
