import DataLoader from 'dataloader';
import { UnauthenticatedError } from '../../shared/errors.js';
import type { PagingContext } from '../../shared/pagination.js';
import type { BuildService } from './build-service.js';
import type { PrincipalLike } from './ports.js';
import type { BuildRecord, BuildRunRecord, RegistryRecord } from './records.js';
import type { RegistryService } from './registry-service.js';

/** The part of the per-request context this domain reads. */
export interface BuildsContext extends PagingContext {
  readonly principal: PrincipalLike | null;
  readonly builds: BuildService;
  readonly registries: RegistryService;
}

export interface BuildLoaders {
  readonly lastRun: DataLoader<string, BuildRunRecord | null>;
  /** Every run of each build in a response, in one batch (paged per build in memory). */
  readonly runsByBuild: DataLoader<string, BuildRunRecord[]>;
  readonly registry: DataLoader<string, RegistryRecord | null>;
  /** The builds of each workspace in a response, in one batch. */
  readonly buildsByWorkspace: DataLoader<string, BuildRecord[]>;
  /** The registries of each workspace in a response, in one batch. */
  readonly registriesByWorkspace: DataLoader<string, RegistryRecord[]>;
}

/** Per-request loaders, kept beside the context object (so the shared context needs no field for them). */
const loadersByContext = new WeakMap<BuildsContext, BuildLoaders>();

export function loadersOf(context: BuildsContext): BuildLoaders {
  let loaders = loadersByContext.get(context);
  if (loaders === undefined) {
    loaders = {
      lastRun: new DataLoader(async (ids: readonly string[]) => {
        const found = await context.builds.lastRuns(ids);
        return ids.map((id) => found.get(id) ?? null);
      }),
      runsByBuild: new DataLoader(async (ids: readonly string[]) => {
        const found = await context.builds.runsOfBuilds(ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
      buildsByWorkspace: new DataLoader<string, BuildRecord[]>(async (ids) => {
        const found = await context.builds.listForWorkspaces(callerOf(context), ids);
        // An Error in the batch answer rejects that one key (a workspace the caller may not read).
        return ids.map((id) => found.get(id) ?? []);
      }),
      registriesByWorkspace: new DataLoader<string, RegistryRecord[]>(async (ids) => {
        const found = await context.registries.listForWorkspaces(callerOf(context), ids);
        return ids.map((id) => found.get(id) ?? []);
      }),
      registry: new DataLoader(async (ids: readonly string[]) => {
        const found = new Map((await context.registries.getMany(ids)).map((record) => [record.id, record]));
        return ids.map((id) => found.get(id) ?? null);
      }),
    };
    loadersByContext.set(context, loaders);
  }
  return loaders;
}

export function callerOf(context: BuildsContext): PrincipalLike {
  if (context.principal === null) throw new UnauthenticatedError();
  return context.principal;
}
