import { randomBytes } from 'node:crypto';
import type { BuildEventPublisher, BuildEventSource, BuildLogEvent, BuildRunUpdateEvent } from '../../domains/builds/index.js';
import { subjects } from './subjects.js';
import type { BusMessage, EventBus } from '../../shared/event-bus.js';
import type { Logger } from '../../shared/logger.js';
import { Outbox, type OutboxMessage, type OutboxStats } from './outbox.js';
import type { SubscriptionHub } from './subscription-hub.js';

/** Hub messages to their payloads. Not a generator: graphql-ws's return() must release the hub subscription at once. */
function payloads<T>(messages: AsyncIterableIterator<BusMessage<T>>): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    next: async () => {
      const result = await messages.next();
      return result.done ? { done: true, value: undefined } : { done: false, value: result.value.data };
    },
    return: async () => {
      await messages.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** Live, through the process-wide hub; resolves once the bus subscription is established. */
async function open<T>(hub: SubscriptionHub, subject: string): Promise<AsyncIterableIterator<T>> {
  const messages = hub.subscribe<T>(subject, {});
  try {
    await hub.ready(messages);
  } catch (error) {
    await messages.return?.();
    throw error;
  }
  return payloads(messages);
}

export function createBuildEventSource(hub: SubscriptionHub): BuildEventSource {
  return {
    logEvents: (runId) => open<BuildLogEvent>(hub, subjects.buildLog(runId)),
    runUpdates: (workspaceId) => open<BuildRunUpdateEvent>(hub, subjects.workspaceBuilds(workspaceId)),
  };
}

type RunEnd = Extract<BuildLogEvent, { type: 'end' }>;

interface BuildOutboxMessage extends OutboxMessage {
  readonly runUpdate?: BuildRunUpdateEvent;
  readonly end?: RunEnd;
}

export interface BuildEventOutbox extends BuildEventPublisher {
  /** Build events not yet on the bus. */
  stats(): OutboxStats;
  /** Publishes what the bus accepts, abandons the rest at the first failure. */
  close(): Promise<void>;
}

export interface BuildEventOutboxOptions {
  /** Most events waiting for the bus (KDA_OUTBOX_MAX_EVENTS). */
  readonly maxEvents?: number;
  readonly logger?: Logger;
}

/**
 * Build events go through an outbox (see outbox.ts): publishing resolves once the event is queued,
 * so a follower never waits for NATS, and events reach the bus in order once it is back. Message
 * ids make a line published twice (a retry, a second follower) arrive once.
 *
 * When the bound drops events: a dropped line is not resent, because it is stored before it is
 * published and log readers read a gap from the store (log-stream.ts); a dropped run update or end
 * is resent by the resync (for a run update, the run's latest one: subscribers read the run afresh).
 */
export function createBuildEventPublisher(bus: EventBus, options: BuildEventOutboxOptions = {}): BuildEventOutbox {
  const updateIdPrefix = randomBytes(6).toString('hex');
  let updates = 0;
  const missedUpdates = new Map<string, BuildRunUpdateEvent>();
  const missedEnds = new Map<string, RunEnd>();
  const updateMessage = (event: BuildRunUpdateEvent): BuildOutboxMessage => {
    updates += 1;
    return { subject: subjects.workspaceBuilds(event.workspaceId), data: event, messageId: `${event.runId}:update:${updateIdPrefix}:${updates}`, runUpdate: event };
  };
  const logMessage = (event: BuildLogEvent): BuildOutboxMessage =>
    event.type === 'line'
      ? { subject: subjects.buildLog(event.runId), data: event, messageId: `${event.runId}:${event.number}` }
      : { subject: subjects.buildLog(event.runId), data: event, messageId: `${event.runId}:end`, end: event };

  const outbox = new Outbox<BuildOutboxMessage>({
    name: 'builds',
    maxEvents: options.maxEvents ?? 10_000,
    publish: (message) => bus.publish(message.subject, message.data, { messageId: message.messageId }),
    onDrop: (message) => {
      if (message.runUpdate) missedUpdates.set(message.runUpdate.runId, message.runUpdate);
      if (message.end) missedEnds.set(message.end.runId, message.end);
    },
    resync: (queued) => {
      const runsWithQueuedUpdates = new Set(queued.flatMap((message) => (message.runUpdate ? [message.runUpdate.runId] : [])));
      const messages = [...[...missedUpdates.values()].filter((event) => !runsWithQueuedUpdates.has(event.runId)).map(updateMessage), ...[...missedEnds.values()].map(logMessage)];
      missedUpdates.clear();
      missedEnds.clear();
      return messages;
    },
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    logEvent: async (event) => outbox.enqueue(logMessage(event)),
    runUpdate: async (event) => outbox.enqueue(updateMessage(event)),
    stats: () => outbox.stats(),
    close: () => outbox.close(),
  };
}
