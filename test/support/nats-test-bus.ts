/**
 * Test support: a JetStream bus isolated from every other test file. Each instance gets its own
 * stream `KDA_TEST_<id>` capturing `test_<id>.kda.v1.>` on the wire (subjectPrefix), while the
 * code under test keeps publishing and subscribing to the normal `kda.v1.…` subjects. Streams may
 * not capture overlapping subjects, so sharing `kda.v1.>` between parallel test files is not an
 * option. `destroy()` closes the bus and deletes the stream.
 */
import { randomBytes } from 'node:crypto';
import { connect } from 'nats';
import type { BusMessage, EventBus } from '../../src/shared/event-bus.js';
import { silentLogger } from '../../src/shared/logger.js';
import { waitUntil } from './wait-until.js';
import { createNatsBus, type NatsBusOptions } from '../../src/infra/nats/nats-bus.js';

export const natsTestUrl = (): string => process.env['NATS_URL'] ?? 'nats://127.0.0.1:4222';

export function natsUnreachableMessage(url: string): string {
  return (
    `NATS is not reachable at ${url} — start it with: ` +
    'start-stop-daemon --start --oknodo --background --exec /usr/sbin/nats-server -- -a 127.0.0.1 -p 4222 -js -sd /var/lib/nats-server'
  );
}

export interface IsolatedNatsBus {
  readonly bus: EventBus;
  readonly url: string;
  readonly streamName: string;
  readonly subjectPrefix: string;
  /** Closes the bus and deletes its stream. */
  destroy(): Promise<void>;
}

export async function deleteStream(url: string, streamName: string): Promise<void> {
  const nc = await connect({ servers: url });
  try {
    const jsm = await nc.jetstreamManager();
    await jsm.streams.delete(streamName).catch(() => false);
  } finally {
    await nc.close();
  }
}

export async function createIsolatedNatsBus(options: Partial<NatsBusOptions> = {}): Promise<IsolatedNatsBus> {
  const url = options.url ?? natsTestUrl();
  const id = randomBytes(5).toString('hex');
  const streamName = options.streamName ?? `KDA_TEST_${id}`;
  const subjectPrefix = options.subjectPrefix ?? `test_${id}`;
  let bus: EventBus;
  try {
    bus = await createNatsBus({ logger: silentLogger, ...options, url, streamName, subjectPrefix });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (!reason.startsWith('NATS is not reachable')) throw error;
    throw new Error(`${natsUnreachableMessage(url)}\n(${reason})`, { cause: error });
  }
  return {
    bus,
    url,
    streamName,
    subjectPrefix,
    destroy: async () => {
      await bus.close();
      await deleteStream(url, streamName);
    },
  };
}

export { waitUntil };

/** Records what a subscription receives; `handler` is what you pass to `subscribe`. */
export class MessageCollector<T = unknown> {
  readonly messages: BusMessage<T>[] = [];
  readonly handler = (message: BusMessage<T>): void => {
    this.messages.push(message);
  };

  get data(): T[] {
    return this.messages.map((message) => message.data);
  }

  /** Waits until a received message satisfies `predicate` (e.g. a sentinel published last). */
  async waitFor(predicate: (message: BusMessage<T>) => boolean, description = 'a matching message'): Promise<BusMessage<T>> {
    await waitUntil(() => this.messages.some(predicate), description);
    return this.messages.find(predicate) as BusMessage<T>;
  }

  async waitForCount(count: number): Promise<void> {
    await waitUntil(() => this.messages.length >= count, `${count} messages (have ${this.messages.length})`);
  }
}
