import type { ExecutionResult } from 'graphql';

/**
 * Event lag: from the moment a watch saw a change to the moment its result is written to a
 * subscriber. The time travels in the bus event (`observedAt`); the result executed from it is
 * tagged here so the websocket layer, which only sees results, can read it back.
 */
const observedAtOfResult = new WeakMap<ExecutionResult, number>();

/** The watch time of a subscription's source event (a streamed cluster event), if it carries one. */
function observedAtOf(rootValue: unknown): number | undefined {
  const event = (rootValue as { event?: { observedAt?: unknown } } | null | undefined)?.event;
  return typeof event?.observedAt === 'number' ? event.observedAt : undefined;
}

/** Remembers the watch time of the event `result` was executed from. */
export function tagEventTime(result: ExecutionResult, rootValue: unknown): ExecutionResult {
  const observedAt = observedAtOf(rootValue);
  if (observedAt !== undefined) observedAtOfResult.set(result, observedAt);
  return result;
}

/** Seconds since the watch saw the change behind `result`; undefined for results of other sources. */
export function eventLagSeconds(result: ExecutionResult, now = Date.now()): number | undefined {
  const observedAt = observedAtOfResult.get(result);
  return observedAt === undefined ? undefined : Math.max(0, now - observedAt) / 1000;
}
