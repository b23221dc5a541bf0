import type { NodeLookups } from '../../shared/node-lookup.js';
import { callerOf, type IdentityContext } from './context.js';
import { toApiToken } from './mappers.js';

/**
 * `node(id:)` for the identity domain: API tokens, seen by their user and system administrators as
 * `User.apiTokens` shows them. (Users are found where identity meets workspaces: who may see a user
 * depends on the workspaces shared with them.)
 */
export const identityNodeLookups: NodeLookups<IdentityContext> = {
  ApiToken: async (context, tokenId) => {
    const token = await context.identityLoaders.apiTokenById.load(tokenId);
    return token !== null && context.identity.canSeeTokensOf(callerOf(context), token.userId) ? toApiToken(token) : null;
  },
};
