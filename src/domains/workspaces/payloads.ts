import { Extensions, Field, ID, ObjectType } from 'type-graphql';
import { globalIdOf } from '../../shared/node.js';
import { ClusterAllotment, Member, StorageAllotment, Workspace } from './graphql-types.js';

/** What each workspace mutation answers: the changed object as it is now, and its workspace where a client's cache needs it. */

@ObjectType({ description: 'The workspace just created.' })
export class CreateWorkspacePayload {
  @Field(() => Workspace, { description: 'The new workspace.' })
  workspace!: Workspace;
}

@ObjectType({ description: 'The workspace after the change.' })
export class UpdateWorkspacePayload {
  @Field(() => Workspace, { description: 'The workspace as it is now.' })
  workspace!: Workspace;
}

@ObjectType({ description: 'What a workspace deletion removed.' })
export class DeleteWorkspacePayload {
  @Extensions(globalIdOf('Workspace'))
  @Field(() => ID, { description: 'Id of the deleted workspace.' })
  deletedWorkspaceId!: string;
}

@ObjectType({ description: 'The new member and their workspace.' })
export class AddWorkspaceMemberPayload {
  @Field(() => Member, { description: 'The new member.' })
  member!: Member;

  @Field(() => Workspace, { description: 'The workspace they joined (its members and counts changed).' })
  workspace!: Workspace;
}

@ObjectType({ description: 'The member after the role change, and their workspace.' })
export class UpdateWorkspaceMemberPayload {
  @Field(() => Member, { description: 'The member with their new role.' })
  member!: Member;

  @Field(() => Workspace, { description: 'The workspace.' })
  workspace!: Workspace;
}

@ObjectType({ description: 'The workspace after a member left it.' })
export class RemoveWorkspaceMemberPayload {
  @Field(() => Workspace, { description: 'The workspace as it is now.' })
  workspace!: Workspace;

  @Extensions(globalIdOf('Member'))
  @Field(() => ID, { description: 'Id of the removed member (as `Member.id` was).' })
  removedMemberId!: string;

  @Extensions(globalIdOf('User'))
  @Field(() => ID, { description: 'The user who is no longer a member.' })
  removedUserId!: string;
}

@ObjectType({ description: 'The allotment as it is now, and its workspace.' })
export class AllotClusterPayload {
  @Field(() => ClusterAllotment, { description: 'The cluster allotment after the change.' })
  allotment!: ClusterAllotment;

  @Field(() => Workspace, { description: 'The workspace (its clusters changed).' })
  workspace!: Workspace;
}

@ObjectType({ description: 'The workspace after a cluster was taken away from it.' })
export class RevokeClusterAllotmentPayload {
  @Field(() => Workspace, { description: 'The workspace as it is now.' })
  workspace!: Workspace;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'The cluster it no longer has.' })
  revokedClusterId!: string;
}

@ObjectType({ description: 'The storage allotment as it is now, and its workspace.' })
export class AllotStoragePayload {
  @Field(() => StorageAllotment, { description: 'The storage allotment after the change.' })
  allotment!: StorageAllotment;

  @Field(() => Workspace, { description: 'The workspace (its storage changed).' })
  workspace!: Workspace;
}

@ObjectType({ description: 'The workspace after a storage class was taken away from it.' })
export class RevokeStorageAllotmentPayload {
  @Field(() => Workspace, { description: 'The workspace as it is now.' })
  workspace!: Workspace;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'The cluster of the storage class taken away.' })
  clusterId!: string;

  @Field({ description: 'The storage class it no longer has.' })
  revokedStorageClassName!: string;
}
