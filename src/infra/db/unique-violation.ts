import { QueryFailedError } from 'typeorm';

/** True when the database refused a row for a unique index (MySQL/MariaDB ER_DUP_ENTRY, SQLite UNIQUE). */
export function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: unknown; message?: unknown } | undefined;
  return driverError?.code === 'ER_DUP_ENTRY' || (typeof driverError?.message === 'string' && driverError.message.includes('UNIQUE constraint failed'));
}
