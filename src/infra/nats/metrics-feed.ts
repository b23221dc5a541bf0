import type { MetricsFeed, MetricsMessage, MetricsStreams, StreamedMetrics } from '../../domains/monitoring/index.js';
import { SAMPLE_VERSION } from '../../domains/monitoring/index.js';
import { InvalidCursorError, RefusedMessageError, type BusMessage, type EventBus } from '../../shared/event-bus.js';
import { BadInputError } from '../../shared/errors.js';
import type { SubscriptionHub } from './subscription-hub.js';
import type { Logger } from '../../shared/logger.js';
import { ANY_TOKEN, subjects } from './subjects.js';

/** Usage samples on the bus, `kda.v1.clusters.<id>.metrics`: the poller publishes, every replica listens. */
export function createMetricsFeed(bus: EventBus, logger: Logger): MetricsFeed {
  return {
    async publish(message) {
      const subject = subjects.metricsSamples(message.clusterId);
      try {
        await bus.publish(subject, message);
      } catch (error) {
        // A cluster of thousands of pods outgrows the server's max_payload: the per-container
        // breakdown goes first (pods, nodes and totals remain; the database has them all anyway).
        if (!(error instanceof RefusedMessageError) || !('pods' in message)) throw error;
        logger.warn('metrics sample too large for the bus: published without containers', { clusterId: message.clusterId, pods: message.pods.length });
        await bus.publish(subject, { ...message, pods: message.pods.map((pod) => ({ ...pod, containers: [] })) });
      }
    },
    async subscribe(handler) {
      return bus.subscribe<MetricsMessage>(subjects.metricsSamples(ANY_TOKEN), (message) => {
        // A later version may add fields; a different one is not ours to read.
        if (message.data?.v !== SAMPLE_VERSION) {
          logger.warn('ignored a metrics message of another version', { subject: message.subject });
          return;
        }
        handler(message.data);
      });
    },
  };
}

/**
 * A cluster's samples for live subscriptions, through the process-wide hub (one bus subscription
 * per cluster for all subscribers). Not an async generator: graphql-ws's `return()` must release
 * the hub subscription at once.
 */
export function createMetricsStreams(hub: SubscriptionHub): MetricsStreams {
  return {
    async open(clusterId, after) {
      const messages = hub.subscribe<MetricsMessage>(subjects.metricsSamples(clusterId), after === undefined ? {} : { after });
      try {
        await hub.ready(messages);
      } catch (error) {
        await messages.return?.();
        if (error instanceof InvalidCursorError) throw new BadInputError('after', 'is not a cursor of this stream, or its events have expired');
        throw error;
      }
      const map = (result: IteratorResult<BusMessage<MetricsMessage>>): IteratorResult<StreamedMetrics> =>
        result.done ? { done: true, value: undefined } : { done: false, value: { message: result.value.data, cursor: result.value.cursor } };
      const iterator: AsyncIterableIterator<StreamedMetrics> = {
        next: async () => map(await messages.next()),
        return: async () => map((await messages.return?.()) ?? { done: true, value: undefined }),
        [Symbol.asyncIterator]: () => iterator,
      };
      return iterator;
    },
  };
}
