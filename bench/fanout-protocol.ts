/**
 * Messages between the fan-out scenario (main thread, where the servers run) and its subscriber
 * worker (a second thread, so the clients' work is done on the other core, not counted against
 * the server being measured).
 */

/** `graphql`: graphql-ws clients subscribing to podEvents; `raw`: plain ws clients of a broadcast. */
export type SubscriberMode = 'graphql' | 'raw';

export interface OpenCommand {
  readonly type: 'open';
  readonly mode: SubscriberMode;
  readonly url: string;
  readonly count: number;
  readonly batchSize: number;
  /** graphql mode only. */
  readonly authorization?: string;
  readonly query?: string;
  readonly variables?: Record<string, unknown>;
  readonly timeoutMs: number;
}

/**
 * Starts counting events whose `bench-seq` label starts with `tag`; the worker reports `complete`
 * once every subscriber has at least `expected` of them.
 */
export interface ArmCommand {
  readonly type: 'arm';
  readonly tag: string;
  readonly expected: number;
}

export interface StatusCommand {
  readonly type: 'status';
}

export interface CloseCommand {
  readonly type: 'close';
}

export type WorkerCommand = OpenCommand | ArmCommand | StatusCommand | CloseCommand;

export interface OpenedReport {
  readonly type: 'opened';
  /** Subscribers whose socket is open (graphql: connection acknowledged, subscribe sent). */
  readonly open: number;
  readonly failed: number;
  readonly firstError?: string;
}

/** The worker counts the new round from now on. */
export interface ArmedReport {
  readonly type: 'armed';
  readonly tag: string;
}

export interface CompleteReport {
  readonly type: 'complete';
  readonly tag: string;
  /** Absolute ms (support.absoluteNow) of the first tagged event received by any subscriber. */
  readonly firstAt: number;
  /** Absolute ms at which the last subscriber reached `expected`. */
  readonly lastAt: number;
  /** Tagged events received in total (may exceed subscribers × expected). */
  readonly delivered: number;
  /** One `next` message as received, serialized, to size the raw baseline's payload. */
  readonly sample: string;
}

export interface StatusReport {
  readonly type: 'status';
  readonly tag: string;
  readonly expected: number;
  /** How many subscribers got none, some, or all of the expected tagged events. */
  readonly none: number;
  readonly partial: number;
  readonly all: number;
  /** Subscriptions that ended (error or complete) and sockets that closed. */
  readonly ended: number;
  readonly errors: number;
  readonly firstError?: string;
}

export interface ClosedReport {
  readonly type: 'closed';
}

export interface FailedReport {
  readonly type: 'failed';
  readonly message: string;
}

export type WorkerReport = OpenedReport | ArmedReport | CompleteReport | StatusReport | ClosedReport | FailedReport;

/** The label the scenario changes; every event carries it, so the worker can tell rounds apart. */
export const SEQUENCE_LABEL = 'bench-seq';

/** Reads the sequence label from a podEvents `next` payload (graphql-ws or the raw imitation). */
export function sequenceOf(payload: unknown): string | undefined {
  const data = (payload as { data?: { podEvents?: { pod?: { labels?: Record<string, unknown> } } } } | null)?.data;
  const value = data?.podEvents?.pod?.labels?.[SEQUENCE_LABEL];
  return typeof value === 'string' ? value : undefined;
}
