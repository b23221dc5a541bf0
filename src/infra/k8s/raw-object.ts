/**
 * Safe readers for raw Kubernetes objects. List responses from the generated clients carry Date
 * instances and class instances; watch events carry plain JSON. These readers accept both and
 * never throw on a missing or oddly typed field.
 */
export type RawRecord = Readonly<Record<string, unknown>>;

const EMPTY: RawRecord = Object.freeze({});

export function asRecord(value: unknown): RawRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as RawRecord) : EMPTY;
}

export function asArray(value: unknown): readonly unknown[] {
  return Array.isArray(value) ? value : [];
}

export function asString(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

export function asNumber(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : 0;
}

export function asStringMap(value: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, entry] of Object.entries(asRecord(value))) {
    if (typeof entry === 'string') out[key] = entry;
  }
  return out;
}

/**
 * One canonical ISO form for timestamps, whatever the source: a list page's Date and a watch
 * event's "2024-01-01T00:00:00Z" must project identically or every relist would look like a change.
 */
export function asTimestamp(value: unknown): string | undefined {
  const date = value instanceof Date ? value : typeof value === 'string' && value !== '' ? new Date(value) : undefined;
  if (date === undefined || Number.isNaN(date.getTime())) return undefined;
  return date.toISOString();
}

export function metadataOf(raw: unknown): RawRecord {
  return asRecord(asRecord(raw)['metadata']);
}

export function resourceVersionOf(raw: unknown): string | undefined {
  return asString(metadataOf(raw)['resourceVersion']);
}

/** Drops undefined-valued keys so projections stay minimal, JSON-stable and comparable. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (entry !== undefined) out[key] = entry;
  }
  return out as T;
}
