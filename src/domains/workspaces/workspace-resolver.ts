import { Arg, Args, Authorized, Ctx, Extensions, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { paginate } from '../../shared/pagination.js';
import { MEMBERS_BY_JOINING, MemberConnection, WORKSPACES_BY_NAME, WorkspaceConnection } from './connections.js';
import { callerOf, type WorkspacesContext } from './context.js';
import { ClusterAllotment, Member, StorageAllotment, Workspace, WorkspaceRoleEnum } from './graphql-types.js';
import { AllotClusterInput, AllotStorageInput, CreateWorkspaceInput, UpdateWorkspaceInput, WorkspaceMemberInput } from './inputs.js';
import { toAllotment, toMember, toStorageAllotment, toWorkspace } from './mappers.js';
import type { WorkspaceRole } from './records.js';

/** Member and allotment changes name their target by an argument: the audit log records it. */
const MEMBER_TARGET = { audit: { targetType: 'WorkspaceMember', targetIdArg: 'userId' } };
const ALLOTMENT_TARGET = { audit: { targetType: 'ClusterAllotment', targetIdArg: 'clusterId' } };
const STORAGE_TARGET = { audit: { targetType: 'StorageAllotment', targetIdArg: 'storageClassName' } };

@Resolver(() => Workspace)
export class WorkspaceResolver {
  @Authorized()
  @Query(() => WorkspaceConnection, { description: 'The workspaces the caller belongs to, by name, paged; every workspace for a system administrator.' })
  async workspaces(@Ctx() context: WorkspacesContext, @Args(() => ConnectionArgs) page: ConnectionArgs): Promise<WorkspaceConnection> {
    const workspaces = (await context.workspaces.listVisible(callerOf(context))).map(toWorkspace);
    return paginate(context, 'Query.workspaces', page, workspaces, WORKSPACES_BY_NAME, (workspace) => workspace);
  }

  @Authorized()
  @Query(() => Workspace, { nullable: true, description: 'One workspace by id; null when it does not exist or the caller is not a member (system administrators see all).' })
  async workspace(@Arg('id', () => ID, { description: 'Workspace id.' }) id: string, @Ctx() context: WorkspacesContext): Promise<Workspace | null> {
    const record = await context.workspaces.getVisible(callerOf(context), id);
    return record === null ? null : toWorkspace(record);
  }

  @FieldResolver(() => Int, { description: 'How many members it has.' })
  async memberCount(@Root() workspace: Workspace, @Ctx() context: WorkspacesContext): Promise<number> {
    return context.workspaceLoaders.memberCountByWorkspaceId.load(workspace.id);
  }

  @FieldResolver(() => Int, { description: 'How many clusters are allotted to it.' })
  async clusterCount(@Root() workspace: Workspace, @Ctx() context: WorkspacesContext): Promise<number> {
    return context.workspaceLoaders.allotmentCountByWorkspaceId.load(workspace.id);
  }

  @FieldResolver(() => MemberConnection, { description: 'Its members, in the order they joined, paged.' })
  async members(@Root() workspace: Workspace, @Ctx() context: WorkspacesContext, @Args(() => ConnectionArgs) page: ConnectionArgs): Promise<MemberConnection> {
    // One batched load for every workspace of the response, then paged per workspace in memory.
    const members = (await context.workspaceLoaders.membersByWorkspaceId.load(workspace.id)).map(toMember);
    return paginate(context, 'Workspace.members', page, members, MEMBERS_BY_JOINING, (member) => member);
  }

  @FieldResolver(() => [ClusterAllotment], { description: 'The clusters allotted to it, with the namespaces each is limited to.' })
  async allotments(@Root() workspace: Workspace, @Ctx() context: WorkspacesContext): Promise<ClusterAllotment[]> {
    return (await context.workspaceLoaders.allotmentsByWorkspaceId.load(workspace.id)).map(toAllotment);
  }

  @FieldResolver(() => [StorageAllotment], { description: 'The storage classes allotted to it, by cluster and class name, with their quotas.' })
  async storage(@Root() workspace: Workspace, @Ctx() context: WorkspacesContext): Promise<StorageAllotment[]> {
    return (await context.workspaceLoaders.storageByWorkspaceId.load(workspace.id)).map(toStorageAllotment);
  }

  @FieldResolver(() => WorkspaceRoleEnum, { nullable: true, description: 'The caller\'s role in it; null when the caller is not a member (a system administrator looking in).' })
  async myRole(@Root() workspace: Workspace, @Ctx() context: WorkspacesContext): Promise<WorkspaceRole | null> {
    const { userId } = callerOf(context);
    if (userId === null) return null;
    const memberships = await context.workspaceLoaders.membershipsByUserId.load(userId);
    return memberships.find((member) => member.workspaceId === workspace.id)?.role ?? null;
  }

  @Authorized('ADMIN')
  @Mutation(() => Workspace, { description: 'Creates a workspace, without members or clusters. System administrators only.' })
  async createWorkspace(@Arg('input', () => CreateWorkspaceInput, { description: 'The workspace to create.' }) input: CreateWorkspaceInput, @Ctx() context: WorkspacesContext): Promise<Workspace> {
    return toWorkspace(await context.workspaces.create(callerOf(context), input));
  }

  @Authorized()
  @Mutation(() => Workspace, { description: 'Renames or describes a workspace. System administrators and the workspace\'s MANAGERs.' })
  async updateWorkspace(
    @Arg('id', () => ID, { description: 'Workspace to change.' }) id: string,
    @Arg('input', () => UpdateWorkspaceInput, { description: 'Fields to change; omitted fields stay as they are.' }) input: UpdateWorkspaceInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<Workspace> {
    return toWorkspace(await context.workspaces.update(callerOf(context), id, input));
  }

  @Authorized('ADMIN')
  @Mutation(() => ID, { description: 'Deletes a workspace with its memberships and allotments (the clusters themselves stay). Returns the deleted id. System administrators only.' })
  async deleteWorkspace(@Arg('id', () => ID, { description: 'Workspace to delete.' }) id: string, @Ctx() context: WorkspacesContext): Promise<string> {
    return context.workspaces.delete(callerOf(context), id);
  }

  @Authorized()
  @Extensions(MEMBER_TARGET)
  @Mutation(() => Member, { description: 'Adds a user to a workspace with a role. System administrators and the workspace\'s MANAGERs.' })
  async addWorkspaceMember(@Arg('input', () => WorkspaceMemberInput, { description: 'Who joins which workspace, with which role.' }) input: WorkspaceMemberInput, @Ctx() context: WorkspacesContext): Promise<Member> {
    return toMember(await context.workspaces.addMember(callerOf(context), input));
  }

  @Authorized()
  @Extensions(MEMBER_TARGET)
  @Mutation(() => Member, { description: 'Changes a member\'s role. The last MANAGER cannot be demoted. System administrators and the workspace\'s MANAGERs.' })
  async updateWorkspaceMember(@Arg('input', () => WorkspaceMemberInput, { description: 'The member and their new role.' }) input: WorkspaceMemberInput, @Ctx() context: WorkspacesContext): Promise<Member> {
    return toMember(await context.workspaces.updateMember(callerOf(context), input));
  }

  @Authorized()
  @Extensions(MEMBER_TARGET)
  @Mutation(() => Workspace, { description: 'Removes a member from a workspace and returns the workspace. The last MANAGER cannot be removed. System administrators and the workspace\'s MANAGERs.' })
  async removeWorkspaceMember(
    @Arg('workspaceId', () => ID, { description: 'The workspace.' }) workspaceId: string,
    @Arg('userId', () => ID, { description: 'The member to remove.' }) userId: string,
    @Ctx() context: WorkspacesContext,
  ): Promise<Workspace> {
    return toWorkspace(await context.workspaces.removeMember(callerOf(context), workspaceId, userId));
  }

  @Authorized('ADMIN')
  @Extensions(ALLOTMENT_TARGET)
  @Mutation(() => ClusterAllotment, { description: 'Allots a cluster, or some of its namespaces, to a workspace: its members see and use only that. System administrators only.' })
  async allotCluster(@Arg('input', () => AllotClusterInput, { description: 'Which cluster (and namespaces) for which workspace.' }) input: AllotClusterInput, @Ctx() context: WorkspacesContext): Promise<ClusterAllotment> {
    return toAllotment(await context.workspaces.allotCluster(callerOf(context), input));
  }

  @Authorized('ADMIN')
  @Extensions(ALLOTMENT_TARGET)
  @Mutation(() => Workspace, { description: 'Takes a cluster away from a workspace (its members stop seeing it at once) and returns the workspace. System administrators only.' })
  async revokeClusterAllotment(
    @Arg('workspaceId', () => ID, { description: 'The workspace.' }) workspaceId: string,
    @Arg('clusterId', () => ID, { description: 'The cluster to take away.' }) clusterId: string,
    @Ctx() context: WorkspacesContext,
  ): Promise<Workspace> {
    return toWorkspace(await context.workspaces.revokeClusterAllotment(callerOf(context), workspaceId, clusterId));
  }

  @Authorized('ADMIN')
  @Extensions(STORAGE_TARGET)
  @Mutation(() => StorageAllotment, { description: 'Allots a storage class of a cluster already allotted to a workspace, with a quota; allotting it again replaces the quota. System administrators only.' })
  async allotStorage(@Arg('input', () => AllotStorageInput, { description: 'Which storage class of which cluster for which workspace, and how much of it.' }) input: AllotStorageInput, @Ctx() context: WorkspacesContext): Promise<StorageAllotment> {
    return toStorageAllotment(await context.workspaces.allotStorage(callerOf(context), input));
  }

  @Authorized('ADMIN')
  @Extensions(STORAGE_TARGET)
  @Mutation(() => Workspace, { description: 'Takes a storage class away from a workspace (its namespace-limited members stop seeing it at once) and returns the workspace. Claims already made stay. System administrators only.' })
  async revokeStorageAllotment(
    @Arg('workspaceId', () => ID, { description: 'The workspace.' }) workspaceId: string,
    @Arg('clusterId', () => ID, { description: 'The cluster the storage class belongs to.' }) clusterId: string,
    @Arg('storageClassName', { description: 'The storage class to take away.' }) storageClassName: string,
    @Ctx() context: WorkspacesContext,
  ): Promise<Workspace> {
    return toWorkspace(await context.workspaces.revokeStorageAllotment(callerOf(context), workspaceId, clusterId, storageClassName));
  }
}
