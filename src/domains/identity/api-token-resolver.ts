import { Arg, Authorized, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import { ApiToken, CreateApiTokenPayload } from './api-token-type.js';
import { callerOf, type IdentityContext } from './context.js';
import { CreateApiTokenInput } from './identity-inputs.js';
import { toApiToken } from './mappers.js';

@Resolver(() => ApiToken)
export class ApiTokenResolver {
  @Authorized()
  @Mutation(() => CreateApiTokenPayload, { description: 'Creates an API token and returns its secret, which is shown only this once. A system administrator may create one for another user.' })
  async createApiToken(@Arg('input', () => CreateApiTokenInput, { description: 'The token to create.' }) input: CreateApiTokenInput, @Ctx() context: IdentityContext): Promise<CreateApiTokenPayload> {
    const created = await context.identity.createApiToken(callerOf(context), input);
    return { token: created.secret, apiToken: toApiToken(created.record) };
  }

  @Authorized()
  @Mutation(() => ApiToken, { description: 'Revokes an API token at once: it is refused from the next request on. Own tokens, or any for a system administrator.' })
  async revokeApiToken(@Arg('id', () => ID, { description: 'Token id (not the secret).' }) id: string, @Ctx() context: IdentityContext): Promise<ApiToken> {
    return toApiToken(await context.identity.revokeApiToken(callerOf(context), id));
  }
}
