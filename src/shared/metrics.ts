import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/** Seconds buckets for work that leaves the process (database, NATS): most take milliseconds. */
const IO_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
/** Seconds buckets for whole GraphQL operations. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Label values that a caller chooses (operation names) are capped at this many distinct values, then `other`. */
export const MAX_OPERATION_NAMES = 100;
const MAX_LABEL_LENGTH = 64;

/**
 * Keeps a label's values bounded: the first `max` distinct values (truncated) are kept, later ones
 * read `other`, so a client inventing names cannot grow the registry without bound.
 */
export class BoundedLabel {
  private readonly seen = new Set<string>();

  constructor(private readonly max: number) {}

  of(value: string): string {
    const truncated = value.slice(0, MAX_LABEL_LENGTH);
    if (this.seen.has(truncated)) return truncated;
    if (this.seen.size >= this.max) return 'other';
    this.seen.add(truncated);
    return truncated;
  }
}

/**
 * Every instrument of one gateway, on a registry of its own (several gateways may share a
 * process in tests, so nothing goes on prom-client's global registry).
 */
export function createGatewayMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const registers = [registry];
  return {
    registry,
    operationNames: new BoundedLabel(MAX_OPERATION_NAMES),
    outcomes: new BoundedLabel(50),
    httpRequests: new Counter({
      name: 'kda_http_requests_total',
      help: 'GraphQL operations over HTTP by type (query, mutation, subscription, unknown) and outcome (ok or the first error code).',
      labelNames: ['operation_type', 'outcome'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'kda_http_request_duration_seconds',
      help: 'Time from the request to the last byte of the answer, by operation type and outcome.',
      labelNames: ['operation_type', 'outcome'] as const,
      buckets: REQUEST_BUCKETS,
      registers,
    }),
    namedOperations: new Counter({
      name: 'kda_http_named_operations_total',
      help: `Named GraphQL operations over HTTP by name (the first ${MAX_OPERATION_NAMES} distinct names, truncated; later ones count as "other"), type and outcome.`,
      labelNames: ['operation_name', 'operation_type', 'outcome'] as const,
      registers,
    }),
    websocketSubscriptions: new Gauge({
      name: 'kda_websocket_subscriptions',
      help: 'Subscriptions open on websockets, by top-level field.',
      labelNames: ['field'] as const,
      registers,
    }),
    eventsDelivered: new Counter({
      name: 'kda_subscription_events_delivered_total',
      help: 'Subscription results sent to websocket subscribers, by top-level field.',
      labelNames: ['field'] as const,
      registers,
    }),
    eventLag: new Histogram({
      name: 'kda_subscription_event_lag_seconds',
      help: "From the gateway's watch seeing a Kubernetes change to its result being handed to a websocket subscriber, by top-level field (cluster object events; replays with `after` excluded).",
      labelNames: ['field'] as const,
      buckets: IO_BUCKETS,
      registers,
    }),
    eventsDropped: new Counter({
      name: 'kda_subscription_events_dropped_total',
      help: 'Events discarded because a subscriber fell behind (it is cut off and resumes with its cursor): slow_consumer at the bus, backlog at a shared subscription.',
      labelNames: ['reason'] as const,
      registers,
    }),
    eventsUnchanged: new Counter({
      name: 'kda_subscription_events_unchanged_total',
      help: 'MODIFIED events not sent because nothing a shared subscription selected changed (counted once per shared subscription), by top-level field.',
      labelNames: ['field'] as const,
      registers,
    }),
    rateLimitRejections: new Counter({
      name: 'kda_rate_limit_rejections_total',
      help: 'Requests and websocket operations refused with RATE_LIMITED, by the budget that ran out (token, principal or address).',
      labelNames: ['budget'] as const,
      registers,
    }),
    natsConnected: new Gauge({ name: 'kda_nats_connected', help: '1 while the NATS connection is up (absent with the in-process bus).', registers }),
    natsPublishDuration: new Histogram({
      name: 'kda_nats_publish_duration_seconds',
      help: 'Time until JetStream acknowledged a publish, by outcome (ok or error).',
      labelNames: ['outcome'] as const,
      buckets: IO_BUCKETS,
      registers,
    }),
    dbQueryDuration: new Histogram({
      name: 'kda_db_query_duration_seconds',
      help: 'Database statement latency, by outcome (ok or error).',
      labelNames: ['outcome'] as const,
      buckets: IO_BUCKETS,
      registers,
    }),
  };
}

export type GatewayMetrics = ReturnType<typeof createGatewayMetrics>;

/** A sample of a metric read at scrape time. */
export interface Sample {
  readonly labels?: Readonly<Record<string, string>>;
  readonly value: number;
}

/** A gauge or counter whose samples are read from the gateway's state at scrape time. */
export interface ObservedMetric {
  readonly name: string;
  readonly help: string;
  /** `gauge` when absent; a counter's name ends in `_total`. */
  readonly type?: 'gauge' | 'counter';
  readonly labelNames?: readonly string[];
  collect(): readonly Sample[] | Promise<readonly Sample[]>;
}

/** Registers metrics read at scrape time; samples that are gone (a removed cluster) disappear. */
export function observe(registry: Registry, metrics: readonly ObservedMetric[]): void {
  for (const metric of metrics) {
    const labelNames = [...(metric.labelNames ?? [])];
    if (metric.type === 'counter') {
      new Counter({
        name: metric.name,
        help: metric.help,
        labelNames,
        registers: [registry],
        async collect() {
          const samples = await metric.collect();
          this.reset();
          for (const { labels, value } of samples) this.inc(labels ?? {}, value);
        },
      });
    } else {
      new Gauge({
        name: metric.name,
        help: metric.help,
        labelNames,
        registers: [registry],
        async collect() {
          const samples = await metric.collect();
          this.reset();
          for (const { labels, value } of samples) this.set(labels ?? {}, value);
        },
      });
    }
  }
}
