import type { DataSource, QueryRunner } from 'typeorm';
import type { GatewayMetrics, ObservedMetric } from '../../shared/metrics.js';
import { inSpan, SpanKind } from '../../shared/tracing.js';

/** The parts of a mysql2 pool its own stats are read from (private, but stable across mysql2 3.x). */
interface Mysql2Pool {
  readonly _allConnections?: { readonly length: number };
  readonly _freeConnections?: { readonly length: number };
  readonly _connectionQueue?: { readonly length: number };
  readonly config?: { readonly connectionLimit?: number };
}

/**
 * Times every statement: each query runner's `query` is wrapped as typeorm hands it out, which
 * covers repositories, query builders and raw `dataSource.query` alike.
 */
export function timeQueries(dataSource: DataSource, metrics: Pick<GatewayMetrics, 'dbQueryDuration'>): void {
  const driver = dataSource.driver;
  const system = dataSource.options.type === 'better-sqlite3' ? 'sqlite' : dataSource.options.type;
  const create = driver.createQueryRunner.bind(driver);
  // The SQLite driver hands out one runner again and again: it must be wrapped once.
  const timed = new WeakSet<QueryRunner>();
  driver.createQueryRunner = (mode) => {
    const runner = create(mode);
    if (timed.has(runner)) return runner;
    timed.add(runner);
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    (runner as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) =>
      // The statement's verb only: its text may carry literals (the values themselves are parameters).
      inSpan('db.query', SpanKind.CLIENT, { 'db.system.name': system, 'db.operation.name': verbOf(args[0]) }, async () => {
        const stop = metrics.dbQueryDuration.startTimer();
        try {
          const result = await query(...args);
          stop({ outcome: 'ok' });
          return result;
        } catch (error) {
          stop({ outcome: 'error' });
          throw error;
        }
      });
    return runner;
  };
}

function verbOf(sql: unknown): string {
  return typeof sql === 'string' ? (/^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? 'UNKNOWN') : 'UNKNOWN';
}

/** Connections of the MySQL/MariaDB pool in use and free, and requests waiting for one; none for the embedded database. */
export function poolMetrics(dataSource: DataSource): ObservedMetric[] {
  const pool = (dataSource.driver as { pool?: Mysql2Pool }).pool;
  if (pool?._allConnections === undefined) return [];
  const all = () => pool._allConnections?.length ?? 0;
  const free = () => pool._freeConnections?.length ?? 0;
  return [
    {
      name: 'kda_db_pool_connections',
      help: 'Database connections of the pool, in use or free (idle).',
      labelNames: ['state'],
      collect: () => [
        { labels: { state: 'in_use' }, value: all() - free() },
        { labels: { state: 'free' }, value: free() },
      ],
    },
    { name: 'kda_db_pool_max_connections', help: 'Most connections the pool opens.', collect: () => [{ value: pool.config?.connectionLimit ?? 0 }] },
    { name: 'kda_db_pool_queued_requests', help: 'Requests waiting for a free database connection.', collect: () => [{ value: pool._connectionQueue?.length ?? 0 }] },
  ];
}
