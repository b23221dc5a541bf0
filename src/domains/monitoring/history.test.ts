import { DomainError } from '../../shared/errors.js';
import { MAX_AUTO_POINTS, planRange } from './history.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 5, 1, 12, 0, 0);
const retention = { intervalMs: 15_000, fineRetentionMs: 24 * HOUR, coarseRetentionMs: 30 * 24 * HOUR };
const at = (msAgo: number) => new Date(NOW - msAgo);

function refusal(run: () => unknown): { field: unknown; message: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainError && error.code === 'BAD_USER_INPUT') return { field: error.details.field, message: error.message };
    throw error;
  }
  throw new Error('not refused');
}

describe('planning a history query', () => {
  test('without a step: the smallest usual step that keeps the series at 500 points, never below the data', () => {
    expect(planRange(at(HOUR), at(0), undefined, retention, NOW)).toEqual({ fromMs: NOW - HOUR, toMs: NOW, stepMs: 15_000, coarse: false });
    expect(planRange(at(24 * HOUR - 1), at(0), null, retention, NOW).stepMs).toBe(300_000);
    const week = planRange(at(7 * 24 * HOUR), at(0), undefined, retention, NOW);
    expect(week).toMatchObject({ stepMs: HOUR, coarse: true });
    // Over the rollups the step is an hour at least.
    expect(planRange(at(25 * HOUR), at(24.5 * HOUR), undefined, retention, NOW).stepMs).toBe(HOUR);
    for (const span of [HOUR, 5 * HOUR, 24 * HOUR - 1, 7 * 24 * HOUR, 30 * 24 * HOUR - 1]) {
      const plan = planRange(at(span), at(0), undefined, retention, NOW);
      expect(Math.ceil((plan.toMs - plan.fromMs) / plan.stepMs)).toBeLessThanOrEqual(MAX_AUTO_POINTS);
    }
  });

  test('an explicit step is kept, unless it makes more than 11000 points', () => {
    expect(planRange(at(HOUR), at(0), 1, retention, NOW).stepMs).toBe(1000);
    expect(planRange(at(11_000_000), at(0), 1, retention, NOW).stepMs).toBe(1000);
    expect(refusal(() => planRange(at(11_001_000), at(0), 1, retention, NOW))).toEqual({
      field: 'step',
      message: 'step: 1 s over this range makes 11001 points, more than 11000: use a step of at least 2 s or leave it out',
    });
    expect(refusal(() => planRange(at(HOUR), at(0), 0, retention, NOW)).field).toBe('step');
    expect(refusal(() => planRange(at(HOUR), at(0), 1.5, retention, NOW)).field).toBe('step');
  });

  test('a future end is now; reversed, empty, future or too old ranges are refused', () => {
    expect(planRange(at(HOUR), new Date(NOW + HOUR), undefined, retention, NOW).toMs).toBe(NOW);
    expect(refusal(() => planRange(at(0), at(HOUR), undefined, retention, NOW)).field).toBe('to');
    expect(refusal(() => planRange(at(HOUR), at(HOUR), undefined, retention, NOW)).field).toBe('to');
    expect(refusal(() => planRange(new Date(NOW + HOUR), new Date(NOW + 2 * HOUR), undefined, retention, NOW)).field).toBe('from');
    expect(refusal(() => planRange(at(31 * 24 * HOUR), at(0), undefined, retention, NOW))).toMatchObject({ field: 'from', message: expect.stringContaining('30 days') });
    expect(refusal(() => planRange(new Date(Number.NaN), at(0), undefined, retention, NOW)).field).toBe('from');
  });
});
