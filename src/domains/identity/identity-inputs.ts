import { DateTimeResolver } from 'graphql-scalars';
import { Field, ID, InputType } from 'type-graphql';
import { ApiTokenScopeEnum } from './api-token-type.js';
import type { SystemRole, TokenScope } from './records.js';
import { SystemRoleEnum } from './user-type.js';
import { MAX_EMAIL_LENGTH, MAX_TOKEN_NAME_LENGTH, MAX_USER_NAME_LENGTH } from './validation.js';

@InputType({ description: 'A user to create.' })
export class CreateUserInput {
  @Field({ description: `Name to show, 1-${MAX_USER_NAME_LENGTH} characters.` })
  name!: string;

  @Field({ description: `Email address, unique (compared case-insensitively), at most ${MAX_EMAIL_LENGTH} characters.` })
  email!: string;

  @Field(() => SystemRoleEnum, { nullable: true, defaultValue: 'USER', description: 'Role across the whole gateway; USER when omitted.' })
  systemRole?: SystemRole | null;
}

@InputType({ description: 'An API token to create.' })
export class CreateApiTokenInput {
  @Field({ description: `What the token is for, 1-${MAX_TOKEN_NAME_LENGTH} characters.` })
  name!: string;

  @Field(() => ID, {
    nullable: true,
    description: 'The user the token acts as; the caller when omitted. Only a system administrator names another user (e.g. a service user for a third-party tool).',
  })
  userId?: string | null;

  @Field(() => [ApiTokenScopeEnum], { description: 'What the token may do; at most what the calling credential may do.' })
  scopes!: TokenScope[];

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it stops working: a date-time in the future; omitted: never.' })
  expiresAt?: Date | null;
}

@InputType({ description: 'An API token to revoke.' })
export class RevokeApiTokenInput {
  @Field(() => ID, { description: 'Token id (not the secret).' })
  id!: string;
}
