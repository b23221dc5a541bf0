import { randomUUID } from 'node:crypto';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { openMapStream, type AppMapUpdate } from './live-stream.js';
import type { ClusterFacts, NamespaceObjects } from './objects.js';
import { drawPicture, type Picture } from './picture.js';
import type { AppMapChangeFeed, AppMapClusters, AppMapGate, AppMapStore, PrincipalLike } from './ports.js';
import type { AppMapRecord } from './records.js';
import { checkDescription, checkGroups, checkMapName, checkNamespace, checkSelector, checkStage, type GroupInput } from './validation.js';

export interface CreateAppMapRequest {
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly namespace: string;
  readonly name: string;
  readonly stage: string;
  readonly selector?: string | null | undefined;
  readonly groups?: readonly GroupInput[] | null | undefined;
  readonly description?: string | null | undefined;
}

export interface UpdateAppMapRequest {
  readonly id: string;
  readonly name?: string | null | undefined;
  readonly stage?: string | null | undefined;
  readonly selector?: string | null | undefined;
  readonly groups?: readonly GroupInput[] | null | undefined;
  readonly description?: string | null | undefined;
  readonly continuousDeployment?: boolean | null | undefined;
}

export interface AppMapFilter {
  /** Absent: every workspace whose maps the caller reads. */
  readonly workspaceId?: string | null | undefined;
  readonly clusterId?: string | null | undefined;
  readonly name?: string | null | undefined;
}

export interface AppMapServiceDeps {
  readonly store: AppMapStore;
  readonly gate: AppMapGate;
  readonly clusters: AppMapClusters;
  readonly feed: AppMapChangeFeed;
  readonly now: () => Date;
}

/** Whether `namespace` of `clusterId` is within a workspace's allotments (cluster id → namespaces, null: all). */
export function isAllotted(allotments: ReadonlyMap<string, readonly string[] | null> | undefined, clusterId: string, namespace: string): boolean {
  const namespaces = allotments?.get(clusterId);
  return namespaces === null || (namespaces !== undefined && namespaces.includes(namespace));
}

/**
 * Application maps: named views of workloads that run in one namespace of one cluster. A map is a
 * row of the database; its picture is drawn from the informer caches whenever it is read, so
 * creating, changing or deleting a map never touches the cluster.
 */
export class AppMapService {
  constructor(private readonly deps: AppMapServiceDeps) {}

  private async readable(principal: PrincipalLike, workspaceId: string): Promise<boolean> {
    return this.deps.gate.allows(principal, workspaceId, 'appmap:read');
  }

  /** Another team's map is missing (`missing`); a member who may read but not write gets FORBIDDEN. */
  private async requireWritable(principal: PrincipalLike, workspaceId: string, missing: () => NotFoundError): Promise<void> {
    if (!(await this.readable(principal, workspaceId))) throw missing();
    if (!(await this.deps.gate.allows(principal, workspaceId, 'appmap:write')))
      throw new ForbiddenError(`Not allowed to change the application maps of workspace ${workspaceId}: DEVOPS or MANAGER only`);
  }

  async get(principal: PrincipalLike, id: string, field = 'id'): Promise<AppMapRecord> {
    const record = await this.deps.store.findById(id);
    if (record === null || !(await this.readable(principal, record.workspaceId))) throw new NotFoundError('AppMap', id, field);
    return record;
  }

  async list(principal: PrincipalLike, filter: AppMapFilter): Promise<AppMapRecord[]> {
    let workspaceIds: 'ALL' | readonly string[];
    if (filter.workspaceId !== undefined && filter.workspaceId !== null) {
      if (!(await this.deps.gate.exists(filter.workspaceId)) || !(await this.readable(principal, filter.workspaceId)))
        throw new NotFoundError('Workspace', filter.workspaceId, 'workspaceId');
      workspaceIds = [filter.workspaceId];
    } else {
      const allowed = await this.deps.gate.workspacesAllowing(principal, 'appmap:read');
      workspaceIds = allowed === 'ALL' ? 'ALL' : [...allowed];
      if (workspaceIds !== 'ALL' && workspaceIds.length === 0) return [];
    }
    const name = filter.name === undefined || filter.name === null ? undefined : checkMapName(filter.name);
    const clusterId = filter.clusterId ?? undefined;
    return this.deps.store.list({ workspaceIds, clusterId, name });
  }

  /** Batch reads for loaders; callers check visibility with `readableWorkspaces`. */
  getMany(ids: readonly string[]): Promise<AppMapRecord[]> {
    return this.deps.store.findByIds(ids);
  }

  /** The maps releases made or adopted, for Release.appMap (the release's readers read its map). */
  mapsOfReleases(releaseIds: readonly string[]): Promise<AppMapRecord[]> {
    return this.deps.store.findByReleases(releaseIds);
  }

  readableWorkspaces(principal: PrincipalLike, workspaceIds: readonly string[]): Promise<ReadonlySet<string>> {
    return this.deps.gate.allowedAmong(principal, workspaceIds, 'appmap:read');
  }

  clusterFacts(clusterIds: readonly string[]): Promise<ReadonlyMap<string, ClusterFacts>> {
    return this.deps.clusters.facts(clusterIds);
  }

