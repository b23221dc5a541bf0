/**
 * Global object identification: every `id` the graph hands out names its type and its local key,
 * so `node(id:)` can find the object and clients' caches can key on it. The encoding is base64url
 * of `<TypeName>:<localKey>`; clients must treat it as opaque.
 */
export function toGlobalId(typeName: string, localKey: string): string {
  return Buffer.from(`${typeName}:${localKey}`, 'utf8').toString('base64url');
}

export interface DecodedGlobalId {
  readonly typeName: string;
  readonly localKey: string;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const TYPE_NAME = /^[A-Z][A-Za-z]*$/;

/** `null` for anything that is not a global id (garbage, a raw local key). */
export function decodeGlobalId(globalId: string): DecodedGlobalId | null {
  if (globalId.length === 0 || globalId.length > 1024 || !BASE64URL.test(globalId)) return null;
  const decoded = Buffer.from(globalId, 'base64url').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) return null;
  const typeName = decoded.slice(0, colon);
  const localKey = decoded.slice(colon + 1);
  if (!TYPE_NAME.test(typeName) || localKey.length === 0) return null;
  // Reject strings that only happen to decode (the round trip must give the same text back).
  if (toGlobalId(typeName, localKey) !== globalId) return null;
  return { typeName, localKey };
}

/**
 * The local key of an id argument that must name an object of `typeName`. An id of another type
 * gives a key that matches nothing, so the caller answers "not found" as for a missing object.
 * Raw local keys (the ids of releases before global ids) are still accepted.
 */
export function localKeyOf(globalId: string, typeName: string): string {
  const decoded = decodeGlobalId(globalId);
  if (decoded === null) return globalId;
  return decoded.typeName === typeName ? decoded.localKey : `\u0000${globalId}`;
}
