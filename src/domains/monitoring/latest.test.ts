import { LatestSamples } from './latest.js';
import { toSample, type ClusterSample, type MetricsMessage } from './model.js';
import type { MetricsStore } from './ports.js';

const NOW = Date.UTC(2030, 0, 1);

function fixture(stored: ClusterSample | null) {
  let deliver: (message: MetricsMessage) => void = () => undefined;
  const reads: string[] = [];
  const latest = new LatestSamples(
    {
      publish: async () => undefined,
      subscribe: async (handler) => {
        deliver = handler;
        return async () => undefined;
      },
    },
    {
      latest: async (clusterId: string) => {
        reads.push(clusterId);
        return stored;
      },
    } as Partial<MetricsStore> as MetricsStore,
    60_000,
    () => NOW,
  );
  return { latest, reads, deliver: (message: MetricsMessage) => deliver(message) };
}

const sample = (at: number) => toSample('c1', at, { nodes: [{ name: 'n1', cpuMillicores: 100, memoryBytes: 1 }], pods: [] });

describe('the latest samples', () => {
  test('the newest message heard wins; an older one arriving late does not replace it; a stale one says nothing', async () => {
    const { latest, deliver, reads } = fixture(null);
    await latest.start();
    deliver(sample(NOW - 1000));
    deliver(sample(NOW - 5000));
    expect((await latest.of('c1'))?.at).toBe(NOW - 1000);
    deliver({ v: 1, clusterId: 'c1', at: NOW, outage: { code: 'UNAVAILABLE', reason: '503' } });
    expect(await latest.of('c1')).toMatchObject({ outage: { reason: '503' } });
    deliver(sample(NOW + 1));
    const seen: number[] = [];
    latest.onMessage((message) => seen.push(message.at));
    deliver(sample(NOW + 2));
    expect(seen).toEqual([NOW + 2]);
    expect(reads).toEqual([]);

    const stale = fixture(null);
    await stale.latest.start();
    stale.deliver(sample(NOW - 120_000));
    expect(await stale.latest.of('c1')).toBeNull();
  });

  test('a replica that heard nothing yet reads the database once, however many ask at once', async () => {
    const { latest, reads } = fixture(sample(NOW - 2000));
    await latest.start();
    const answers = await Promise.all(Array.from({ length: 50 }, () => latest.of('c1')));
    expect(answers.every((answer) => answer?.at === NOW - 2000)).toBe(true);
    expect(reads).toEqual(['c1']);
    await latest.of('c1');
    expect(reads).toEqual(['c1']);
  });
});
