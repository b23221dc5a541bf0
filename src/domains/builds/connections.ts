import { connectionType } from '../../shared/connection-types.js';
import type { ConnectionValues } from '../../shared/pagination.js';
import { Build, BuildLogLine, BuildRun, Registry, RegistryRepository, RegistryTag } from './graphql-types.js';

export const BuildConnection = connectionType(Build, { name: 'Build', noun: 'build', plural: 'builds' });
export type BuildConnection = ConnectionValues<Build>;

export const BuildRunConnection = connectionType(BuildRun, { name: 'BuildRun', noun: 'run', plural: 'runs' });
export type BuildRunConnection = ConnectionValues<BuildRun>;

export const BuildLogLineConnection = connectionType(BuildLogLine, { name: 'BuildLogLine', noun: 'log line', plural: 'log lines' });
export type BuildLogLineConnection = ConnectionValues<BuildLogLine>;

export const RegistryConnection = connectionType(Registry, { name: 'Registry', noun: 'registry', plural: 'registries' });
export type RegistryConnection = ConnectionValues<Registry>;

export const RegistryRepositoryConnection = connectionType(RegistryRepository, { name: 'RegistryRepository', noun: 'repository', plural: 'repositories' });
export type RegistryRepositoryConnection = ConnectionValues<RegistryRepository>;

export const RegistryTagConnection = connectionType(RegistryTag, { name: 'RegistryTag', noun: 'tag', plural: 'tags' });
export type RegistryTagConnection = ConnectionValues<RegistryTag>;

/** Build and registry names are unique (per workspace, and overall); the id keeps the key unique anyway. */
export const BY_NAME = { key: (item: { name: string; id: string }) => [item.name, item.id] } as const;
/** Runs newest first: their number grows per build. */
export const RUNS_NEWEST_FIRST = { key: (run: BuildRun) => [run.number], descending: true } as const;
/** Repositories and tags are known by name only. */
export const BY_NAME_ONLY = { key: (name: string) => [name] } as const;