  allotments(workspaceIds: readonly string[]): Promise<ReadonlyMap<string, ReadonlyMap<string, readonly string[] | null>>> {
    return this.deps.gate.allotmentsOfWorkspaces(workspaceIds);
  }

  objectsIn(clusterId: string, namespace: string): NamespaceObjects | null {
    return this.deps.clusters.objects(clusterId, namespace);
  }

  objectKey(clusterId: string, namespace: string, name: string, uid: string): string {
    return this.deps.clusters.objectKey(clusterId, namespace, name, uid);
  }

  /** The picture of one map, reading what it needs itself (resolvers use the batched loaders instead). */
  async picture(map: AppMapRecord): Promise<Picture> {
    const [facts, allotments] = await Promise.all([this.clusterFacts([map.clusterId]), this.allotments([map.workspaceId])]);
    return drawPicture({
      map,
      cluster: facts.get(map.clusterId) ?? null,
      allotted: isAllotted(allotments.get(map.workspaceId), map.clusterId, map.namespace),
      objects: this.objectsIn(map.clusterId, map.namespace),
    });
  }

  /**
   * Draws a map around workloads of a namespace allotted to the workspace. Every check comes first:
   * the workspace and the caller's role, the names, the selectors, the allotment; then one row.
   */
  async create(principal: PrincipalLike, input: CreateAppMapRequest): Promise<AppMapRecord> {
    const missing = () => new NotFoundError('Workspace', input.workspaceId, 'workspaceId');
    if (!(await this.deps.gate.exists(input.workspaceId))) throw missing();
    await this.requireWritable(principal, input.workspaceId, missing);
    const now = this.deps.now();
    const record: AppMapRecord = {
      id: randomUUID(),
      workspaceId: input.workspaceId,
      clusterId: input.clusterId,
      namespace: checkNamespace(input.namespace),
      name: checkMapName(input.name),
      description: checkDescription(input.description),
      stage: checkStage(input.stage),
      selector: checkSelector(input.selector),
      groups: checkGroups(input.groups),
      releaseId: null,
      continuousDeployment: false,
      createdAt: now,
      updatedAt: now,
    };
    const allotted = (await this.deps.gate.allotmentsOfWorkspaces([input.workspaceId])).get(input.workspaceId);
    if (allotted?.get(input.clusterId) === undefined) throw new BadInputError('clusterId', `cluster ${input.clusterId} is not allotted to workspace ${input.workspaceId}`);
    if (!isAllotted(allotted, input.clusterId, record.namespace))
      throw new BadInputError('namespace', `namespace ${record.namespace} of cluster ${input.clusterId} is not allotted to workspace ${input.workspaceId}`);
    const outcome = await this.deps.store.insert(record);
    if (outcome === 'duplicate-name') throw new ConflictError('name', `the workspace already has a map named ${record.name} in namespace ${record.namespace} of that cluster`);
    if (outcome === 'missing-parent') throw missing();
    await this.deps.feed.announce(record.id);
    return record;
  }

  async update(principal: PrincipalLike, input: UpdateAppMapRequest): Promise<AppMapRecord> {
    const missing = () => new NotFoundError('AppMap', input.id, 'id');
    const record = await this.deps.store.findById(input.id);
    if (record === null) throw missing();
    await this.requireWritable(principal, record.workspaceId, missing);
    const given = <T>(value: T | null | undefined): value is T => value !== undefined && value !== null;
    if (input.continuousDeployment === true && record.releaseId === null)
      throw new BadInputError('continuousDeployment', 'only a map deployed from the catalog rolls forward on builds; this one was drawn around running workloads');
    const patch = {
      ...(given(input.name) ? { name: checkMapName(input.name) } : {}),
      ...(given(input.stage) ? { stage: checkStage(input.stage) } : {}),
      ...(input.selector !== undefined ? { selector: checkSelector(input.selector) } : {}),
      ...(input.groups !== undefined ? { groups: checkGroups(input.groups) } : {}),
      ...(input.description !== undefined ? { description: checkDescription(input.description) } : {}),
      ...(given(input.continuousDeployment) ? { continuousDeployment: input.continuousDeployment } : {}),
      updatedAt: this.deps.now(),
    };
    const outcome = await this.deps.store.update(record.id, patch);
    if (outcome === 'missing') throw missing();
    if (outcome === 'duplicate-name')
      throw new ConflictError('name', `the workspace already has a map named ${patch.name ?? record.name} in namespace ${record.namespace} of that cluster`);
    await this.deps.feed.announce(record.id);
    return (await this.deps.store.findById(record.id)) ?? { ...record, ...patch };
  }

  /** Deletes the map, never what runs in the cluster. */
  async delete(principal: PrincipalLike, id: string): Promise<AppMapRecord> {
    const missing = () => new NotFoundError('AppMap', id, 'id');
    const record = await this.deps.store.findById(id);
    if (record === null) throw missing();
    await this.requireWritable(principal, record.workspaceId, missing);
    if (!(await this.deps.store.delete(id))) throw missing();
    await this.deps.feed.announce(id);
    return record;
  }

  /** appMapEvents: see live-stream.ts. */
  events(principal: PrincipalLike, appMapIds: readonly string[], after: string | null | undefined): Promise<AsyncIterableIterator<AppMapUpdate>> {
    return openMapStream(this.deps, principal, appMapIds, after);
  }
}
