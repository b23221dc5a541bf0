/**
 * Structural equality of two projections, ignoring their top-level resourceVersion: an object
 * whose resourceVersion moved but whose projection did not (a node heartbeat, a managedFields
 * update) is not a change worth an event.
 */
export function sameProjection(a: object, b: object): boolean {
  return deepEqual(withoutResourceVersion(a), withoutResourceVersion(b));
}

function withoutResourceVersion(value: object): Record<string, unknown> {
  const { resourceVersion: _ignored, ...rest } = value as Record<string, unknown>;
  return rest;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((entry, index) => deepEqual(entry, b[index]));
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  // A key holding undefined and a missing key mean the same thing in JSON.
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  for (const key of keys) {
    if (!deepEqual(left[key], right[key])) return false;
  }
  return true;
}
