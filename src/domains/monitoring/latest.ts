/**
 * Every cluster's newest metrics message as this replica heard it on the bus (whichever replica
 * polled), falling back to the database for a replica that started after the last one.
 */
import type { ClusterSample, MetricsMessage, MetricsOutage } from './model.js';
import type { MetricsFeed, MetricsStore } from './ports.js';

export class LatestSamples {
  private readonly latest = new Map<string, MetricsMessage>();
  private readonly listeners = new Set<(message: MetricsMessage) => void>();
  /** One database read per cluster at a time, however many pods of a response ask. */
  private readonly reading = new Map<string, Promise<ClusterSample | null>>();
  private unsubscribe: (() => Promise<void>) | undefined;

  constructor(
    private readonly feed: MetricsFeed,
    private readonly store: MetricsStore,
    /** Older than this, a sample says nothing about now (its poller is gone). */
    private readonly freshMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async start(): Promise<void> {
    this.unsubscribe = await this.feed.subscribe((message) => {
      const known = this.latest.get(message.clusterId);
      if (known !== undefined && known.at > message.at) return;
      this.latest.set(message.clusterId, message);
      for (const listener of [...this.listeners]) listener(message);
    });
  }

  async stop(): Promise<void> {
    await this.unsubscribe?.();
  }

  /** Every message from now on (the live subscriptions). */
  onMessage(listener: (message: MetricsMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The newest fresh sample or outage of a cluster; null when there is none. */
  async of(clusterId: string): Promise<ClusterSample | MetricsOutage | null> {
    const since = this.now() - this.freshMs;
    const known = this.latest.get(clusterId);
    if (known !== undefined) return known.at >= since ? known : null;
    let reading = this.reading.get(clusterId);
    if (reading === undefined) {
      reading = this.store.latest(clusterId, since).finally(() => this.reading.delete(clusterId));
      this.reading.set(clusterId, reading);
    }
    const stored = await reading;
    if (stored !== null && !this.latest.has(clusterId)) this.latest.set(clusterId, stored);
    return stored;
  }
}
