import { Field, Float, ID, InputType } from 'type-graphql';
import { WorkspaceRoleEnum } from './graphql-types.js';
import type { WorkspaceRole } from './records.js';
import { MAX_ALLOTTED_NAMESPACES, MAX_DESCRIPTION_LENGTH, MAX_QUOTA_BYTES, MAX_SLUG_LENGTH, MAX_WORKSPACE_NAME_LENGTH } from './validation.js';

@InputType({ description: 'A workspace to create.' })
export class CreateWorkspaceInput {
  @Field({ description: `Unique name, 1-${MAX_WORKSPACE_NAME_LENGTH} characters.` })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: `Unique short name, never changed afterwards: 1-${MAX_SLUG_LENGTH} lowercase letters, digits or dashes. Names the build namespace (kda-builds-<slug>) and the default registry project. Omitted: made from the name ("Cloud Team" → cloud-team).`,
  })
  slug?: string | null;

  @Field(() => String, { nullable: true, description: `What it is for, at most ${MAX_DESCRIPTION_LENGTH} characters.` })
  description?: string | null;
}

@InputType({ description: 'Changes to a workspace; omitted fields stay as they are.' })
export class UpdateWorkspaceInput {
  @Field(() => ID, { description: 'Workspace to change.' })
  id!: string;

  @Field(() => String, { nullable: true, description: `New unique name, 1-${MAX_WORKSPACE_NAME_LENGTH} characters.` })
  name?: string | null;

  @Field(() => String, { nullable: true, description: `New description, at most ${MAX_DESCRIPTION_LENGTH} characters; null or empty removes it.` })
  description?: string | null;
}

@InputType({ description: 'A workspace to delete.' })
export class DeleteWorkspaceInput {
  @Field(() => ID, { description: 'Workspace to delete.' })
  id!: string;
}

@InputType({ description: 'A user to add to a workspace, with a role.' })
export class AddWorkspaceMemberInput {
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field(() => ID, { description: 'The user.' })
  userId!: string;

  @Field(() => WorkspaceRoleEnum, { description: 'The role they get.' })
  role!: WorkspaceRole;
}

@InputType({ description: 'A member whose role to change.' })
export class UpdateWorkspaceMemberInput {
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field(() => ID, { description: "The member's user." })
  userId!: string;

  @Field(() => WorkspaceRoleEnum, { description: 'Their new role.' })
  role!: WorkspaceRole;
}

@InputType({ description: 'A member to remove from a workspace.' })
export class RemoveWorkspaceMemberInput {
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field(() => ID, { description: "The member's user." })
  userId!: string;
}

@InputType({ description: 'A cluster (or some of its namespaces) to allot to a workspace.' })
export class AllotClusterInput {
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field(() => ID, { description: 'The cluster.' })
  clusterId!: string;

  @Field(() => [String], {
    nullable: true,
    description: `Namespaces to allot (at most ${MAX_ALLOTTED_NAMESPACES}); null or omitted: the whole cluster. Allotting an allotted cluster again replaces its namespaces.`,
  })
  namespaces?: string[] | null;
}

@InputType({ description: 'A storage class of a cluster already allotted to a workspace, to allot to it with a quota.' })
export class AllotStorageInput {
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field(() => ID, { description: 'The cluster; it must be allotted to the workspace already.' })
  clusterId!: string;

  @Field({ description: 'A storage class the cluster has.' })
  storageClassName!: string;

  @Field(() => Float, {
    nullable: true,
    description: `Bytes the workspace's claims of this class may request in all, 0 to ${MAX_QUOTA_BYTES} (1 PiB); null or omitted: unlimited. Allotting the class again replaces the quota.`,
  })
  quotaBytes?: number | null;
}

@InputType({ description: 'A cluster to take away from a workspace.' })
export class RevokeClusterAllotmentInput {
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field(() => ID, { description: 'The cluster to take away.' })
  clusterId!: string;
}

@InputType({ description: 'A storage class to take away from a workspace.' })
export class RevokeStorageAllotmentInput {
  @Field(() => ID, { description: 'The workspace.' })
  workspaceId!: string;

  @Field(() => ID, { description: 'The cluster the storage class belongs to.' })
  clusterId!: string;

  @Field({ description: 'The storage class to take away.' })
  storageClassName!: string;
}
