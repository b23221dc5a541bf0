/**
 * apiserver LIST and WATCH per (cluster, kind), counted at the simulated apiserver, with 0, 1,000
 * and 5,000 live `podEvents` subscribers over graphql-ws, on 1 and 3 gateway replicas (separate
 * processes on one MariaDB database and one NATS). Goal (DESIGN.md): one LIST at start and one
 * open WATCH per (cluster, kind) across all replicas, whatever the subscribers.
 */
import { countsByKind, type KindCounts } from './apiserver-counts.js';
import { startBenchCluster } from './clusters.js';
import { createBenchDatabase } from './mariadb.js';
import { startPrivateNats } from './private-nats.js';
import { startReplicaFleet } from './replicas.js';
import { openSubscriberFleet } from './subscriber-fleet.js';
import { formatRatio, progress, waitUntil, type ResultRow } from './support.js';

export interface WatchSharingOptions {
  readonly replicaCounts: readonly number[];
  readonly subscriberCounts: readonly number[];
  readonly pods: number;
}

function rowFor(replicas: number, subscribers: number, counts: readonly KindCounts[]): ResultRow {
  const lists = Math.max(...counts.map((count) => count.lists));
  const open = Math.max(...counts.map((count) => count.openWatches));
  const watchRequests = Math.max(...counts.map((count) => count.watchRequests));
  const off = counts.filter((count) => count.lists !== 1 || count.openWatches !== 1).map((count) => `${count.kind} ${count.lists}/${count.openWatches}`);
  return {
    scenario: `apiserver per (cluster, kind), ${replicas} replica${replicas === 1 ? '' : 's'}, ${subscribers} subscribers`,
    measured: `${lists} LIST, ${open} WATCH open`,
    baseline: '1 LIST, 1 WATCH',
    ratio: formatRatio(Math.max(lists, open), 1),
    goal: { text: '= 1 LIST, 1 WATCH', met: off.length === 0 },
    note:
      `lower is better; worst of ${counts.length} kinds, counted at the simulated apiserver since registration (LIST = first pages) and open now; ` +
      `WATCH requests per kind in all: at most ${watchRequests}; ${subscribers} podEvents graphql-ws subscribers spread over the replicas, each live` +
      (off.length > 0 ? `; kinds off (LIST/open WATCH): ${off.slice(0, 4).join(', ')}${off.length > 4 ? ', …' : ''}` : ''),
  };
}

async function measureReplicas(replicas: number, options: WatchSharingOptions): Promise<ResultRow[]> {
  const nats = await startPrivateNats();
  const database = await createBenchDatabase('watch');
  const simulator = await startBenchCluster('watch', { pods: options.pods });
  try {
    progress(`apiserver requests: ${replicas} replica(s)`);
    const fleet = await startReplicaFleet({ count: replicas, databaseUrl: database.url, natsUrl: nats.url });
    try {
      const clusterId = await fleet.register(simulator, options.pods);
      // Every replica that watches has its streams open once it serves the cluster; wait for at least one per kind.
      await waitUntil('a watch open on every kind', () => countsByKind(simulator).every((count) => count.openWatches >= 1), 60_000);
      const rows: ResultRow[] = [];
      for (const subscribers of options.subscriberCounts) {
        progress(`apiserver requests: ${replicas} replica(s), ${subscribers} subscribers`);
        const fleetOfSubscribers =
          subscribers === 0
            ? undefined
            : await openSubscriberFleet({
                urls: fleet.replicas.map((replica) => replica.websocketUrl),
                authorization: `Bearer ${fleet.adminToken}`,
                count: subscribers,
                simulator,
                clusterId,
              });
        try {
          rows.push(rowFor(replicas, subscribers, countsByKind(simulator)));
        } finally {
          await fleetOfSubscribers?.close();
        }
      }
      return rows;
    } finally {
      await fleet.stop();
    }
  } finally {
    await simulator.close();
    await database.drop();
    await nats.stop();
  }
}

export async function runWatchSharingScenario(options: WatchSharingOptions): Promise<ResultRow[]> {
  const rows: ResultRow[] = [];
  for (const replicas of options.replicaCounts) rows.push(...(await measureReplicas(replicas, options)));
  return rows;
}
