import { DateTimeResolver, GraphQLJSONObject } from 'graphql-scalars';
import { Extensions, Field, ID, InputType, ObjectType } from 'type-graphql';
import { connectionType } from '../../../shared/connection-types.js';
import type { ConnectionValues } from '../../../shared/pagination.js';
import { GLOBAL_ID_ENCODED, globalIdOf, Node } from '../../../shared/node.js';

@ObjectType({ implements: Node, description: 'One mutation as recorded: who, what, on which object, when, and the outcome.' })
export class AuditEntry {
  @Field(() => ID, { description: 'Global id of the entry.' })
  id!: string;

  @Field(() => DateTimeResolver, { description: 'When the mutation ran.' })
  at!: string;

  @Extensions(globalIdOf('User'))
  @Field(() => ID, { nullable: true, description: 'Who ran it (the global id of a user, or of the bootstrap administrator); null when the caller sent no credentials.' })
  actorId!: string | null;

  @Field({ description: "The caller's name at the time." })
  actorName!: string;

  @Field({ description: 'The mutation, e.g. addWorkspaceMember.' })
  action!: string;

  @Field(() => String, { nullable: true, description: 'Kind of object acted on, e.g. Workspace, WorkspaceMember, Cluster.' })
  targetType!: string | null;

  @Extensions(GLOBAL_ID_ENCODED)
  @Field(() => ID, { nullable: true, description: 'Global id of the object acted on (of the type targetType names), when known.' })
  targetId!: string | null;

  @Extensions(globalIdOf('Workspace'))
  @Field(() => ID, { nullable: true, description: 'The workspace concerned, when there is one.' })
  workspaceId!: string | null;

  @Field({ description: 'OK, or the error code the caller got (FORBIDDEN, BAD_USER_INPUT, …).' })
  outcome!: string;

  @Field(() => String, { nullable: true, description: 'The error message, for a failed mutation.' })
  message!: string | null;

  @Field(() => GraphQLJSONObject, { description: 'The mutation\'s arguments; kubeconfigs, passwords and tokens are replaced by "[redacted]".' })
  variables!: Record<string, unknown>;
}

export const AuditEntryConnection = connectionType(AuditEntry, { name: 'AuditEntry', noun: 'audit entry', plural: 'audit entries' });
export type AuditEntryConnection = ConnectionValues<AuditEntry>;

@InputType({ description: 'Which audit entries to list; every given field must match.' })
export class AuditLogFilter {
  @Field(() => ID, { nullable: true, description: 'Only entries of this actor.' })
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this mutation, e.g. createWorkspace.' })
  action?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only entries about this object.' })
  targetId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Only entries concerning this workspace.' })
  workspaceId?: string | null;

  @Field(() => String, { nullable: true, description: 'Only this outcome: OK or an error code.' })
  outcome?: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'From this instant on (inclusive).' })
  from?: Date | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Before this instant (exclusive).' })
  to?: Date | null;
}
