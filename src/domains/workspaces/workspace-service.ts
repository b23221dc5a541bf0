import { randomUUID } from 'node:crypto';
import { BadInputError, ConflictError, ForbiddenError, NotFoundError } from '../../shared/errors.js';
import { decideAdd, decideRemoval, decideRoleChange, type MemberChange } from './member-rules.js';
import { roleAllowsOnWorkspace, type WorkspacePermission } from './permissions.js';
import type { AllotmentStore, ClusterDirectory, MemberStore, StorageAllotmentStore, UserDirectory, WorkspaceStore } from './ports.js';
import { isSystemAdmin, type AllotmentRecord, type Caller, type MemberRecord, type StorageAllotmentRecord, type WorkspaceRecord } from './records.js';
import { slugFromName, validDescription, validId, validNamespaces, validQuotaBytes, validRole, validSlug, validStorageClassName, validWorkspaceName } from './validation.js';

export interface WorkspaceServiceDeps {
  readonly workspaces: WorkspaceStore;
  readonly members: MemberStore;
  readonly allotments: AllotmentStore;
  readonly storage: StorageAllotmentStore;
  readonly users: UserDirectory;
  readonly clusters: ClusterDirectory;
  /** Called after memberships or allotments change, so cached access scopes are dropped everywhere. */
  readonly accessChanged: () => Promise<void>;
  readonly now: () => Date;
}

export interface CreateWorkspaceInput {
  readonly name: string;
  /** `null`/omitted: made from the name. */
  readonly slug?: string | null;
  readonly description?: string | null;
}

export interface UpdateWorkspaceInput {
  readonly name?: string | null;
  /** `undefined`: unchanged; `null` or blank: removed. */
  readonly description?: string | null;
}

export interface MemberInput {
  readonly workspaceId: string;
  readonly userId: string;
  readonly role: string;
}

export interface AllotClusterInput {
  readonly workspaceId: string;
  readonly clusterId: string;
  /** `null`/omitted: the whole cluster. */
  readonly namespaces?: readonly string[] | null;
}

export interface AllotStorageInput {
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly storageClassName: string;
  /** `null`/omitted: unlimited. */
  readonly quotaBytes?: number | null;
}

export class WorkspaceService {
  constructor(private readonly deps: WorkspaceServiceDeps) {}

  // Reads. Batch methods serve the DataLoaders; the others decide what a caller may see.

  /** Every workspace for an administrator; the caller's own otherwise. */
  async listVisible(caller: Caller): Promise<WorkspaceRecord[]> {
    if (isSystemAdmin(caller)) return this.deps.workspaces.list();
    if (caller.userId === null) return [];
    const ids = (await this.deps.members.listByUserIds([caller.userId])).map((member) => member.workspaceId);
    const found = await this.deps.workspaces.findByIds(ids);
    return found.sort((a, b) => a.name.localeCompare(b.name));
  }

  /** `null` both for an unknown id and for a workspace the caller is not in: ids cannot be probed. */
  async getVisible(caller: Caller, id: string): Promise<WorkspaceRecord | null> {
    if (!isSystemAdmin(caller)) {
      if (caller.userId === null || (await this.deps.members.find(id, caller.userId)) === null) return null;
    }
    return this.deps.workspaces.findById(id);
  }

  getMany(ids: readonly string[]): Promise<WorkspaceRecord[]> {
    return this.deps.workspaces.findByIds(ids);
  }

  membersOf(workspaceIds: readonly string[]): Promise<MemberRecord[]> {
    return this.deps.members.listByWorkspaceIds(workspaceIds);
  }

  membershipsOf(userIds: readonly string[]): Promise<MemberRecord[]> {
    return this.deps.members.listByUserIds(userIds);
  }

  memberCounts(workspaceIds: readonly string[]): Promise<Map<string, number>> {
    return this.deps.members.countByWorkspaceIds(workspaceIds);
  }

  allotmentsOf(workspaceIds: readonly string[]): Promise<AllotmentRecord[]> {
    return this.deps.allotments.listByWorkspaceIds(workspaceIds);
  }

  allotmentCounts(workspaceIds: readonly string[]): Promise<Map<string, number>> {
    return this.deps.allotments.countByWorkspaceIds(workspaceIds);
  }

  storageOf(workspaceIds: readonly string[]): Promise<StorageAllotmentRecord[]> {
    return this.deps.storage.listByWorkspaceIds(workspaceIds);
  }

  // Changes.

  async create(caller: Caller, input: CreateWorkspaceInput): Promise<WorkspaceRecord> {
    this.requireAdmin(caller, 'creates workspaces');
    const id = randomUUID();
    const name = validWorkspaceName('name', input.name);
    const slug = input.slug == null ? slugFromName(name, id) : validSlug('slug', input.slug);
    const description = validDescription('description', input.description);
    if ((await this.deps.workspaces.findByName(name)) !== null) throw duplicateName(name);
    if ((await this.deps.workspaces.findBySlug(slug)) !== null) throw duplicateSlug(slug, input.slug == null);
    const now = this.deps.now();
    const record: WorkspaceRecord = { id, name, slug, description, createdAt: now, updatedAt: now };
    if ((await this.deps.workspaces.insert(record)) === 'duplicate') {
      // A concurrent create won the race: say which of the two unique values it took.
      throw (await this.deps.workspaces.findByName(name)) !== null ? duplicateName(name) : duplicateSlug(slug, input.slug == null);
    }
    return record;
  }

