import { randomUUID } from 'node:crypto';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError, UnauthenticatedError } from '../../shared/errors.js';
import type { Logger } from '../../shared/logger.js';
import { generateApiToken, hashApiToken, isWellFormedApiToken } from './api-token-secret.js';
import { BOOTSTRAP_ADMIN_ID, type AuthMethod, type Principal } from './principal.js';
import type { ApiTokenStore, UserStore } from './ports.js';
import { TOKEN_SCOPES, type ApiTokenRecord, type SystemRole, type TokenScope, type UserRecord } from './records.js';
import { MAX_TOKEN_NAME_LENGTH, MAX_USER_NAME_LENGTH, validEmail, validExpiry, validName, validScopes, validSystemRole } from './validation.js';

/** The bootstrap administrator: configured by KDA_ADMIN_TOKEN, never stored. */
export const BOOTSTRAP_ADMIN: Principal = Object.freeze({
  id: BOOTSTRAP_ADMIN_ID,
  userId: null,
  email: null,
  displayName: 'Bootstrap administrator',
  systemRole: 'ADMIN',
  via: 'admin-token',
  scopes: TOKEN_SCOPES,
  tokenId: null,
});

/** A token's last use is written at most this often, so a busy token is not one UPDATE per request. */
export const LAST_USE_WRITE_INTERVAL_MS = 60_000;

export interface CreateUserInput {
  readonly name: string;
  readonly email: string;
  /** USER when omitted. */
  readonly systemRole?: string | null;
}

export interface CreateApiTokenInput {
  readonly name: string;
  /** Whose token; the caller's own when omitted. Only an ADMIN names someone else. */
  readonly userId?: string | null;
  readonly scopes: readonly string[];
  /** ISO 8601; null or omitted: never expires. */
  readonly expiresAt?: string | null;
}

export interface CreatedApiToken {
  /** The secret, shown this once. */
  readonly secret: string;
  readonly record: ApiTokenRecord;
}

/** What a verified JWT says about its bearer. */
export interface JwtIdentity {
  readonly email: string;
  readonly name: string | null;
}

export interface IdentityServiceDeps {
  readonly users: UserStore;
  readonly tokens: ApiTokenStore;
  readonly now: () => Date;
  readonly logger: Logger;
  /** Live (unrevoked, unexpired) API tokens one user may hold; DEFAULT_MAX_ACTIVE_TOKENS when absent. */
  readonly maxActiveTokensPerUser?: number;
}

export const DEFAULT_MAX_ACTIVE_TOKENS = 25;

function principalOf(user: UserRecord, via: AuthMethod, scopes: readonly TokenScope[], tokenId: string | null): Principal {
  return { id: user.id, userId: user.id, email: user.email, displayName: user.name, systemRole: user.systemRole, via, scopes, tokenId };
}

export class IdentityService {
  /** Token id → when this process last wrote its use; pruned so it cannot grow without bound. */
  private readonly lastUseWrites = new Map<string, number>();

  constructor(private readonly deps: IdentityServiceDeps) {}

  listUsers(): Promise<UserRecord[]> {
    return this.deps.users.list();
  }

  getUsers(ids: readonly string[]): Promise<UserRecord[]> {
    return this.deps.users.findByIds(ids);
  }

  getUser(id: string): Promise<UserRecord | null> {
    return this.deps.users.findById(id);
  }

  getApiTokens(ids: readonly string[]): Promise<ApiTokenRecord[]> {
    return this.deps.tokens.findByIds(ids);
  }

  tokensOfUsers(userIds: readonly string[]): Promise<ApiTokenRecord[]> {
    return this.deps.tokens.listByUserIds(userIds);
  }

  /** A user's tokens are theirs and the administrators' to see. */
  canSeeTokensOf(caller: Principal, userId: string): boolean {
    return caller.systemRole === 'ADMIN' || caller.userId === userId;
  }

  async createUser(caller: Principal, input: CreateUserInput): Promise<UserRecord> {
    if (caller.systemRole !== 'ADMIN') throw new ForbiddenError('Only a system administrator creates users');
    const name = validName('name', input.name, MAX_USER_NAME_LENGTH);
    const email = validEmail('email', input.email);
    const systemRole = validSystemRole('systemRole', input.systemRole ?? 'USER');
    const user = await this.insertUser(name, email, systemRole);
    if (user === null) throw new ConflictError('email', `a user with email ${email} already exists`);
    return user;
  }

  async createApiToken(caller: Principal, input: CreateApiTokenInput): Promise<CreatedApiToken> {
    const name = validName('name', input.name, MAX_TOKEN_NAME_LENGTH);
    const scopes = validScopes('scopes', input.scopes);
    const expiresAt = validExpiry('expiresAt', input.expiresAt, this.deps.now());
    const ownerId = await this.tokenOwner(caller, input.userId ?? null);
    // A token can hand on only what it holds, or a read-only token could mint itself a writer.
    const beyond = scopes.filter((scope) => !caller.scopes.includes(scope));
    if (beyond.length > 0) throw new ForbiddenError(`scopes: the calling credential lacks ${beyond.join(', ')}, so it cannot grant it`);

    await this.checkTokenAllowance(ownerId);
    const generated = generateApiToken();
    const record: ApiTokenRecord = {
      id: randomUUID(),
      userId: ownerId,
      name,
      tokenHash: generated.hash,
      prefix: generated.prefix,
      scopes,
      expiresAt,
      lastUsedAt: null,
      revokedAt: null,
      createdAt: this.deps.now(),
    };
    await this.deps.tokens.insert(record);
    return { secret: generated.secret, record };
  }

