import { randomBytes } from 'node:crypto';

/** The well-known admin token of the embedded default; the README names it. */
export const EMBEDDED_ADMIN_TOKEN = 'kda-local-admin';

/**
 * Where the admin token came from: an operator's `environment`, the `well-known` embedded token
 * (loopback only), or `generated` for an embedded start others can reach (printed once at start).
 */
export type AdminTokenSource = 'environment' | 'well-known' | 'generated';

/** True when only this machine can connect to `host`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

export interface AdminTokenChoice {
  readonly adminToken: string | undefined;
  readonly adminTokenSource: AdminTokenSource | undefined;
}

export function chooseAdminToken(raw: string | undefined, embedded: boolean, host: string, problems: string[]): AdminTokenChoice {
  const loopbackOnly = isLoopbackHost(host);
  const configured = raw?.trim() || undefined;
  if (configured !== undefined) {
    if (configured === EMBEDDED_ADMIN_TOKEN && !loopbackOnly) {
      problems.push(`KDA_ADMIN_TOKEN must not be the well-known "${EMBEDDED_ADMIN_TOKEN}" when listening on ${host}: anyone who can reach the port could use it`);
    } else if ((!embedded || !loopbackOnly) && configured.length < 16) {
      problems.push('KDA_ADMIN_TOKEN must be at least 16 characters long');
    }
    return { adminToken: configured, adminTokenSource: 'environment' };
  }
  if (!embedded) return { adminToken: undefined, adminTokenSource: undefined };
  // The well-known token is a convenience for one person on one machine, never for a network
  // (e.g. `docker run -p`, where HOST is 0.0.0.0): there a fresh random token is made instead.
  if (loopbackOnly) return { adminToken: EMBEDDED_ADMIN_TOKEN, adminTokenSource: 'well-known' };
  return { adminToken: `kda-${randomBytes(24).toString('base64url')}`, adminTokenSource: 'generated' };
}

/** What the start banner says about the admin token: only a token the gateway chose itself is printed, once. */
export function adminTokenBannerLine(config: { readonly adminToken: string | undefined; readonly adminTokenSource?: AdminTokenSource | undefined }): string {
  const token = config.adminToken;
  if (token === undefined) return '';
  if (config.adminTokenSource === 'well-known') return `Admin token: ${token} (send "Authorization: Bearer ${token}"; GraphiQL has it pre-filled).`;
  if (config.adminTokenSource === 'generated')
    return `Admin token: ${token} (made for this start, as the gateway is reachable from the network; send "Authorization: Bearer ${token}").`;
  return '';
}
