import { randomUUID } from 'node:crypto';
import { BadInputError, ConflictError, DomainError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { RegistryAccessError, type PrincipalLike, type RegistryApi, type RegistryCredentials, type RegistryStore, type SecretSealer, type WorkspaceGate } from './ports.js';
import type { RegistryKind, RegistryRecord } from './records.js';
import { checkName, checkProject, checkRegistryKind, checkRegistryUrl } from './validation.js';

export interface CreateRegistryInput {
  readonly name: string;
  readonly url: string;
  readonly kind: string;
  readonly username?: string | null | undefined;
  readonly password?: string | null | undefined;
}

/** Local keys of what a registry holds (the schema makes them global ids). Repository names may hold slashes, never colons. */
export function repositoryKey(registryId: string, repository: string): string {
  return `${registryId}/${repository}`;
}

export function tagKey(registryId: string, repository: string, tag: string): string {
  return `${repositoryKey(registryId, repository)}:${tag}`;
}

/** What an allotment gave: the registry, and the workspace's project in it. */
export interface RegistryAllotmentView {
  readonly registry: RegistryRecord;
  readonly project: string;
}

/** Projects of a registry whose repositories a caller sees: all of them, or these. */
export type ProjectScope = 'ALL' | ReadonlySet<string>;

/** The project a repository belongs to: its first path component. */
export function projectOfRepository(repository: string): string {
  return repository.split('/', 1)[0] ?? repository;
}

export interface RegistryTagView {
  readonly id: string;
  readonly name: string;
  readonly digest: string | null;
  readonly sizeBytes: number | null;
}

export interface RegistryServiceDeps {
  readonly store: RegistryStore;
  readonly api: RegistryApi;
  readonly sealer: SecretSealer;
  readonly gate: WorkspaceGate;
  readonly now: () => Date;
}

/** Turns what the registry said into an error naming the input to fix. */
export function registryInputError(error: unknown): Error {
  if (!(error instanceof RegistryAccessError)) return error instanceof Error ? error : new Error(String(error));
  if (error.problem === 'unauthorized') return new BadInputError('password', `the registry refused the credentials: ${error.message}`);
  return new BadInputError('url', error.message);
}

/** The name of the platform's own (BUILTIN) registry. */
const BUILTIN_NAME = 'platform';

export class RegistryService {
  constructor(private readonly deps: RegistryServiceDeps) {}

  /** System administrators only (checked at the edge). The credentials are tried before anything is saved. */
  async create(input: CreateRegistryInput): Promise<RegistryRecord> {
    const name = checkName('name', input.name);
    const url = checkRegistryUrl(input.url);
    const kind: RegistryKind = checkRegistryKind(input.kind);
    const username = input.username?.trim() || null;
    const password = input.password ?? null;
    if ((username === null) !== (password === null || password === '')) throw new BadInputError(username === null ? 'username' : 'password', 'username and password go together');
    if (kind === 'PRIVATE' && username === null) throw new BadInputError('username', 'a PRIVATE registry needs credentials');
    const credentials = { username, password };
    try {
      await this.deps.api.check(url, credentials);
    } catch (error) {
      throw registryInputError(error);
    }
    const record: RegistryRecord = {
      id: randomUUID(),
      name,
      url,
      kind,
      username,
      sealedPassword: password === null ? null : this.deps.sealer.seal(password),
      createdAt: this.deps.now(),
    };
    if ((await this.deps.store.insert(record)) === 'duplicate-name') throw new ConflictError('name', `a registry named ${name} already exists`);
    return record;
  }

  /**
   * The platform's own registry (KDA_REGISTRY_URL, or the simulated one of the embedded default),
   * registered as BUILTIN `platform` without a check: at start it may not be up yet, and builds
   * report a registry that does not answer. When its URL changed since the last start (a new
   * address, or the simulated registry's new port), the row follows, so builds defined on it keep
   * pushing to the registry that is there now.
   */
  async ensureBuiltin(rawUrl: string): Promise<RegistryRecord> {
    const url = checkRegistryUrl(rawUrl);
    const registries = await this.deps.store.list();
    const same = registries.find((registry) => registry.kind === 'BUILTIN' && registry.url === url);
    if (same !== undefined) return same;
    const platform = registries.find((registry) => registry.name === BUILTIN_NAME);
    if (platform !== undefined) {
      // A registry someone created under that name is theirs: never re-pointed.
      if (platform.kind !== 'BUILTIN') throw new Error(`the platform registry cannot be registered: a ${platform.kind} registry named "${BUILTIN_NAME}" already exists`);
      await this.deps.store.updateUrl(platform.id, url);
      return { ...platform, url };
    }
    const record: RegistryRecord = { id: randomUUID(), name: BUILTIN_NAME, url, kind: 'BUILTIN', username: null, sealedPassword: null, createdAt: this.deps.now() };
    if ((await this.deps.store.insert(record)) === 'duplicate-name')
      throw new Error(`the platform registry cannot be registered: a registry named "${BUILTIN_NAME}" was created meanwhile`);
    return record;
  }

  /**
   * Lets the workspace's builds push to the registry, under its project there: `project` when given,
   * else the one it has already, else its slug. A project belongs to one workspace of a registry.
   */
  async allot(workspaceId: string, registryId: string, rawProject?: string | null): Promise<RegistryAllotmentView> {
    const requested = rawProject == null ? null : checkProject('project', rawProject);
    const slug = await this.deps.gate.slugOf(workspaceId);
    if (slug === null) throw new NotFoundError('Workspace', workspaceId, 'workspaceId');
    const registry = await this.deps.store.findById(registryId);
    if (registry === null) throw new NotFoundError('Registry', registryId, 'registryId');
    const project = requested ?? (await this.deps.store.projectOf(workspaceId, registryId)) ?? slug;
    if ((await this.deps.store.allot(workspaceId, registryId, project)) === 'project-taken')
      throw new ConflictError(
        'project',
        `another workspace owns the project ${project} of registry ${registry.name}${requested === null ? ' (the workspace slug): pass a project' : ''}`,
      );
    return { registry, project };
  }

  /** Every registry, for a system administrator; nothing for anyone else. */
  async list(principal: PrincipalLike): Promise<RegistryRecord[]> {
    return (await this.deps.gate.isSystemAdmin(principal)) ? this.deps.store.list() : [];
  }

  /** Another team's workspace looks exactly like a missing one: NOT_FOUND either way. */
  async listForWorkspace(principal: PrincipalLike, workspaceId: string): Promise<RegistryRecord[]> {
    const { gate } = this.deps;
    if (!(await gate.exists(workspaceId)) || !(await gate.allows(principal, workspaceId, 'build:read'))) throw new NotFoundError('Workspace', workspaceId);
    return (await this.deps.store.listByWorkspaces([workspaceId])).get(workspaceId) ?? [];
  }

  /** The registries of many workspaces at once (e.g. `workspaces { registries }`): a constant number of statements. */
  async listForWorkspaces(principal: PrincipalLike, workspaceIds: readonly string[]): Promise<Map<string, RegistryRecord[] | ForbiddenError>> {
    const allowed = await this.deps.gate.allowedAmong(principal, workspaceIds, 'build:read');
    const registries = await this.deps.store.listByWorkspaces(workspaceIds.filter((id) => allowed.has(id)));
    return new Map(workspaceIds.map((id) => [id, allowed.has(id) ? (registries.get(id) ?? []) : new ForbiddenError(`Not allowed to see the registries of workspace ${id}`)]));
  }

  async get(id: string): Promise<RegistryRecord | null> {
    return this.deps.store.findById(id);
  }

  getMany(ids: readonly string[]): Promise<RegistryRecord[]> {
    return this.deps.store.findByIds(ids);
  }

  credentialsOf(registry: RegistryRecord): RegistryCredentials {
    return { username: registry.username, password: registry.sealedPassword === null ? null : this.deps.sealer.open(registry.sealedPassword) };
  }

  /**
   * A registry the caller may see: every one for a system administrator; otherwise one allotted to a
   * workspace whose builds they may read (as `registries(workspaceId:)` shows them). Null otherwise.
   */
  async getVisible(principal: PrincipalLike, id: string): Promise<RegistryRecord | null> {
    const registry = await this.deps.store.findById(id);
    if (registry === null || (await this.deps.gate.isSystemAdmin(principal))) return registry;
    const workspaceIds = (await this.deps.store.allotmentsOf(id)).map((allotment) => allotment.workspaceId);
    return (await this.deps.gate.allowedAmong(principal, workspaceIds, 'build:read')).size > 0 ? registry : null;
  }

  /**
   * The projects of a registry whose repositories the caller sees: every one for a system
   * administrator; otherwise those of the workspaces whose builds they may read. A registry shared
   * by several teams shows each team its own project only.
   */
  async visibleProjects(principal: PrincipalLike, registryId: string): Promise<ProjectScope> {
    if (await this.deps.gate.isSystemAdmin(principal)) return 'ALL';
    const allotments = await this.deps.store.allotmentsOf(registryId);
    const readable = await this.deps.gate.allowedAmong(
      principal,
      allotments.map((allotment) => allotment.workspaceId),
      'build:read',
    );
    return new Set(allotments.filter((allotment) => readable.has(allotment.workspaceId)).map((allotment) => allotment.project));
  }

  /** The projects allotted in the registry that the caller sees, sorted (an administrator sees all). */
  async projectNames(principal: PrincipalLike, registryId: string): Promise<string[]> {
    const visible = await this.visibleProjects(principal, registryId);
    const projects = visible === 'ALL' ? (await this.deps.store.allotmentsOf(registryId)).map((allotment) => allotment.project) : [...visible];
    return [...new Set(projects)].sort();
  }

  /** One repository of the registry the caller may see; null when it is missing or another team's (the same answer). */
  async repository(principal: PrincipalLike, registry: RegistryRecord, name: string): Promise<{ id: string; name: string; registry: RegistryRecord } | null> {
    const projects = await this.visibleProjects(principal, registry.id);
    if (projects !== 'ALL' && !projects.has(projectOfRepository(name))) return null;
    const names = await this.namesWithin(registry, projects);
    return names.includes(name) ? { id: repositoryKey(registry.id, name), name, registry } : null;
  }

  /** The registry's repository names the caller may see, sorted, read through the registry API now. */
  async repositoryNames(principal: PrincipalLike, registry: RegistryRecord): Promise<string[]> {
    return this.namesWithin(registry, await this.visibleProjects(principal, registry.id));
  }

  private async namesWithin(registry: RegistryRecord, projects: ProjectScope): Promise<string[]> {
    if (projects !== 'ALL' && projects.size === 0) return [];
    const names = await this.reading(registry, async (credentials) => (await this.deps.api.repositories(registry.url, credentials)).sort());
    return projects === 'ALL' ? names : names.filter((name) => name.includes('/') && projects.has(projectOfRepository(name)));
  }

  /** A repository's tag names, read through the registry API now. */
  tagNames(registry: RegistryRecord, repository: string): Promise<string[]> {
    return this.reading(registry, (credentials) => this.deps.api.tags(registry.url, credentials, repository));
  }

  /** Digest and size of some tags (one manifest read each: only for the tags a page shows). */
  describeTags(registry: RegistryRecord, repository: string, tags: readonly string[]): Promise<RegistryTagView[]> {
    return this.reading(registry, (credentials) =>
      Promise.all(
        tags.map(async (tag) => {
          const manifest = await this.deps.api.manifest(registry.url, credentials, repository, tag);
          return { id: tagKey(registry.id, repository, tag), name: tag, digest: manifest?.digest ?? null, sizeBytes: manifest?.sizeBytes ?? null };
        }),
      ),
    );
  }

  /** A registry that cannot answer is UNAVAILABLE, naming it. */
  private async reading<T>(registry: RegistryRecord, read: (credentials: RegistryCredentials) => Promise<T>): Promise<T> {
    try {
      return await read(this.credentialsOf(registry));
    } catch (error) {
      if (error instanceof RegistryAccessError) throw new DomainError('UNAVAILABLE', `Registry ${registry.name}: ${error.message}`, { registryId: registry.id });
      throw error;
    }
  }
}
