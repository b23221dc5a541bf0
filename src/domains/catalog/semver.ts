/**
 * Semantic Versioning 2.0.0 (semver.org): the grammar, and a sort key whose element-by-element order
 * (src/shared/pagination.ts compareKeys) is semver precedence, build metadata breaking ties.
 */
const SEMVER =
  /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

export const MAX_VERSION_LENGTH = 64;

export interface SemanticVersion {
  readonly major: number;
  readonly minor: number;
  readonly patch: number;
  readonly prerelease: readonly string[];
  readonly build: string;
}

/** null when `text` is not a semantic version (or a part exceeds the safe integers). */
export function parseSemver(text: string): SemanticVersion | null {
  if (text.length > MAX_VERSION_LENGTH) return null;
  const match = SEMVER.exec(text);
  if (match === null) return null;
  const [major, minor, patch] = [match[1], match[2], match[3]].map(Number) as [number, number, number];
  if (![major, minor, patch].every(Number.isSafeInteger)) return null;
  return { major, minor, patch, prerelease: match[4] === undefined ? [] : match[4].split('.'), build: match[5] ?? '' };
}

/**
 * Numeric identifiers sort below alphanumeric ones and by value (a length prefix makes the text
 * order numeric); alphanumeric ones by ASCII. Joined with \u0001, below every allowed character,
 * so a shorter run of identifiers sorts first, as the specification says.
 */
function prereleaseKey(identifiers: readonly string[]): string {
  return identifiers.map((identifier) => (/^\d+$/.test(identifier) ? `0${String(identifier.length).padStart(2, '0')}${identifier}` : `1${identifier}`)).join('\u0001');
}

/** Sorts like semver precedence: [major, minor, patch, release (1) or pre-release (0), pre-release, build]. */
export function semverKey(version: SemanticVersion): [number, number, number, number, string, string] {
  const release = version.prerelease.length === 0 ? 1 : 0;
  return [version.major, version.minor, version.patch, release, prereleaseKey(version.prerelease), version.build];
}
