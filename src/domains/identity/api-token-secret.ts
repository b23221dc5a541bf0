import { createHash, randomInt } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
export const API_TOKEN_PREFIX = 'kda_';
const SECRET_LENGTH = 40;
/** `kda_` and 8 characters: enough to tell tokens apart, far too little to guess the rest (40 base62 ≈ 238 bits). */
const SHOWN_PREFIX_LENGTH = API_TOKEN_PREFIX.length + 8;
const API_TOKEN_SHAPE = new RegExp(`^${API_TOKEN_PREFIX}[0-9A-Za-z]{${SECRET_LENGTH}}$`);

export interface GeneratedApiToken {
  readonly secret: string;
  readonly hash: string;
  readonly prefix: string;
}

/** `kda_` + 40 base62 characters from the CSPRNG (randomInt is unbiased, unlike `byte % 62`). */
export function generateApiToken(): GeneratedApiToken {
  let body = '';
  for (let index = 0; index < SECRET_LENGTH; index += 1) body += ALPHABET[randomInt(ALPHABET.length)];
  const secret = `${API_TOKEN_PREFIX}${body}`;
  return { secret, hash: hashApiToken(secret), prefix: secret.slice(0, SHOWN_PREFIX_LENGTH) };
}

/** A plain SHA-256 suffices: the secret has ~238 bits of entropy, so there is nothing to brute-force. */
export function hashApiToken(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function looksLikeApiToken(token: string): boolean {
  return token.startsWith(API_TOKEN_PREFIX);
}

export function isWellFormedApiToken(token: string): boolean {
  return API_TOKEN_SHAPE.test(token);
}
