import { BadInputError } from '../../shared/errors.js';
import { MAX_VERSION_LENGTH, parseSemver } from './semver.js';

export const PACKAGE_LIMITS = {
  maxNameLength: 100,
  maxDescriptionLength: 2_000,
  maxTags: 10,
  maxTagLength: 32,
  maxIconUrlLength: 2_048,
  /** A data: URL holds the image itself, so it is kept small (an icon, not a picture). */
  maxIconDataBytes: 32 * 1024,
  maxVersionDescriptionLength: 2_000,
} as const;

// eslint-disable-next-line no-control-regex -- names are one line of text: control characters are refused.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const TAG = /^[\p{L}\p{N}][\p{L}\p{N} ._+#-]*$/u;
const DATA_ICON = /^data:image\/(png|jpeg|gif|webp|svg\+xml);base64,[A-Za-z0-9+/]+={0,2}$/;

/** Display names, as the catalog shows them: `DB 데모 애플리케이션`, `[Demo]tensorflow-jupyterlab`. */
export function checkPackageName(value: string, field = 'name'): string {
  const name = value.normalize('NFC').trim();
  if (name === '' || name.length > PACKAGE_LIMITS.maxNameLength || CONTROL.test(name))
    throw new BadInputError(field, `must be 1-${PACKAGE_LIMITS.maxNameLength} characters of one line of text`);
  return name;
}

/** Names are unique per owner whatever their case: the key the unique index holds. */
export function nameKeyOf(name: string): string {
  return name.normalize('NFC').toLocaleLowerCase('en-US');
}

export function checkDescription(value: string | null | undefined, field = 'description', max: number = PACKAGE_LIMITS.maxDescriptionLength): string {
  const description = (value ?? '').trim();
  if (description.length > max) throw new BadInputError(field, `at most ${max} characters`);
  if (description.includes('\u0000')) throw new BadInputError(field, 'must not contain NUL characters');
  return description;
}

/**
 * An icon the front end shows as an image: an http(s) URL, or the image itself as a base64 data: URL
 * (png, jpeg, gif, webp, svg). The gateway stores it and never fetches it.
 */
export function checkIcon(value: string | null | undefined): string | null {
  const icon = value?.trim() ?? '';
  if (icon === '') return null;
  if (icon.startsWith('data:')) {
    if (icon.length > PACKAGE_LIMITS.maxIconDataBytes) throw new BadInputError('icon', `a data: icon has at most ${PACKAGE_LIMITS.maxIconDataBytes / 1024} KiB (or give a URL)`);
    if (!DATA_ICON.test(icon)) throw new BadInputError('icon', 'a data: icon must be data:image/<png|jpeg|gif|webp|svg+xml>;base64,<data>');
    return icon;
  }
  let url: URL;
  try {
    url = new URL(icon);
  } catch {
    throw new BadInputError('icon', 'must be an http(s) URL or a data:image/…;base64 URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new BadInputError('icon', 'must be an http(s) URL or a data:image/…;base64 URL');
  if (url.username !== '' || url.password !== '') throw new BadInputError('icon', 'must not carry credentials');
  if (icon.length > PACKAGE_LIMITS.maxIconUrlLength) throw new BadInputError('icon', `a URL has at most ${PACKAGE_LIMITS.maxIconUrlLength} characters`);
  return url.toString();
}

/** Tags: trimmed, duplicates (whatever their case) dropped, order kept. */
export function checkTags(values: readonly string[] | null | undefined, field = 'tags'): string[] {
  const tags: string[] = [];
  const seen = new Set<string>();
  for (const value of values ?? []) {
    const tag = value.normalize('NFC').trim().replace(/\s+/g, ' ');
    if (tag.length === 0 || tag.length > PACKAGE_LIMITS.maxTagLength || !TAG.test(tag))
      throw new BadInputError(
        field,
        `${JSON.stringify(value)} is not a tag: 1-${PACKAGE_LIMITS.maxTagLength} letters, digits, spaces or . _ + # -, starting with a letter or digit`,
      );
    const key = tag.toLocaleLowerCase('en-US');
    if (seen.has(key)) continue;
    seen.add(key);
    tags.push(tag);
  }
  if (tags.length > PACKAGE_LIMITS.maxTags) throw new BadInputError(field, `at most ${PACKAGE_LIMITS.maxTags} tags`);
  return tags;
}

export function checkVersion(value: string): string {
  const version = value.trim();
  if (parseSemver(version) === null)
    throw new BadInputError(
      'version',
      `${JSON.stringify(value)} is not a semantic version (MAJOR.MINOR.PATCH, e.g. 1.4.0 or 2.0.0-rc.1; at most ${MAX_VERSION_LENGTH} characters)`,
    );
  return version;
}
