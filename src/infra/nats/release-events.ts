import { randomBytes } from 'node:crypto';
import type { ReleaseEvent, ReleaseEvents, StreamedReleaseEvent } from '../../domains/catalog/releases/ports.js';
import { InvalidCursorError, type BusMessage, type EventBus } from '../../shared/event-bus.js';
import { BadInputError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { Outbox, type OutboxMessage } from './outbox.js';
import { subjects } from './subjects.js';
import type { SubscriptionHub } from './subscription-hub.js';

/** Hub messages to streamed events. Not a generator: graphql-ws's return() must release the hub subscription at once. */
function streamed(messages: AsyncIterableIterator<BusMessage<ReleaseEvent>>): AsyncIterableIterator<StreamedReleaseEvent> {
  const iterator: AsyncIterableIterator<StreamedReleaseEvent> = {
    next: async () => {
      const result = await messages.next();
      return result.done ? { done: true, value: undefined } : { done: false, value: { event: result.value.data, cursor: result.value.cursor } };
    },
    return: async () => {
      await messages.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

export interface ReleaseEventOptions {
  /** Most events waiting for NATS (KDA_OUTBOX_MAX_EVENTS); beyond, the oldest are dropped and counted. */
  readonly maxEvents?: number;
  readonly logger?: Logger;
}

/**
 * Release events on `kda.v1.workspaces.<id>.releases` (JetStream, so `after` resumes exactly after
 * a cursor). Each event has its own message id: the same event published twice arrives once.
 * Publishing goes through an outbox (outbox.ts): it resolves once the event is queued, and an event
 * announced while NATS is away is published, in order, once it is back. No resync after drops: the
 * release's state is in the database, and a dropped event stays dropped (counted, logged).
 */
export function createReleaseEvents(bus: EventBus, hub: SubscriptionHub, options: ReleaseEventOptions = {}): ReleaseEvents & { close(): Promise<void> } {
  const prefix = randomBytes(6).toString('hex');
  let published = 0;
  const outbox = new Outbox<OutboxMessage>({
    name: 'releases',
    maxEvents: options.maxEvents ?? 10_000,
    publish: (message) => bus.publish(message.subject, message.data, { messageId: message.messageId }),
    ...(options.logger ? { logger: options.logger } : {}),
  });
  return {
    publish: async (event) => {
      published += 1;
      outbox.enqueue({
        subject: subjects.workspaceReleases(event.workspaceId),
        data: event,
        messageId: `${event.releaseId}:${event.revision}:${event.type}:${event.status}:${prefix}:${published}`,
      });
    },
    stream: async (workspaceId, after) => {
      const messages = hub.subscribe<ReleaseEvent>(subjects.workspaceReleases(workspaceId), after === undefined ? {} : { after });
      try {
        await hub.ready(messages);
      } catch (error) {
        await messages.return?.();
        if (error instanceof InvalidCursorError) throw new BadInputError('after', 'is not a cursor of this stream, or its events have expired');
        throw error;
      }
      return streamed(messages);
    },
    close: () => outbox.close(),
  };
}
