/**
 * The simulated registry's content, in memory: content-addressed blobs (stored once, linked into the
 * repositories that pushed or mounted them), manifests kept byte for byte with their media type,
 * tags, and uploads in progress. Everything counts against one byte cap, so a runaway client
 * cannot eat the gateway's memory.
 */
import { createHash, randomUUID } from 'node:crypto';

/** The registry API's error codes (distribution spec) used here. */
export type RegistryErrorCode =
  | 'BLOB_UNKNOWN'
  | 'BLOB_UPLOAD_INVALID'
  | 'BLOB_UPLOAD_UNKNOWN'
  | 'DENIED'
  | 'DIGEST_INVALID'
  | 'MANIFEST_BLOB_UNKNOWN'
  | 'MANIFEST_INVALID'
  | 'MANIFEST_UNKNOWN'
  | 'NAME_INVALID'
  | 'NAME_UNKNOWN'
  | 'PAGINATION_NUMBER_INVALID'
  | 'SIZE_INVALID'
  | 'TAG_INVALID'
  | 'UNAUTHORIZED'
  | 'UNSUPPORTED';

export class RegistryError extends Error {
  constructor(
    readonly status: number,
    readonly code: RegistryErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'RegistryError';
  }
}

export interface StoredManifest {
  readonly bytes: Buffer;
  readonly contentType: string;
  readonly digest: string;
}

export interface Upload {
  readonly id: string;
  readonly repository: string;
  readonly chunks: Buffer[];
  size: number;
  touchedAt: number;
}

interface Repository {
  readonly blobs: Set<string>;
  readonly manifests: Map<string, StoredManifest>;
  readonly tags: Map<string, string>;
}

/** Distribution's repository name grammar: lowercase path components separated by slashes. */
const REPOSITORY_NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Uploads nobody touched for this long are dropped (they hold capacity). */
const UPLOAD_IDLE_MS = 10 * 60_000;

