/** Roles across the whole gateway (values are part of the API). */
export const SYSTEM_ROLES = ['ADMIN', 'USER'] as const;
export type SystemRole = (typeof SYSTEM_ROLES)[number];

/** What an API token may do: `read` runs queries and subscriptions, `write` runs mutations. */
export const TOKEN_SCOPES = ['read', 'write'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

/** A person or a tool, as stored. */
export interface UserRecord {
  id: string;
  name: string;
  /** Lower-cased; unique. */
  email: string;
  systemRole: SystemRole;
  createdAt: Date;
  updatedAt: Date;
}

/** An API token as stored: only the SHA-256 of its secret is kept. */
export interface ApiTokenRecord {
  id: string;
  userId: string;
  name: string;
  /** Hex SHA-256 of the whole secret; the secret itself is shown once and never stored. */
  tokenHash: string;
  /** The secret's first characters, so a person can tell their tokens apart in a list. */
  prefix: string;
  scopes: TokenScope[];
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  createdAt: Date;
}
