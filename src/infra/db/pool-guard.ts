import type { DataSource, QueryRunner } from 'typeorm';
import { databaseFaultOf, DatabaseUnavailableError } from './database-faults.js';

/** The parts of typeorm's MySQL driver a connection is taken through. */
interface PooledDriver {
  obtainMasterConnection(): Promise<unknown>;
  obtainSlaveConnection(): Promise<unknown>;
}

interface PoolConnection {
  release?: () => void;
}

function translated(error: unknown): Error {
  const fault = databaseFaultOf(error);
  if (fault !== undefined) return fault;
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * A connection from the pool, or a clear error once `acquireTimeoutMs` passed without one (mysql2
 * itself waits for ever). A connection that arrives after the caller gave up goes straight back.
 */
function withAcquireTimeout(obtain: () => Promise<unknown>, acquireTimeoutMs: number): () => Promise<unknown> {
  return () =>
    new Promise((resolve, reject) => {
      let gaveUp = false;
      const timer = setTimeout(() => {
        gaveUp = true;
        reject(new DatabaseUnavailableError('busy', `The database is busy: no connection became free within ${acquireTimeoutMs / 1000} s`));
      }, acquireTimeoutMs);
      obtain().then(
        (connection) => {
          clearTimeout(timer);
          if (gaveUp) (connection as PoolConnection).release?.();
          else resolve(connection);
        },
        (error: unknown) => {
          clearTimeout(timer);
          if (!gaveUp) reject(translated(error));
        },
      );
    });
}

/**
 * Turns database faults into one error callers can act on (UNAVAILABLE, retryable): a connection
 * that cannot be made or is lost mid-statement, a pool whose queue is full or that gives no
 * connection in time, a deadlock. Errors of the statement itself pass unchanged.
 */
export function guardPool(dataSource: DataSource, options: { readonly acquireTimeoutMs: number }): void {
  const driver = dataSource.driver as unknown as PooledDriver;
  driver.obtainMasterConnection = withAcquireTimeout(driver.obtainMasterConnection.bind(driver), options.acquireTimeoutMs);
  driver.obtainSlaveConnection = withAcquireTimeout(driver.obtainSlaveConnection.bind(driver), options.acquireTimeoutMs);
  const create = dataSource.driver.createQueryRunner.bind(dataSource.driver);
  dataSource.driver.createQueryRunner = (mode) => {
    const runner: QueryRunner = create(mode);
    const query = runner.query.bind(runner) as (...args: unknown[]) => Promise<unknown>;
    (runner as { query: (...args: unknown[]) => Promise<unknown> }).query = async (...args: unknown[]) => {
      try {
        return await query(...args);
      } catch (error) {
        throw translated(error);
      }
    };
    return runner;
  };
}
