/**
 * Leases: at most one replica at a time does a job (poll a cluster's metrics, purge old rows),
 * and another takes over when the holder stops renewing. On NATS the lease is a key of the
 * JetStream KV bucket `kda_leases` holding `{ owner, expiresAt }`: taken with create-if-absent,
 * renewed and taken over with a revision check, so two replicas racing for a lapsed key cannot
 * both win. The expiry is in the value (not the bucket's TTL) so each lease picks its own TTL;
 * replicas' clocks must agree to well under a TTL. Without NATS (the embedded default) the one
 * process holds every lease.
 */
import { randomUUID } from 'node:crypto';
import { connect, StringCodec, type KV, type NatsConnection } from 'nats';
import { openKvBucket } from './kv-bucket.js';
import { silentLogger, type Logger } from '../../shared/logger.js';

export interface Lease {
  readonly key: string;
  /** Whether this process holds the lease now (as of its last renewal). */
  isHeld(): boolean;
  /** Called with true when the lease is won, false when lost; returns an unsubscribe. */
  onChange(listener: (held: boolean) => void): () => void;
  /** Stops renewing and gives the lease up at once, so another replica need not wait for it to lapse. */
  release(): Promise<void>;
}

export interface Leases {
  /** Starts competing for `key` (letters, digits, `-`, `_`, `.`); the lease lapses `ttlMs` after its last renewal. */
  acquire(key: string, ttlMs: number): Lease;
  close(): Promise<void>;
}

const BUCKET = 'kda_leases';
const KEY = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;
const codec = StringCodec();

function checkKey(key: string, ttlMs: number): void {
  if (!KEY.test(key)) throw new Error(`not a valid lease key: ${JSON.stringify(key)}`);
  if (!Number.isFinite(ttlMs) || ttlMs < 100) throw new Error(`a lease needs a TTL of at least 100 ms, got ${ttlMs}`);
}

class Listeners {
  private readonly listeners = new Set<(held: boolean) => void>();
  add(listener: (held: boolean) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
  emit(held: boolean, logger: Logger, key: string): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(held);
      } catch (error) {
        logger.error('lease listener threw', { key, error: String(error) });
      }
    }
  }
}

/** The embedded default: one process, so every lease is held from the start. */
export function createLocalLeases(): Leases {
  return {
    acquire(key, ttlMs) {
      checkKey(key, ttlMs);
      let held = true;
      return {
        key,
        isHeld: () => held,
        onChange: () => () => undefined,
        release: async () => {
          held = false;
        },
      };
    },
    close: async () => undefined,
  };
}

interface LeaseValue {
  readonly owner: string;
  readonly expiresAt: number;
}

function parseValue(bytes: Uint8Array): LeaseValue | undefined {
  try {
    const value = JSON.parse(codec.decode(bytes)) as Partial<LeaseValue>;
    return typeof value.owner === 'string' && typeof value.expiresAt === 'number' ? { owner: value.owner, expiresAt: value.expiresAt } : undefined;
  } catch {
    return undefined;
  }
}

class KvLease implements Lease {
  private held = false;
  private revision = 0;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();
  private readonly listeners = new Listeners();

  constructor(
    readonly key: string,
    private readonly ttlMs: number,
    private readonly kv: KV,
    private readonly owner: string,
    private readonly logger: Logger,
    private readonly now: () => number,
    /** After a failed attempt: NATS may have come back without its store, and the bucket with it. */
    private readonly onFailure: () => Promise<void>,
  ) {
    this.schedule(0);
  }

  isHeld(): boolean {
    return this.held && !this.stopped;
  }

  onChange(listener: (held: boolean) => void): () => void {
    return this.listeners.add(listener);
  }

  async release(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    if (!this.held) return;
    this.setHeld(false);
    await this.kv.delete(this.key, { previousSeq: this.revision }).catch(() => undefined);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.attempt().finally(() => this.schedule(Math.max(50, Math.floor(this.ttlMs / 3))));
    }, delayMs);
    this.timer.unref();
  }

  private async attempt(): Promise<void> {
    const value = codec.encode(JSON.stringify({ owner: this.owner, expiresAt: this.now() + this.ttlMs }));
    try {
      if (this.held && (await this.renew(value))) return;
      const entry = await this.kv.get(this.key);
      const current = entry === null || entry.operation !== 'PUT' ? undefined : parseValue(entry.value);
      if (current === undefined && (entry === null || entry.operation !== 'PUT')) {
        // Free, or gone with a store NATS lost: a holder takes it again as anyone would.
        this.revision = await this.kv.create(this.key, value);
      } else if (current === undefined || current.expiresAt < this.now() || current.owner === this.owner) {
        // Lapsed (or unreadable): take it over, unless another replica did first.
        this.revision = await this.kv.update(this.key, value, entry!.revision);
      } else {
        if (this.held) this.lose('another replica holds it');
        return;
      }
      if (!this.stopped) this.setHeld(true);
    } catch (error) {
      // A lost race or NATS away. A holder keeps the lease until it sees another replica's name on it:
      // an outage must not stop its work (its changes wait in their outbox). Should another replica
      // reach NATS meanwhile and take the lapsed key, both work until this one is back and sees it;
      // what both publish carries the same message ids, so subscribers get it once.
      await this.onFailure();
    }
  }

  /** Renews the holder's key at its revision; false when the key changed (e.g. NATS lost its store). */
  private async renew(value: Uint8Array): Promise<boolean> {
    try {
      this.revision = await this.kv.update(this.key, value, this.revision);
      return true;
    } catch (error) {
      if (/wrong last sequence/i.test(String(error))) return false;
      throw error;
    }
  }

  private lose(reason: string): void {
    this.logger.warn('lease lost', { key: this.key, reason });
    this.setHeld(false);
  }

  private setHeld(held: boolean): void {
    if (this.held === held) return;
    this.held = held;
    this.listeners.emit(held, this.logger, this.key);
  }
}

export interface NatsLeasesOptions {
  readonly url: string;
  readonly logger?: Logger;
  /** Test seam: the clock the expiry is written and judged with. */
  readonly now?: () => number;
}

/** Leases in the `kda_leases` KV bucket, on a connection of their own. */
export async function createNatsLeases(options: NatsLeasesOptions): Promise<Leases> {
  const logger = options.logger ?? silentLogger;
  const nc: NatsConnection = await connect({
    servers: options.url.split(',').map((server) => server.trim()),
    name: 'kda-gateway-leases',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
    // The bus connected a moment ago; should NATS be gone again, wait for it as the bus did.
    waitOnFirstConnect: true,
  });
  // History 1: only the current holder matters. Max age only sweeps keys nobody renews any more.
  const { kv, ensure: ensureBucket } = await openKvBucket(() => nc.jetstream().views.kv(BUCKET, { history: 1, ttl: 60 * 60 * 1000 }));
  const owner = randomUUID();
  const leases = new Set<KvLease>();
  return {
    acquire(key, ttlMs) {
      checkKey(key, ttlMs);
      const lease = new KvLease(key, ttlMs, kv, owner, logger, options.now ?? Date.now, ensureBucket);
      leases.add(lease);
      const release = lease.release.bind(lease);
      lease.release = async () => {
        leases.delete(lease);
        await release();
      };
      return lease;
    },
    async close() {
      await Promise.all([...leases].map((lease) => lease.release()));
      if (!nc.isClosed()) await nc.drain();
    },
  };
}
