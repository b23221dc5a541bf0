import { createRemoteJWKSet, decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey } from 'jose';
import { DomainError, UnauthenticatedError } from '../../shared/errors.js';
import type { JwtIdentity } from './identity-service.js';

/** Where JWTs come from: a shared HS256 secret, an OIDC issuer, or both (told apart by `alg`). */
export interface JwtSettings {
  readonly hs256?: { readonly secret: string; readonly issuer?: string | undefined; readonly audience?: string | undefined } | undefined;
  readonly oidc?: { readonly issuer: string; readonly audience: string } | undefined;
}

export interface JwtVerifier {
  /** The identity a valid token names; UNAUTHENTICATED for anything forged, expired or meant for someone else. */
  verify(token: string): Promise<JwtIdentity>;
}

/** Signatures an issuer's published keys can make. HS* is absent on purpose: a public key must never serve as an HMAC secret. */
const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519'];
/** Clocks drift; a few seconds either way should not lock a person out. */
const CLOCK_TOLERANCE_SECONDS = 30;
const DISCOVERY_TIMEOUT_MS = 5_000;
const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function looksLikeJwt(token: string): boolean {
  return /^[\w-]+\.[\w-]+\.[\w-]*$/.test(token);
}

/** Reads `<issuer>/.well-known/openid-configuration` and checks it belongs to that issuer (OIDC Discovery §4.3). */
async function discoverJwks(issuer: string): Promise<JWTVerifyGetKey> {
  const url = `${issuer.replace(/\/+$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { signal: AbortSignal.timeout(DISCOVERY_TIMEOUT_MS), headers: { accept: 'application/json' } });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  const document = (await response.json()) as { issuer?: unknown; jwks_uri?: unknown };
  if (document.issuer !== issuer) throw new Error(`${url} names issuer ${JSON.stringify(document.issuer)}, not ${issuer}`);
  if (typeof document.jwks_uri !== 'string') throw new Error(`${url} has no jwks_uri`);
  return createRemoteJWKSet(new URL(document.jwks_uri), { timeoutDuration: DISCOVERY_TIMEOUT_MS });
}

function identityOf(payload: JWTPayload): JwtIdentity {
  const name = typeof payload.name === 'string' ? payload.name : typeof payload.preferred_username === 'string' ? payload.preferred_username : null;
  if (typeof payload.email === 'string') {
    // An unverified address could claim someone else's account.
    if (payload.email_verified === false) throw new UnauthenticatedError("The bearer token's email is not verified");
    if (!EMAIL_SHAPE.test(payload.email)) throw new UnauthenticatedError("The bearer token's email claim is not an email address");
    return { email: payload.email, name };
  }
  if (typeof payload.sub === 'string' && EMAIL_SHAPE.test(payload.sub)) return { email: payload.sub, name };
  throw new UnauthenticatedError('The bearer token names no user: it needs an email claim, or an email address as its sub');
}

function explain(error: unknown): DomainError {
  if (error instanceof DomainError) return error;
  if (error instanceof errors.JWTExpired) return new UnauthenticatedError('The bearer token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new UnauthenticatedError(`The bearer token's "${error.claim}" claim is not valid (${error.reason})`);
  if (error instanceof errors.JOSEAlgNotAllowed) return new UnauthenticatedError('The bearer token is signed with an algorithm this gateway does not accept');
  if (error instanceof errors.JWKSTimeout) return new DomainError('UNAVAILABLE', 'The identity provider did not answer in time; try again');
  if (error instanceof errors.JOSEError) return new UnauthenticatedError('The bearer token is not valid');
  // Discovery or key fetching failed: the caller's token may be fine, the issuer is not reachable.
  return new DomainError('UNAVAILABLE', 'The identity provider cannot be reached to check the bearer token; try again');
}

export function createJwtVerifier(settings: JwtSettings): JwtVerifier | undefined {
  const { hs256, oidc } = settings;
  if (hs256 === undefined && oidc === undefined) return undefined;
  const secret = hs256 === undefined ? undefined : new TextEncoder().encode(hs256.secret);
  // One discovery at a time; a failed one is forgotten so the next request retries it.
  let jwks: Promise<JWTVerifyGetKey> | undefined;
  const issuerKeys = (issuer: string): Promise<JWTVerifyGetKey> => {
    jwks ??= discoverJwks(issuer).catch((error: unknown) => {
      jwks = undefined;
      throw error;
    });
    return jwks;
  };

  return {
    async verify(token) {
      let algorithm: string | undefined;
      try {
        algorithm = decodeProtectedHeader(token).alg;
      } catch {
        throw new UnauthenticatedError('The bearer token is not a valid JWT');
      }
      try {
        if (algorithm === 'HS256' && secret !== undefined && hs256 !== undefined) {
          const { payload } = await jwtVerify(token, secret, {
            algorithms: ['HS256'],
            requiredClaims: ['exp'],
            clockTolerance: CLOCK_TOLERANCE_SECONDS,
            ...(hs256.issuer !== undefined ? { issuer: hs256.issuer } : {}),
            ...(hs256.audience !== undefined ? { audience: hs256.audience } : {}),
          });
          return identityOf(payload);
        }
        if (oidc !== undefined && algorithm !== undefined && ASYMMETRIC_ALGORITHMS.includes(algorithm)) {
          const { payload } = await jwtVerify(token, await issuerKeys(oidc.issuer), {
            algorithms: ASYMMETRIC_ALGORITHMS,
            issuer: oidc.issuer,
            audience: oidc.audience,
            requiredClaims: ['exp'],
            clockTolerance: CLOCK_TOLERANCE_SECONDS,
          });
          return identityOf(payload);
        }
      } catch (error) {
        throw explain(error);
      }
      throw new UnauthenticatedError(`The bearer token is signed with ${algorithm ?? 'no algorithm'}, which this gateway does not accept`);
    },
  };
}
