import type { BuildEventPublisher, BuildEventSource, BuildLogEvent, BuildRunUpdateEvent } from '../../domains/builds/index.js';
import { subjects } from './subjects.js';
import type { BusMessage, EventBus } from '../../shared/event-bus.js';
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

/** Message ids make a line published twice (a retry, a second follower) arrive once. */
export function createBuildEventPublisher(bus: EventBus): BuildEventPublisher {
  return {
    logEvent: (event) => bus.publish(subjects.buildLog(event.runId), event, { messageId: event.type === 'line' ? `${event.runId}:${event.number}` : `${event.runId}:end` }),
    runUpdate: (event) => bus.publish(subjects.workspaceBuilds(event.workspaceId), event),
  };
}
