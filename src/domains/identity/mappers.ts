import type { ApiToken } from './api-token-type.js';
import type { Principal } from './principal.js';
import type { ApiTokenRecord, UserRecord } from './records.js';
import type { User } from './user-type.js';

export function toUser(record: UserRecord): User {
  return { id: record.id, name: record.name, email: record.email, systemRole: record.systemRole };
}

/** The bootstrap administrator has no row; it is shown from what the principal knows. */
export function principalAsUser(principal: Principal): User {
  return { id: principal.id, name: principal.displayName, email: principal.email, systemRole: principal.systemRole };
}

/** Never the hash: what a token's owner may see of it. */
export function toApiToken(record: ApiTokenRecord): ApiToken {
  return {
    id: record.id,
    userId: record.userId,
    name: record.name,
    prefix: record.prefix,
    scopes: record.scopes,
    expiresAt: record.expiresAt?.toISOString() ?? null,
    lastUsedAt: record.lastUsedAt?.toISOString() ?? null,
    revokedAt: record.revokedAt?.toISOString() ?? null,
    createdAt: record.createdAt.toISOString(),
  };
}
