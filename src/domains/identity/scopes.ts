import { ForbiddenError } from '../../shared/errors.js';
import type { Principal } from './principal.js';
import type { TokenScope } from './records.js';

export type OperationKind = 'query' | 'mutation' | 'subscription';

/** Reading needs `read`; changing needs `write`. The one rule, applied by the auth checker to every field. */
export function requiredScope(operation: OperationKind): TokenScope {
  return operation === 'mutation' ? 'write' : 'read';
}

export function checkScope(principal: Principal, operation: OperationKind): void {
  const scope = requiredScope(operation);
  if (!principal.scopes.includes(scope)) {
    throw new ForbiddenError(`This API token lacks the "${scope}" scope needed to run a ${operation}`);
  }
}
