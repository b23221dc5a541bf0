import type { WorkloadFact } from './ports.js';
import { judgeRollout } from './rollout.js';

const fact = (overrides: Partial<WorkloadFact>): WorkloadFact => ({
  kind: 'Deployment',
  namespace: 'shop',
  name: 'web',
  uid: 'u',
  desired: 2,
  ready: 2,
  available: 2,
  updated: 2,
  generation: 3,
  observedGeneration: 3,
  conditions: [],
  ...overrides,
});
const web = { kind: 'Deployment', name: 'web', generation: 3 };

describe('judging a rollout from the caches', () => {
  test('done when every workload is updated, ready and available at the applied generation', () => {
    expect(judgeRollout([web], [fact({})])).toEqual({ state: 'DONE' });
  });

  test('progressing while the cache is behind the apply, the controller behind the spec, or pods short', () => {
    expect(judgeRollout([web], [])).toMatchObject({ state: 'PROGRESSING' });
    expect(judgeRollout([web], [fact({ generation: 2, observedGeneration: 2 })])).toMatchObject({ state: 'PROGRESSING' });
    expect(judgeRollout([web], [fact({ observedGeneration: 2 })])).toMatchObject({ state: 'PROGRESSING' });
    expect(judgeRollout([web], [fact({ available: 1 })])).toMatchObject({ state: 'PROGRESSING', reason: 'Deployment web: 2 of 2 updated, 2 ready, 1 available' });
    expect(judgeRollout([web], null)).toMatchObject({ state: 'PROGRESSING' });
  });

  test('failed past a progress deadline, or for a failed Job', () => {
    const stuck = fact({ conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded', message: 'ReplicaSet "web-1" has timed out progressing.' }] });
    expect(judgeRollout([web], [stuck])).toEqual({ state: 'FAILED', reason: 'Deployment web: ReplicaSet "web-1" has timed out progressing.' });
    const job = { kind: 'Job', name: 'migrate', generation: null };
    expect(judgeRollout([job], [fact({ kind: 'Job', name: 'migrate', conditions: [{ type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' }] })])).toMatchObject({
      state: 'FAILED',
    });
    expect(judgeRollout([job], [fact({ kind: 'Job', name: 'migrate', conditions: [{ type: 'Complete', status: 'True' }] })])).toEqual({ state: 'DONE' });
  });
});
