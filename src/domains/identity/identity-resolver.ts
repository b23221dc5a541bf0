import { Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { UnauthenticatedError } from '../../shared/errors.js';
import type { Principal } from './principal.js';
import { User } from './user-type.js';

/** The part of the per-request context this domain reads. */
export interface IdentityContext {
  readonly principal: Principal | null;
}

@Resolver(() => User)
export class IdentityResolver {
  @Authorized()
  @Query(() => User, { description: 'The caller: who they are and their system role.' })
  me(@Ctx() context: IdentityContext): User {
    if (context.principal === null) throw new UnauthenticatedError();
    return { id: context.principal.id, name: context.principal.displayName, systemRole: context.principal.systemRole };
  }
}
