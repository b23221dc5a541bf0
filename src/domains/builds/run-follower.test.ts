import { silentLogger } from '../../shared/logger.js';
import type { BuildJobs, BuildLogEvent, BuildRunStore } from './ports.js';
import type { BuildRunRecord } from './records.js';
import { RunFollowers } from './run-follower.js';

const run: BuildRunRecord = {
  id: 'run-1',
  buildId: 'build-1',
  workspaceId: 'ws-1',
  number: 3,
  status: 'RUNNING',
  stepsTotal: 6,
  stepsDone: 2,
  failedStep: null,
  image: 'registry.local/team/app:run-3',
  imageDigest: null,
  imageSizeBytes: null,
  clusterId: 'c1',
  namespace: 'kda-builds',
  jobName: 'build-app-3',
  message: null,
  createdAt: new Date(0),
  startedAt: new Date(0),
  finishedAt: null,
};

describe('resuming a run after a restart', () => {
  test('a run whose pod went away while the gateway was down fails at the step it had reached, its stored lines kept', async () => {
    const updates: Array<Parameters<BuildRunStore['update']>[1]> = [];
    const events: BuildLogEvent[] = [];
    // The pod is gone: the log cannot be read again.
    const jobs: BuildJobs = { create: async () => undefined, delete: async () => undefined, follow: async () => 'missing' };
    const followers = new RunFollowers({
      jobs,
      runs: {
        update: async (_id, changes) => {
          updates.push(changes);
          return { ...run, ...changes };
        },
      } as BuildRunStore,
      logs: { append: async () => undefined } as never,
      events: { logEvent: async (event) => void events.push(event), runUpdate: async () => undefined },
      imageOf: async () => null,
      logger: silentLogger,
      now: () => new Date(1000),
    });
    followers.follow(run, 40);
    // Everything here is fake and immediate: the follower ends within a few turns of the event loop.
    for (let turns = 0; turns < 1000 && followers.isFollowing(run.id); turns += 1) await new Promise((resolve) => setImmediate(resolve));
    expect(followers.isFollowing(run.id)).toBe(false);
    expect(updates.at(-1)).toMatchObject({ status: 'FAILED', failedStep: 3, stepsDone: 2, message: 'the build Job or its pod went away' });
    expect(events.at(-1)).toEqual({ v: 1, type: 'end', runId: 'run-1', lastLine: 40, status: 'FAILED' });
  });
});
