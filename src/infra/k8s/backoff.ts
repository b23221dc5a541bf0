/**
 * Jittered exponential backoff. The delay doubles from `initialMs` up to `maxMs`; jitter then
 * shortens it by a random fraction (at most `jitter`) so reflectors of many gateways that lost
 * the same apiserver do not all come back in lockstep, while the cap stays a true upper bound.
 */
export interface BackoffSettings {
  readonly initialMs: number;
  readonly maxMs: number;
  /** 0..1: the share of the delay that is randomized. */
  readonly jitter: number;
}

export const DEFAULT_BACKOFF: BackoffSettings = { initialMs: 800, maxMs: 30_000, jitter: 0.2 };

export class Backoff {
  private attempt = 0;

  constructor(
    private readonly settings: BackoffSettings,
    private readonly random: () => number = Math.random,
  ) {
    if (settings.initialMs <= 0 || settings.maxMs < settings.initialMs) {
      throw new Error('Backoff needs 0 < initialMs <= maxMs');
    }
    if (settings.jitter < 0 || settings.jitter > 1) throw new Error('Backoff jitter must be within 0..1');
  }

  /** The delay before the next retry; each call counts as one more failure. */
  next(): number {
    const exponent = Math.min(this.attempt, 52);
    this.attempt += 1;
    const base = Math.min(this.settings.maxMs, this.settings.initialMs * 2 ** exponent);
    return Math.round(base * (1 - this.settings.jitter * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }

  get failures(): number {
    return this.attempt;
  }
}
