import { silentLogger } from '../../shared/logger.js';
import { HOUSEKEEPING_LEASE, MetricsCollector, pollLeaseKey } from './collector.js';
import { MetricsOutageError, type ClusterSample, type MetricsMessage, type ReadMetrics } from './model.js';
import type { JobLease, MetricsStore } from './ports.js';

const HOUR = 3_600_000;
const NOW = Date.UTC(2030, 0, 10);

class Fixture {
  readonly held = new Set<string>();
  readonly released: string[] = [];
  readonly reads: string[] = [];
  readonly published: MetricsMessage[] = [];
  readonly stored: ClusterSample[] = [];
  readonly housekeeping: string[] = [];
  clusters = ['c1', 'c2', 'c3'];
  private waiters: Array<() => void> = [];

  readonly collector = new MetricsCollector({
    roster: { clusterIds: () => this.clusters },
    reader: {
      read: async (clusterId): Promise<ReadMetrics> => {
        this.reads.push(clusterId);
        if (clusterId === 'c3') throw new MetricsOutageError('NOT_INSTALLED', 'metrics.k8s.io is not served');
        if (clusterId === 'c2')
          return {
            nodes: [{ name: 'n1', cpuMillicores: 500, memoryBytes: 1000 }],
            pods: [
              { namespace: 'shop', name: 'web-1', cpuMillicores: 100, memoryBytes: 10, containers: [] },
              { namespace: 'shop', name: 'new-1', cpuMillicores: 1, memoryBytes: 1, containers: [] },
            ],
          };
        return { nodes: [{ name: 'n1', cpuMillicores: 500, memoryBytes: 1000 }], pods: [] };
      },
    },
    leases: {
      acquire: (key): JobLease => ({
        isHeld: () => this.held.has(key),
        release: async () => {
          this.released.push(key);
        },
      }),
    },
    feed: {
      publish: async (message) => {
        this.published.push(message);
        this.wake();
      },
      subscribe: async () => async () => undefined,
    },
    store: {
      insert: async (sample) => {
        this.stored.push(sample);
        this.wake();
      },
      rollUp: async (now) => {
        this.housekeeping.push(`rollUp ${now}`);
        return 0;
      },
      purge: async (fine, coarse, batch) => {
        this.housekeeping.push(`purge ${NOW - fine} ${NOW - coarse} ${batch}`);
        return 0;
      },
    } as Partial<MetricsStore> as MetricsStore,
    settings: { intervalMs: 20, fineRetentionMs: 24 * HOUR, coarseRetentionMs: 30 * 24 * HOUR, housekeepingMs: 60_000, purgeBatch: 100 },
    logger: silentLogger,
    now: () => NOW,
    requests: { of: (clusterId) => new Map(clusterId === 'c2' ? [['shop/web-1', { cpuMillicores: 250, memoryBytes: 64 }]] : []) },
  });

  until(done: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => {
        if (!done()) return;
        this.waiters = this.waiters.filter((waiter) => waiter !== check);
        resolve();
      };
      this.waiters.push(check);
      check();
    });
  }

  private wake(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}

describe('the metrics collector', () => {
  let fixture: Fixture;
  afterEach(async () => {
    await fixture.collector.stop();
  });

  test('polls only the clusters whose lease this replica holds; stores samples, publishes outages too', async () => {
    fixture = new Fixture();
    fixture.held.add(pollLeaseKey('c1')).add(pollLeaseKey('c3'));
    fixture.collector.start();
    await fixture.until(() => fixture.stored.length >= 2 && fixture.published.some((message) => message.clusterId === 'c3'));
    expect(new Set(fixture.reads)).toEqual(new Set(['c1', 'c3']));
    expect(fixture.stored.every((sample) => sample.clusterId === 'c1')).toBe(true);
    expect(fixture.stored[0]).toMatchObject({ v: 1, at: NOW, totals: { cpuMillicores: 500, memoryBytes: 1000, pods: 0 } });
    expect(fixture.published.find((message) => message.clusterId === 'c3')).toEqual({
      v: 1,
      clusterId: 'c3',
      at: NOW,
      outage: { code: 'NOT_INSTALLED', reason: 'metrics.k8s.io is not served' },
    });

    // A cluster that goes away gives its lease up; another replica's (c2) is never read.
    fixture.clusters = ['c1', 'c2'];
    const before = fixture.stored.length;
    await fixture.until(() => fixture.stored.length >= before + 1);
    expect(fixture.released).toContain(pollLeaseKey('c3'));
    expect(fixture.reads).not.toContain('c2');
  });

  test('stores each pod with what its spec requests, when the caches know the pod', async () => {
    fixture = new Fixture();
    fixture.held.add(pollLeaseKey('c2'));
    fixture.collector.start();
    await fixture.until(() => fixture.stored.length >= 1);
    expect(fixture.stored[0]?.pods).toEqual([
      { namespace: 'shop', name: 'web-1', cpuMillicores: 100, memoryBytes: 10, containers: [], cpuRequestMillicores: 250, memoryRequestBytes: 64 },
      { namespace: 'shop', name: 'new-1', cpuMillicores: 1, memoryBytes: 1, containers: [] },
    ]);
  });

  test('rolls up and purges only under the housekeeping lease, with the configured retention', async () => {
    fixture = new Fixture();
    fixture.collector.start();
    await fixture.collector.runHousekeeping();
    expect(fixture.housekeeping).toEqual([]);
    fixture.held.add(HOUSEKEEPING_LEASE);
    await fixture.collector.runHousekeeping();
    expect(fixture.housekeeping).toEqual([`rollUp ${NOW}`, `purge ${24 * HOUR} ${30 * 24 * HOUR} 100`]);
    await fixture.collector.stop();
    expect(fixture.released).toContain(HOUSEKEEPING_LEASE);
  });
});
