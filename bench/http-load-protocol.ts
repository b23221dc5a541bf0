/** Messages between the query-throughput scenario and its HTTP load worker. */

export interface HttpLoadCommand {
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  /** Each response must be 200 with exactly this many bytes (the body is deterministic). */
  readonly expectedBytes: number;
  readonly concurrency: number;
  /** Requests sent first and not counted: JIT, connection set-up, caches. */
  readonly warmupRequests: number;
  readonly requests: number;
}

export type HttpLoadReport =
  | {
      readonly type: 'done';
      readonly elapsedMs: number;
      readonly requests: number;
      /** Non-200 statuses, unexpected sizes and transport errors among the counted requests. */
      readonly failures: number;
      readonly bytes: number;
      /** Per-request latency percentiles of the counted requests, in ms. */
      readonly p50Ms: number;
      readonly p99Ms: number;
      readonly firstFailure?: string;
    }
  | { readonly type: 'failed'; readonly message: string };
