/**
 * A reflector clock that only moves when the test says so: every timer is recorded with its delay
 * and fires only through `fire`, so a test can read the backoff a reflector chose between two
 * attempts without waiting for it, and never depends on wall time.
 */
import type { Timers } from '../../../src/infra/k8s/timers.js';

export interface PendingTimer {
  readonly id: number;
  readonly ms: number;
  readonly callback: () => void;
}

export class ManualTimers implements Timers {
  private time = 1_700_000_000_000;
  private nextId = 1;
  private readonly pending = new Map<number, PendingTimer>();

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): unknown {
    const timer = { id: this.nextId++, ms, callback };
    this.pending.set(timer.id, timer);
    return timer.id;
  }

  clearTimeout(handle: unknown): void {
    if (typeof handle === 'number') this.pending.delete(handle);
  }

  /** Timers set for less than `limitMs` (e.g. backoff sleeps, below a watch deadline set far higher). */
  pendingBelow(limitMs: number): PendingTimer[] {
    return [...this.pending.values()].filter((timer) => timer.ms < limitMs);
  }

  /** Moves the clock to the timer's end and runs it. */
  fire(timer: PendingTimer): void {
    if (!this.pending.delete(timer.id)) return;
    this.time += timer.ms;
    timer.callback();
  }
}
