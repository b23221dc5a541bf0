import { connectionType } from '../../shared/connection-types.js';
import type { ConnectionValues } from '../../shared/pagination.js';
import { ApiToken } from './api-token-type.js';
import { User } from './user-type.js';

export const UserConnection = connectionType(User, { name: 'User', noun: 'user', plural: 'users' });
export type UserConnection = ConnectionValues<User>;

export const ApiTokenConnection = connectionType(ApiToken, { name: 'ApiToken', noun: 'API token', plural: 'API tokens' });
export type ApiTokenConnection = ConnectionValues<ApiToken>;

/** Names are not unique: the id breaks ties. */
export const USERS_BY_NAME = { key: (user: User) => [user.name, user.id] } as const;
/** Newest first. */
export const TOKENS_NEWEST_FIRST = { key: (token: ApiToken) => [token.createdAt, token.id], descending: true } as const;
