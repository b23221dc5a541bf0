import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../../shared/errors.js';
import { looksLikeApiToken } from './api-token-secret.js';
import { BOOTSTRAP_ADMIN, type IdentityService } from './identity-service.js';
import { looksLikeJwt, type JwtVerifier } from './jwt-verifier.js';
import type { Principal } from './principal.js';

export interface Authenticator {
  /**
   * `null` when no credentials were sent (the caller is anonymous); throws UNAUTHENTICATED when
   * credentials were sent but are not valid, so a typo never silently downgrades to anonymous.
   */
  authenticate(authorization: string | undefined | null): Promise<Principal | null>;
}

export interface AuthenticatorOptions {
  readonly adminToken: string | undefined;
  readonly identity: Pick<IdentityService, 'authenticateApiToken' | 'signInWithJwt'>;
  /** Absent when neither KDA_JWT_SECRET nor KDA_OIDC_ISSUER is set: JWTs are then refused. */
  readonly jwt?: JwtVerifier | undefined;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function bearerToken(authorization: string): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!match?.[1]) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');
  return match[1];
}

/** Tells the three kinds of bearer token apart by shape: the admin token, `kda_…` API tokens, JWTs. */
export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const adminDigest = options.adminToken === undefined ? undefined : digest(options.adminToken);
  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization === null || authorization.trim() === '') return null;
      const token = bearerToken(authorization);
      // Compare digests so the comparison time does not depend on the token's length or prefix.
      if (adminDigest !== undefined && timingSafeEqual(digest(token), adminDigest)) return BOOTSTRAP_ADMIN;
      if (looksLikeApiToken(token)) return options.identity.authenticateApiToken(token);
      if (looksLikeJwt(token)) {
        if (options.jwt === undefined) throw new UnauthenticatedError('This gateway accepts no JWTs (neither KDA_JWT_SECRET nor KDA_OIDC_ISSUER is set)');
        return options.identity.signInWithJwt(await options.jwt.verify(token));
      }
      throw new UnauthenticatedError('The bearer token is not valid');
    },
  };
}
