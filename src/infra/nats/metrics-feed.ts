import type { MetricsFeed, MetricsMessage } from '../../domains/monitoring/index.js';
import { SAMPLE_VERSION } from '../../domains/monitoring/index.js';
import type { EventBus } from '../../shared/event-bus.js';
import type { Logger } from '../../shared/logger.js';
import { ANY_TOKEN, subjects } from './subjects.js';

/** Usage samples on the bus, `kda.v1.clusters.<id>.metrics`: the poller publishes, every replica listens. */
export function createMetricsFeed(bus: EventBus, logger: Logger): MetricsFeed {
  return {
    publish: (message) => bus.publish(subjects.metricsSamples(message.clusterId), message),
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
