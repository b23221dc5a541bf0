/**
 * The NATS hop: a change published through the gateway's own bus (JetStream, persisted and
 * acknowledged, de-duplicated by message id) until its subscriber's handler runs, at a steady
 * 10,000 events a second — against the same rate over core NATS (no persistence), the cheapest
 * hop NATS offers, measured in the same run. DESIGN's goal: ≤ 1 ms p50, ≤ 5 ms p99.
 */
import { randomBytes } from 'node:crypto';
import { connect, StringCodec } from 'nats';
import { createNatsBus } from '../src/infra/nats/nats-bus.js';
import { silentLogger } from '../src/shared/logger.js';
import { NATS_URL } from './gateway.js';
import { absoluteNow, formatMs, formatRatio, goal, progress, waitUntil, type ResultRow } from './support.js';

export interface NatsHopOptions {
  readonly eventsPerSecond: number;
  readonly seconds: number;
}

interface Hop {
  publish(sequence: number, sentAt: number): void;
  /** Resolves once every publish was accepted (acknowledged, for JetStream). */
  flush(): Promise<void>;
  close(): Promise<void>;
}

const TICK_MS = 10;
const codec = StringCodec();

function percentile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * fraction))]!;
}

/** Publishes `total` events at the rate, in ticks of TICK_MS; returns each event's hop in ms. */
async function measure(open: (onEvent: (sequence: number, sentAt: number) => void) => Promise<Hop>, options: NatsHopOptions): Promise<number[]> {
  const total = options.eventsPerSecond * options.seconds;
  const latencies: number[] = [];
  const hop = await open((_sequence, sentAt) => latencies.push(absoluteNow() - sentAt));
  try {
    const perTick = Math.max(1, Math.round((options.eventsPerSecond * TICK_MS) / 1000));
    const started = absoluteNow();
    for (let sent = 0, tick = 0; sent < total; tick++) {
      // Paced against the clock, not by sleeping a tick each time: a slow tick is caught up.
      const wait = started + tick * TICK_MS - absoluteNow();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      for (let index = 0; index < perTick && sent < total; index++, sent++) hop.publish(sent, absoluteNow());
    }
    await hop.flush();
    await waitUntil(`${total} events to arrive`, () => latencies.length >= total, 60_000);
    return latencies.sort((a, b) => a - b);
  } finally {
    await hop.close();
  }
}

async function gatewayBus(onEvent: (sequence: number, sentAt: number) => void): Promise<Hop> {
  const tag = randomBytes(4).toString('hex');
  const bus = await createNatsBus({ url: NATS_URL, streamName: `KDA_BENCH_HOP_${tag}`, subjectPrefix: `benchhop${tag}`, maxAgeMs: 10 * 60_000, logger: silentLogger });
  const stop = await bus.subscribe<{ sequence: number; sentAt: number }>('kda.v1.bench.hop', (message) => onEvent(message.data.sequence, message.data.sentAt));
  const pending: Promise<void>[] = [];
  return {
    publish: (sequence, sentAt) => pending.push(bus.publish('kda.v1.bench.hop', { sequence, sentAt }, { messageId: `hop-${tag}-${sequence}` })),
    flush: async () => {
      await Promise.all(pending);
    },
    close: async () => {
      await stop();
      await bus.close();
      // The stream was the bench's own: leave nothing behind on the shared server.
      const admin = await connect({ servers: NATS_URL });
      await (await admin.jetstreamManager()).streams.delete(`KDA_BENCH_HOP_${tag}`).catch(() => undefined);
      await admin.close();
    },
  };
}

async function coreNats(onEvent: (sequence: number, sentAt: number) => void): Promise<Hop> {
  const subject = `benchhop.core.${randomBytes(4).toString('hex')}`;
  const publisher = await connect({ servers: NATS_URL });
  const subscriber = await connect({ servers: NATS_URL });
  subscriber.subscribe(subject, {
    callback: (_error, message) => {
      const data = JSON.parse(codec.decode(message.data)) as { sequence: number; sentAt: number };
      onEvent(data.sequence, data.sentAt);
    },
  });
  await subscriber.flush();
  return {
    publish: (sequence, sentAt) => publisher.publish(subject, codec.encode(JSON.stringify({ sequence, sentAt }))),
    flush: () => publisher.flush(),
    close: async () => {
      await publisher.close();
      await subscriber.close();
    },
  };
}

export async function runNatsHopScenario(options: NatsHopOptions): Promise<ResultRow[]> {
  const rate = `${options.eventsPerSecond.toLocaleString('en')} events/s`;
  progress(`nats hop: core NATS baseline, ${rate}`);
  const baseline = await measure(coreNats, options);
  progress(`nats hop: the gateway's JetStream bus, ${rate}`);
  const measured = await measure(gatewayBus, options);
  return (
    [
      ['p50', 0.5, 1],
      ['p99', 0.99, 5],
    ] as const
  ).map(([name, fraction, goalMs]) => {
    const gateway = percentile(measured, fraction);
    const core = percentile(baseline, fraction);
    return {
      scenario: `NATS hop at ${rate}: ${name}`,
      measured: formatMs(gateway),
      baseline: formatMs(core),
      ratio: formatRatio(gateway, core),
      goal: goal(`≤ ${goalMs} ms`, gateway, { maximum: goalMs }),
      note: `lower is better; publish through the gateway's JetStream bus → subscriber handler vs core NATS (${measured.length} events)`,
    };
  });
}
