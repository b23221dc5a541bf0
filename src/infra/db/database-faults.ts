import { DomainError } from '../../shared/errors.js';

/** Why the database could not serve a statement; each is worth trying again a moment later. */
export type DatabaseFaultReason = 'unreachable' | 'busy' | 'deadlock';

/**
 * The database failed, not the request: the change was rolled back (a transaction in flight dies
 * with its connection), so the caller may send the same request again after `retryAfterSeconds`.
 */
export class DatabaseUnavailableError extends DomainError {
  constructor(
    readonly reason: DatabaseFaultReason,
    message: string,
    options: { readonly cause?: unknown } = {},
  ) {
    super('UNAVAILABLE', `${message}; nothing was changed, try again`, { reason: `database-${reason}`, retryable: true, retryAfterSeconds: 1 });
    this.name = 'DatabaseUnavailableError';
    if (options.cause !== undefined) this.cause = options.cause;
  }
}

/** MySQL/MariaDB error numbers a transaction ends with when it lost to another; run again, it usually passes. */
const LOCK_CONFLICTS = new Set([
  1213, // ER_LOCK_DEADLOCK: the server rolled the whole transaction back
  1205, // ER_LOCK_WAIT_TIMEOUT: the statement gave up waiting for a row lock
]);

/** Errors of a connection that is gone or could not be made (the server stopped, restarted, refused). */
const CONNECTION_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'PROTOCOL_CONNECTION_LOST',
  'ER_SERVER_SHUTDOWN',
  'ER_CONNECTION_KILLED',
  'ER_CON_COUNT_ERROR',
  'ER_NET_READ_INTERRUPTED',
]);

interface DriverErrorShape {
  readonly code?: unknown;
  readonly errno?: unknown;
  readonly fatal?: unknown;
  readonly message?: unknown;
}

/** The mysql2 error itself: typeorm wraps it as `driverError` of a QueryFailedError. */
function driverErrorOf(error: unknown): DriverErrorShape | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const wrapped = (error as { driverError?: unknown }).driverError;
  return typeof wrapped === 'object' && wrapped !== null ? wrapped : error;
}

/** True for a deadlock or lock wait timeout: the transaction may be run again from its start. */
export function isLockConflict(error: unknown): boolean {
  if (error instanceof DatabaseUnavailableError) return error.reason === 'deadlock';
  const driverError = driverErrorOf(error);
  return typeof driverError?.errno === 'number' && LOCK_CONFLICTS.has(driverError.errno);
}

/**
 * The fault a database error stands for, as the error the caller sees, or undefined for an error
 * of the statement itself (a unique violation, a bad column), which the stores handle or which is a bug.
 */
export function databaseFaultOf(error: unknown): DatabaseUnavailableError | undefined {
  if (error instanceof DatabaseUnavailableError) return error;
  const driverError = driverErrorOf(error);
  if (driverError === undefined) return undefined;
  if (isLockConflict(error)) return new DatabaseUnavailableError('deadlock', 'The database chose this change to give way to a concurrent one', { cause: error });
  if (driverError.message === 'Queue limit reached.')
    return new DatabaseUnavailableError('busy', 'The database is busy: every connection is in use and the queue for one is full', { cause: error });
  const connectionLost = driverError.fatal === true || (typeof driverError.code === 'string' && CONNECTION_CODES.has(driverError.code));
  if (connectionLost) return new DatabaseUnavailableError('unreachable', 'The database cannot be reached now', { cause: error });
  return undefined;
}
