import { UnauthenticatedError } from '../../shared/errors.js';
import type { PagingContext } from '../../shared/pagination.js';
import type { IdentityService } from './identity-service.js';
import type { IdentityLoaders } from './loaders.js';
import type { Principal } from './principal.js';

/** The part of the per-request context this domain reads. */
export interface IdentityContext extends PagingContext {
  readonly principal: Principal | null;
  readonly identity: IdentityService;
  readonly identityLoaders: IdentityLoaders;
}

/** The auth checker already refused anonymous callers; this narrows the type for the resolver. */
export function callerOf(context: IdentityContext): Principal {
  if (context.principal === null) throw new UnauthenticatedError();
  return context.principal;
}
