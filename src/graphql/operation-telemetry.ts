import type { GatewayMetrics } from '../shared/metrics.js';
import type { Logger } from '../shared/logger.js';

export type OperationType = 'query' | 'mutation' | 'subscription' | 'unknown';

/** One GraphQL operation over HTTP, as it ended. */
export interface HttpOperationReport {
  readonly requestId: string;
  readonly type: OperationType;
  /** Absent for anonymous operations and for requests that never parsed. */
  readonly name?: string | undefined;
  /** The principal's id; null when the caller was not authenticated. */
  readonly callerId: string | null;
  readonly durationMs: number;
  /** `ok`, or the first error's `extensions.code`. */
  readonly outcome: string;
}

/** One websocket subscription, identified by its socket's request id and its graphql-ws id. */
export interface SubscriptionReport {
  readonly requestId: string;
  readonly subscriptionId: string;
  readonly field: string;
  readonly name?: string | undefined;
  readonly callerId: string | null;
}

export interface OperationTelemetry {
  httpOperation(report: HttpOperationReport): void;
  subscriptionStarted(report: SubscriptionReport): void;
  subscriptionEnded(report: SubscriptionReport & { readonly durationMs: number; readonly delivered: number; readonly outcome: string }): void;
  /**
   * `count` results of `field` sent (one per subscriber); `lagSeconds`, when known, since the watch
   * saw the change (observed once per event and shared group: its subscribers get the same bytes at once).
   */
  delivered(field: string, count?: number, lagSeconds?: number): void;
}

/** The first error's code, or `ok`: what the outcome label and log field say. */
export function outcomeOf(errors: ReadonlyArray<{ readonly extensions?: Readonly<Record<string, unknown>> | undefined }> | undefined): string {
  if (errors === undefined || errors.length === 0) return 'ok';
  const code = errors[0]?.extensions?.code;
  return typeof code === 'string' && code !== '' ? code : 'INTERNAL_SERVER_ERROR';
}

/** Metrics and one log line per HTTP operation and per subscription start and end. */
export function createOperationTelemetry(metrics: GatewayMetrics, logger: Logger): OperationTelemetry {
  return {
    httpOperation(report) {
      const outcome = metrics.outcomes.of(report.outcome);
      const labels = { operation_type: report.type, outcome };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, report.durationMs / 1000);
      if (report.name !== undefined) metrics.namedOperations.inc({ operation_name: metrics.operationNames.of(report.name), ...labels });
      logger.info('graphql request', {
        requestId: report.requestId,
        operationType: report.type,
        operationName: report.name ?? null,
        callerId: report.callerId,
        durationMs: Math.round(report.durationMs * 10) / 10,
        outcome: report.outcome,
      });
    },
    subscriptionStarted(report) {
      metrics.websocketSubscriptions.inc({ field: report.field });
      logger.info('subscription started', { ...describe(report) });
    },
    subscriptionEnded(report) {
      metrics.websocketSubscriptions.dec({ field: report.field });
      logger.info('subscription ended', {
        ...describe(report),
        durationMs: Math.round(report.durationMs),
        delivered: report.delivered,
        outcome: report.outcome,
      });
    },
    delivered(field, count = 1, lagSeconds) {
      metrics.eventsDelivered.inc({ field }, count);
      if (lagSeconds !== undefined) metrics.eventLag.observe({ field }, lagSeconds);
    },
  };
}

function describe(report: SubscriptionReport) {
  return {
    requestId: report.requestId,
    subscriptionId: report.subscriptionId,
    operationType: 'subscription',
    operationName: report.name ?? null,
    field: report.field,
    callerId: report.callerId,
  };
}
