import { silentLogger } from '../../shared/logger.js';
import { DomainError } from '../../shared/errors.js';
import { hashApiToken } from './api-token-secret.js';
import { BOOTSTRAP_ADMIN, IdentityService, LAST_USE_WRITE_INTERVAL_MS } from './identity-service.js';
import type { ApiTokenStore, UserStore } from './ports.js';
import type { Principal } from './principal.js';
import type { ApiTokenRecord, UserRecord } from './records.js';
import { checkScope } from './scopes.js';

/** In-memory stores with the same contract as the database ones (unique email, first revocation kept). */
function memoryStores() {
  const users = new Map<string, UserRecord>();
  const tokens = new Map<string, ApiTokenRecord>();
  const markUsedCalls: string[] = [];
  const userStore: UserStore = {
    list: async () => [...users.values()],
    findById: async (id) => users.get(id) ?? null,
    findByIds: async (ids) => ids.flatMap((id) => users.get(id) ?? []),
    findByEmail: async (email) => [...users.values()].find((user) => user.email === email) ?? null,
    insert: async (record) => {
      if ([...users.values()].some((user) => user.email === record.email)) return 'duplicate-email';
      users.set(record.id, { ...record });
      return 'inserted';
    },
  };
  const tokenStore: ApiTokenStore = {
    findById: async (id) => (tokens.has(id) ? { ...tokens.get(id)! } : null),
    findByIds: async (ids) => ids.flatMap((id) => (tokens.has(id) ? [{ ...tokens.get(id)! }] : [])),
    findByHash: async (hash) => [...tokens.values()].find((token) => token.tokenHash === hash) ?? null,
    listByUserIds: async (ids) => [...tokens.values()].filter((token) => ids.includes(token.userId)),
    insert: async (record) => {
      tokens.set(record.id, { ...record });
    },
    markUsed: async (id, at) => {
      markUsedCalls.push(id);
      tokens.get(id)!.lastUsedAt = at;
    },
    revoke: async (id, at) => {
      const token = tokens.get(id)!;
      token.revokedAt ??= at;
    },
  };
  return { users, tokens, markUsedCalls, userStore, tokenStore };
}

function setup(maxActiveTokensPerUser?: number) {
  const stores = memoryStores();
  let now = new Date('2030-01-01T00:00:00Z');
  const service = new IdentityService({
    users: stores.userStore,
    tokens: stores.tokenStore,
    now: () => now,
    logger: silentLogger,
    ...(maxActiveTokensPerUser === undefined ? {} : { maxActiveTokensPerUser }),
  });
  return {
    ...stores,
    service,
    advance: (ms: number) => {
      now = new Date(now.getTime() + ms);
    },
  };
}

async function failure(promise: Promise<unknown>): Promise<DomainError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

function asPrincipal(user: UserRecord, scopes: Principal['scopes'] = ['read', 'write']): Principal {
  return { id: user.id, userId: user.id, email: user.email, displayName: user.name, systemRole: user.systemRole, via: 'api-token', scopes, tokenId: null };
}

