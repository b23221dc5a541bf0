import type { ReleaseClusterFacts, ReleaseEvent, ReleaseStore, WorkloadFact } from './ports.js';
import type { ReleaseRecord } from './records.js';

/** Kinds whose readiness a rollout waits for; the others are ready once applied. */
const FOLLOWED_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job']);

/** A workload a revision applied, with the generation the API server gave it (null: not known, after a restart). */
export interface RolloutTarget {
  readonly kind: string;
  readonly name: string;
  readonly generation: number | null;
}

export type RolloutVerdict = { readonly state: 'DONE' } | { readonly state: 'PROGRESSING' | 'FAILED'; readonly reason: string };

export function rolloutTargets(manifests: ReadonlyArray<{ readonly kind: string; readonly name: string; readonly generation: number | null }>): RolloutTarget[] {
  return manifests.filter((item) => FOLLOWED_KINDS.has(item.kind)).map(({ kind, name, generation }) => ({ kind, name, generation }));
}

function condition(fact: WorkloadFact, type: string) {
  return fact.conditions.find((entry) => entry.type === type);
}

function judgeOne(target: RolloutTarget, fact: WorkloadFact | undefined): RolloutVerdict {
  const subject = `${target.kind} ${target.name}`;
  if (fact === undefined) return { state: 'PROGRESSING', reason: `${subject}: not seen in the cluster yet` };
  if ((target.generation !== null && fact.generation < target.generation) || fact.observedGeneration < fact.generation)
    return { state: 'PROGRESSING', reason: `${subject}: waiting for its controller to see the change` };
  switch (target.kind) {
    case 'Job': {
      const failed = condition(fact, 'Failed');
      if (failed?.status === 'True') return { state: 'FAILED', reason: `${subject}: ${failed.message ?? failed.reason ?? 'failed'}` };
      return condition(fact, 'Complete')?.status === 'True' ? { state: 'DONE' } : { state: 'PROGRESSING', reason: `${subject}: running` };
    }
    case 'Deployment': {
      const progressing = condition(fact, 'Progressing');
      if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded')
        return { state: 'FAILED', reason: `${subject}: ${progressing.message ?? 'progress deadline exceeded'}` };
      break;
    }
  }
  const short = fact.updated < fact.desired || fact.ready < fact.desired || (target.kind !== 'StatefulSet' && fact.available < fact.desired);
  if (short) return { state: 'PROGRESSING', reason: `${subject}: ${fact.updated} of ${fact.desired} updated, ${fact.ready} ready, ${fact.available} available` };
  return { state: 'DONE' };
}

/** The rollout of a revision, as the caches show it now: failed if any workload failed, done when all are. */
export function judgeRollout(targets: readonly RolloutTarget[], facts: readonly WorkloadFact[] | null): RolloutVerdict {
  if (facts === null) return { state: 'PROGRESSING', reason: 'the cluster is not connected' };
  let waiting: RolloutVerdict | null = null;
  for (const target of targets) {
    const verdict = judgeOne(
      target,
      facts.find((fact) => fact.kind === target.kind && fact.name === target.name),
    );
    if (verdict.state === 'FAILED') return verdict;
    if (verdict.state === 'PROGRESSING') waiting ??= verdict;
  }
  return waiting ?? { state: 'DONE' };
}

export interface RolloutFollowerDeps {
  readonly facts: ReleaseClusterFacts;
  readonly store: Pick<ReleaseStore, 'setRolloutStatus'>;
  readonly publish: (event: ReleaseEvent) => Promise<void>;
  readonly now: () => Date;
  /** A rollout not done by then is FAILED. */
  readonly timeoutMs: number;
  /** How often the cache is read again without a change on the bus (the bus may be away). */
  readonly recheckMs?: number;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
}

interface Following {
  readonly revision: number;
  stop(): Promise<void>;
}

/**
 * Follows rollouts: each change of a workload in the release's namespace (from the bus) and a slow
 * tick make it read the cluster's cache again, until every workload is ready (DEPLOYED), one fails
 * or the time is up (FAILED). The status is written only while the revision is current and still
 * DEPLOYING, so replicas following the same release write it once.
 */
export class RolloutFollowers {
  private readonly following = new Map<string, Following>();

  constructor(private readonly deps: RolloutFollowerDeps) {}

  /** Follows the release's current revision; a previous follower of the release stops. */
  follow(release: ReleaseRecord, targets: readonly RolloutTarget[], onSettled?: (status: 'DEPLOYED' | 'FAILED') => Promise<void>): void {
    void this.stop(release.id);
    let finished = false;
    let stopWatch: (() => Promise<void>) | null = null;
    let nextTick: NodeJS.Timeout | undefined;
    const stop = async () => {
      finished = true;
      clearTimeout(deadline);
      clearTimeout(nextTick);
      if (this.following.get(release.id) === entry) this.following.delete(release.id);
      await stopWatch?.().catch(() => undefined);
    };
    const entry: Following = { revision: release.revision, stop };
    this.following.set(release.id, entry);
    const conclude = async (status: 'DEPLOYED' | 'FAILED', message: string | null) => {
      if (finished) return;
      await stop();
      const changed = await this.deps.store.setRolloutStatus(release.id, release.revision, status, message, this.deps.now());
      if (changed)
        await this.deps.publish({
          v: 1,
          type: 'STATUS_CHANGED',
          workspaceId: release.workspaceId,
          releaseId: release.id,
          revision: release.revision,
          status,
          message,
          at: this.deps.now().toISOString(),
        });
      // Only the replica whose write took the status acts on it.
      if (changed) await onSettled?.(status);
    };
    const failLoudly = (error: unknown) => this.deps.warn('cannot record a rollout', { releaseId: release.id, error: String(error) });
    let last: RolloutVerdict = { state: 'PROGRESSING', reason: 'starting' };
    const check = () => {
      if (finished) return;
      last = judgeRollout(targets, this.deps.facts.workloads(release.clusterId, release.namespace));
      if (last.state === 'DONE') conclude('DEPLOYED', null).catch(failLoudly);
      else if (last.state === 'FAILED') conclude('FAILED', last.reason).catch(failLoudly);
    };
    const deadline = setTimeout(() => {
      const reason = last.state === 'DONE' ? '' : `: ${last.reason}`;
      conclude('FAILED', `not ready within ${Math.round(this.deps.timeoutMs / 1000)} s${reason}`).catch(failLoudly);
    }, this.deps.timeoutMs);
    deadline.unref();
    const tick = () => {
      check();
      if (finished) return;
      nextTick = setTimeout(tick, this.deps.recheckMs ?? 2_000);
      nextTick.unref();
    };
    tick();
    if (finished) return;
    this.deps.facts
      .watchWorkloads(release.clusterId, release.namespace, check)
      .then((stopWatching) => {
        if (finished) void stopWatching().catch(() => undefined);
        else {
          stopWatch = stopWatching;
          check();
        }
      })
      .catch((error: unknown) => this.deps.warn('cannot watch a rollout on the bus; reading the cache on a timer only', { releaseId: release.id, error: String(error) }));
  }

  /** Stops following a release (an operation on it started, or it was uninstalled). */
  async stop(releaseId: string): Promise<void> {
    await this.following.get(releaseId)?.stop();
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.following.values()].map((entry) => entry.stop()));
  }

  /** Releases followed now (for tests and metrics). */
  count(): number {
    return this.following.size;
  }
}
