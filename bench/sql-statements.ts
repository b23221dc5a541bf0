/**
 * SQL statements per request: a list of 10, 100 and 1,000 workspaces, builds and releases with
 * their relations, on MariaDB. The gateway gets a pool of one connection, so MariaDB's own
 * per-session `Questions` counter counts every statement a request made (as
 * test/statement-count.test.ts does). The baseline is the count at the smallest size: DataLoader
 * should make the count the same at every size.
 */
import type { DataSource } from 'typeorm';
import { startBenchGateway, type BenchGateway } from './gateway.js';
import { createBenchDatabase } from './mariadb.js';
import { startStatementSeed } from './statement-seed.js';
import { formatRatio, goal, progress, type ResultRow } from './support.js';

export interface StatementScenarioOptions {
  readonly sizes: readonly number[];
}

interface ListRequest {
  readonly label: string;
  readonly query: (size: number) => string;
  /** How many items the answer lists (checked: a short answer would make a small count a lie). */
  readonly listed: (data: unknown) => number;
}

const edgesOf = (data: unknown, field: string): number => ((data as Record<string, { edges?: unknown[] }> | undefined)?.[field]?.edges ?? []).length;

function requests(workspaceId: string): ListRequest[] {
  return [
    {
      label: 'workspaces',
      query: (size) =>
        `{ workspaces(first: ${size}) { totalCount edges { node { name memberCount clusterCount myRole clusters { name status } allotments { namespaces cluster { name } } registries { totalCount } members(first: 5) { totalCount edges { node { role user { name email } } } } } } } }`,
      listed: (data) => edgesOf(data, 'workspaces'),
    },
    {
      label: 'builds',
      query: (size) =>
        `{ builds(workspaceId: "${workspaceId}", first: ${size}) { totalCount edges { node { name status imageSizeBytes registry { name } runs(first: 2) { totalCount edges { node { number statusDisplay } } } lastRun { number } } } } }`,
      listed: (data) => edgesOf(data, 'builds'),
    },
    {
      label: 'releases',
      query: (size) =>
        `{ releases(first: ${size}) { totalCount edges { node { id status version values inventory { kind name } package { name latestVersion { version } } packageVersion { version } history(first: 5) { totalCount edges { node { revision action } } } appMap { name } } } } }`,
      listed: (data) => edgesOf(data, 'releases'),
    },
  ];
}

/** Statements the gateway's one connection ran for `query` (the least of three tries: nothing else may run then). */
async function statementsFor(gateway: BenchGateway, dataSource: DataSource, request: ListRequest, size: number): Promise<number> {
  const questions = async () => Number((await dataSource.query<Array<{ Value: string }>>(`SHOW SESSION STATUS LIKE 'Questions'`))[0]?.Value);
  let least = Number.POSITIVE_INFINITY;
  for (let attempt = 0; attempt < 3; attempt++) {
    const before = await questions();
    const response = await gateway.request(request.query(size));
    const after = await questions();
    if (response.errors) throw new Error(`${request.label} (${size}): ${JSON.stringify(response.errors)}`);
    const listed = request.listed(response.data);
    if (listed !== size) throw new Error(`${request.label}: listed ${listed}, expected ${size}`);
    // The second SHOW STATUS counts itself.
    least = Math.min(least, after - before - 1);
  }
  return least;
}

export async function runStatementScenario(options: StatementScenarioOptions): Promise<ResultRow[]> {
  const database = await createBenchDatabase('sql');
  let dataSource: DataSource | undefined;
  let gateway: BenchGateway | undefined;
  try {
    const largest = Math.max(...options.sizes);
    gateway = await startBenchGateway(
      { kind: 'memory' },
      {
        database: { kind: 'mysql', url: database.url, connectionLimit: 1 },
        onDatabaseOpen: (opened) => (dataSource = opened),
        maxPageSize: largest,
        // Wide lists on purpose; and no periodic cluster comparison with the database inside a measurement.
        limits: { maxQueryCost: 1e9, clusterResyncSeconds: 3600 },
      },
    );
    if (dataSource === undefined) throw new Error('the gateway opened no database');
    const seed = await startStatementSeed(database);
    const counts = new Map<string, Map<number, number>>();
    for (const size of [...options.sizes].sort((a, b) => a - b)) {
      progress(`sql statements: ${size} workspaces, builds and releases`);
      await seed.growTo(size);
      for (const request of requests(seed.workspaceId)) {
        const bySize = counts.get(request.label) ?? new Map<number, number>();
        bySize.set(size, await statementsFor(gateway, dataSource, request, size));
        counts.set(request.label, bySize);
      }
    }
    const smallest = Math.min(...options.sizes);
    const rows: ResultRow[] = [];
    for (const [label, bySize] of counts) {
      const baseline = bySize.get(smallest) ?? Number.NaN;
      for (const [size, statements] of bySize) {
        rows.push({
          scenario: `SQL statements per request: list of ${size} ${label}`,
          measured: `${statements} statements`,
          baseline: `${baseline} (at ${smallest})`,
          ratio: formatRatio(statements, baseline),
          goal: goal(`= the count at ${smallest}`, statements, { maximum: baseline }),
          note: `lower is better; MariaDB session Questions for one request on a one-connection pool, with the list's relations (DataLoader)`,
        });
      }
    }
    return rows;
  } finally {
    await gateway?.stop();
    await database.drop();
  }
}
