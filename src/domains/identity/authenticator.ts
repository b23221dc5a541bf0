import { createHash, timingSafeEqual } from 'node:crypto';
import { UnauthenticatedError } from '../../shared/errors.js';
import type { Principal } from './principal.js';

export interface Authenticator {
  /**
   * `null` when no credentials were sent (the caller is anonymous); throws UNAUTHENTICATED when
   * credentials were sent but are not valid, so a typo never silently downgrades to anonymous.
   */
  authenticate(authorization: string | undefined | null): Promise<Principal | null>;
}

const BOOTSTRAP_ADMIN: Principal = { id: 'bootstrap-admin', displayName: 'Bootstrap administrator', systemRole: 'ADMIN', via: 'admin-token' };

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

export function bearerToken(authorization: string): string {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization.trim());
  if (!match?.[1]) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');
  return match[1];
}

export function createAuthenticator(options: { adminToken: string | undefined }): Authenticator {
  const adminDigest = options.adminToken === undefined ? undefined : digest(options.adminToken);
  return {
    async authenticate(authorization) {
      if (authorization === undefined || authorization === null || authorization.trim() === '') return null;
      const token = bearerToken(authorization);
      // Compare digests so the comparison time does not depend on the token's length or prefix.
      if (adminDigest !== undefined && timingSafeEqual(digest(token), adminDigest)) return BOOTSTRAP_ADMIN;
      throw new UnauthenticatedError('The bearer token is not valid');
    },
  };
}
