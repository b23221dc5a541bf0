/**
 * Follows one run's Job: parses step markers, stores log lines in batches, then publishes each
 * (stored before published, so a reader that subscribes first and then reads the store sees every
 * line once: see log-stream.ts), and records the outcome with the image's digest and size.
 */
import type { Logger } from '../../shared/logger.js';
import { parseStepMarker } from './log-lines.js';
import type { BuildEventPublisher, BuildJobs, BuildLogStore, BuildRunStore, ImageManifestInfo, JobOutcome } from './ports.js';
import type { BuildLogLineRecord, BuildRunRecord, RunStatus } from './records.js';

const BATCH_LINES = 100;
const BATCH_MS = 100;

export interface RunFollowerDeps {
  readonly jobs: BuildJobs;
  readonly runs: BuildRunStore;
  readonly logs: BuildLogStore;
  readonly events: BuildEventPublisher;
  /** Reads the pushed image's manifest from the registry (null: not there). */
  readonly imageOf: (run: BuildRunRecord) => Promise<ImageManifestInfo | null>;
  readonly logger: Logger;
  readonly now: () => Date;
  /** Told once a run's image is in the registry (continuous deployment rolls application maps forward). */
  readonly onImagePushed?: (run: BuildRunRecord, digest: string) => Promise<void>;
  /**
   * Whether this replica follows the runs of a cluster now (the one that holds the cluster's lease
   * does; see src/wiring/builds.ts). Left out: every run is followed here.
   */
  readonly mayFollow?: (clusterId: string) => boolean;
}

/** Runs finished here lately: a sweep that read them as unfinished just before does not follow them again. */
const REMEMBERED_FINISHED = 1_000;

interface Followed {
  readonly clusterId: string;
  readonly abort: AbortController;
  cancelled: boolean;
  done: Promise<void>;
}

export class RunFollowers {
  private readonly followed = new Map<string, Followed>();
  private readonly finished = new Set<string>();
  private stopped = false;

  constructor(private readonly deps: RunFollowerDeps) {}

  isFollowing(runId: string): boolean {
    return this.followed.has(runId);
  }

  /**
   * Starts following (once per run in this process), unless another replica follows this run's
   * cluster. `startAfterLine`: lines already stored.
   */
  follow(run: BuildRunRecord, startAfterLine = 0): void {
    if (this.stopped || this.followed.has(run.id) || this.finished.has(run.id)) return;
    if (this.deps.mayFollow?.(run.clusterId) === false) return;
    const entry: Followed = { clusterId: run.clusterId, abort: new AbortController(), cancelled: false, done: Promise.resolve() };
    this.followed.set(run.id, entry);
    entry.done = this.run(run, entry, startAfterLine)
      .catch((error: unknown) => {
        this.deps.logger.error('build run follower failed', { runId: run.id, error: error instanceof Error ? error.stack : String(error) });
      })
      .finally(() => this.followed.delete(run.id));
  }

  /**
   * Before its Job is deleted: whatever the follower sees next (the Job gone) is the cancellation,
   * not a failure. Returns an undo, for a deletion that did not happen.
   */
  markCancelling(runId: string): () => void {
    const entry = this.followed.get(runId);
    if (entry === undefined) return () => undefined;
    entry.cancelled = true;
    return () => {
      if (!entry.abort.signal.aborted) entry.cancelled = false;
    };
  }

  /** Stops following a run because it is being cancelled; resolves when the follower has let go. */
  async cancel(runId: string): Promise<void> {
    const entry = this.followed.get(runId);
    if (entry === undefined) return;
    entry.cancelled = true;
    entry.abort.abort();
    await entry.done;
  }

  /** Lets go of the runs of a cluster another replica follows from now on (it reads their logs again from the last stored line). */
  async release(clusterId: string): Promise<void> {
    const entries = [...this.followed.values()].filter((entry) => entry.clusterId === clusterId);
    for (const entry of entries) entry.abort.abort();
    await Promise.all(entries.map((entry) => entry.done));
  }

  async stopAll(): Promise<void> {
    this.stopped = true;
    const entries = [...this.followed.values()];
    for (const entry of entries) entry.abort.abort();
    await Promise.all(entries.map((entry) => entry.done));
  }

