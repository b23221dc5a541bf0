import DataLoader from 'dataloader';
import { UnauthenticatedError } from '../../../shared/errors.js';
import type { CatalogContext } from '../context.js';
import type { ReleasePrincipal } from './ports.js';
import type { ReleaseRecord, RevisionSummary } from './records.js';
import type { ReleaseService } from './release-service.js';

/** The part of the per-request context releases read (the catalog's too: a release shows its package). */
export interface ReleasesContext extends CatalogContext {
  readonly principal: ReleasePrincipal | null;
  readonly releases: ReleaseService;
}

export interface ReleaseLoaders {
  readonly releaseById: DataLoader<string, ReleaseRecord | null>;
  /** Whether the caller may read a workspace's releases, for every workspace a response names at once. */
  readonly workspaceReadable: DataLoader<string, boolean>;
  /** The kept revisions of each release, newest first, without their manifests. */
  readonly revisionsByRelease: DataLoader<string, RevisionSummary[]>;
}

const loadersByContext = new WeakMap<ReleasesContext, ReleaseLoaders>();

export function releaseLoadersOf(context: ReleasesContext): ReleaseLoaders {
  let loaders = loadersByContext.get(context);
  if (loaders === undefined) {
    const { releases } = context;
    loaders = {
      releaseById: new DataLoader(async (ids: readonly string[]) => {
        const found = new Map((await releases.getMany(ids)).map((record) => [record.id, record]));
        return ids.map((id) => found.get(id) ?? null);
      }),
      workspaceReadable: new DataLoader(async (workspaceIds: readonly string[]) => {
        const readable = await releases.readableWorkspaces(releaseCallerOf(context), workspaceIds);
        return workspaceIds.map((id) => readable.has(id));
      }),
      revisionsByRelease: new DataLoader(async (ids: readonly string[]) => {
        const found = await releases.revisionsOf(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
    };
    loadersByContext.set(context, loaders);
  }
  return loaders;
}

export function releaseCallerOf(context: ReleasesContext): ReleasePrincipal {
  if (context.principal === null) throw new UnauthenticatedError();
  return context.principal;
}

/** A release the caller may read, through the batched loaders; else null (another team's looks missing). */
export async function visibleRelease(context: ReleasesContext, id: string): Promise<ReleaseRecord | null> {
  releaseCallerOf(context);
  const loaders = releaseLoadersOf(context);
  const record = await loaders.releaseById.load(id);
  if (record === null) return null;
  return (await loaders.workspaceReadable.load(record.workspaceId)) ? record : null;
}
