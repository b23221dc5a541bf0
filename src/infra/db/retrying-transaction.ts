import type { DataSource, EntityManager } from 'typeorm';
import { databaseFaultOf, isLockConflict } from './database-faults.js';

/** Runs of one transaction when each ends in a deadlock or lock wait timeout. */
const ATTEMPTS = 3;

/**
 * A transaction that is run again from its start when it loses a deadlock (or times out waiting
 * for a row lock): the database rolled it back, so running it again is safe as long as `work`
 * decides from what it reads inside the transaction — only for such idempotent work. After the
 * last attempt the conflict reaches the caller as UNAVAILABLE (retryable).
 */
export async function retryingTransaction<T>(dataSource: DataSource, work: (manager: EntityManager) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await dataSource.transaction(work);
    } catch (error) {
      if (!isLockConflict(error)) throw error;
      if (attempt >= ATTEMPTS) throw databaseFaultOf(error) ?? error;
      // A short pause, longer each time and jittered, lets the winner commit first.
      await new Promise((resolve) => setTimeout(resolve, attempt * 20 + Math.random() * 30));
    }
  }
}
