/** What to do with one event of a live stream, decided when it arrives. */
export type StreamVerdict = 'deliver' | 'skip';

/**
 * Checks every event against the caller's rights at the time of the event. A check that throws
 * (rights revoked) ends the stream with that error. Not an async generator: `return()` from
 * graphql-ws must reach the source at once, even while waiting for the next event.
 */
export function guardStream<T>(source: AsyncIterableIterator<T>, check: (item: T) => Promise<StreamVerdict>): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done) return result;
        let verdict: StreamVerdict;
        try {
          verdict = await check(result.value);
        } catch (error) {
          await source.return?.();
          throw error;
        }
        if (verdict === 'deliver') return result;
      }
    },
    return: async () => (await source.return?.()) ?? { done: true, value: undefined },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
