import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { paginate } from '../../shared/pagination.js';
import { ApiTokenConnection, TOKENS_NEWEST_FIRST, UserConnection, USERS_BY_NAME } from './connections.js';
import { ForbiddenError } from '../../shared/errors.js';
import { CreateUserPayload } from './api-token-type.js';
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
  @Query(() => UserConnection, { description: 'Every user, by name, paged. System administrators only.' })
  async users(@Ctx() context: IdentityContext, @Args(() => ConnectionArgs) page: ConnectionArgs): Promise<UserConnection> {
    return paginate(context, 'Query.users', page, (await context.identity.listUsers()).map(toUser), USERS_BY_NAME, (user) => user);
  }

  @Authorized('ADMIN')
  @Mutation(() => CreateUserPayload, { description: 'Creates a user (a person, or a service user for a third-party tool). System administrators only.' })
  async createUser(
    @Arg('input', () => CreateUserInput, { description: 'The user to create.' }) input: CreateUserInput,
    @Ctx() context: IdentityContext,
  ): Promise<CreateUserPayload> {
    return { user: toUser(await context.identity.createUser(callerOf(context), input)) };
  }

  @Authorized()
  @FieldResolver(() => ApiTokenConnection, {
    description: "The user's API tokens, newest first, revoked and expired ones included, paged. Only the user and system administrators see them.",
  })
  async apiTokens(@Root() user: User, @Ctx() context: IdentityContext, @Args(() => ConnectionArgs) page: ConnectionArgs): Promise<ApiTokenConnection> {
    if (!context.identity.canSeeTokensOf(callerOf(context), user.id)) throw new ForbiddenError("Only the user and system administrators see a user's API tokens");
    const tokens = (await context.identityLoaders.apiTokensByUserId.load(user.id)).map(toApiToken);
    return paginate(context, 'User.apiTokens', page, tokens, TOKENS_NEWEST_FIRST, (token) => token);
  }
}
