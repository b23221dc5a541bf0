/** Messages between the benchmark and a gateway replica it started (bench/replica-main.ts). */

export interface ReplicaRequest {
  readonly type: 'sample';
  readonly id: number;
  /** Collect garbage and report the heap; false: CPU time only (a collection would add CPU time). */
  readonly heap: boolean;
}

export interface ReplicaReport {
  readonly type: 'sample';
  readonly id: number;
  /** JS heap used after full collections; NaN when not asked. */
  readonly heapUsed: number;
  /** User + system CPU time of the whole process since it started. */
  readonly cpuSeconds: number;
}
