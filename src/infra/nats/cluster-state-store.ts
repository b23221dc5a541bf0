/**
 * The mirror of every cluster's watch caches (src/infra/k8s/cluster-state.ts) in the JetStream KV
 * bucket `kda_cluster_state`, one key per entry: `<clusterId>.o.<kind>.<object key, base64url>`
 * (the projection as JSON), `<clusterId>.r.<kind>` (where the holder's watch may be resumed) and
 * `<clusterId>.s` (the status). History 1: only the current state matters. Strings read back are
 * interned like those the reflectors project, so a follower's cache costs what the holder's does.
 */
import { connect, type KV, type KvEntry, type NatsConnection } from 'nats';
import type { ClusterStateStore, ClusterStateWriter, MirrorUpdate, ResumePoint } from '../k8s/cluster-state.js';
import type { ClusterConnectionStatus } from '../k8s/cluster-status.js';
import { INFORMED_KINDS, type InformedKind } from '../k8s/informed-kinds.js';
import { intern } from '../k8s/intern.js';
import { openKvBucket } from './kv-bucket.js';
import { silentLogger, type Logger } from '../../shared/logger.js';

const BUCKET = 'kda_cluster_state';
const KINDS: ReadonlySet<string> = new Set(INFORMED_KINDS);
const encoder = new TextEncoder();
const decoder = new TextDecoder();

const objectKey = (clusterId: string, kind: InformedKind, key: string): string => `${clusterId}.o.${kind}.${Buffer.from(key, 'utf8').toString('base64url')}`;
const resumeKey = (clusterId: string, kind: InformedKind): string => `${clusterId}.r.${kind}`;
const statusKey = (clusterId: string): string => `${clusterId}.s`;

function encode(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value));
}

function decode(bytes: Uint8Array): unknown {
  return JSON.parse(decoder.decode(bytes), (_key, value: unknown) => (typeof value === 'string' ? intern(value) : value));
}

/** The update an entry of `clusterId` stands for; undefined for one this version does not know. */
function updateOf(clusterId: string, entry: KvEntry): MirrorUpdate | undefined {
  const tokens = entry.key.slice(clusterId.length + 1).split('.');
  const removed = entry.operation !== 'PUT';
  if (tokens[0] === 's' && tokens.length === 1) {
    return removed ? undefined : { type: 'status', status: decode(entry.value) as ClusterConnectionStatus };
  }
  const kind = tokens[1];
  if (kind === undefined || !KINDS.has(kind)) return undefined;
  const informed = kind as InformedKind;
  if (tokens[0] === 'r' && tokens.length === 2) {
    return removed ? undefined : { type: 'resume', kind: informed, point: decode(entry.value) as ResumePoint };
  }
  if (tokens[0] === 'o' && tokens.length === 3) {
    const key = Buffer.from(tokens[2] ?? '', 'base64url').toString('utf8');
    return removed ? { type: 'deleted', kind: informed, key } : { type: 'object', kind: informed, key, object: decode(entry.value) as object };
  }
  return undefined;
}

/**
 * Writes go out in the order made, on one connection, so the stream stores them in that order. A
 * failed write first makes sure the bucket exists (NATS may be back without its store), then fails:
 * the cluster's outbox tries the change again.
 */
class KvClusterStateWriter implements ClusterStateWriter {
  constructor(
    private readonly kv: KV,
    private readonly clusterId: string,
    private readonly ensureBucket: () => Promise<void>,
  ) {}

  async putObject(kind: InformedKind, key: string, object: object): Promise<void> {
    await this.write(this.kv.put(objectKey(this.clusterId, kind, key), encode(object)));
  }

  deleteObject(kind: InformedKind, key: string): Promise<void> {
    return this.write(this.kv.delete(objectKey(this.clusterId, kind, key)));
  }

  async putResumePoint(kind: InformedKind, point: ResumePoint): Promise<void> {
    await this.write(this.kv.put(resumeKey(this.clusterId, kind), encode(point)));
  }

  async putStatus(status: ClusterConnectionStatus): Promise<void> {
    await this.write(this.kv.put(statusKey(this.clusterId), encode(status)));
  }

  private async write(written: Promise<unknown>): Promise<void> {
    try {
      await written;
    } catch (error) {
      await this.ensureBucket();
      throw error;
    }
  }

  async prune(kind: InformedKind, keep: ReadonlySet<string>): Promise<void> {
    const prefix = `${this.clusterId}.o.${kind}.`;
    const stale: string[] = [];
    for await (const stored of await this.kv.keys(`${prefix}>`)) {
      const key = Buffer.from(stored.slice(prefix.length), 'base64url').toString('utf8');
      if (!keep.has(key)) stale.push(stored);
    }
    await Promise.all(stale.map((stored) => this.kv.delete(stored)));
  }

  async purge(): Promise<void> {
    const stored: string[] = [];
    for await (const key of await this.kv.keys(`${this.clusterId}.>`)) stored.push(key);
    await Promise.all(stored.map((key) => this.kv.purge(key)));
  }
}

export interface NatsClusterStateOptions {
  readonly url: string;
  readonly logger?: Logger;
}

/** The bucket on a connection of its own; `close` ends every follow. */
export async function createNatsClusterStateStore(options: NatsClusterStateOptions): Promise<ClusterStateStore & { close(): Promise<void> }> {
  const logger = options.logger ?? silentLogger;
  const nc: NatsConnection = await connect({
    servers: options.url.split(',').map((server) => server.trim()),
    name: 'kda-gateway-cluster-state',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1000,
  });
  const { kv, ensure: ensureBucket } = await openKvBucket(() => nc.jetstream().views.kv(BUCKET, { history: 1 }));
  return {
    writer: (clusterId) => new KvClusterStateWriter(kv, clusterId, ensureBucket),
    async follow(clusterId, onUpdate, onInitialized) {
      const entries = await kv.watch({ key: `${clusterId}.>`, initializedFn: onInitialized });
      const done = (async () => {
        for await (const entry of entries) {
          try {
            const update = updateOf(clusterId, entry);
            if (update !== undefined) onUpdate(update);
          } catch (error) {
            logger.warn('skipping a cluster state entry that cannot be read', { clusterId, key: entry.key, error: String(error) });
          }
        }
      })();
      return async () => {
        entries.stop();
        await done.catch(() => undefined);
      };
    },
    async close() {
      if (!nc.isClosed()) await nc.drain();
    },
  };
}
