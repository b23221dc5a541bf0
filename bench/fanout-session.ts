/**
 * One fan-out measurement against one server (the gateway or the raw broadcaster): open N
 * subscribers in the worker, make sure every one of them is live, then time rounds of K events.
 */
import type { OpenCommand, StatusReport, WorkerCommand, WorkerReport } from './fanout-protocol.js';
import { absoluteNow, settledHeapUsed } from './support.js';
import { WorkerLink } from './worker-link.js';

export interface FanoutTarget {
  readonly mode: OpenCommand['mode'];
  readonly url: string;
  readonly authorization?: string;
  readonly query?: string;
  readonly variables?: Record<string, unknown>;
  /** Emits one event per sequence value, synchronously, the way the server under test would. */
  emit(sequence: string): void;
}

export interface FanoutPlan {
  readonly subscribers: number;
  readonly eventsPerRound: number;
  readonly rounds: number;
  readonly batchSize: number;
}

export interface RoundResult {
  /** From the first emit to the first subscriber receiving the first event. */
  readonly firstMs: number;
  /** From the first emit to the last subscriber receiving its last event. */
  readonly allMs: number;
  readonly delivered: number;
}

export interface FanoutMeasurement {
  /** From the first socket opened until every subscriber had received a warm-up event. */
  readonly subscribeAllMs: number;
  readonly rounds: readonly RoundResult[];
  /** One `next` message as received, to size the raw baseline's payload. */
  readonly sample: string;
  /** Server-side heap (this thread: the subscribers live in a worker) per subscriber once all are live and idle. */
  readonly heapPerSubscriber: number;
}

/** A subscriber set that did not get what was sent: a finding, reported as such. */
export class DeliveryFailure extends Error {
  constructor(what: string, status: StatusReport | undefined) {
    const detail = status
      ? ` (round "${status.tag}", expected ${status.expected} each: ${status.all} got all, ${status.partial} some, ${status.none} none; ${status.ended} subscriptions ended, ${status.errors} errors${status.firstError ? `, first: ${status.firstError}` : ''})`
      : '';
    super(`${what}${detail}`);
    this.name = 'DeliveryFailure';
  }
}

const OPEN_TIMEOUT_MS = 150_000;
/**
 * A warm-up event every quarter second, for at most two minutes: "time to subscribe all" is then
 * the time until every subscriber is live give or take 250 ms, for both servers alike (a wait of
 * seconds between attempts made it a multiple of that wait).
 */
const WARMUP_ATTEMPTS = 480;
const WARMUP_WAIT_MS = 250;
const ROUND_TIMEOUT_MS = 90_000;

type Link = WorkerLink<WorkerCommand, WorkerReport>;

async function statusOf(link: Link): Promise<StatusReport | undefined> {
  link.send({ type: 'status' });
  return link.expect('status', 10_000).catch(() => undefined);
}

async function arm(link: Link, tag: string, expected: number): Promise<void> {
  link.send({ type: 'arm', tag, expected });
  await link.expect('armed', 10_000);
}

/**
 * Subscriptions become live on the server some time after their socket opens, and nothing tells
 * the client when. So warm-up events are emitted until every subscriber has received one.
 */
async function warmUp(link: Link, target: FanoutTarget): Promise<string> {
  await arm(link, 'w-', 1);
  for (let attempt = 0; attempt < WARMUP_ATTEMPTS; attempt++) {
    target.emit(`w-${attempt}`);
    try {
      return (await link.expect('complete', WARMUP_WAIT_MS)).sample;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('Timed out')) throw error;
    }
  }
  throw new DeliveryFailure(`not every subscriber received any of ${WARMUP_ATTEMPTS} warm-up events`, await statusOf(link));
}

export async function measureFanout(target: FanoutTarget, plan: FanoutPlan): Promise<FanoutMeasurement> {
  const link: Link = new WorkerLink(new URL('./subscriber-worker.js', import.meta.url), 'failed');
  try {
    const heapBefore = await settledHeapUsed();
    const openedAt = absoluteNow();
    link.send({
      type: 'open',
      mode: target.mode,
      url: target.url,
      count: plan.subscribers,
      batchSize: plan.batchSize,
      timeoutMs: OPEN_TIMEOUT_MS,
      ...(target.authorization === undefined ? {} : { authorization: target.authorization }),
      ...(target.query === undefined ? {} : { query: target.query }),
      ...(target.variables === undefined ? {} : { variables: target.variables }),
    });
    const opened = await link.expect('opened', OPEN_TIMEOUT_MS + 5_000);
    if (opened.failed > 0) throw new DeliveryFailure(`${opened.failed} of ${plan.subscribers} subscribers could not connect: ${opened.firstError ?? 'no reason given'}`, undefined);
    const sample = await warmUp(link, target);
    const subscribeAllMs = absoluteNow() - openedAt;
    const heapPerSubscriber = ((await settledHeapUsed()) - heapBefore) / plan.subscribers;

    const rounds: RoundResult[] = [];
    for (let round = 0; round < plan.rounds; round++) {
      const tag = `m${round}-`;
      await arm(link, tag, plan.eventsPerRound);
      const startedAt = absoluteNow();
      for (let event = 0; event < plan.eventsPerRound; event++) target.emit(`${tag}${event}`);
      let complete;
      try {
        complete = await link.expect('complete', ROUND_TIMEOUT_MS);
      } catch (error) {
        throw new DeliveryFailure(`round ${round}: not every subscriber received all ${plan.eventsPerRound} events (${String(error)})`, await statusOf(link));
      }
      rounds.push({ firstMs: complete.firstAt - startedAt, allMs: complete.lastAt - startedAt, delivered: complete.delivered });
    }
    link.send({ type: 'close' });
    await link.expect('closed', 60_000);
    return { subscribeAllMs, rounds, sample, heapPerSubscriber };
  } finally {
    await link.stop();
  }
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
}

/** Median over rounds of events delivered per second (every subscriber × every event). */
export function deliveredPerSecond(measurement: FanoutMeasurement, plan: FanoutPlan): number {
  return median(measurement.rounds.map((round) => (plan.subscribers * plan.eventsPerRound) / (round.allMs / 1000)));
}

export function medianFirstMs(measurement: FanoutMeasurement): number {
  return median(measurement.rounds.map((round) => round.firstMs));
}
