import DataLoader from 'dataloader';
import type { IdentityService } from './identity-service.js';
import type { ApiTokenRecord, UserRecord } from './records.js';

export interface IdentityLoaders {
  /** One query for every user a request names (e.g. the members of many workspaces). */
  readonly userById: DataLoader<string, UserRecord | null>;
  /** One query for every token a request names (e.g. `nodes(ids:)`). */
  readonly apiTokenById: DataLoader<string, ApiTokenRecord | null>;
  /** One query for the tokens of every user in a list. */
  readonly apiTokensByUserId: DataLoader<string, ApiTokenRecord[]>;
}

export function createIdentityLoaders(identity: IdentityService): IdentityLoaders {
  return {
    userById: new DataLoader(async (ids) => {
      const found = new Map((await identity.getUsers(ids)).map((user) => [user.id, user]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    apiTokenById: new DataLoader(async (ids) => {
      const found = new Map((await identity.getApiTokens(ids)).map((token) => [token.id, token]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    apiTokensByUserId: new DataLoader(async (userIds) => {
      const byUser = new Map<string, ApiTokenRecord[]>();
      for (const token of await identity.tokensOfUsers(userIds)) byUser.set(token.userId, [...(byUser.get(token.userId) ?? []), token]);
      return userIds.map((userId) => byUser.get(userId) ?? []);
    }),
  };
}
