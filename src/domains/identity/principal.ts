/** Who is calling. Issue-level growth: users, API tokens and JWTs add kinds here. */
export type SystemRole = 'ADMIN' | 'USER';

export interface Principal {
  /** Stable id of the caller (a user id, or `bootstrap-admin`). */
  readonly id: string;
  readonly displayName: string;
  readonly systemRole: SystemRole;
  /** How the caller proved who they are. */
  readonly via: 'admin-token';
}
