/**
 * `npm run bench`: speed and memory of the real gateway as ratios against baselines measured in
 * the same run (DESIGN.md). Loopback only, bounded loops, exits 0 whatever the numbers: a
 * benchmark reports, it does not judge. A scenario that cannot finish prints why instead.
 *
 * BENCH_ONLY=fanout,query,tenants,memory,writes,nats,sql,apiserver,scale runs a subset; BENCH_QUICK=1 uses small
 * sizes (to try it out). sql, apiserver and scale need MariaDB (BENCH_DATABASE_URL); apiserver and scale need NATS too.
 */
import 'reflect-metadata';
import { cpus } from 'node:os';
import type { BusConfig } from '../src/config/config.js';
import { runEmbeddedWriteScenario } from './embedded-writes.js';
import { runFanoutScenario } from './fanout.js';
import { natsReachable, NATS_URL } from './gateway.js';
import { runMemoryScenario } from './informer-memory.js';
import { runNatsHopScenario } from './nats-hop.js';
import { mariadbReachable } from './mariadb.js';
import { runQueryScenario } from './query-throughput.js';
import { runStatementScenario } from './sql-statements.js';
import { runWatchSharingScenario } from './watch-sharing.js';
import { runScaleScenario } from './scale.js';
import { runTenantIsolationScenario } from './tenant-isolation.js';
import { formatMs, progress, renderJson, renderTable, type ResultRow } from './support.js';

const quick = process.env.BENCH_QUICK === '1';
/**
 * BENCH_SCALE_CLUSTERS=1,10,100: other cluster counts for the scale rows (the largest runs on three
 * replicas). On the 2-core machine 30 clusters of 1,000 pods on three replicas take 3–5 minutes to
 * set up (each replica lists and publishes every pod) and 100 would take a quarter of an hour, so
 * the default stops at 20 to keep the whole run near 15 minutes.
 */
const SCALE_CLUSTERS_ASKED = 100;
const scaleClusters = (process.env.BENCH_SCALE_CLUSTERS ?? (quick ? '1,3' : '1,10,20')).split(',').map(Number);
const only = new Set((process.env.BENCH_ONLY ?? 'fanout,query,tenants,memory,writes,nats,sql,apiserver,scale').split(',').map((name) => name.trim()));

interface Scenario {
  readonly name: string;
  readonly title: string;
  run(): Promise<ResultRow[]>;
}

function failedRow(title: string, error: unknown): ResultRow {
  const message = error instanceof Error ? error.message : String(error);
  return { scenario: title, measured: 'FAILED', baseline: '-', ratio: '-', note: message.replace(/\s+/g, ' ') };
}

