/**
 * Event lag: from the moment a watch saw a change to the moment its result is written to a
 * subscriber. The time travels in the bus event (`observedAt`), and a subscription's source event
 * is the streamed bus event.
 */
export function eventLagSeconds(source: unknown, now = Date.now()): number | undefined {
  const observedAt = (source as { event?: { observedAt?: unknown } } | null | undefined)?.event?.observedAt;
  return typeof observedAt === 'number' ? Math.max(0, now - observedAt) / 1000 : undefined;
}
