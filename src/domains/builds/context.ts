import DataLoader from 'dataloader';
import { UnauthenticatedError } from '../../shared/errors.js';
import type { BuildService } from './build-service.js';
import type { PrincipalLike } from './ports.js';
import type { BuildRecord, BuildRunRecord, RegistryRecord } from './records.js';
import type { RegistryService } from './registry-service.js';

/** The part of the per-request context this domain reads. */
export interface BuildsContext {
  readonly principal: PrincipalLike | null;
  readonly builds: BuildService;
  readonly registries: RegistryService;
}

export interface BuildLoaders {
  readonly lastRun: DataLoader<string, BuildRunRecord | null>;
  /** Keyed by build id and page size: the runs of every build in a list cost one statement. */
  readonly recentRuns: DataLoader<{ readonly buildId: string; readonly first: number }, BuildRunRecord[], string>;
  readonly registry: DataLoader<string, RegistryRecord | null>;
  readonly buildById: DataLoader<string, BuildRecord | null>;
  readonly runById: DataLoader<string, BuildRunRecord | null>;
  /** Whether the caller may read the builds of a workspace, for every workspace a response names at once. */
  readonly buildsReadable: DataLoader<string, boolean>;
  /** The builds of each workspace in a response, in one batch. */
  readonly buildsByWorkspace: DataLoader<string, BuildRecord[]>;
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
      recentRuns: new DataLoader(
        async (keys) => {
          const byFirst = new Map<number, string[]>();
          for (const key of keys) byFirst.set(key.first, [...(byFirst.get(key.first) ?? []), key.buildId]);
          const found = new Map<string, BuildRunRecord[]>();
          for (const [first, buildIds] of byFirst) {
            for (const [buildId, runs] of await context.builds.recentRuns(buildIds, first)) found.set(`${buildId}:${first}`, runs);
          }
          return keys.map((key) => found.get(`${key.buildId}:${key.first}`) ?? []);
        },
        { cacheKeyFn: (key) => `${key.buildId}:${key.first}` },
      ),
      buildsByWorkspace: new DataLoader<string, BuildRecord[]>(async (ids) => {
        const found = await context.builds.listForWorkspaces(callerOf(context), ids);
        // An Error in the batch answer rejects that one key (a workspace the caller may not read).
        return ids.map((id) => found.get(id) ?? []);
      }),
      buildById: new DataLoader(async (ids: readonly string[]) => {
        const found = new Map((await context.builds.getMany(ids)).map((record) => [record.id, record]));
        return ids.map((id) => found.get(id) ?? null);
      }),
      runById: new DataLoader(async (ids: readonly string[]) => {
        const found = new Map((await context.builds.getRuns(ids)).map((record) => [record.id, record]));
        return ids.map((id) => found.get(id) ?? null);
      }),
      buildsReadable: new DataLoader(async (workspaceIds: readonly string[]) => {
        const readable = await context.builds.readableAmong(callerOf(context), workspaceIds);
        return workspaceIds.map((id) => readable.has(id));
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