  private async run(initial: BuildRunRecord, entry: Followed, startAfterLine: number): Promise<void> {
    const { deps } = this;
    let run = initial;
    let number = 0;
    // Resumed after a restart, the run already reached a step; if its pod is gone the log cannot tell again.
    let step = run.stepsDone > 0 ? run.stepsDone + 1 : 0;
    let stepsTotal = run.stepsTotal;
    let buffer: BuildLogLineRecord[] = [];
    let flushing: Promise<void> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;

    const update = async (changes: Parameters<BuildRunStore['update']>[1]) => {
      run = (await deps.runs.update(run.id, changes)) ?? run;
      await deps.events.runUpdate({ v: 1, workspaceId: run.workspaceId, runId: run.id, status: run.status });
    };
    const flush = (): Promise<void> => {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      const batch = buffer;
      buffer = [];
      flushing = flushing.then(async () => {
        if (batch.length === 0) return;
        await deps.logs.append(batch);
        for (const line of batch) {
          await deps.events.logEvent({ v: 1, type: 'line', runId: line.runId, number: line.number, step: line.step, text: line.text, at: line.at.toISOString() });
        }
      });
      return flushing;
    };
    let stepChange: Promise<void> = Promise.resolve();

    const outcome: JobOutcome = await deps.jobs.follow(
      run.clusterId,
      run.namespace,
      run.jobName,
      {
        onStarted: () => {
          if (run.status === 'PENDING') stepChange = stepChange.then(() => update({ status: 'RUNNING', startedAt: run.startedAt ?? deps.now() }));
        },
        onLine: (text, at) => {
          const marker = parseStepMarker(text);
          if (marker !== null) {
            step = marker.step;
            stepsTotal = marker.total;
            const stepsDone = marker.step - 1;
            if (number >= startAfterLine) stepChange = stepChange.then(() => update({ stepsDone, stepsTotal }));
          }
          number += 1;
          // After a restart the log is read again from the start: lines already stored are skipped.
          if (number <= startAfterLine) return;
          buffer.push({ runId: run.id, number, step, text, at });
          if (buffer.length >= BATCH_LINES) void flush();
          else timer ??= setTimeout(() => void flush(), BATCH_MS);
        },
      },
      entry.abort.signal,
    );
    await flush();
    await stepChange;
    if (entry.abort.signal.aborted && !entry.cancelled) return; // stopping or released: another replica or start follows again

    let status: RunStatus;
    let changes: Parameters<BuildRunStore['update']>[1];
    if (entry.cancelled) {
      status = 'CANCELLED';
      changes = { status, finishedAt: deps.now(), message: 'cancelled' };
    } else if (outcome === 'succeeded') {
      const image = await deps.imageOf(run).catch((error: unknown) => {
        deps.logger.warn('cannot read the built image from the registry', { runId: run.id, error: String(error) });
        return null;
      });
      status = image === null ? 'FAILED' : 'SUCCEEDED';
      changes =
        image === null
          ? { status, finishedAt: deps.now(), failedStep: stepsTotal, stepsDone: stepsTotal - 1, message: `the image ${run.image} is not in the registry` }
          : { status, finishedAt: deps.now(), stepsDone: stepsTotal, stepsTotal, imageDigest: image.digest, imageSizeBytes: image.sizeBytes };
    } else {
      status = 'FAILED';
      changes = {
        status,
        finishedAt: deps.now(),
        failedStep: Math.max(step, 1),
        stepsDone: Math.max(step - 1, 0),
        stepsTotal,
        message: outcome === 'missing' ? 'the build Job or its pod went away' : `step ${step} failed`,
      };
    }
    await update(changes);
    if (this.finished.size >= REMEMBERED_FINISHED) this.finished.clear();
    this.finished.add(run.id);
    // After the status: a reader that sees a finished run knows every line is stored.
    await deps.events.logEvent({ v: 1, type: 'end', runId: run.id, lastLine: Math.max(number, startAfterLine), status });
    if (status === 'SUCCEEDED' && changes.imageDigest !== undefined && changes.imageDigest !== null)
      await deps.onImagePushed?.(run, changes.imageDigest).catch((error: unknown) => {
        deps.logger.warn('continuous deployment failed after a build', { runId: run.id, error: String(error) });
      });
  }
}
