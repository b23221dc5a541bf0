import { DomainError } from '../../shared/errors.js';
import type { NodeLookups } from '../../shared/node-lookup.js';
import { callerOf, type BuildsContext } from './context.js';
import { toBuild, toBuildRun, toRegistry } from './mappers.js';
import type { RegistryRecord } from './records.js';
import type { RegistryRepositoryView } from './registry-service.js';

/** `build(id:)` and `buildRun(id:)` refuse with NOT_FOUND or FORBIDDEN; to `node(id:)` both are null. */
async function nullWhenHidden<T>(read: () => Promise<T>): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof DomainError && (error.code === 'NOT_FOUND' || error.code === 'FORBIDDEN')) return null;
    throw error;
  }
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
  Build: (context, buildId) => nullWhenHidden(async () => toBuild(await context.builds.get(callerOf(context), buildId))),
  BuildRun: (context, runId) => nullWhenHidden(async () => toBuildRun(await context.builds.getRun(callerOf(context), runId))),
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
