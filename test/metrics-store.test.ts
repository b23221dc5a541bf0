/**
 * The usage history store on MariaDB and the embedded SQLite, through the same migrations:
 * samples in, series bucketed by step, hourly rollups (avg and max), and a batched purge that keeps
 * both tables bounded.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { DataSource } from 'typeorm';
import { toSample, type ClusterSample, type MetricsStore } from '../src/domains/monitoring/index.js';
import { openDatabase } from '../src/infra/db/data-source.js';
import { createMetricsStore } from '../src/infra/db/metrics-store.js';
import { createTestDatabase, type TestDatabase } from './support/database.js';

const HOUR = 3_600_000;
const T0 = Date.UTC(2030, 0, 1, 0, 0, 0);

/** Cluster c1 at `at`: two nodes, pods web-1 and web-2 of workload `web`, and api-1. */
function sample(at: number, cpu: number, clusterId = 'c1'): ClusterSample {
  return toSample(clusterId, at, {
    nodes: [
      { name: 'n1', cpuMillicores: cpu, memoryBytes: 1000 },
      { name: 'n2', cpuMillicores: cpu, memoryBytes: 1000 },
    ],
    pods: [
      { namespace: 'shop', name: 'web-1', cpuMillicores: cpu / 4, memoryBytes: 100, containers: [] },
      { namespace: 'shop', name: 'web-2', cpuMillicores: cpu / 4, memoryBytes: 100, containers: [] },
      { namespace: 'shop', name: 'api-1', cpuMillicores: 1, memoryBytes: 10, containers: [] },
    ],
  });
}

async function count(dataSource: DataSource, table: string): Promise<number> {
  const [row] = await dataSource.query<Array<{ n: string | number }>>(`SELECT COUNT(*) AS n FROM ${table}`);
  return Number(row?.n);
}

async function exercise(dataSource: DataSource, store: MetricsStore): Promise<void> {
  // Hour 0: cpu 100, 200, 300 per node at 0, 20 and 40 minutes; hour 1: 400 at 10 minutes.
  for (const [minute, cpu] of [
    [0, 100],
    [20, 200],
    [40, 300],
    [70, 400],
  ] as const)
    await store.insert(sample(T0 + minute * 60_000, cpu));
  await store.insert(sample(T0 + 5 * 60_000, 999, 'other'));

  expect(await store.latest('c1', T0)).toMatchObject({ at: T0 + 70 * 60_000, totals: { cpuMillicores: 800, memoryBytes: 2000, pods: 3 } });
  expect((await store.latest('c1', T0))?.nodes.map((node) => node.name).sort()).toEqual(['n1', 'n2']);
  expect(await store.latest('c1', T0 + 2 * HOUR)).toBeNull();

  // Fine series of the cluster, 30-minute steps: [0,30) has 200 and 400, [30,60) 600, [60,90) 800.
  const cluster = await store.series({ target: { kind: 'cluster', clusterId: 'c1' }, fromMs: T0, toMs: T0 + 2 * HOUR, stepMs: 30 * 60_000, coarse: false });
  expect(cluster.cpuMillicores).toEqual([
    { t: T0, avg: 300, max: 400 },
    { t: T0 + 30 * 60_000, avg: 600, max: 600 },
    { t: T0 + 60 * 60_000, avg: 800, max: 800 },
  ]);
  const node = await store.series({ target: { kind: 'node', clusterId: 'c1', nodeName: 'n2' }, fromMs: T0, toMs: T0 + HOUR, stepMs: HOUR, coarse: false });
  expect(node.cpuMillicores).toEqual([{ t: T0, avg: 200, max: 300 }]);
  const pod = await store.series({ target: { kind: 'pod', clusterId: 'c1', namespace: 'shop', podName: 'api-1' }, fromMs: T0, toMs: T0 + 2 * HOUR, stepMs: HOUR, coarse: false });
  expect(pod.memoryBytes).toEqual([
    { t: T0, avg: 10, max: 10 },
    { t: T0 + HOUR, avg: 10, max: 10 },
  ]);
  // The map of workload `web`: web-1 + web-2 at each sample (cpu / 2), never api-1.
  const map = await store.series({
    target: { kind: 'pods', clusterId: 'c1', namespace: 'shop', workloadNames: ['web'] },
    fromMs: T0,
    toMs: T0 + HOUR,
    stepMs: HOUR,
    coarse: false,
  });
  expect(map.cpuMillicores).toEqual([{ t: T0, avg: 100, max: 150 }]);
  expect(map.memoryBytes).toEqual([{ t: T0, avg: 200, max: 200 }]);

  // Rollup: only complete hours, and each once.
  expect(await store.rollUp(T0 + 90 * 60_000, 48)).toBe(1);
  expect(await store.rollUp(T0 + 90 * 60_000, 48)).toBe(0);
  const coarse = await store.series({ target: { kind: 'cluster', clusterId: 'c1' }, fromMs: T0, toMs: T0 + 3 * HOUR, stepMs: HOUR, coarse: true });
  expect(coarse.cpuMillicores).toEqual([{ t: T0, avg: 400, max: 600 }]);
  const coarseMap = await store.series({
    target: { kind: 'pods', clusterId: 'c1', namespace: 'shop', workloadNames: ['web'] },
    fromMs: T0,
    toMs: T0 + HOUR,
    stepMs: HOUR,
    coarse: true,
  });
  expect(coarseMap.cpuMillicores).toEqual([{ t: T0, avg: 100, max: 150 }]);
  expect(await store.rollUp(T0 + 3 * HOUR, 48)).toBe(2);
  const both = await store.series({ target: { kind: 'cluster', clusterId: 'c1' }, fromMs: T0, toMs: T0 + 3 * HOUR, stepMs: 2 * HOUR, coarse: true });
  // Weighted by samples: (3 × 400 + 1 × 800) / 4.
  expect(both.cpuMillicores).toEqual([{ t: T0, avg: 500, max: 800 }]);

  // Purge in batches smaller than the rows to go: everything fine before 00:30 (2 samples of c1 and other's 1, 6 rows each).
  const fineBefore = await count(dataSource, 'metric_samples');
  expect(await store.purge(T0 + 30 * 60_000, T0, 4)).toBe(3 * 6);
  expect(await count(dataSource, 'metric_samples')).toBe(fineBefore - 18);
  const rollupsBefore = await count(dataSource, 'metric_rollups');
  expect(rollupsBefore).toBeGreaterThan(0);
  expect(await store.purge(T0 + 30 * 60_000, T0 + 10 * HOUR, 3)).toBe(rollupsBefore);
  expect(await count(dataSource, 'metric_rollups')).toBe(0);
}

describe('the metrics store', () => {
  let database: TestDatabase;
  let folder: string;

  beforeAll(async () => {
    database = await createTestDatabase();
    folder = await mkdtemp(path.join(tmpdir(), 'kda-metrics-store-'));
  });

  afterAll(async () => {
    await database.drop();
    await rm(folder, { recursive: true, force: true });
  });

  test('on MariaDB', async () => {
    const dataSource = await openDatabase({ kind: 'mysql', url: database.url });
    try {
      await exercise(dataSource, createMetricsStore(dataSource));
    } finally {
      await dataSource.destroy();
    }
  });

  test('on the embedded database', async () => {
    const dataSource = await openDatabase({ kind: 'embedded', file: path.join(folder, 'kda.sqlite') });
    try {
      await exercise(dataSource, createMetricsStore(dataSource));
    } finally {
      await dataSource.destroy();
    }
  });
});
