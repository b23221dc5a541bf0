import type { NodeLookups } from '../../shared/node-lookup.js';
import { callerOf, loadersOf, type BuildsContext } from './context.js';
import { toBuild, toBuildRun, toRegistry } from './mappers.js';
import type { RegistryRecord } from './records.js';

/** A build or run of a workspace whose builds the caller may read (as `build(id:)` decides), through batched loaders. */
async function readable<T extends { workspaceId: string }>(context: BuildsContext, record: T | null): Promise<T | null> {
  return record !== null && (await loadersOf(context).buildsReadable.load(record.workspaceId)) ? record : null;
}

/** `<registryId>/<repository>`: registry ids are uuids, repository names may hold slashes. */
async function repositoryOf(context: BuildsContext, key: string): Promise<{ id: string; name: string; registry: RegistryRecord } | null> {
  const slash = key.indexOf('/');
  if (slash <= 0 || slash === key.length - 1) return null;
  const caller = callerOf(context);
  const registry = await context.registries.getVisible(caller, key.slice(0, slash));
  if (registry === null) return null;
  return context.registries.repository(caller, registry, key.slice(slash + 1));
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
  RegistryRepository: (context, key) => repositoryOf(context, key),
  // `<registryId>/<repository>:<tag>`: tags hold no colon.
  RegistryTag: async (context, key) => {
    const colon = key.lastIndexOf(':');
    if (colon <= 0) return null;
    const repository = await repositoryOf(context, key.slice(0, colon));
    if (repository === null) return null;
    const tag = key.slice(colon + 1);
    if (!(await context.registries.tagNames(repository.registry, repository.name)).includes(tag)) return null;
    return (await context.registries.describeTags(repository.registry, repository.name, [tag]))[0] ?? null;
  },
};
