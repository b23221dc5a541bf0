import DataLoader from 'dataloader';
import { DomainError, UnauthenticatedError } from '../../shared/errors.js';
import type { PagingContext } from '../../shared/pagination.js';
import type { CatalogService } from './catalog-service.js';
import type { PrincipalLike } from './ports.js';
import type { CatalogPackageRecord, CatalogVersionRecord, CatalogVersionSummary } from './records.js';

/** The part of the per-request context this domain reads. */
export interface CatalogContext extends PagingContext {
  readonly principal: PrincipalLike | null;
  readonly catalog: CatalogService;
}

export interface CatalogLoaders {
  readonly packageById: DataLoader<string, CatalogPackageRecord | null>;
  /** Whether the caller may read a workspace's packages, for every workspace a response names at once. */
  readonly workspaceReadable: DataLoader<string, boolean>;
  readonly icon: DataLoader<string, string | null>;
  /** The versions of each package in a response, without their content, in one batch. */
  readonly versionsByPackage: DataLoader<string, CatalogVersionSummary[]>;
  /** Versions with their templates and schema, read only for the fields that need them. */
  readonly versionById: DataLoader<string, CatalogVersionRecord | null>;
}

/** Per-request loaders, kept beside the context object (so the shared context needs no field for them). */
const loadersByContext = new WeakMap<CatalogContext, CatalogLoaders>();

export function catalogLoadersOf(context: CatalogContext): CatalogLoaders {
  let loaders = loadersByContext.get(context);
  if (loaders === undefined) {
    const { catalog } = context;
    loaders = {
      packageById: new DataLoader(async (ids: readonly string[]) => {
        const found = new Map((await catalog.getPackages(ids)).map((record) => [record.id, record]));
        return ids.map((id) => found.get(id) ?? null);
      }),
      workspaceReadable: new DataLoader(async (workspaceIds: readonly string[]) => {
        const readable = await catalog.readableWorkspaces(callerOf(context), workspaceIds);
        return workspaceIds.map((id) => readable.has(id));
      }),
      icon: new DataLoader(async (ids: readonly string[]) => {
        const found = await catalog.iconsOf(ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      versionsByPackage: new DataLoader(async (ids: readonly string[]) => {
        const found = await catalog.summariesOf(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
      versionById: new DataLoader(async (ids: readonly string[]) => {
        const found = new Map((await catalog.getVersions(ids)).map((record) => [record.id, record]));
        return ids.map((id) => found.get(id) ?? null);
      }),
    };
    loadersByContext.set(context, loaders);
  }
  return loaders;
}

export function callerOf(context: CatalogContext): PrincipalLike {
  if (context.principal === null) throw new UnauthenticatedError();
  return context.principal;
}

/** A package the caller may see (global, or of a workspace they read), through the batched loaders; else null. */
export async function visiblePackage(context: CatalogContext, record: CatalogPackageRecord | null): Promise<CatalogPackageRecord | null> {
  callerOf(context);
  if (record === null) return null;
  return record.workspaceId === null || (await catalogLoadersOf(context).workspaceReadable.load(record.workspaceId)) ? record : null;
}

/**
 * Bytes of package contents (templates, exports, renderings) one operation may read: a version is
 * up to megabytes, so a page of versions each asking for its manifests must not build a response of
 * gigabytes.
 */
export const MAX_CONTENT_BYTES_PER_OPERATION = 32 * 1024 * 1024;
const contentSpent = new WeakMap<CatalogContext, number>();
const contentSizes = new WeakMap<CatalogVersionRecord, number>();

/** A version's templates as JSON text, in bytes (measured once per loaded record). */
export function contentSizeOf(version: CatalogVersionRecord): number {
  let size = contentSizes.get(version);
  if (size === undefined) {
    size = JSON.stringify(version.templates).length;
    contentSizes.set(version, size);
  }
  return size;
}

export function spendContent(context: CatalogContext, bytes: number): void {
  const spent = (contentSpent.get(context) ?? 0) + bytes;
  if (spent > MAX_CONTENT_BYTES_PER_OPERATION)
    throw new DomainError(
      'BAD_USER_INPUT',
      `this operation reads more than ${MAX_CONTENT_BYTES_PER_OPERATION / (1024 * 1024)} MiB of package contents: ask for the templates, manifestYaml or render of fewer versions at once`,
    );
  contentSpent.set(context, spent);
}
