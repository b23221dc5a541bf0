import type { KV } from 'nats';

/**
 * Opens a JetStream KV bucket and returns it with `ensure`, to call after a failed operation:
 * making a bucket that exists only reads its settings, and when NATS came back without its store
 * it makes the bucket again. Concurrent callers share one attempt; `ensure` never rejects.
 */
export async function openKvBucket(make: () => Promise<KV>): Promise<{ readonly kv: KV; readonly ensure: () => Promise<void> }> {
  const kv = await make();
  let ensuring: Promise<void> | undefined;
  const ensure = (): Promise<void> =>
    (ensuring ??= make()
      .then(() => undefined)
      .catch(() => undefined)
      .finally(() => (ensuring = undefined)));
  return { kv, ensure };
}
