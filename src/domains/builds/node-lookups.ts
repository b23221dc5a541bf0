import type { NodeLookups } from '../../shared/node-lookup.js';
import { callerOf, loadersOf, type BuildsContext } from './context.js';
import { toBuild, toBuildRun, toRegistry } from './mappers.js';
import type { RegistryRecord } from './records.js';
import type { RegistryRepositoryView } from './registry-service.js';

/** A build or run of a workspace whose builds the caller may read (as `build(id:)` decides), through batched loaders. */
async function readable<T extends { workspaceId: string }>(context: BuildsContext, record: T | null): Promise<T | null> {
  return record !== null && (await loadersOf(context).buildsReadable.load(record.workspaceId)) ? record : null;
}

/** `<registryId>/<repository>`: registry ids are uuids, repository names may hold slashes. */
async function repositoryOf(context: BuildsContext, key: string): Promise<{ registry: RegistryRecord; repository: RegistryRepositoryView } | null> {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) return null;
  const registry = await context.registries.getVisible(callerOf(context), key.slice(0, slash));
  if (registry === null) return null;
  const repository = await context.registries.repository(registry, key.slice(slash + 1));
  return repository === null ? null : { registry, repository };
}

/** `node(id:)` for the builds domain: the same rights as `build`, `buildRun` and `registries`. */
export const buildNodeLookups: NodeLookups<BuildsContext> = {
  Build: async (context, buildId) => {
    const build = await readable(context, await loadersOf(context).buildById.load(buildId));
    return build === null ? null : toBuild(build);
  },
  BuildRun: async (context, runId) => {
    const run = await readable(context, await loadersOf(context).runById.load(runId));
    return run === null ? null : toBuildRun(run);
  },
  Registry: async (context, registryId) => {
    const registry = await context.registries.getVisible(callerOf(context), registryId);
    return registry === null ? null : toRegistry(registry);
  },
  RegistryRepository: async (context, key) => (await repositoryOf(context, key))?.repository ?? null,
  // `<registryId>/<repository>:<tag>`: tags hold no colon.
  RegistryTag: async (context, key) => {
    const colon = key.lastIndexOf(':');
    if (colon <= 0) return null;
    const found = await repositoryOf(context, key.slice(0, colon));
    return found?.repository.tags.find((tag) => tag.id === key) ?? null;
  },
};
