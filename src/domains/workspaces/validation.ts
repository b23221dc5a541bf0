import { isBuildNamespace } from '../../shared/build-namespaces.js';
import { BadInputError } from '../../shared/errors.js';
import { WORKSPACE_ROLES, type WorkspaceRole } from './records.js';

export const MAX_WORKSPACE_NAME_LENGTH = 100;
export const MAX_DESCRIPTION_LENGTH = 1000;
export const MAX_ALLOTTED_NAMESPACES = 100;
/** Ids are UUIDs; anything far longer is not an id and is refused before it reaches a query. */
const MAX_ID_LENGTH = 64;
/** 1 PiB: far beyond any one workspace's share, and still an exact integer in a double. */
export const MAX_QUOTA_BYTES = 2 ** 50;
/** A StorageClass name is a DNS subdomain (RFC 1123). */
const STORAGE_CLASS_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const MAX_STORAGE_CLASS_NAME_LENGTH = 253;
/** A Kubernetes namespace is a DNS label (RFC 1123). */
const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
/**
 * A slug is a DNS label short enough for `kda-builds-<slug>` (a namespace: 63 characters at most),
 * and a valid registry path component as it is.
 */
export const MAX_SLUG_LENGTH = 40;
const SLUG = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function validWorkspaceName(field: string, raw: string): string {
  const name = raw.trim();
  if (name === '') throw new BadInputError(field, 'must not be empty');
  if (name.length > MAX_WORKSPACE_NAME_LENGTH) throw new BadInputError(field, `must be at most ${MAX_WORKSPACE_NAME_LENGTH} characters`);
  // Control characters end up in logs and tables; nobody needs them in a name.
  if (/\p{Cc}/u.test(name)) throw new BadInputError(field, 'must not contain control characters');
  return name;
}

/** Empty or blank means "no description". Line breaks are allowed, other control characters are not. */
export function validSlug(field: string, raw: string): string {
  const slug = raw.trim();
  if (slug.length === 0 || slug.length > MAX_SLUG_LENGTH || !SLUG.test(slug))
    throw new BadInputError(field, `must be 1-${MAX_SLUG_LENGTH} lowercase letters, digits or dashes, starting and ending with a letter or digit`);
  return slug;
}

/**
 * The slug a workspace gets when none is given: its name in lowercase, runs of anything else than
 * letters and digits made one dash ("Cloud Team" → cloud-team); `ws-` and the start of its id when
 * the name has no such letters at all.
 */
export function slugFromName(name: string, id: string): string {
  const fromName = name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .slice(0, MAX_SLUG_LENGTH)
    .replace(/^-+|-+$/g, '');
  return fromName === '' ? `ws-${id.replace(/[^a-z0-9]/g, '').slice(0, 8)}` : fromName;
}

export function validDescription(field: string, raw: string | null | undefined): string | null {
  if (raw === null || raw === undefined) return null;
  const description = raw.trim();
  if (description === '') return null;
  if (description.length > MAX_DESCRIPTION_LENGTH) throw new BadInputError(field, `must be at most ${MAX_DESCRIPTION_LENGTH} characters`);
  if (/[^\P{Cc}\n\r\t]/u.test(description)) throw new BadInputError(field, 'must not contain control characters other than line breaks and tabs');
  return description;
}

export function validRole(field: string, raw: string): WorkspaceRole {
  const role = WORKSPACE_ROLES.find((candidate) => candidate === raw);
  if (role === undefined) throw new BadInputError(field, `must be one of ${WORKSPACE_ROLES.join(', ')}`);
  return role;
}

export function validId(field: string, raw: string): string {
  const id = raw.trim();
  if (id === '') throw new BadInputError(field, 'must not be empty');
  if (id.length > MAX_ID_LENGTH) throw new BadInputError(field, `is not a known id`);
  return id;
}

/** `null`/`undefined`: the whole cluster. Otherwise at least one valid namespace, deduplicated and sorted. */
export function validNamespaces(field: string, raw: readonly string[] | null | undefined): string[] | null {
  if (raw === null || raw === undefined) return null;
  if (raw.length === 0) throw new BadInputError(field, 'name at least one namespace, or pass null to allot the whole cluster');
  if (raw.length > MAX_ALLOTTED_NAMESPACES) throw new BadInputError(field, `at most ${MAX_ALLOTTED_NAMESPACES} namespaces; allot the whole cluster instead`);
  for (const namespace of raw) {
    if (!NAMESPACE_NAME.test(namespace)) throw new BadInputError(field, `${JSON.stringify(namespace.slice(0, 80))} is not a valid namespace name`);
    if (isBuildNamespace(namespace))
      throw new BadInputError(field, `${namespace} is a build namespace: each workspace gets its own (kda-builds-<slug>) with its clusters, and no other`);
  }
  return [...new Set(raw)].sort();
}

export function validStorageClassName(field: string, raw: string): string {
  const name = raw.trim();
  if (name === '') throw new BadInputError(field, 'must not be empty');
  if (name.length > MAX_STORAGE_CLASS_NAME_LENGTH || !STORAGE_CLASS_NAME.test(name))
    throw new BadInputError(field, `${JSON.stringify(name.slice(0, 80))} is not a valid storage class name`);
  return name;
}

/** `null`/`undefined`: unlimited. Otherwise whole bytes from 0 (allotted, but nothing may be claimed) to 1 PiB. */
export function validQuotaBytes(field: string, raw: number | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  if (!Number.isInteger(raw)) throw new BadInputError(field, 'must be a whole number of bytes');
  if (raw < 0) throw new BadInputError(field, 'must not be negative');
  if (raw > MAX_QUOTA_BYTES) throw new BadInputError(field, `must be at most ${MAX_QUOTA_BYTES} (1 PiB); pass null for no limit`);
  return raw;
}
