import type { ClusterEventSource, ClusterObjectEvent, ClusterStatusEvent, PodProjection, StreamedEvent, WorkloadProjection } from '../../domains/clusters/index.js';
import { ANY_TOKEN, subjects } from './subjects.js';
import { InvalidCursorError, type BusMessage } from '../../shared/event-bus.js';
import { BadInputError } from '../../shared/errors.js';
import type { SubscriptionHub } from './subscription-hub.js';

/**
 * Maps hub messages to streamed events. Not an async generator: a generator parked in `await`
 * defers `return()` until the next message arrives, and graphql-ws's return() on client leave
 * must release the hub subscription at once.
 */
function streamed<T>(messages: AsyncIterableIterator<BusMessage<T>>): AsyncIterableIterator<StreamedEvent<T>> {
  const map = (result: IteratorResult<BusMessage<T>>): IteratorResult<StreamedEvent<T>> =>
    result.done ? { done: true, value: undefined } : { done: false, value: { event: result.value.data, cursor: result.value.cursor } };
  const iterator: AsyncIterableIterator<StreamedEvent<T>> = {
    next: async () => map(await messages.next()),
    return: async () => map((await messages.return?.()) ?? { done: true, value: undefined }),
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}

/** Opens a hub subscription and waits until it is live, so a bad cursor is an error of the request. */
async function open<T>(hub: SubscriptionHub, subject: string, after: string | undefined): Promise<AsyncIterableIterator<StreamedEvent<T>>> {
  const messages = hub.subscribe<T>(subject, after === undefined ? {} : { after });
  try {
    await hub.ready(messages);
  } catch (error) {
    await messages.return?.();
    if (error instanceof InvalidCursorError) throw new BadInputError('after', 'is not a cursor of this stream, or its events have expired');
    throw error;
  }
  return streamed(messages);
}

/** Cluster object events, read from the bus through the process-wide subscription hub. */
export function createClusterEventSource(hub: SubscriptionHub): ClusterEventSource {
  return {
    podEvents: (clusterId, namespace, after) => open<ClusterObjectEvent<PodProjection>>(hub, subjects.clusterObjects(clusterId, 'pods', namespace ?? ANY_TOKEN), after),
    workloadEvents: (clusterId, namespace, after) =>
      open<ClusterObjectEvent<WorkloadProjection>>(hub, subjects.clusterObjects(clusterId, 'workloads', namespace ?? ANY_TOKEN), after),
    statusEvents: () => open<ClusterStatusEvent>(hub, subjects.clusterObjects(ANY_TOKEN, 'status'), undefined),
  };
}
