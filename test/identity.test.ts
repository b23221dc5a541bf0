import { createHash } from 'node:crypto';
import { collect } from './support/subscription.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';
import { nodesOf, type Connection } from './support/connections.js';
import { CREATE_TOKEN, CREATE_USER, createToken, createUser, ME, openTables, REVOKE_TOKEN } from './identity-support.js';
import { localKeyOf, toGlobalId } from '../src/shared/global-id.js';

type Tables = Awaited<ReturnType<typeof openTables>>;

describe('identity: users and API tokens end to end', () => {
  let gateway: TestGateway;
  let tables: Tables;

  beforeAll(async () => {
    gateway = await startTestGateway();
    tables = await openTables(gateway);
  });

  afterAll(async () => {
    await tables?.close();
    await gateway?.stop();
  });

  async function counts(): Promise<{ users: number; tokens: number }> {
    const [row] = await tables.query<{ users: number; tokens: number }>('SELECT (SELECT COUNT(*) FROM users) AS users, (SELECT COUNT(*) FROM api_tokens) AS tokens');
    return { users: Number(row?.users), tokens: Number(row?.tokens) };
  }

  test('the lifecycle of a token: create, use over HTTP and websocket, last use recorded, revoke, refused', async () => {
    const ada = await createUser(gateway, { name: 'Ada', email: 'ada@example.com', systemRole: 'USER' });
    const created = await gateway.request<{
      createApiToken: { token: string; apiToken: { id: string; userId: string; prefix: string; scopes: string[]; lastUsedAt: string | null } };
    }>(CREATE_TOKEN, {
      input: { name: 'grafana', userId: ada.id, scopes: ['READ', 'WRITE'] },
    });
    const { token, apiToken } = created.data!.createApiToken;
    expect(token).toMatch(/^kda_[0-9A-Za-z]{40}$/);
    expect(apiToken).toMatchObject({ userId: ada.id, scopes: ['READ', 'WRITE'], lastUsedAt: null });
    expect(token.startsWith(apiToken.prefix)).toBe(true);

    // Only the hash is stored.
    const [row] = await tables.query<Record<string, unknown>>('SELECT * FROM api_tokens WHERE id = ?', [localKeyOf(apiToken.id, 'ApiToken')]);
    expect(row?.token_hash).toBe(createHash('sha256').update(token).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(token);

    // HTTP: the token acts as its user, who sees their tokens but never a hash.
    const me = await gateway.request<{ me: { id: string; email: string; systemRole: string; apiTokens: Connection<{ id: string; name: string }> } }>(ME, {}, token);
    expect(me.data?.me).toMatchObject({ id: ada.id, email: 'ada@example.com', systemRole: 'USER', apiTokens: { edges: [{ node: { id: apiToken.id, name: 'grafana' } }] } });
    expect((await gateway.request(`{ me { apiTokens { edges { node { tokenHash } } } } }`, {}, token)).errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');

    // Websocket: the same token opens a connection (a query over graphql-ws answers as Ada).
    const overSocket = collect<{ me: { id: string } }>(gateway.websocket(`Bearer ${token}`), `{ me { id } }`);
    await overSocket.done;
    expect(overSocket.results).toEqual([{ data: { me: { id: ada.id } }, extensions: { cost: { requested: 1, maximum: 20_000 } } }]);

    // Last use was recorded.
    const lastUsed = await waitFor('last use recorded', async () => {
      const [stored] = await tables.query<{ last_used_at: Date | null }>('SELECT last_used_at FROM api_tokens WHERE id = ?', [localKeyOf(apiToken.id, 'ApiToken')]);
      return stored?.last_used_at ?? false;
    });
    expect(lastUsed).toBeInstanceOf(Date);
    const seen = await gateway.request<{ me: { apiTokens: Connection<{ lastUsedAt: string | null }> } }>(ME, {}, token);
    expect(nodesOf(seen.data?.me.apiTokens)[0]?.lastUsedAt).toBe(lastUsed.toISOString());

    // A live subscription opened with the token before it is revoked.
    const openBeforeRevoke = collect(gateway.websocket(`Bearer ${token}`), `subscription { clusterStatus { id } }`);
    await waitFor('the socket to be open', async () => /^kda_websocket_connections [1-9]/m.test(await (await fetch(`${gateway.url}/metrics`)).text()));

    // Revoked by its owner: refused over HTTP (401) and websocket (4403) from then on.
    const revoked = await gateway.request<{ revokeApiToken: { apiToken: { id: string; revokedAt: string | null } } }>(REVOKE_TOKEN, { input: { id: apiToken.id } }, token);
    expect(revoked.data?.revokeApiToken.apiToken).toEqual({ id: apiToken.id, revokedAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/) });
    const refused = await gateway.request(ME, {}, token);
    expect(refused.status).toBe(401);
    expect(refused.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const refusedSocket = collect(gateway.websocket(`Bearer ${token}`), `{ me { id } }`);
    await expect(refusedSocket.done).rejects.toMatchObject({ code: 4403 });
    // The socket opened before the revocation is cut off too, at its next credential check.
    await expect(openBeforeRevoke.done).rejects.toMatchObject({ code: 4403 });

    // The administrator sees it as revoked.
    const listed = await gateway.request<{ users: Connection<{ id: string; apiTokens: Connection<{ id: string; revokedAt: string | null }> }> }>(
      `{ users { edges { node { id apiTokens { edges { node { id revokedAt } } } } } } }`,
    );
    expect(nodesOf(nodesOf(listed.data?.users).find((user) => user.id === ada.id)?.apiTokens)).toEqual([
      { id: apiToken.id, revokedAt: revoked.data?.revokeApiToken.apiToken.revokedAt },
    ]);
  });

  test('an expired token is UNAUTHENTICATED', async () => {
    const user = await createUser(gateway, { name: 'Exp', email: 'exp@example.com', systemRole: 'USER' });
    const { token, id } = await createToken(gateway, { name: 'short', userId: user.id, scopes: ['READ'], expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await gateway.request(ME, {}, token)).data?.me).toBeDefined();
    // Time cannot be moved in a running gateway; move the expiry instead.
    await tables.query('UPDATE api_tokens SET expires_at = ? WHERE id = ?', [new Date(Date.now() - 1000), localKeyOf(id, 'ApiToken')]);
    const response = await gateway.request(ME, {}, token);
    expect(response.errors?.[0]).toMatchObject({ message: expect.stringMatching(/expired/), extensions: { code: 'UNAUTHENTICATED' } });
  });

  test('a made-up kda_ token is UNAUTHENTICATED', async () => {
    const response = await gateway.request(ME, {}, `kda_${'A'.repeat(40)}`);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  test('a read-only token reads but may not run mutations (FORBIDDEN, nothing written)', async () => {
    const user = await createUser(gateway, { name: 'Reader', email: 'reader@example.com', systemRole: 'ADMIN' });
    const { token } = await createToken(gateway, { name: 'dashboard', userId: user.id, scopes: ['READ'] });
    expect((await gateway.request(`{ users { totalCount } }`, {}, token)).data?.users).toBeDefined();
    const before = await counts();
    for (const [query, variables] of [
      [CREATE_USER, { input: { name: 'Nope', email: 'nope@example.com', systemRole: 'USER' } }],
      [CREATE_TOKEN, { input: { name: 'escalate', scopes: ['READ'] } }],
    ] as const) {
      const response = await gateway.request(query, variables, token);
      expect(response.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    }
    expect(await counts()).toEqual(before);
  });

  test('a write-only token may not read', async () => {
    const user = await createUser(gateway, { name: 'Writer', email: 'writer@example.com', systemRole: 'USER' });
    const { token } = await createToken(gateway, { name: 'pipeline', userId: user.id, scopes: ['WRITE'] });
    expect((await gateway.request(`{ me { id } }`, {}, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  test("a USER: no user list, no users created, no tokens for others, cannot revoke others' tokens", async () => {
    const mallory = await createUser(gateway, { name: 'Mallory', email: 'mallory@example.com', systemRole: 'USER' });
    const victim = await createUser(gateway, { name: 'Victim', email: 'victim@example.com', systemRole: 'USER' });
    const { token } = await createToken(gateway, { name: 'own', userId: mallory.id, scopes: ['READ', 'WRITE'] });
    const victimToken = await createToken(gateway, { name: 'theirs', userId: victim.id, scopes: ['READ'] });
    const before = await counts();

    expect((await gateway.request(`{ users { totalCount } }`, {}, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gateway.request(CREATE_USER, { input: { name: 'X', email: 'x@example.com', systemRole: 'ADMIN' } }, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await gateway.request(CREATE_TOKEN, { input: { name: 'steal', userId: victim.id, scopes: ['READ'] } }, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const revoke = await gateway.request(REVOKE_TOKEN, { input: { id: victimToken.id } }, token);
    expect(revoke.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(await counts()).toEqual(before);
    expect((await gateway.request(ME, {}, victimToken.token)).data?.me).toBeDefined();

    // Their own token they can make for themselves.
    const own = await createToken(gateway, { name: 'second', scopes: ['READ'] }, token);
    expect(own.token).toMatch(/^kda_/);
  });

  test('the bootstrap administrator is a principal without a user row', async () => {
    const response = await gateway.request<{ me: { id: string; email: string | null; systemRole: string; apiTokens: Connection<unknown> } }>(ME);
    expect(response.data?.me).toMatchObject({ id: toGlobalId('User', 'bootstrap-admin'), email: null, systemRole: 'ADMIN', apiTokens: { edges: [] } });
    const own = await gateway.request(CREATE_TOKEN, { input: { name: 'mine', scopes: ['READ'] } });
    expect(own.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'userId' });
  });

  test('createUser without systemRole makes a USER', async () => {
    const response = await gateway.request<{ createUser: { user: { email: string; systemRole: string } } }>(CREATE_USER, { input: { name: 'Plain', email: 'plain@example.com' } });
    expect(response.data?.createUser.user).toMatchObject({ email: 'plain@example.com', systemRole: 'USER' });
    const [row] = await tables.query<{ system_role: string }>('SELECT system_role FROM users WHERE email = ?', ['plain@example.com']);
    expect(row?.system_role).toBe('USER');
  });

  test('times are DateTime: an expiry given with an offset comes back as the same instant in UTC', async () => {
    const user = await createUser(gateway, { name: 'Zoned', email: 'zoned@example.com' });
    const response = await gateway.request<{ createApiToken: { apiToken: { expiresAt: string; createdAt: string } } }>(CREATE_TOKEN, {
      input: { name: 'seoul', userId: user.id, scopes: ['READ'], expiresAt: '2031-03-04T09:30:00+09:00' },
    });
    expect(response.data?.createApiToken.apiToken.expiresAt).toBe('2031-03-04T00:30:00.000Z');
    expect(response.data?.createApiToken.apiToken.createdAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
    // An inline literal is checked the same way as a variable, and named the same way.
    const literal = await gateway.request(`mutation { createApiToken(input: { name: "x", userId: "${user.id}", scopes: [READ], expiresAt: "tomorrow" }) { token } }`);
    expect(literal.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'expiresAt' });
  });

  describe('bad input is BAD_USER_INPUT (unknown ids NOT_FOUND, clashes CONFLICT) naming the field, and writes nothing', () => {
    let existing: { id: string };

    beforeAll(async () => {
      existing = await createUser(gateway, { name: 'Taken', email: 'taken@example.com', systemRole: 'USER' });
    });

    const user = (override: Record<string, unknown>) => ({ name: 'Someone', email: 'someone@example.com', systemRole: 'USER', ...override });

    test.each([
      ['email', 'a duplicate email', { email: 'TAKEN@example.com' }, 'CONFLICT'],
      ['email', 'an invalid email', { email: 'someone-at-example.com' }, 'BAD_USER_INPUT'],
      ['email', 'an over-long email', { email: `${'a'.repeat(250)}@example.com` }, 'BAD_USER_INPUT'],
      ['name', 'an over-long name', { name: 'n'.repeat(101) }, 'BAD_USER_INPUT'],
      ['name', 'an empty name', { name: '   ' }, 'BAD_USER_INPUT'],
    ])('createUser: %s (%s)', async (field, _case, override, code) => {
      const before = await counts();
      const response = await gateway.request(CREATE_USER, { input: user(override) });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code, field });
      expect(response.errors?.[0]?.message).toMatch(new RegExp(`^${field}: `));
      expect(await counts()).toEqual(before);
    });

    test('createUser: an invalid role is refused by the schema, naming systemRole', async () => {
      const before = await counts();
      const response = await gateway.request(CREATE_USER, { input: user({ systemRole: 'GOD' }) });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'systemRole' });
      expect(response.errors?.[0]?.message).toContain('systemRole');
      expect(await counts()).toEqual(before);
    });

    test.each([
      ['userId', 'an unknown user', { userId: '00000000-0000-0000-0000-000000000000' }, 'NOT_FOUND'],
      ['expiresAt', 'an expiry in the past', { expiresAt: '2001-01-01T00:00:00Z' }, 'BAD_USER_INPUT'],
      ['expiresAt', 'an expiry that is not a date', { expiresAt: 'next week' }, 'BAD_USER_INPUT'],
      ['expiresAt', 'a date-time without a zone', { expiresAt: '2031-01-01T00:00:00' }, 'BAD_USER_INPUT'],
      ['name', 'an over-long name', { name: 't'.repeat(101) }, 'BAD_USER_INPUT'],
      ['scopes', 'no scopes', { scopes: [] }, 'BAD_USER_INPUT'],
    ])('createApiToken: %s (%s)', async (field, _case, override, code) => {
      const before = await counts();
      const response = await gateway.request(CREATE_TOKEN, { input: { name: 'tool', userId: existing.id, scopes: ['READ'], ...override } });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code, field });
      expect(await counts()).toEqual(before);
    });

    test('createApiToken: an unknown scope is refused by the schema', async () => {
      const response = await gateway.request(CREATE_TOKEN, { input: { name: 'tool', userId: existing.id, scopes: ['ADMIN'] } });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scopes[0]' });
      expect(response.errors?.[0]?.message).toContain('scopes');
    });

    test('revokeApiToken: an unknown id', async () => {
      const response = await gateway.request(REVOKE_TOKEN, { input: { id: 'no-such-token' } });
      expect(response.errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    });
  });
});