  /** A user with many live tokens would also hold many rate budgets' worth of keys to lose: cap them. */
  private async checkTokenAllowance(userId: string): Promise<void> {
    const now = this.deps.now();
    const live = (await this.deps.tokens.listByUserIds([userId])).filter((token) => token.revokedAt === null && (token.expiresAt === null || token.expiresAt > now));
    const max = this.deps.maxActiveTokensPerUser ?? DEFAULT_MAX_ACTIVE_TOKENS;
    if (live.length >= max) throw new ConflictError('userId', `the user already holds ${live.length} live API tokens, the most allowed (${max}); revoke one first`);
  }

  /** Own tokens, or any for an ADMIN. Revoking twice keeps the first time. */
  async revokeApiToken(caller: Principal, id: string): Promise<ApiTokenRecord> {
    const token = await this.deps.tokens.findById(id);
    // Someone else's token is reported exactly like a missing one: ids must not be probeable.
    if (token === null || !this.canSeeTokensOf(caller, token.userId)) throw new NotFoundError('ApiToken', id, 'id');
    if (token.revokedAt === null) await this.deps.tokens.revoke(id, this.deps.now());
    const revoked = await this.deps.tokens.findById(id);
    if (revoked === null) throw new NotFoundError('ApiToken', id, 'id');
    return revoked;
  }

  /** Throws UNAUTHENTICATED for an unknown, revoked or expired token. */
  async authenticateApiToken(secret: string): Promise<Principal> {
    if (!isWellFormedApiToken(secret)) throw new UnauthenticatedError('The API token is not valid');
    const token = await this.deps.tokens.findByHash(hashApiToken(secret));
    if (token === null) throw new UnauthenticatedError('The API token is not valid');
    if (token.revokedAt !== null) throw new UnauthenticatedError('The API token was revoked');
    const now = this.deps.now();
    if (token.expiresAt !== null && token.expiresAt.getTime() <= now.getTime()) throw new UnauthenticatedError('The API token has expired');
    const user = await this.deps.users.findById(token.userId);
    if (user === null) throw new UnauthenticatedError('The API token is not valid');
    await this.recordUse(token, now);
    return principalOf(user, 'api-token', token.scopes, token.id);
  }

  /** The user a verified JWT names, created as a USER on first sign-in. */
  async signInWithJwt(identity: JwtIdentity): Promise<Principal> {
    const email = identity.email.trim().toLowerCase();
    const existing = await this.deps.users.findByEmail(email);
    if (existing !== null) return principalOf(existing, 'jwt', TOKEN_SCOPES, null);
    const name = (identity.name?.trim() || email.split('@')[0] || email).slice(0, MAX_USER_NAME_LENGTH);
    // Two first requests at once: the unique index lets one insert win; the other reads the winner.
    const user = (await this.insertUser(name, email, 'USER')) ?? (await this.deps.users.findByEmail(email));
    if (user === null) throw new UnauthenticatedError('The user named by the token could not be created');
    return principalOf(user, 'jwt', TOKEN_SCOPES, null);
  }

  /** `null` when the email is already taken. */
  private async insertUser(name: string, email: string, systemRole: SystemRole): Promise<UserRecord | null> {
    if ((await this.deps.users.findByEmail(email)) !== null) return null;
    const now = this.deps.now();
    const user: UserRecord = { id: randomUUID(), name, email, systemRole, createdAt: now, updatedAt: now };
    return (await this.deps.users.insert(user)) === 'inserted' ? user : null;
  }

  private async tokenOwner(caller: Principal, requested: string | null): Promise<string> {
    if (requested === null) {
      if (caller.userId === null) throw new BadInputError('userId', 'the bootstrap administrator has no user of its own: name the user the token is for');
      return caller.userId;
    }
    if (requested !== caller.userId && caller.systemRole !== 'ADMIN') throw new ForbiddenError('Only a system administrator creates tokens for another user');
    if ((await this.deps.users.findById(requested)) === null) throw new NotFoundError('User', requested, 'userId');
    return requested;
  }

  private async recordUse(token: ApiTokenRecord, now: Date): Promise<void> {
    const at = now.getTime();
    const stored = token.lastUsedAt?.getTime() ?? Number.NEGATIVE_INFINITY;
    const written = this.lastUseWrites.get(token.id) ?? Number.NEGATIVE_INFINITY;
    if (at - Math.max(stored, written) < LAST_USE_WRITE_INTERVAL_MS) return;
    this.lastUseWrites.set(token.id, at);
    if (this.lastUseWrites.size > 10_000) this.pruneLastUseWrites(at);
    try {
      await this.deps.tokens.markUsed(token.id, now);
    } catch (error) {
      // Losing one "last used" mark must not refuse a valid caller.
      this.deps.logger.warn('cannot record API token use', { tokenId: token.id, error: String(error) });
    }
  }

  private pruneLastUseWrites(now: number): void {
    for (const [id, at] of this.lastUseWrites) if (now - at >= LAST_USE_WRITE_INTERVAL_MS) this.lastUseWrites.delete(id);
  }
}