export function sha256Digest(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function checkRepositoryName(name: string): string {
  if (name.length > 255 || !REPOSITORY_NAME.test(name)) throw new RegistryError(400, 'NAME_INVALID', `invalid repository name ${JSON.stringify(name)}`);
  return name;
}

export function checkDigest(digest: string): string {
  if (!DIGEST.test(digest)) throw new RegistryError(400, 'DIGEST_INVALID', `unsupported or malformed digest ${JSON.stringify(digest)} (sha256:<64 hex> expected)`);
  return digest;
}

export function isDigest(reference: string): boolean {
  return reference.startsWith('sha256:');
}

/** Digests a manifest refers to: its config and layers, or the manifests of an index. */
function referencesOf(bytes: Buffer): { blobs: string[]; manifests: string[] } {
  let document: unknown;
  try {
    document = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new RegistryError(400, 'MANIFEST_INVALID', 'manifest is not valid JSON');
  }
  if (typeof document !== 'object' || document === null || Array.isArray(document)) throw new RegistryError(400, 'MANIFEST_INVALID', 'manifest must be a JSON object');
  const { config, layers, manifests } = document as { config?: unknown; layers?: unknown; manifests?: unknown };
  const digestOf = (descriptor: unknown, where: string): string => {
    const digest = typeof descriptor === 'object' && descriptor !== null ? (descriptor as { digest?: unknown }).digest : undefined;
    if (typeof digest !== 'string') throw new RegistryError(400, 'MANIFEST_INVALID', `${where} has no digest`);
    return checkDigest(digest);
  };
  const listOf = (value: unknown, where: string): unknown[] => {
    if (value === undefined) return [];
    if (!Array.isArray(value)) throw new RegistryError(400, 'MANIFEST_INVALID', `${where} must be an array`);
    return value;
  };
  return {
    blobs: [...(config === undefined ? [] : [digestOf(config, 'config')]), ...listOf(layers, 'layers').map((layer, index) => digestOf(layer, `layers[${index}]`))],
    manifests: listOf(manifests, 'manifests').map((entry, index) => digestOf(entry, `manifests[${index}]`)),
  };
}

export class RegistryStorage {
  private readonly repositories = new Map<string, Repository>();
  private readonly blobs = new Map<string, Buffer>();
  private readonly uploads = new Map<string, Upload>();
  private usedBytes = 0;

  constructor(
    readonly maxBytes: number,
    private readonly now: () => number = Date.now,
  ) {}

  /** Bytes held: blobs, manifests and uploads in progress. */
  used(): number {
    return this.usedBytes;
  }

  /** How many more bytes may be stored now. */
  remaining(): number {
    return Math.max(0, this.maxBytes - this.usedBytes);
  }

  private reserve(bytes: number): void {
    if (this.usedBytes + bytes > this.maxBytes) {
      throw new RegistryError(413, 'DENIED', `registry storage is full: ${this.usedBytes} of ${this.maxBytes} bytes used, ${bytes} more refused`);
    }
    this.usedBytes += bytes;
  }

  private repository(name: string, create: true): Repository;
  private repository(name: string, create: false): Repository | undefined;
  private repository(name: string, create: boolean): Repository | undefined {
    let found = this.repositories.get(name);
    if (found === undefined && create) {
      found = { blobs: new Set(), manifests: new Map(), tags: new Map() };
      this.repositories.set(name, found);
    }
    return found;
  }

  /** Repository names with at least one manifest, sorted. */
  catalog(): string[] {
    return [...this.repositories]
      .filter(([, repository]) => repository.manifests.size > 0)
      .map(([name]) => name)
      .sort();
  }

  /** Sorted tags, or undefined when the repository is unknown. */
  tags(name: string): string[] | undefined {
    const repository = this.repository(name, false);
    return repository === undefined || repository.manifests.size === 0 ? undefined : [...repository.tags.keys()].sort();
  }

  blob(name: string, digest: string): Buffer | undefined {
    return this.repository(name, false)?.blobs.has(digest) ? this.blobs.get(digest) : undefined;
  }

  /** Links an existing blob (from any repository) into `name`; false when there is no such blob. */
  mount(name: string, digest: string, from: string): boolean {
    if (this.blob(from, digest) === undefined) return false;
    this.repository(name, true).blobs.add(digest);
    return true;
  }

  startUpload(name: string): Upload {
    this.dropIdleUploads();
    const upload: Upload = { id: randomUUID(), repository: name, chunks: [], size: 0, touchedAt: this.now() };
    this.uploads.set(upload.id, upload);
    return upload;
  }

  upload(name: string, id: string): Upload {
    const upload = this.uploads.get(id);
    if (upload === undefined || upload.repository !== name) throw new RegistryError(404, 'BLOB_UPLOAD_UNKNOWN', `no upload ${id} in progress for ${name}`);
    return upload;
  }

  /** Appends a chunk; `offset` (from Content-Range) must continue where the upload is. */
  append(upload: Upload, chunk: Buffer, offset?: number): void {
    if (offset !== undefined && offset !== upload.size) throw new RegistryError(416, 'BLOB_UPLOAD_INVALID', `chunk starts at ${offset} but the upload holds ${upload.size} bytes`);
    this.reserve(chunk.length);
    upload.chunks.push(chunk);
    upload.size += chunk.length;
    upload.touchedAt = this.now();
  }

  /** Ends an upload: the content must hash to `digest`, else nothing is kept. */
  completeUpload(upload: Upload, digest: string): void {
    this.cancelUpload(upload);
    const content = Buffer.concat(upload.chunks);
    const actual = sha256Digest(content);
    if (actual !== digest) throw new RegistryError(400, 'DIGEST_INVALID', `uploaded content has digest ${actual}, not ${digest}`);
    this.putBlob(upload.repository, digest, content);
  }

  cancelUpload(upload: Upload): void {
    if (this.uploads.delete(upload.id)) this.usedBytes -= upload.size;
  }

  private putBlob(name: string, digest: string, content: Buffer): void {
    if (!this.blobs.has(digest)) {
      this.reserve(content.length);
      this.blobs.set(digest, content);
    }
    this.repository(name, true).blobs.add(digest);
  }

  manifest(name: string, reference: string): StoredManifest | undefined {
    const repository = this.repository(name, false);
    if (repository === undefined) return undefined;
    const digest = isDigest(reference) ? reference : repository.tags.get(reference);
    return digest === undefined ? undefined : repository.manifests.get(digest);
  }

  /** Stores the exact bytes; a tag moves to them, a digest reference must match them. */
  putManifest(name: string, reference: string, bytes: Buffer, contentType: string): StoredManifest {
    if (bytes.length > MAX_MANIFEST_BYTES) throw new RegistryError(413, 'MANIFEST_INVALID', `manifest is larger than ${MAX_MANIFEST_BYTES} bytes`);
    const digest = sha256Digest(bytes);
    if (isDigest(checkReference(reference)) && reference !== digest) throw new RegistryError(400, 'DIGEST_INVALID', `manifest has digest ${digest}, not ${reference}`);
    const references = referencesOf(bytes);
    const repository = this.repository(name, false);
    const missingBlob = references.blobs.find((blob) => !repository?.blobs.has(blob));
    if (missingBlob !== undefined) throw new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', `manifest refers to blob ${missingBlob}, which is not in ${name}`);
    const missingManifest = references.manifests.find((entry) => !repository?.manifests.has(entry));
    if (missingManifest !== undefined) throw new RegistryError(400, 'MANIFEST_BLOB_UNKNOWN', `index refers to manifest ${missingManifest}, which is not in ${name}`);
    const target = this.repository(name, true);
    let stored = target.manifests.get(digest);
    if (stored === undefined) {
      this.reserve(bytes.length);
      stored = { bytes, contentType, digest };
      target.manifests.set(digest, stored);
    }
    if (!isDigest(reference)) target.tags.set(reference, digest);
    return stored;
  }

  private dropIdleUploads(): void {
    const cutoff = this.now() - UPLOAD_IDLE_MS;
    for (const upload of [...this.uploads.values()]) if (upload.touchedAt < cutoff) this.cancelUpload(upload);
  }
}

/** A tag or a sha256 digest, as a manifest reference. */
export function checkReference(reference: string): string {
  if (isDigest(reference)) return checkDigest(reference);
  if (!TAG.test(reference)) throw new RegistryError(400, 'TAG_INVALID', `invalid tag ${JSON.stringify(reference)}`);
  return reference;
}