  async update(caller: Caller, rawId: string, input: UpdateWorkspaceInput): Promise<WorkspaceRecord> {
    const id = validId('id', rawId);
    const changes: { name?: string; description?: string | null } = {};
    if (input.name !== undefined && input.name !== null) changes.name = validWorkspaceName('name', input.name);
    if (input.description !== undefined) changes.description = validDescription('description', input.description);
    await this.requireOnWorkspace(caller, id, 'workspace:manage', 'id', 'change workspace');
    if (changes.name !== undefined) {
      const holder = await this.deps.workspaces.findByName(changes.name);
      if (holder !== null && holder.id !== id) throw duplicateName(changes.name);
    }
    // The change's instant from the same clock as createdAt, to the millisecond (the database's own would be whole seconds).
    const outcome = Object.keys(changes).length === 0 ? 'updated' : await this.deps.workspaces.update(id, { ...changes, updatedAt: this.deps.now() });
    if (outcome === 'duplicate-name') throw duplicateName(changes.name ?? '');
    const updated = outcome === 'missing' ? null : await this.deps.workspaces.findById(id);
    if (updated === null) throw noWorkspace('id', id);
    return updated;
  }

  async delete(caller: Caller, rawId: string): Promise<string> {
    this.requireAdmin(caller, 'deletes workspaces');
    const id = validId('id', rawId);
    if (!(await this.deps.workspaces.delete(id))) throw noWorkspace('id', id);
    await this.deps.accessChanged();
    return id;
  }

  async addMember(caller: Caller, input: MemberInput): Promise<MemberRecord> {
    const { workspaceId, userId, role } = this.memberInput(input);
    await this.requireOnWorkspace(caller, workspaceId, 'workspace:manage', 'workspaceId', 'add members to workspace');
    if (!(await this.deps.users.exists(userId))) throw new NotFoundError('User', userId, 'userId');
    const member: MemberRecord = { workspaceId, userId, role, createdAt: this.deps.now() };
    await this.changeMembers(workspaceId, (members) => decideAdd(members, member));
    return member;
  }

  async updateMember(caller: Caller, input: MemberInput): Promise<MemberRecord> {
    const { workspaceId, userId, role } = this.memberInput(input);
    await this.requireOnWorkspace(caller, workspaceId, 'workspace:manage', 'workspaceId', 'change members of workspace');
    await this.changeMembers(workspaceId, (members) => decideRoleChange(members, userId, role));
    const updated = await this.deps.members.find(workspaceId, userId);
    if (updated === null) throw new NotFoundError('Member', userId, 'userId');
    return updated;
  }

  async removeMember(caller: Caller, rawWorkspaceId: string, rawUserId: string): Promise<WorkspaceRecord> {
    const workspaceId = validId('workspaceId', rawWorkspaceId);
    const userId = validId('userId', rawUserId);
    await this.requireOnWorkspace(caller, workspaceId, 'workspace:manage', 'workspaceId', 'remove members from workspace');
    await this.changeMembers(workspaceId, (members) => decideRemoval(members, userId));
    return this.requireWorkspace('workspaceId', workspaceId);
  }

  async allotCluster(caller: Caller, input: AllotClusterInput): Promise<AllotmentRecord> {
    this.requireAdmin(caller, 'allots clusters');
    const workspaceId = validId('workspaceId', input.workspaceId);
    const clusterId = validId('clusterId', input.clusterId);
    const namespaces = validNamespaces('namespaces', input.namespaces);
    await this.requireWorkspace('workspaceId', workspaceId);
    if (!(await this.deps.clusters.exists(clusterId))) throw new NotFoundError('Cluster', clusterId, 'clusterId');
    const existing = await this.deps.allotments.find(workspaceId, clusterId);
    const record: AllotmentRecord = { workspaceId, clusterId, namespaces, createdAt: existing?.createdAt ?? this.deps.now() };
    await this.deps.allotments.put(record);
    await this.deps.accessChanged();
    return (await this.deps.allotments.find(workspaceId, clusterId)) ?? record;
  }

  async revokeClusterAllotment(caller: Caller, rawWorkspaceId: string, rawClusterId: string): Promise<WorkspaceRecord> {
    this.requireAdmin(caller, 'revokes cluster allotments');
    const workspaceId = validId('workspaceId', rawWorkspaceId);
    const clusterId = validId('clusterId', rawClusterId);
    const workspace = await this.requireWorkspace('workspaceId', workspaceId);
    if (!(await this.deps.allotments.delete(workspaceId, clusterId))) throw new NotFoundError('ClusterAllotment', clusterId, 'clusterId');
    await this.deps.accessChanged();
    return workspace;
  }