describe('IdentityService users', () => {
  test('creates a user with a normalized email', async () => {
    const { service } = setup();
    const user = await service.createUser(BOOTSTRAP_ADMIN, { name: '  Ada  ', email: ' Ada@Example.COM ', systemRole: 'USER' });
    expect(user).toMatchObject({ name: 'Ada', email: 'ada@example.com', systemRole: 'USER' });
  });

  test.each([
    ['name', { name: '' }],
    ['name', { name: 'x'.repeat(101) }],
    ['name', { name: 'bell\u0007' }],
    ['email', { email: 'not-an-email' }],
    ['email', { email: `${'a'.repeat(250)}@b.io` }],
    ['systemRole', { systemRole: 'GOD' }],
  ])('bad %s is refused and nothing is stored', async (field, override) => {
    const { service, users } = setup();
    const error = await failure(service.createUser(BOOTSTRAP_ADMIN, { name: 'Ada', email: 'ada@example.com', systemRole: 'USER', ...override }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { field } });
    expect(users.size).toBe(0);
  });

  test('a duplicate email, whatever its case, is CONFLICT on email', async () => {
    const { service, users } = setup();
    await service.createUser(BOOTSTRAP_ADMIN, { name: 'Ada', email: 'ada@example.com', systemRole: 'USER' });
    const error = await failure(service.createUser(BOOTSTRAP_ADMIN, { name: 'Other', email: 'ADA@example.com', systemRole: 'ADMIN' }));
    expect(error).toMatchObject({ code: 'CONFLICT', details: { field: 'email' } });
    expect(users.size).toBe(1);
  });

  test('a user created without a system role is a USER', async () => {
    const { service } = setup();
    expect(await service.createUser(BOOTSTRAP_ADMIN, { name: 'Ada', email: 'ada@example.com' })).toMatchObject({ systemRole: 'USER' });
  });

  test('only an ADMIN creates users', async () => {
    const { service } = setup();
    const user = await service.createUser(BOOTSTRAP_ADMIN, { name: 'Ada', email: 'ada@example.com', systemRole: 'USER' });
    expect(await failure(service.createUser(asPrincipal(user), { name: 'B', email: 'b@example.com', systemRole: 'USER' }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  test('a JWT sign-in creates a USER once, then finds it', async () => {
    const { service, users } = setup();
    const first = await service.signInWithJwt({ email: 'New@Example.com', name: null });
    const second = await service.signInWithJwt({ email: 'new@example.com', name: 'Newton' });
    expect(first).toMatchObject({ via: 'jwt', systemRole: 'USER', email: 'new@example.com', displayName: 'new' });
    expect(second.userId).toBe(first.userId);
    expect(users.size).toBe(1);
  });
});

describe('IdentityService API tokens', () => {
  async function withUser(maxActiveTokensPerUser?: number) {
    const context = setup(maxActiveTokensPerUser);
    const user = await context.service.createUser(BOOTSTRAP_ADMIN, { name: 'Ada', email: 'ada@example.com', systemRole: 'USER' });
    return { ...context, user };
  }

  test('a user holds at most the allowed number of live tokens: revoked and expired ones do not count', async () => {
    const { service, user, tokens, advance } = await withUser(2);
    const caller = asPrincipal(user);
    const first = await service.createApiToken(caller, { name: 'one', scopes: ['read'], expiresAt: '2030-01-01T01:00:00Z' });
    const second = await service.createApiToken(caller, { name: 'two', scopes: ['read'] });
    const refused = await failure(service.createApiToken(caller, { name: 'three', scopes: ['read'] }));
    expect(refused).toMatchObject({ code: 'CONFLICT', details: { field: 'userId' } });
    expect(tokens.size).toBe(2);
    await service.revokeApiToken(caller, second.record.id);
    await service.createApiToken(caller, { name: 'three', scopes: ['read'] });
    expect(first.record.expiresAt).not.toBeNull();
    advance(2 * 3_600_000);
    await service.createApiToken(caller, { name: 'four', scopes: ['read'] });
    expect(await failure(service.createApiToken(caller, { name: 'five', scopes: ['read'] }))).toMatchObject({ code: 'CONFLICT' });
  });

  test('a new token: kda_ + 40 base62, only its hash stored, usable as its user', async () => {
    const { service, user, tokens } = await withUser();
    const created = await service.createApiToken(asPrincipal(user), { name: 'ci', scopes: ['read'] });
    expect(created.secret).toMatch(/^kda_[0-9A-Za-z]{40}$/);
    const stored = tokens.get(created.record.id)!;
    expect(stored.tokenHash).toBe(hashApiToken(created.secret));
    expect(JSON.stringify(stored)).not.toContain(created.secret);
    expect(created.secret.startsWith(stored.prefix)).toBe(true);
    expect(await service.authenticateApiToken(created.secret)).toMatchObject({ userId: user.id, via: 'api-token', scopes: ['read'], tokenId: created.record.id });
  });

  test.each([
    ['name', { name: ' ' }],
    ['scopes', { scopes: [] }],
    ['scopes', { scopes: ['admin'] }],
    ['expiresAt', { expiresAt: '2029-12-31T23:59:59Z' }],
    ['expiresAt', { expiresAt: 'tomorrow' }],
  ])('bad %s is refused and nothing is stored', async (field, override) => {
    const { service, tokens } = await withUser();
    const error = await failure(service.createApiToken(BOOTSTRAP_ADMIN, { name: 'ci', scopes: ['read'], ...override }));
    expect(error).toMatchObject({ code: 'BAD_USER_INPUT', details: { field } });
    expect(tokens.size).toBe(0);
  });

  test('an unknown userId is NOT_FOUND and nothing is stored', async () => {
    const { service, tokens } = await withUser();
    const error = await failure(service.createApiToken(BOOTSTRAP_ADMIN, { name: 'ci', scopes: ['read'], userId: 'no-such-user' }));
    expect(error).toMatchObject({ code: 'NOT_FOUND', details: { field: 'userId' } });
    expect(tokens.size).toBe(0);
  });

  test('the bootstrap administrator must name the user', async () => {
    const { service } = await withUser();
    expect(await failure(service.createApiToken(BOOTSTRAP_ADMIN, { name: 'ci', scopes: ['read'] }))).toMatchObject({ code: 'BAD_USER_INPUT', details: { field: 'userId' } });
  });

  test('a USER cannot make tokens for others, nor grant scopes it lacks', async () => {
    const { service, user } = await withUser();
    const other = await service.createUser(BOOTSTRAP_ADMIN, { name: 'Bob', email: 'bob@example.com', systemRole: 'USER' });
    expect(await failure(service.createApiToken(asPrincipal(user), { name: 'x', userId: other.id, scopes: ['read'] }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(await failure(service.createApiToken(asPrincipal(user, ['read']), { name: 'x', scopes: ['read', 'write'] }))).toMatchObject({ code: 'FORBIDDEN' });
  });

  test('expired and revoked tokens are UNAUTHENTICATED; a revocation keeps its first time', async () => {
    const { service, user, advance } = await withUser();
    const expiring = await service.createApiToken(asPrincipal(user), { name: 'short', scopes: ['read'], expiresAt: '2030-01-01T00:10:00Z' });
    const revoking = await service.createApiToken(asPrincipal(user), { name: 'revoked', scopes: ['read'] });
    const first = await service.revokeApiToken(asPrincipal(user), revoking.record.id);
    advance(1000);
    const second = await service.revokeApiToken(asPrincipal(user), revoking.record.id);
    expect(second.revokedAt).toEqual(first.revokedAt);
    expect(await failure(service.authenticateApiToken(revoking.secret))).toMatchObject({ code: 'UNAUTHENTICATED' });
    await service.authenticateApiToken(expiring.secret);
    advance(10 * 60_000);
    expect(await failure(service.authenticateApiToken(expiring.secret))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(await failure(service.authenticateApiToken('kda_' + 'x'.repeat(40)))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });

  test("someone else's token cannot be revoked, and looks like a missing one", async () => {
    const { service, user } = await withUser();
    const other = await service.createUser(BOOTSTRAP_ADMIN, { name: 'Bob', email: 'bob@example.com', systemRole: 'USER' });
    const theirs = await service.createApiToken(asPrincipal(other), { name: 'bob', scopes: ['read'] });
    const foreign = await failure(service.revokeApiToken(asPrincipal(user), theirs.record.id));
    const missing = await failure(service.revokeApiToken(asPrincipal(user), 'no-such-token'));
    expect(foreign).toMatchObject({ code: 'NOT_FOUND', details: { field: 'id' } });
    expect(missing.code).toBe(foreign.code);
    expect((await service.revokeApiToken(BOOTSTRAP_ADMIN, theirs.record.id)).revokedAt).not.toBeNull();
  });

  test('last use is written at most once per interval per token', async () => {
    const { service, user, markUsedCalls, advance } = await withUser();
    const created = await service.createApiToken(asPrincipal(user), { name: 'busy', scopes: ['read'] });
    for (let request = 0; request < 5; request += 1) await service.authenticateApiToken(created.secret);
    expect(markUsedCalls).toHaveLength(1);
    advance(LAST_USE_WRITE_INTERVAL_MS);
    await service.authenticateApiToken(created.secret);
    expect(markUsedCalls).toHaveLength(2);
  });
});

describe('scopes', () => {
  const reader: Principal = { ...BOOTSTRAP_ADMIN, via: 'api-token', scopes: ['read'] };
  const writer: Principal = { ...BOOTSTRAP_ADMIN, via: 'api-token', scopes: ['write'] };

  test('read runs queries and subscriptions, write runs mutations', () => {
    expect(() => checkScope(reader, 'query')).not.toThrow();
    expect(() => checkScope(reader, 'subscription')).not.toThrow();
    expect(() => checkScope(reader, 'mutation')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => checkScope(writer, 'mutation')).not.toThrow();
    expect(() => checkScope(writer, 'query')).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
    expect(() => checkScope(BOOTSTRAP_ADMIN, 'mutation')).not.toThrow();
  });
});
