import { Arg, Args, Authorized, Ctx, Extensions, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { NotFoundError } from '../../shared/errors.js';
import { localKeyOf } from '../../shared/global-id.js';
import { paginate } from '../../shared/pagination.js';
import { MEMBERS_BY_JOINING, MemberConnection, WORKSPACES_BY_NAME, WorkspaceConnection } from './connections.js';
import { callerOf, type WorkspacesContext } from './context.js';
import { ClusterAllotment, StorageAllotment, Workspace, WorkspaceRoleEnum } from './graphql-types.js';
import {
  AddWorkspaceMemberInput,
  AllotClusterInput,
  AllotStorageInput,
  CreateWorkspaceInput,
  DeleteWorkspaceInput,
  RemoveWorkspaceMemberInput,
  RevokeClusterAllotmentInput,
  RevokeStorageAllotmentInput,
  UpdateWorkspaceInput,
  UpdateWorkspaceMemberInput,
} from './inputs.js';
import { toAllotment, toMember, toStorageAllotment, toWorkspace } from './mappers.js';
import { memberKey } from './node-keys.js';
import {
  AddWorkspaceMemberPayload,
  AllotClusterPayload,
  AllotStoragePayload,
  CreateWorkspacePayload,
  DeleteWorkspacePayload,
  RemoveWorkspaceMemberPayload,
  RevokeClusterAllotmentPayload,
  RevokeStorageAllotmentPayload,
  UpdateWorkspaceMemberPayload,
  UpdateWorkspacePayload,
} from './payloads.js';
import type { WorkspaceRole } from './records.js';
import type { MemberInput } from './workspace-service.js';

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
    const record = await context.workspaces.getVisible(callerOf(context), localKeyOf(id, 'Workspace'));
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

  @FieldResolver(() => WorkspaceRoleEnum, { nullable: true, description: "The caller's role in it; null when the caller is not a member (a system administrator looking in)." })
  async myRole(@Root() workspace: Workspace, @Ctx() context: WorkspacesContext): Promise<WorkspaceRole | null> {
    const { userId } = callerOf(context);
    if (userId === null) return null;
    const memberships = await context.workspaceLoaders.membershipsByUserId.load(userId);
    return memberships.find((member) => member.workspaceId === workspace.id)?.role ?? null;
  }

  @Authorized('ADMIN')
  @Mutation(() => CreateWorkspacePayload, { description: 'Creates a workspace, without members or clusters. System administrators only.' })
  async createWorkspace(
    @Arg('input', () => CreateWorkspaceInput, { description: 'The workspace to create.' }) input: CreateWorkspaceInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<CreateWorkspacePayload> {
    return { workspace: toWorkspace(await context.workspaces.create(callerOf(context), input)) };
  }

  @Authorized()
  @Mutation(() => UpdateWorkspacePayload, { description: "Renames or describes a workspace. System administrators and the workspace's MANAGERs." })
  async updateWorkspace(
    @Arg('input', () => UpdateWorkspaceInput, { description: 'The workspace and the fields to change; omitted fields stay as they are.' }) input: UpdateWorkspaceInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<UpdateWorkspacePayload> {
    const { id, ...changes } = input;
    return { workspace: toWorkspace(await context.workspaces.update(callerOf(context), localKeyOf(id, 'Workspace'), changes)) };
  }

  @Authorized('ADMIN')
  @Mutation(() => DeleteWorkspacePayload, { description: 'Deletes a workspace with its memberships and allotments (the clusters themselves stay). System administrators only.' })
  async deleteWorkspace(
    @Arg('input', () => DeleteWorkspaceInput, { description: 'The workspace to delete.' }) input: DeleteWorkspaceInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<DeleteWorkspacePayload> {
    return { deletedWorkspaceId: await context.workspaces.delete(callerOf(context), localKeyOf(input.id, 'Workspace')) };
  }

  @Authorized()
  @Extensions(MEMBER_TARGET)
  @Mutation(() => AddWorkspaceMemberPayload, { description: "Adds a user to a workspace with a role. System administrators and the workspace's MANAGERs." })
  async addWorkspaceMember(
    @Arg('input', () => AddWorkspaceMemberInput, { description: 'Who joins which workspace, with which role.' }) input: AddWorkspaceMemberInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<AddWorkspaceMemberPayload> {
    const member = await context.workspaces.addMember(callerOf(context), memberInputOf(input));
    return { member: toMember(member), workspace: await currentWorkspace(context, member.workspaceId) };
  }

  @Authorized()
  @Extensions(MEMBER_TARGET)
  @Mutation(() => UpdateWorkspaceMemberPayload, { description: "Changes a member's role. The last MANAGER cannot be demoted. System administrators and the workspace's MANAGERs." })
  async updateWorkspaceMember(
    @Arg('input', () => UpdateWorkspaceMemberInput, { description: 'The member and their new role.' }) input: UpdateWorkspaceMemberInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<UpdateWorkspaceMemberPayload> {
    const member = await context.workspaces.updateMember(callerOf(context), memberInputOf(input));
    return { member: toMember(member), workspace: await currentWorkspace(context, member.workspaceId) };
  }

  @Authorized()
  @Extensions(MEMBER_TARGET)
  @Mutation(() => RemoveWorkspaceMemberPayload, {
    description: "Removes a member from a workspace. The last MANAGER cannot be removed. System administrators and the workspace's MANAGERs.",
  })
  async removeWorkspaceMember(
    @Arg('input', () => RemoveWorkspaceMemberInput, { description: 'The member to remove.' }) input: RemoveWorkspaceMemberInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<RemoveWorkspaceMemberPayload> {
    const userId = localKeyOf(input.userId, 'User');
    const workspace = await context.workspaces.removeMember(callerOf(context), localKeyOf(input.workspaceId, 'Workspace'), userId);
    return { workspace: toWorkspace(workspace), removedMemberId: memberKey(workspace.id, userId), removedUserId: userId };
  }

  @Authorized('ADMIN')
  @Extensions(ALLOTMENT_TARGET)
  @Mutation(() => AllotClusterPayload, {
    description: 'Allots a cluster, or some of its namespaces, to a workspace: its members see and use only that. System administrators only.',
  })
  async allotCluster(
    @Arg('input', () => AllotClusterInput, { description: 'Which cluster (and namespaces) for which workspace.' }) input: AllotClusterInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<AllotClusterPayload> {
    const allotment = await context.workspaces.allotCluster(callerOf(context), {
      ...input,
      workspaceId: localKeyOf(input.workspaceId, 'Workspace'),
      clusterId: localKeyOf(input.clusterId, 'Cluster'),
    });
    return { allotment: toAllotment(allotment), workspace: await currentWorkspace(context, allotment.workspaceId) };
  }

  @Authorized('ADMIN')
  @Extensions(ALLOTMENT_TARGET)
  @Mutation(() => RevokeClusterAllotmentPayload, { description: 'Takes a cluster away from a workspace (its members stop seeing it at once). System administrators only.' })
  async revokeClusterAllotment(
    @Arg('input', () => RevokeClusterAllotmentInput, { description: 'The cluster to take away, and from which workspace.' }) input: RevokeClusterAllotmentInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<RevokeClusterAllotmentPayload> {
    const clusterId = localKeyOf(input.clusterId, 'Cluster');
    const workspace = await context.workspaces.revokeClusterAllotment(callerOf(context), localKeyOf(input.workspaceId, 'Workspace'), clusterId);
    return { workspace: toWorkspace(workspace), revokedClusterId: clusterId };
  }

  @Authorized('ADMIN')
  @Extensions(STORAGE_TARGET)
  @Mutation(() => AllotStoragePayload, {
    description: 'Allots a storage class of a cluster already allotted to a workspace, with a quota; allotting it again replaces the quota. System administrators only.',
  })
  async allotStorage(
    @Arg('input', () => AllotStorageInput, { description: 'Which storage class of which cluster for which workspace, and how much of it.' }) input: AllotStorageInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<AllotStoragePayload> {
    const allotment = await context.workspaces.allotStorage(callerOf(context), {
      ...input,
      workspaceId: localKeyOf(input.workspaceId, 'Workspace'),
      clusterId: localKeyOf(input.clusterId, 'Cluster'),
    });
    return { allotment: toStorageAllotment(allotment), workspace: await currentWorkspace(context, allotment.workspaceId) };
  }

  @Authorized('ADMIN')
  @Extensions(STORAGE_TARGET)
  @Mutation(() => RevokeStorageAllotmentPayload, {
    description: 'Takes a storage class away from a workspace (its namespace-limited members stop seeing it at once). Claims already made stay. System administrators only.',
  })
  async revokeStorageAllotment(
    @Arg('input', () => RevokeStorageAllotmentInput, { description: 'The storage class to take away, and from which workspace.' }) input: RevokeStorageAllotmentInput,
    @Ctx() context: WorkspacesContext,
  ): Promise<RevokeStorageAllotmentPayload> {
    const workspace = await context.workspaces.revokeStorageAllotment(
      callerOf(context),
      localKeyOf(input.workspaceId, 'Workspace'),
      localKeyOf(input.clusterId, 'Cluster'),
      input.storageClassName,
    );
    return { workspace: toWorkspace(workspace), clusterId: localKeyOf(input.clusterId, 'Cluster'), revokedStorageClassName: input.storageClassName };
  }
}

function memberInputOf(input: { workspaceId: string; userId: string; role: WorkspaceRole }): MemberInput {
  return { workspaceId: localKeyOf(input.workspaceId, 'Workspace'), userId: localKeyOf(input.userId, 'User'), role: input.role };
}

/** Read after the change, not through the request's loader, which may hold the workspace as it was. */
async function currentWorkspace(context: WorkspacesContext, id: string): Promise<Workspace> {
  const [record] = await context.workspaces.getMany([id]);
  if (record === undefined) throw new NotFoundError('Workspace', id, 'workspaceId');
  return toWorkspace(record);
}
