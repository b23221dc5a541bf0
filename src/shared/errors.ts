/**
 * Errors with a public code. Domains throw these (or subclasses); the GraphQL edge maps `code`
 * to `extensions.code`. Anything else is logged and shown as a generic message.
 */
export type ErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN' | 'BAD_USER_INPUT' | 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE' | 'RESYNC_REQUIRED';

export class DomainError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required: send a valid bearer token') {
    super('UNAUTHENTICATED', message);
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'Not allowed') {
    super('FORBIDDEN', message);
  }
}

/** Bad input always names the offending field (DESIGN.md, "Auth"). */
export class BadInputError extends DomainError {
  constructor(field: string, message: string) {
    super('BAD_USER_INPUT', `${field}: ${message}`, { field });
  }
}

/** An id that names nothing the caller may see; `field` names the input field that held it. */
export class NotFoundError extends DomainError {
  constructor(what: string, id: string, field?: string) {
    super('NOT_FOUND', `${what} ${id} not found`, field === undefined ? { id } : { id, field });
  }
}

/** A change that clashes with the current state (a name taken, a run already finished); `field` names the input field. */
export class ConflictError extends DomainError {
  constructor(field: string, message: string) {
    super('CONFLICT', `${field}: ${message}`, { field });
  }
}

/**
 * A subscriber fell too far behind and its subscription was ended rather than buffered without
 * bound. `lastCursor` is the cursor of the last event it was given (null before the first): it
 * resubscribes with `after: lastCursor` and misses nothing.
 */
export class ResyncRequiredError extends DomainError {
  constructor(
    readonly lastCursor: string | null,
    reason: string,
  ) {
    super('RESYNC_REQUIRED', `Resync required: ${reason}; resubscribe with after: extensions.lastCursor (or query the current state if it is null)`, { lastCursor });
    this.name = 'ResyncRequiredError';
  }
}

/** Why the gateway cannot start, for the operator to act on: printed as it is, without a stack. */
export class StartupError extends Error {
  override readonly name: string = 'StartupError';
}
