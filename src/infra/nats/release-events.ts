import { randomBytes } from 'node:crypto';
import type { ReleaseEvent, ReleaseEvents, StreamedReleaseEvent } from '../../domains/catalog/releases/ports.js';
import { InvalidCursorError, type BusMessage, type EventBus } from '../../shared/event-bus.js';
import { BadInputError } from '../../shared/errors.js';
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

/**
 * Release events on `kda.v1.workspaces.<id>.releases` (JetStream, so `after` resumes exactly after
 * a cursor). Each event has its own message id: the same event published twice arrives once.
 */
export function createReleaseEvents(bus: EventBus, hub: SubscriptionHub): ReleaseEvents {
  const prefix = randomBytes(6).toString('hex');
  let published = 0;
  return {
    publish: async (event) => {
      published += 1;
      await bus.publish(subjects.workspaceReleases(event.workspaceId), event, {
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
  };
}
