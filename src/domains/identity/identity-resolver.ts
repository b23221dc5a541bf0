import { Arg, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ForbiddenError } from '../../shared/errors.js';
import { ApiToken, CreateUserPayload } from './api-token-type.js';
import { callerOf, type IdentityContext } from './context.js';
import { CreateUserInput } from './identity-inputs.js';
import { principalAsUser, toApiToken, toUser } from './mappers.js';
import { User } from './user-type.js';

export type { IdentityContext } from './context.js';

@Resolver(() => User)
export class IdentityResolver {
  @Authorized()
  @Query(() => User, { description: 'The caller: who they are, their system role and their API tokens.' })
  async me(@Ctx() context: IdentityContext): Promise<User> {
    const caller = callerOf(context);
    if (caller.userId === null) return principalAsUser(caller);
    // Read fresh rather than from the principal: a rename or role change shows at once.
    const user = await context.identityLoaders.userById.load(caller.userId);
    return user === null ? principalAsUser(caller) : toUser(user);
  }

  @Authorized('ADMIN')
  @Query(() => [User], { description: 'Every user, by name. System administrators only.' })
  async users(@Ctx() context: IdentityContext): Promise<User[]> {
    return (await context.identity.listUsers()).map(toUser);
  }

  @Authorized('ADMIN')
  @Mutation(() => CreateUserPayload, { description: 'Creates a user (a person, or a service user for a third-party tool). System administrators only.' })
  async createUser(@Arg('input', () => CreateUserInput, { description: 'The user to create.' }) input: CreateUserInput, @Ctx() context: IdentityContext): Promise<CreateUserPayload> {
    return { user: toUser(await context.identity.createUser(callerOf(context), input)) };
  }

  @Authorized()
  @FieldResolver(() => [ApiToken], { description: 'The user\'s API tokens, newest first, revoked and expired ones included. Only the user and system administrators see them.' })
  async apiTokens(@Root() user: User, @Ctx() context: IdentityContext): Promise<ApiToken[]> {
    if (!context.identity.canSeeTokensOf(callerOf(context), user.id)) throw new ForbiddenError('Only the user and system administrators see a user\'s API tokens');
    return (await context.identityLoaders.apiTokensByUserId.load(user.id)).map(toApiToken);
  }
}
