/**
 * How the cost grows with the work: 1, 10 and 20 (issue 12 asks 100; see run.ts) simulated clusters of 1,000 pods each, on gateway
 * replicas as separate processes (one MariaDB database, one NATS of the benchmark's own), three of
 * them at the largest size. At each size, once every replica serves every cluster and the start-up
 * work has drained: heap per replica, idle CPU, apiserver requests while idle, and the time from a
 * pod change in the simulator to the first frame a subscriber receives.
 */
import type { SimulatedCluster } from '../src/simulator/index.js';
import { startBenchCluster } from './clusters.js';
import { createBenchDatabase } from './mariadb.js';
import { startPrivateNats, type PrivateNats } from './private-nats.js';
import { startReplicaFleet, type ReplicaFleet } from './replicas.js';
import { openSubscriberFleet } from './subscriber-fleet.js';
import { formatBytes, formatMs, formatRatio, goal, progress, type ResultRow } from './support.js';

export interface ScaleOptions {
  readonly clusterCounts: readonly number[];
  readonly podsPerCluster: number;
  /** Replicas at a given cluster count. */
  readonly replicasFor: (clusters: number) => number;
  readonly idleSeconds: number;
  readonly latencyRounds: number;
  /** The size issue 12 asks for; a smaller largest size says so in its rows. */
  readonly askedClusters: number;
}

interface SizeResult {
  readonly clusters: number;
  readonly replicas: number;
  /** Heap of each replica once synced (after full collections). */
  readonly replicaHeaps: readonly number[];
  /** Sum over replicas of (synced heap − heap when started empty), per cluster. */
  readonly heapPerCluster: number;
  /** The busiest replica's CPU over the idle window, in % of one core. */
  readonly idleCpuPercent: number;
  readonly requestsPerMinutePerCluster: number;
  readonly changeToFirstFrameMs: number;
  readonly setupMs: number;
}

const REGISTER_BATCH = 5;
const WARMUP_PODS = 20;
/** Longer than one metrics poll period (15 s by default). */
const BURST_WAIT_MS = 25_000;
const SETTLE_WINDOW_MS = 2_000;
const SETTLE_LIMIT_MS = 180_000;
const SETTLED_CPU_PERCENT = 10;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function cpuOf(fleet: ReplicaFleet): Promise<number[]> {
  return Promise.all(fleet.replicas.map((replica) => replica.cpuSeconds()));
}

/** % of one core used by the busiest replica between two CPU readings `ms` apart. */
function busiestPercent(before: readonly number[], after: readonly number[], ms: number): number {
  return Math.max(...after.map((seconds, index) => ((seconds - (before[index] ?? 0)) / (ms / 1000)) * 100));
}

/** Start-up work (lists, publishing every object once) drains; bounded, then measures anyway. */
async function settle(fleet: ReplicaFleet): Promise<void> {
  const deadline = Date.now() + SETTLE_LIMIT_MS;
  while (Date.now() < deadline) {
    const before = await cpuOf(fleet);
    await sleep(SETTLE_WINDOW_MS);
    if (busiestPercent(before, await cpuOf(fleet), SETTLE_WINDOW_MS) < SETTLED_CPU_PERCENT) return;
  }
  progress('scale: the replicas were still busy when the settling time ran out; measuring anyway');
}

/**
 * Waits for the next burst of periodic requests (the metrics poll) to pass, so an idle window of
 * whole poll periods that starts now holds the same number of polls at every size; bounded.
 */
async function afterPollBurst(requests: () => number): Promise<void> {
  const deadline = Date.now() + BURST_WAIT_MS;
  const start = requests();
  while (requests() === start && Date.now() < deadline) await sleep(100);
  let last = requests();
  for (;;) {
    await sleep(1_000);
    const now = requests();
    if (now === last || Date.now() > deadline) return;
    last = now;
  }
}

