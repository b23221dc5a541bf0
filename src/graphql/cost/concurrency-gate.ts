import { GraphQLError } from 'graphql';

export interface ConcurrencySettings {
  /** Operations of one caller running at once. */
  readonly maxActive: number;
  /** Cost of one caller's operations running at once; one operation alone may use all of it. */
  readonly maxActiveCost: number;
  /** Operations of one caller waiting for a turn; the next is refused. */
  readonly maxWaiting: number;
}

interface Waiter {
  readonly cost: number;
  readonly admit: () => void;
}

interface Lane {
  active: number;
  activeCost: number;
  readonly waiting: Waiter[];
}

/**
 * Turns per caller: a caller runs a few operations at once, and only as many heavy ones as one
 * operation's cost limit holds, so one caller sending many heavy operations waits for its own turns
 * instead of taking the event loop from everyone else. Waiting is first come, first served.
 */
export class ConcurrencyGate {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly settings: ConcurrencySettings) {}

  /** Resolves with the function that gives the turn back (extra calls are ignored). */
  async enter(caller: string, cost: number): Promise<() => void> {
    let lane = this.lanes.get(caller);
    if (lane === undefined) {
      lane = { active: 0, activeCost: 0, waiting: [] };
      this.lanes.set(caller, lane);
    }
    if (lane.waiting.length === 0 && this.fits(lane, cost)) {
      this.start(lane, cost);
    } else {
      if (lane.waiting.length >= this.settings.maxWaiting) {
        if (lane.active === 0) this.lanes.delete(caller);
        throw new GraphQLError(
          `Too many operations at once: at most ${this.settings.maxActive} run and ${this.settings.maxWaiting} wait per caller (KDA_MAX_CONCURRENT_OPERATIONS); wait for some to finish`,
          { extensions: { code: 'RATE_LIMITED', http: { status: 429 } } },
        );
      }
      const queued = lane;
      await new Promise<void>((resolve) => queued.waiting.push({ cost, admit: resolve }));
    }
    return this.exitOnce(caller, lane, cost);
  }

  private fits(lane: Lane, cost: number): boolean {
    return lane.active < this.settings.maxActive && (lane.active === 0 || lane.activeCost + cost <= this.settings.maxActiveCost);
  }

  private start(lane: Lane, cost: number): void {
    lane.active += 1;
    lane.activeCost += cost;
  }

  private exitOnce(caller: string, lane: Lane, cost: number): () => void {
    let exited = false;
    return () => {
      if (exited) return;
      exited = true;
      lane.active -= 1;
      lane.activeCost -= cost;
      for (let next = lane.waiting[0]; next !== undefined && this.fits(lane, next.cost); next = lane.waiting[0]) {
        lane.waiting.shift();
        this.start(lane, next.cost);
        next.admit();
      }
      if (lane.active === 0 && lane.waiting.length === 0) this.lanes.delete(caller);
    };
  }
}
