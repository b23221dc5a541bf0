import { DEFAULT_LIMITS, type GatewayConfig } from '../config/config.js';
import { createAuthenticator, createJwtVerifier, IdentityService, type Authenticator } from '../domains/identity/index.js';
import { createApiTokenStore } from '../infra/db/api-token-store.js';
import { createUserStore } from '../infra/db/user-store.js';
import type { Infra } from './infra.js';

export interface IdentityWiring {
  readonly service: IdentityService;
  readonly authenticator: Authenticator;
}

/** Users, API tokens and the authenticator (admin token, API tokens, JWTs). */
export function wireIdentity(infra: Infra, config: GatewayConfig): IdentityWiring {
  const service = new IdentityService({
    users: createUserStore(infra.dataSource),
    tokens: createApiTokenStore(infra.dataSource),
    now: () => new Date(),
    logger: infra.logger,
    maxActiveTokensPerUser: (config.limits ?? DEFAULT_LIMITS).maxActiveTokensPerUser,
  });
  const authenticator = createAuthenticator({ adminToken: config.adminToken, identity: service, jwt: createJwtVerifier(config.jwt ?? {}) });
  return { service, authenticator };
}
