import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { DomainError } from '../../shared/errors.js';
import { createJwtVerifier, looksLikeJwt } from './jwt-verifier.js';

async function rs256Token(issuer: string): Promise<string> {
  const { privateKey } = await generateKeyPair('RS256');
  return new SignJWT({ email: 'a@example.com' }).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setIssuer(issuer).setAudience('client').setExpirationTime('5m').sign(privateKey);
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof DomainError) return error.code;
    throw error;
  }
  return 'resolved';
}

describe('createJwtVerifier', () => {
  test('nothing configured: no verifier', () => {
    expect(createJwtVerifier({})).toBeUndefined();
  });

  test('tells JWTs from other tokens by shape', () => {
    expect(looksLikeJwt('eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhIn0.sig')).toBe(true);
    expect(looksLikeJwt('kda_abc')).toBe(false);
  });

  test('an OIDC issuer that cannot be reached is UNAVAILABLE, not a bad token', async () => {
    // A port nobody listens on: bind one, note it, close it.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const issuer = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const verifier = createJwtVerifier({ oidc: { issuer, audience: 'client' } });
    expect(await codeOf(verifier!.verify(await rs256Token(issuer)))).toBe('UNAVAILABLE');
  });

  test('a discovery document naming another issuer is not trusted', async () => {
    const server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ issuer: 'https://someone-else.example.com', jwks_uri: 'http://127.0.0.1:1/jwks' }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const verifier = createJwtVerifier({ oidc: { issuer, audience: 'client' } });
      expect(await codeOf(verifier!.verify(await rs256Token(issuer)))).toBe('UNAVAILABLE');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  test('an HS256 token when only OIDC is configured is refused (no key confusion)', async () => {
    const verifier = createJwtVerifier({ oidc: { issuer: 'http://127.0.0.1:1', audience: 'client' } });
    const token = await new SignJWT({ email: 'a@example.com' })
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('5m')
      .sign(new TextEncoder().encode('x'.repeat(32)));
    expect(await codeOf(verifier!.verify(token))).toBe('UNAUTHENTICATED');
  });
});
