import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { localKeyOf } from '../../shared/global-id.js';
import { ApiToken, CreateApiTokenPayload, RevokeApiTokenPayload } from './api-token-type.js';
import { callerOf, type IdentityContext } from './context.js';
import { CreateApiTokenInput, RevokeApiTokenInput } from './identity-inputs.js';
import { toApiToken } from './mappers.js';

@Resolver(() => ApiToken)
export class ApiTokenResolver {
  @Authorized()
  @Mutation(() => CreateApiTokenPayload, {
    description: 'Creates an API token and returns its secret, which is shown only this once. A system administrator may create one for another user.',
  })
  async createApiToken(
    @Arg('input', () => CreateApiTokenInput, { description: 'The token to create.' }) input: CreateApiTokenInput,
    @Ctx() context: IdentityContext,
  ): Promise<CreateApiTokenPayload> {
    const created = await context.identity.createApiToken(callerOf(context), {
      ...input,
      userId: input.userId == null ? input.userId : localKeyOf(input.userId, 'User'),
      // The scalar has checked the format; the service checks that it lies ahead.
      expiresAt: input.expiresAt == null ? input.expiresAt : input.expiresAt.toISOString(),
    });
    return { token: created.secret, apiToken: toApiToken(created.record) };
  }

  @Authorized()
  @Mutation(() => RevokeApiTokenPayload, { description: 'Revokes an API token at once: it is refused from the next request on. Own tokens, or any for a system administrator.' })
  async revokeApiToken(
    @Arg('input', () => RevokeApiTokenInput, { description: 'The token to revoke.' }) input: RevokeApiTokenInput,
    @Ctx() context: IdentityContext,
  ): Promise<RevokeApiTokenPayload> {
    return { apiToken: toApiToken(await context.identity.revokeApiToken(callerOf(context), localKeyOf(input.id, 'ApiToken'))) };
  }
}