async function main(): Promise<void> {
  const startedAt = Date.now();
  const nats = await natsReachable();
  const mariadb = await mariadbReachable();
  const natsBus: BusConfig = { kind: 'nats', url: NATS_URL };
  const scenarios: Scenario[] = [
    {
      name: 'fanout',
      title: 'fan-out (memory bus)',
      run: () =>
        runFanoutScenario({
          bus: { kind: 'memory' },
          subscriberCounts: quick ? [1, 200] : [1, 1_000, 5_000],
          eventsPerRound: quick ? 5 : 20,
          rounds: quick ? 3 : 5,
          batchSize: 250,
        }),
    },
    ...(nats
      ? [
          {
            name: 'fanout',
            title: 'fan-out (nats bus)',
            // One size only: the bus changes the event path, not the per-subscriber work.
            run: () => runFanoutScenario({ bus: natsBus, subscriberCounts: quick ? [1, 200] : [1, 1_000], eventsPerRound: quick ? 5 : 20, rounds: quick ? 3 : 5, batchSize: 250 }),
          },
        ]
      : []),
    {
      name: 'query',
      title: 'query throughput',
      run: () => runQueryScenario({ dashboardRequests: quick ? 400 : 3_000, concurrency: 4, gatewayRequests: quick ? 40 : 300, baselineRequests: quick ? 200 : 2_000 }),
    },
    {
      name: 'tenants',
      title: 'tenant isolation',
      run: () => runTenantIsolationScenario({ samples: quick ? 100 : 500, attackerConcurrency: Number(process.env.BENCH_ATTACKERS ?? 8) }),
    },
    {
      name: 'memory',
      title: 'informer memory',
      run: () => runMemoryScenario({ pods: quick ? 2_000 : 10_000, gatewayBuses: nats ? [{ kind: 'memory' }, natsBus] : [{ kind: 'memory' }] }),
    },
    ...(nats
      ? [
          {
            name: 'nats',
            title: 'NATS hop',
            run: () => runNatsHopScenario({ eventsPerSecond: 10_000, seconds: quick ? 1 : 5 }),
          },
        ]
      : []),
    {
      name: 'writes',
      title: 'embedded writes',
      run: () => runEmbeddedWriteScenario({ smallLogLines: 10, largeLogLines: quick ? 10_000 : 100_000, mutations: quick ? 20 : 100 }),
    },
    ...(mariadb
      ? [
          {
            name: 'sql',
            title: 'SQL statements per request',
            run: () => runStatementScenario({ sizes: quick ? [10, 100] : [10, 100, 1_000] }),
          },
        ]
      : []),
    ...(mariadb && nats
      ? [
          {
            name: 'apiserver',
            title: 'apiserver LIST and WATCH per (cluster, kind)',
            run: () => runWatchSharingScenario({ replicaCounts: [1, 3], subscriberCounts: quick ? [0, 200] : [0, 1_000, 5_000], pods: 100 }),
          },
          {
            name: 'scale',
            title: 'cost against the work',
            run: () =>
              runScaleScenario({
                clusterCounts: scaleClusters,
                podsPerCluster: quick ? 200 : 1_000,
                // The largest size is spread over three replicas (issue 12).
                replicasFor: (clusters) => (clusters === Math.max(...scaleClusters) && scaleClusters.length > 1 ? 3 : 1),
                // Whole periods of the metrics poll (15 s), so every size sees the same number of polls.
                idleSeconds: quick ? 15 : 30,
                latencyRounds: quick ? 5 : 10,
                askedClusters: SCALE_CLUSTERS_ASKED,
              }),
          },
        ]
      : []),
  ];

  const rows: ResultRow[] = [];
  for (const scenario of scenarios.filter((candidate) => only.has(candidate.name))) {
    progress(`${scenario.title}…`);
    try {
      rows.push(...(await scenario.run()));
    } catch (error) {
      progress(`${scenario.title} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      rows.push(failedRow(scenario.title, error));
    }
  }

  const cpu = cpus();
  process.stdout.write(
    [
      '',
      `KDA Gateway benchmark — node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'cpu'}, ${quick ? 'QUICK sizes, ' : ''}NATS ${nats ? 'reachable' : `not reachable at ${NATS_URL} (nats rows skipped)`}, MariaDB ${mariadb ? 'reachable' : 'not reachable (sql, apiserver and scale rows skipped)'}`,
      'measured = the gateway; baseline = the same work done the cheapest way, in the same run; ratio = measured / baseline',
      '',
      renderTable(rows),
      '',
      'the same table as JSON:',
      renderJson(rows),
      '',
      `total ${formatMs(Date.now() - startedAt)}`,
      '',
    ].join('\n'),
  );
}

main()
  .catch((error: unknown) => {
    process.stderr.write(`benchmark aborted: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  })
  .finally(() => {
    // Everything started here has been stopped; if something still holds the loop, say what
    // instead of hanging, then leave.
    const leftovers = process.getActiveResourcesInfo().filter((kind) => kind !== 'TTYWrap');
    if (leftovers.length > 0) {
      const exit = setTimeout(() => {
        progress(`still open after the run, exiting anyway: ${process.getActiveResourcesInfo().join(', ')}`);
        process.exit(0);
      }, 5_000);
      exit.unref();
    }
  });
