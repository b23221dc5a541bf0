import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import type { SystemRole } from './principal.js';

export const SystemRoleEnum = { ADMIN: 'ADMIN', USER: 'USER' } as const satisfies { [K in SystemRole]: K };
registerEnumType(SystemRoleEnum, {
  name: 'SystemRole',
  description: 'Role across the whole gateway.',
  valuesConfig: {
    ADMIN: { description: 'System administrator: sees and manages everything.' },
    USER: { description: 'A regular user: sees what their workspaces allow.' },
  },
});

@ObjectType({ description: 'A person or tool that calls the gateway.' })
export class User {
  @Field(() => ID, { description: 'User id.' })
  id!: string;

  @Field({ description: 'Name to show.' })
  name!: string;

  @Field(() => SystemRoleEnum, { description: 'Role across the whole gateway.' })
  systemRole!: SystemRole;
}