  /**
   * Allots a storage class of a cluster the workspace already has, with a quota (null: unlimited);
   * allotting it again replaces the quota. The class must exist in the cluster's cache now.
   */
  async allotStorage(caller: Caller, input: AllotStorageInput): Promise<StorageAllotmentRecord> {
    this.requireAdmin(caller, 'allots storage');
    const workspaceId = validId('workspaceId', input.workspaceId);
    const clusterId = validId('clusterId', input.clusterId);
    const storageClassName = validStorageClassName('storageClassName', input.storageClassName);
    const quotaBytes = validQuotaBytes('quotaBytes', input.quotaBytes);
    await this.requireWorkspace('workspaceId', workspaceId);
    if ((await this.deps.allotments.find(workspaceId, clusterId)) === null) {
      throw new BadInputError('clusterId', `cluster ${clusterId} is not allotted to this workspace; allot the cluster first`);
    }
    if (!(await this.deps.clusters.storageClassNames(clusterId)).has(storageClassName)) {
      throw new BadInputError('storageClassName', `cluster ${clusterId} has no storage class ${JSON.stringify(storageClassName)}`);
    }
    const existing = await this.deps.storage.find(workspaceId, clusterId, storageClassName);
    const record: StorageAllotmentRecord = { workspaceId, clusterId, storageClassName, quotaBytes, createdAt: existing?.createdAt ?? this.deps.now() };
    await this.deps.storage.put(record);
    await this.deps.accessChanged();
    return (await this.deps.storage.find(workspaceId, clusterId, storageClassName)) ?? record;
  }

  async revokeStorageAllotment(caller: Caller, rawWorkspaceId: string, rawClusterId: string, rawStorageClassName: string): Promise<WorkspaceRecord> {
    this.requireAdmin(caller, 'revokes storage allotments');
    const workspaceId = validId('workspaceId', rawWorkspaceId);
    const clusterId = validId('clusterId', rawClusterId);
    const storageClassName = validStorageClassName('storageClassName', rawStorageClassName);
    const workspace = await this.requireWorkspace('workspaceId', workspaceId);
    if (!(await this.deps.storage.delete(workspaceId, clusterId, storageClassName))) {
      throw new NotFoundError('StorageAllotment', storageClassName, 'storageClassName');
    }
    await this.deps.accessChanged();
    return workspace;
  }

  /** Whether the caller holds `permission` on the workspace (administrators hold all). */
  async may(caller: Caller, workspaceId: string, permission: WorkspacePermission): Promise<boolean> {
    if (isSystemAdmin(caller)) return true;
    if (caller.userId === null) return false;
    const membership = await this.deps.members.find(workspaceId, caller.userId);
    return membership !== null && roleAllowsOnWorkspace(membership.role, permission);
  }

  private memberInput(input: MemberInput): { workspaceId: string; userId: string; role: MemberRecord['role'] } {
    return { workspaceId: validId('workspaceId', input.workspaceId), userId: validId('userId', input.userId), role: validRole('role', input.role) };
  }

  private async changeMembers(workspaceId: string, decide: (members: readonly MemberRecord[]) => MemberChange): Promise<void> {
    if ((await this.deps.members.change(workspaceId, decide)) === 'missing-workspace') throw noWorkspace('workspaceId', workspaceId);
    await this.deps.accessChanged();
  }

  private requireAdmin(caller: Caller, what: string): void {
    if (!isSystemAdmin(caller)) throw new ForbiddenError(`Only a system administrator ${what}`);
  }

  /**
   * Administrators learn that an id is unknown; anyone else without the permission gets the same
   * FORBIDDEN whether or not the workspace exists, so workspaces of others cannot be discovered.
   */
  private async requireOnWorkspace(caller: Caller, workspaceId: string, permission: WorkspacePermission, field: string, action: string): Promise<void> {
    if (isSystemAdmin(caller)) {
      await this.requireWorkspace(field, workspaceId);
      return;
    }
    if (!(await this.may(caller, workspaceId, permission))) {
      throw new ForbiddenError(`Only a system administrator or a MANAGER of the workspace may ${action} ${workspaceId}`);
    }
  }

  private async requireWorkspace(field: string, id: string): Promise<WorkspaceRecord> {
    const workspace = await this.deps.workspaces.findById(id);
    if (workspace === null) throw noWorkspace(field, id);
    return workspace;
  }
}

function duplicateName(name: string): ConflictError {
  return new ConflictError('name', `a workspace named ${JSON.stringify(name)} already exists`);
}

function duplicateSlug(slug: string, madeFromName: boolean): ConflictError {
  return new ConflictError('slug', `the slug ${slug} is taken by another workspace${madeFromName ? ' (it was made from the name): pass a slug' : ''}`);
}

function noWorkspace(field: string, id: string): NotFoundError {
  return new NotFoundError('Workspace', id, field);
}
