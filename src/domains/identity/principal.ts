import type { SystemRole, TokenScope } from './records.js';

export type { SystemRole, TokenScope } from './records.js';

/** How the caller proved who they are. */
export type AuthMethod = 'admin-token' | 'api-token' | 'jwt';

/** Who is calling, as established once per HTTP request or websocket connection. */
export interface Principal {
  /** Stable id of the caller: the user id, or `bootstrap-admin`. */
  readonly id: string;
  /** `null` only for the bootstrap administrator, who has no user row. */
  readonly userId: string | null;
  readonly email: string | null;
  readonly displayName: string;
  readonly systemRole: SystemRole;
  readonly via: AuthMethod;
  /** What this credential may do. Only API tokens are narrowed; the other methods carry every scope. */
  readonly scopes: readonly TokenScope[];
  /** The API token used, when `via` is `api-token`. */
  readonly tokenId: string | null;
}

export const BOOTSTRAP_ADMIN_ID = 'bootstrap-admin';
