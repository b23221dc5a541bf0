import { Backoff } from './backoff.js';

describe('Backoff', () => {
  it('doubles from the initial delay and caps at the maximum', () => {
    const backoff = new Backoff({ initialMs: 100, maxMs: 1_000, jitter: 0 });
    expect(Array.from({ length: 7 }, () => backoff.next())).toEqual([100, 200, 400, 800, 1_000, 1_000, 1_000]);
  });

  it('shortens each delay by a random share of at most `jitter`, never exceeding the cap', () => {
    const draws = [0, 1, 0.5, 1, 0];
    const backoff = new Backoff({ initialMs: 100, maxMs: 400, jitter: 0.5 }, () => draws.shift() ?? 0);
    expect(Array.from({ length: 5 }, () => backoff.next())).toEqual([100, 100, 300, 200, 400]);
  });

  it('keeps every jittered delay within [base * (1 - jitter), base]', () => {
    const backoff = new Backoff({ initialMs: 10, maxMs: 10_000, jitter: 0.2 });
    for (let attempt = 0; attempt < 30; attempt += 1) {
      const base = Math.min(10_000, 10 * 2 ** attempt);
      const delay = backoff.next();
      expect(delay).toBeGreaterThanOrEqual(Math.floor(base * 0.8));
      expect(delay).toBeLessThanOrEqual(base);
    }
  });

  it('starts over after reset', () => {
    const backoff = new Backoff({ initialMs: 50, maxMs: 1_000, jitter: 0 });
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(50);
  });

  it('rejects nonsensical settings', () => {
    expect(() => new Backoff({ initialMs: 0, maxMs: 10, jitter: 0 })).toThrow();
    expect(() => new Backoff({ initialMs: 10, maxMs: 5, jitter: 0 })).toThrow();
    expect(() => new Backoff({ initialMs: 1, maxMs: 5, jitter: 2 })).toThrow();
  });
});
