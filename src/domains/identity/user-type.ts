import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { Node } from '../../shared/node.js';
import type { SystemRole } from './records.js';

export const SystemRoleEnum = { ADMIN: 'ADMIN', USER: 'USER' } as const satisfies { [K in SystemRole]: K };
registerEnumType(SystemRoleEnum, {
  name: 'SystemRole',
  description: 'Role across the whole gateway.',
  valuesConfig: {
    ADMIN: { description: 'System administrator: sees and manages everything.' },
    USER: { description: 'A regular user: sees what their workspaces allow.' },
  },
});

/** Other domains add their relations (e.g. `workspaces`) with a `@FieldResolver` on `@Resolver(() => User)`. */
@ObjectType({ implements: Node, description: 'A person or tool that calls the gateway.' })
export class User {
  @Field(() => ID, { description: 'Global id of the user (the administrator configured by KDA_ADMIN_TOKEN has one too).' })
  id!: string;

  @Field({ description: 'Name to show.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Email address, unique; null only for the bootstrap administrator, who is not a stored user.' })
  email!: string | null;

  @Field(() => SystemRoleEnum, { description: 'Role across the whole gateway.' })
  systemRole!: SystemRole;
}
