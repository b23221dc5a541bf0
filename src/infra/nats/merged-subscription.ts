/**
 * Several subjects of the subscription hub read as one stream, in arrival order, each message
 * mapped (or dropped) on arrival. Bounded: a reader that falls behind by `bufferSize` items is
 * ended with SlowConsumerError, as the hub ends its own subscribers. Not an async generator:
 * `return()` must release the bus subscriptions at once, even while a `next()` waits.
 */
import type { BusMessage } from '../../shared/event-bus.js';
import { SlowConsumerError, type HubAttachment, type SubscriptionHub } from './subscription-hub.js';

export interface MergedSubject<T> {
  readonly subject: string;
  /** undefined: not for this stream. */
  readonly map: (message: BusMessage<unknown>) => T | undefined;
}

/** The merged stream; `backlog()` is how many items wait to be read. */
export type MergedStream<T> = AsyncIterableIterator<T> & { backlog(): number };

/** `bufferSize` defaults to the hub's own bound for one subscriber. */
export async function openMerged<T>(hub: SubscriptionHub, sources: readonly MergedSubject<T>[], bufferSize = hub.defaultBufferSize): Promise<MergedStream<T>> {
  const buffer: T[] = [];
  const waiters: Array<{ resolve: (result: IteratorResult<T>) => void; reject: (error: Error) => void }> = [];
  let finished = false;
  let failure: Error | undefined;
  const attachments: HubAttachment[] = [];

  const release = async () => {
    await Promise.all(attachments.splice(0).map((attachment) => attachment.detach()));
  };
  const finish = (error?: Error) => {
    if (finished) return;
    finished = true;
    buffer.length = 0;
    const first = waiters.shift();
    if (error !== undefined && first !== undefined) first.reject(error);
    else if (error !== undefined) failure = error;
    else first?.resolve({ done: true, value: undefined });
    for (const waiter of waiters.splice(0)) waiter.resolve({ done: true, value: undefined });
    void release();
  };
  const push = (item: T, subject: string) => {
    if (finished) return;
    const waiter = waiters.shift();
    if (waiter !== undefined) return waiter.resolve({ done: false, value: item });
    if (buffer.length >= bufferSize) return finish(new SlowConsumerError(subject, bufferSize));
    buffer.push(item);
    hub.noteBacklog(buffer.length);
  };

  for (const source of sources) {
    attachments.push(
      hub.attach(source.subject, {
        deliver: (message) => {
          let item: T | undefined;
          try {
            item = source.map(message);
          } catch {
            // A payload of another shape (a later version on the bus) is not this stream's news.
            return;
          }
          if (item !== undefined) push(item, source.subject);
        },
        fail: (error) => finish(error),
        end: () => finish(),
      }),
    );
  }
  try {
    await Promise.all(attachments.map((attachment) => attachment.ready));
  } catch (error) {
    await release();
    throw error;
  }

  const iterator: MergedStream<T> = {
    backlog: () => buffer.length,
    next: () => {
      const item = buffer.shift();
      if (item !== undefined) return Promise.resolve({ done: false, value: item });
      if (failure !== undefined) {
        const error = failure;
        failure = undefined;
        return Promise.reject(error);
      }
      if (finished) return Promise.resolve({ done: true, value: undefined });
      return new Promise((resolve, reject) => waiters.push({ resolve, reject }));
    },
    return: async () => {
      finish();
      failure = undefined;
      await release();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
