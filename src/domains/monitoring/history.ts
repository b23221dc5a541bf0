/**
 * The checks and the step of a history query, before any row is read: bounded work whatever the
 * input. A series has at most MAX_AUTO_POINTS points when the step is left out, and an explicit
 * step that would make more than MAX_POINTS (Prometheus's own limit per series) is refused.
 */
import { BadInputError } from '../../shared/errors.js';

export const MAX_AUTO_POINTS = 500;
export const MAX_POINTS = 11_000;
const NICE_STEPS_SECONDS = [15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400, 172_800, 604_800];

export interface Retention {
  readonly intervalMs: number;
  readonly fineRetentionMs: number;
  readonly coarseRetentionMs: number;
}

export interface PlannedRange {
  readonly fromMs: number;
  readonly toMs: number;
  readonly stepMs: number;
  readonly coarse: boolean;
}

/** `to` in the future is brought back to now; the rest of a bad range is refused naming the argument. */
export function planRange(from: Date, to: Date, stepSeconds: number | null | undefined, retention: Retention, nowMs: number): PlannedRange {
  const fromMs = from.getTime();
  let toMs = to.getTime();
  if (!Number.isFinite(fromMs)) throw new BadInputError('from', 'is not a valid time');
  if (!Number.isFinite(toMs)) throw new BadInputError('to', 'is not a valid time');
  if (toMs <= fromMs) throw new BadInputError('to', 'must be after from (the range is empty or reversed)');
  if (fromMs >= nowMs) throw new BadInputError('from', 'is in the future: there is no history there yet');
  toMs = Math.min(toMs, nowMs);
  const oldest = nowMs - retention.coarseRetentionMs;
  if (fromMs < oldest) {
    throw new BadInputError(
      'from',
      `reaches past the history kept (${Math.round(retention.coarseRetentionMs / 86_400_000)} days, KDA_METRICS_COARSE_RETENTION_DAYS): start at ${new Date(oldest).toISOString()} or later`,
    );
  }
  const coarse = fromMs < nowMs - retention.fineRetentionMs;
  // Below this the points would only repeat stored rows.
  const resolutionMs = coarse ? 3_600_000 : retention.intervalMs;
  const spanMs = toMs - fromMs;
  if (stepSeconds !== null && stepSeconds !== undefined) {
    if (!Number.isInteger(stepSeconds) || stepSeconds < 1) throw new BadInputError('step', 'must be a whole number of seconds, at least 1');
    const points = Math.ceil(spanMs / (stepSeconds * 1000));
    if (points > MAX_POINTS) {
      throw new BadInputError(
        'step',
        `${stepSeconds} s over this range makes ${points} points, more than ${MAX_POINTS}: use a step of at least ${Math.ceil(spanMs / MAX_POINTS / 1000)} s or leave it out`,
      );
    }
    return { fromMs, toMs, stepMs: stepSeconds * 1000, coarse };
  }
  const wantedMs = Math.max(resolutionMs, Math.ceil(spanMs / MAX_AUTO_POINTS));
  const nice = NICE_STEPS_SECONDS.find((seconds) => seconds * 1000 >= wantedMs);
  return { fromMs, toMs, stepMs: nice === undefined ? Math.ceil(wantedMs / 1000) * 1000 : nice * 1000, coarse };
}