async function measureSize(clusters: number, options: ScaleOptions, nats: PrivateNats): Promise<SizeResult> {
  const startedAt = Date.now();
  const replicas = options.replicasFor(clusters);
  progress(`scale: ${clusters} clusters × ${options.podsPerCluster} pods on ${replicas} replica(s): simulating`);
  const simulators: SimulatedCluster[] = [];
  const simulatorsToClose: SimulatedCluster[] = [];
  const database = await createBenchDatabase('scale');
  try {
    for (let index = 0; index < clusters; index++) simulators.push(await startBenchCluster(`scale${index}`, { pods: options.podsPerCluster }));
    const fleet = await startReplicaFleet({ count: replicas, databaseUrl: database.url, natsUrl: nats.url });
    try {
      // A small cluster first, so code compiled on first use is not counted as the clusters' heap.
      const warmup = await startBenchCluster('scale-warmup', { pods: WARMUP_PODS });
      simulatorsToClose.push(warmup);
      await fleet.register(warmup, WARMUP_PODS);
      await settle(fleet);
      const empty = await Promise.all(fleet.replicas.map((replica) => replica.sample()));
      progress(`scale: ${clusters} clusters: registering`);
      const ids: string[] = [];
      for (let start = 0; start < simulators.length; start += REGISTER_BATCH) {
        ids.push(...(await Promise.all(simulators.slice(start, start + REGISTER_BATCH).map((simulator) => fleet.register(simulator, options.podsPerCluster, 600_000)))));
      }
      await settle(fleet);
      const setupMs = Date.now() - startedAt;
      const synced = await Promise.all(fleet.replicas.map((replica) => replica.sample()));
      const heapGrowth = synced.reduce((total, sample, index) => total + sample.heapUsed - (empty[index]?.heapUsed ?? 0), 0);

      progress(`scale: ${clusters} clusters: idle for ${options.idleSeconds} s`);
      const requestsOf = () => simulators.reduce((total, simulator) => total + simulator.requestCount(), 0);
      await afterPollBurst(requestsOf);
      const requestsBefore = requestsOf();
      const cpuBefore = await cpuOf(fleet);
      await sleep(options.idleSeconds * 1000);
      const cpuAfter = await cpuOf(fleet);
      const requests = requestsOf() - requestsBefore;

      progress(`scale: ${clusters} clusters: change → subscriber`);
      const subscriber = await openSubscriberFleet({
        urls: [fleet.replicas[0]?.websocketUrl ?? ''],
        authorization: `Bearer ${fleet.adminToken}`,
        count: 1,
        simulator: simulators.at(-1)!,
        clusterId: ids.at(-1)!,
      });
      let changeToFirstFrameMs: number;
      try {
        changeToFirstFrameMs = await subscriber.changeToFirstFrameMs(options.latencyRounds);
      } finally {
        await subscriber.close();
      }
      return {
        clusters,
        replicas,
        replicaHeaps: synced.map((sample) => sample.heapUsed),
        heapPerCluster: heapGrowth / clusters,
        idleCpuPercent: busiestPercent(cpuBefore, cpuAfter, options.idleSeconds * 1000),
        requestsPerMinutePerCluster: requests / clusters / (options.idleSeconds / 60),
        changeToFirstFrameMs,
        setupMs,
      };
    } finally {
      await fleet.stop();
    }
  } finally {
    await Promise.all([...simulators, ...simulatorsToClose].map((simulator) => simulator.close()));
    await database.drop();
  }
}

function rowsFor(result: SizeResult, first: SizeResult, options: ScaleOptions): ResultRow[] {
  const largest = Math.max(...options.clusterCounts);
  const shortOf = result.clusters === largest && largest < options.askedClusters ? ` (not ${options.askedClusters}: too slow here)` : '';
  const size = `scale ${result.clusters} cluster${result.clusters === 1 ? '' : 's'}${shortOf} × ${options.podsPerCluster} pods, ${result.replicas} replica${result.replicas === 1 ? '' : 's'}`;
  const firstSize = `the ${first.clusters}-cluster size`;
  const heapRatio = result.heapPerCluster / first.heapPerCluster;
  const latencyRatio = result.changeToFirstFrameMs / first.changeToFirstFrameMs;
  return [
    {
      scenario: `${size}: heap per cluster`,
      measured: formatBytes(result.heapPerCluster),
      baseline: formatBytes(first.heapPerCluster),
      ratio: formatRatio(result.heapPerCluster, first.heapPerCluster),
      goal: goal(`≤ 1.5× ${firstSize}`, heapRatio, { maximum: 1.5 }),
      note: `lower is better; linear = flat per cluster; heap per replica ${result.replicaHeaps.map(formatBytes).join(', ')}; sum over replicas of (synced − before registering) heap, ÷ clusters (set up in ${formatMs(result.setupMs)})`,
    },
    {
      scenario: `${size}: idle CPU`,
      measured: `${result.idleCpuPercent.toFixed(1)} % of a core`,
      baseline: '-',
      ratio: '-',
      goal: goal('≤ 5 % of a core', result.idleCpuPercent, { maximum: 5 }),
      note: 'lower is better; the busiest replica, process CPU time over the idle window, nothing changing in the clusters',
    },
    {
      scenario: `${size}: apiserver requests/min while idle, per cluster`,
      measured: result.requestsPerMinutePerCluster.toFixed(1),
      baseline: first.requestsPerMinutePerCluster.toFixed(1),
      ratio: formatRatio(result.requestsPerMinutePerCluster, first.requestsPerMinutePerCluster),
      // A baseline of none: the goal is none at every size.
      goal: { text: `≤ 1.5× ${firstSize}`, met: result.requestsPerMinutePerCluster <= first.requestsPerMinutePerCluster * 1.5 },
      note: 'lower is better; linear = flat per cluster; every request the simulated apiservers received over the idle window (all replicas; it starts just after a metrics poll and lasts whole poll periods), ÷ clusters',
    },
    {
      scenario: `${size}: pod change → first subscriber frame`,
      measured: formatMs(result.changeToFirstFrameMs),
      baseline: formatMs(first.changeToFirstFrameMs),
      ratio: formatRatio(result.changeToFirstFrameMs, first.changeToFirstFrameMs),
      goal: goal(`≤ 2× ${firstSize}`, latencyRatio, { maximum: 2 }),
      note: 'lower is better; flat = the path does not slow with the work; one podEvents subscriber on the last cluster (first replica), median of the changes',
    },
  ];
}

export async function runScaleScenario(options: ScaleOptions): Promise<ResultRow[]> {
  const nats = await startPrivateNats();
  try {
    const results: SizeResult[] = [];
    for (const clusters of options.clusterCounts) results.push(await measureSize(clusters, options, nats));
    const [first] = results;
    if (first === undefined) return [];
    return results.flatMap((result) => rowsFor(result, first, options));
  } finally {
    await nats.stop();
  }
}
