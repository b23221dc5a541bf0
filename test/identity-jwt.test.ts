import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWTPayload } from 'jose';
import { collect } from './support/subscription.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { CREATE_TOKEN, openTables } from './identity-support.js';
import { localKeyOf } from '../src/shared/global-id.js';

const HS_SECRET = 'an-hs256-secret-of-at-least-32-bytes!!';
const HS_AUDIENCE = 'kda-gateway';
const OIDC_AUDIENCE = 'kda-client';

/** A tiny OpenID Connect issuer on loopback: discovery document and JWKS, nothing else. */
async function startIssuer(): Promise<{ issuer: string; privateKey: CryptoKey; kid: string; close(): Promise<void> }> {
  const { publicKey, privateKey } = await generateKeyPair('RS256');
  const kid = 'test-key-1';
  const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  let issuer = '';
  const server: Server = createServer((request, response) => {
    const body = request.url === '/.well-known/openid-configuration' ? { issuer, jwks_uri: `${issuer}/jwks` } : request.url === '/jwks' ? { keys: [jwk] } : undefined;
    response.writeHead(body === undefined ? 404 : 200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body ?? { error: 'not found' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    issuer,
    privateKey,
    kid,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

function sign(claims: JWTPayload, key: CryptoKey | Uint8Array, options: { alg: string; kid?: string; expiresIn?: string | number; notBefore?: string | number }): Promise<string> {
  const jwt = new SignJWT(claims).setProtectedHeader({ alg: options.alg, ...(options.kid ? { kid: options.kid } : {}) }).setIssuedAt();
  if (options.expiresIn !== undefined) jwt.setExpirationTime(options.expiresIn);
  if (options.notBefore !== undefined) jwt.setNotBefore(options.notBefore);
  return jwt.sign(key);
}

describe('identity: JWT bearer tokens', () => {
  let gateway: TestGateway;
  let issuer: Awaited<ReturnType<typeof startIssuer>>;
  let tables: Awaited<ReturnType<typeof openTables>>;
  const hsKey = new TextEncoder().encode(HS_SECRET);

  beforeAll(async () => {
    issuer = await startIssuer();
    gateway = await startTestGateway({
      jwt: { hs256: { secret: HS_SECRET, audience: HS_AUDIENCE }, oidc: { issuer: issuer.issuer, audience: OIDC_AUDIENCE } },
    });
    tables = await openTables(gateway);
  });

  afterAll(async () => {
    await tables?.close();
    await gateway?.stop();
    await issuer?.close();
  });

  const hs256 = (claims: JWTPayload, options: { expiresIn?: string | number; notBefore?: string | number } = {}) =>
    sign({ aud: HS_AUDIENCE, ...claims }, hsKey, { alg: 'HS256', expiresIn: '5m', ...options });
  const oidc = (claims: JWTPayload, options: { expiresIn?: string | number; key?: CryptoKey } = {}) =>
    sign({ iss: issuer.issuer, aud: OIDC_AUDIENCE, ...claims }, options.key ?? issuer.privateKey, { alg: 'RS256', kid: issuer.kid, expiresIn: options.expiresIn ?? '5m' });

  async function usersWithEmail(email: string): Promise<Array<{ id: string; system_role: string }>> {
    return tables.query('SELECT id, system_role FROM users WHERE email = ?', [email]);
  }

  const ME = `{ me { id name email systemRole } }`;

  test('HS256: the first sign-in creates a USER, the next finds the same one', async () => {
    const token = await hs256({ sub: 'hs-1', email: 'Hana@Example.com', name: 'Hana' });
    const first = await gateway.request<{ me: { id: string; name: string; email: string; systemRole: string } }>(ME, {}, token);
    expect(first.data?.me).toMatchObject({ name: 'Hana', email: 'hana@example.com', systemRole: 'USER' });
    const again = await gateway.request<{ me: { id: string } }>(ME, {}, await hs256({ sub: 'hs-1', email: 'hana@example.com' }));
    expect(again.data?.me.id).toBe(first.data?.me.id);
    expect(await usersWithEmail('hana@example.com')).toEqual([{ id: localKeyOf(first.data?.me.id ?? '', 'User'), system_role: 'USER' }]);
  });

  test('HS256: an email `sub` names the user when there is no email claim', async () => {
    const response = await gateway.request<{ me: { email: string } }>(ME, {}, await hs256({ sub: 'subonly@example.com' }));
    expect(response.data?.me.email).toBe('subonly@example.com');
  });

  test('OIDC: a token from the issuer signs in, over HTTP and websocket', async () => {
    const token = await oidc({ sub: 'oidc-1', email: 'olivia@example.com', email_verified: true, name: 'Olivia' });
    const response = await gateway.request<{ me: { id: string; email: string; systemRole: string } }>(ME, {}, token);
    expect(response.data?.me).toMatchObject({ email: 'olivia@example.com', systemRole: 'USER' });
    const overSocket = collect<{ me: { id: string } }>(gateway.websocket(`Bearer ${token}`), `{ me { id } }`);
    await overSocket.done;
    expect(overSocket.results).toEqual([{ data: { me: { id: response.data?.me.id } }, extensions: { cost: { requested: 1, maximum: 20_000 } } }]);
  });

  test('a JWT user is a USER: no user list; may make an API token of their own', async () => {
    const token = await oidc({ sub: 'oidc-2', email: 'uma@example.com' });
    expect((await gateway.request(`{ users { totalCount } }`, {}, token)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const created = await gateway.request<{ createApiToken: { token: string } }>(CREATE_TOKEN, { input: { name: 'cli', scopes: ['READ'] } }, token);
    const apiToken = created.data?.createApiToken.token ?? '';
    expect((await gateway.request<{ me: { email: string } }>(ME, {}, apiToken)).data?.me.email).toBe('uma@example.com');
  });

  const refused: Array<[string, RegExp, () => Promise<string>]> = [
    ['HS256 expired', /expired/, () => hs256({ email: 'late@example.com' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
    ['HS256 not valid yet', /nbf/, () => hs256({ email: 'early@example.com' }, { notBefore: '1h' })],
    [
      'HS256 forged (another secret)',
      /not valid/,
      () => sign({ aud: HS_AUDIENCE, email: 'forged@example.com' }, new TextEncoder().encode('x'.repeat(40)), { alg: 'HS256', expiresIn: '5m' }),
    ],
    ['HS256 wrong audience', /aud/, () => hs256({ aud: 'someone-else', email: 'aud@example.com' })],
    ['HS256 without exp', /exp/, () => sign({ aud: HS_AUDIENCE, email: 'forever@example.com' }, hsKey, { alg: 'HS256' })],
    [
      'alg none',
      /none/,
      async () =>
        `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${Buffer.from(JSON.stringify({ email: 'none@example.com', aud: HS_AUDIENCE, exp: 9_999_999_999 })).toString('base64url')}.`,
    ],
    ['OIDC expired', /expired/, () => oidc({ email: 'late2@example.com' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 })],
    ['OIDC wrong audience', /aud/, () => oidc({ aud: 'another-client', email: 'aud2@example.com' })],
    ['OIDC wrong issuer', /iss/, () => oidc({ iss: 'https://evil.example.com', email: 'iss@example.com' })],
    ['OIDC signed by a key the issuer did not publish', /not valid/, async () => oidc({ email: 'forged2@example.com' }, { key: (await generateKeyPair('RS256')).privateKey })],
    ['OIDC with an unverified email', /not verified/, () => oidc({ email: 'unverified@example.com', email_verified: false })],
    ['a JWT naming no email', /names no user/, () => hs256({ sub: 'just-an-id' })],
  ];

  test.each(refused)('%s: UNAUTHENTICATED, and no user is created', async (_case, reason, make) => {
    const before = await tables.query<{ n: number }>('SELECT COUNT(*) AS n FROM users');
    const token = await make();
    const response = await gateway.request(ME, {}, token);
    expect(response.status).toBe(401);
    expect(response.errors?.[0]).toMatchObject({ message: expect.stringMatching(reason), extensions: { code: 'UNAUTHENTICATED' } });
    expect(await tables.query<{ n: number }>('SELECT COUNT(*) AS n FROM users')).toEqual(before);
  });

  test('a websocket with an expired JWT is closed with 4403', async () => {
    const token = await hs256({ email: 'late3@example.com' }, { expiresIn: Math.floor(Date.now() / 1000) - 3600 });
    const subscription = collect(gateway.websocket(`Bearer ${token}`), `{ me { id } }`);
    await expect(subscription.done).rejects.toMatchObject({ code: 4403 });
  });
});

describe('identity: JWTs when none are configured', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  test('a well-signed JWT is still UNAUTHENTICATED', async () => {
    const token = await sign({ aud: HS_AUDIENCE, email: 'x@example.com' }, new TextEncoder().encode(HS_SECRET), { alg: 'HS256', expiresIn: '5m' });
    const response = await gateway.request(`{ me { id } }`, {}, token);
    expect(response.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});
