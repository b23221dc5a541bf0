export const REDACTED = '[redacted]';
const MAX_DEPTH = 8;

/** Argument names whose values are credentials: never written to the audit log. */
export function isSecretKey(key: string): boolean {
  const name = key.toLowerCase();
  return /kubeconfig|password|passphrase|secret|credential|privatekey/.test(name) || name === 'token' || name.endsWith('token') || name === 'authorization';
}

/** A JSON-ready copy of `value` with every secret-named field replaced, at any depth. */
export function redactSecrets(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, depth + 1));
  if (value instanceof Date) return value.toISOString();
  const copy: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    copy[key] = isSecretKey(key) && item !== null ? REDACTED : redactSecrets(item, depth + 1);
  }
  return copy;
}
