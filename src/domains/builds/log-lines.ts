/** The builder protocol: `[kda] step <k>/<n> <name>` starts step k of n. */
const STEP_MARKER = /^\[kda\] step (\d+)\/(\d+) (\S+)/;

export interface StepMarker {
  readonly step: number;
  readonly total: number;
  readonly name: string;
}

export function parseStepMarker(text: string): StepMarker | null {
  const match = STEP_MARKER.exec(text);
  if (match?.[1] === undefined || match[2] === undefined || match[3] === undefined) return null;
  return { step: Number(match[1]), total: Number(match[2]), name: match[3] };
}

/** What the build list shows: DONE, RUNNING, ERROR 4/6, CANCELLED (null: never run). */
export function statusDisplay(run: { status: string; failedStep: number | null; stepsTotal: number } | null | undefined): string | null {
  if (run == null) return null;
  switch (run.status) {
    case 'SUCCEEDED':
      return 'DONE';
    case 'PENDING':
    case 'RUNNING':
      return 'RUNNING';
    case 'FAILED':
      return `ERROR ${run.failedStep ?? 0}/${run.stepsTotal}`;
    default:
      return run.status;
  }
}
