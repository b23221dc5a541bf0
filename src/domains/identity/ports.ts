import type { ApiTokenRecord, UserRecord } from './records.js';

/** Persistence of users (implemented in src/infra/db). */
export interface UserStore {
  list(): Promise<UserRecord[]>;
  findById(id: string): Promise<UserRecord | null>;
  findByIds(ids: readonly string[]): Promise<UserRecord[]>;
  /** `email` is compared as given: callers pass the normalized (lower-case) form. */
  findByEmail(email: string): Promise<UserRecord | null>;
  /** `duplicate-email` when the unique index refuses it (a concurrent insert won the race). */
  insert(record: UserRecord): Promise<'inserted' | 'duplicate-email'>;
}

/** Persistence of API tokens (implemented in src/infra/db). */
export interface ApiTokenStore {
  findById(id: string): Promise<ApiTokenRecord | null>;
  findByIds(ids: readonly string[]): Promise<ApiTokenRecord[]>;
  findByHash(tokenHash: string): Promise<ApiTokenRecord | null>;
  /** Every token of these users, newest first. */
  listByUserIds(userIds: readonly string[]): Promise<ApiTokenRecord[]>;
  insert(record: ApiTokenRecord): Promise<void>;
  markUsed(id: string, at: Date): Promise<void>;
  /** Sets `revoked_at` unless it is already set (the first revocation's time is kept). */
  revoke(id: string, at: Date): Promise<void>;
}
