/**
 * KDA_CORS_ORIGINS: the browser origins (scheme://host[:port]) allowed to call the gateway with
 * credentials. Exact origins only: a wildcard cannot be combined with credentials, and a pattern
 * would make one typo an open door.
 */
export function parseCorsOrigins(raw: string | undefined, problems: string[]): readonly string[] {
  if (raw === undefined || raw.trim() === '') return Object.freeze([]);
  const origins: string[] = [];
  for (const entry of raw
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')) {
    const origin = exactOrigin(entry);
    if (origin === undefined) {
      problems.push(`KDA_CORS_ORIGINS: ${JSON.stringify(entry)} is not an origin; list exact origins like https://app.example.com or http://localhost:3000 (no *, no path)`);
      continue;
    }
    if (!origins.includes(origin)) origins.push(origin);
  }
  return Object.freeze(origins);
}

/** The origin as browsers send it in the Origin header, or undefined when `entry` is not exactly one. */
function exactOrigin(entry: string): string | undefined {
  if (!/^https?:\/\/[^/?#*\s]+$/i.test(entry)) return undefined;
  let url: URL;
  try {
    url = new URL(entry);
  } catch {
    return undefined;
  }
  if (url.username !== '' || url.password !== '') return undefined;
  // URL drops a default port and lower-cases the host, exactly as the browser's Origin header does.
  return url.origin;
}
