import { BadInputError } from '../../shared/errors.js';
import { SYSTEM_ROLES, TOKEN_SCOPES, type SystemRole, type TokenScope } from './records.js';

export const MAX_USER_NAME_LENGTH = 100;
export const MAX_EMAIL_LENGTH = 254;
export const MAX_TOKEN_NAME_LENGTH = 100;
/** Deliberately loose (one @, a dot in the domain, no spaces): the identity provider owns the real check. */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function validName(field: string, raw: string, maxLength: number): string {
  const name = raw.trim();
  if (name === '') throw new BadInputError(field, 'must not be empty');
  if (name.length > maxLength) throw new BadInputError(field, `must be at most ${maxLength} characters`);
  // Control characters end up in logs and tables; nobody needs them in a name.
  if (/\p{Cc}/u.test(name)) throw new BadInputError(field, 'must not contain control characters');
  return name;
}

/** Trimmed and lower-cased, so one person has one account whatever the capitalization. */
export function validEmail(field: string, raw: string): string {
  const email = raw.trim().toLowerCase();
  if (email.length > MAX_EMAIL_LENGTH) throw new BadInputError(field, `must be at most ${MAX_EMAIL_LENGTH} characters`);
  if (!EMAIL_SHAPE.test(email)) throw new BadInputError(field, 'is not an email address');
  return email;
}

export function validSystemRole(field: string, raw: string): SystemRole {
  const role = SYSTEM_ROLES.find((candidate) => candidate === raw);
  if (role === undefined) throw new BadInputError(field, `must be one of ${SYSTEM_ROLES.join(', ')}`);
  return role;
}

export function validScopes(field: string, raw: readonly string[]): TokenScope[] {
  if (raw.length === 0) throw new BadInputError(field, `name at least one of ${TOKEN_SCOPES.join(', ')}`);
  const scopes = new Set<TokenScope>();
  for (const value of raw) {
    const scope = TOKEN_SCOPES.find((candidate) => candidate === value);
    if (scope === undefined) throw new BadInputError(field, `${JSON.stringify(value)} is not one of ${TOKEN_SCOPES.join(', ')}`);
    scopes.add(scope);
  }
  return TOKEN_SCOPES.filter((scope) => scopes.has(scope));
}

/** An ISO 8601 instant strictly after `now`; `null`/`undefined` mean "never expires". */
export function validExpiry(field: string, raw: string | null | undefined, now: Date): Date | null {
  if (raw === null || raw === undefined) return null;
  // Date.parse accepts many shapes; insist on a date with a time and a zone so "03/04" is not guessed at.
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) {
    throw new BadInputError(field, 'must be an ISO 8601 date-time with a time zone, e.g. 2030-01-31T00:00:00Z');
  }
  const at = new Date(raw);
  if (Number.isNaN(at.getTime())) throw new BadInputError(field, 'is not a valid date-time');
  if (at.getTime() <= now.getTime()) throw new BadInputError(field, 'must be in the future');
  return at;
}
