export { createAuthenticator, type Authenticator } from './authenticator.js';
export { IdentityResolver, type IdentityContext } from './identity-resolver.js';
export type { Principal, SystemRole } from './principal.js';
