import { DateTimeResolver } from 'graphql-scalars';
import { Extensions, Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { globalIdOf, Node } from '../../shared/node.js';
import type { TokenScope } from './records.js';
import { User } from './user-type.js';

export const ApiTokenScopeEnum = { READ: 'read', WRITE: 'write' } as const satisfies Record<string, TokenScope>;
registerEnumType(ApiTokenScopeEnum, {
  name: 'ApiTokenScope',
  description: 'What an API token may do.',
  valuesConfig: {
    READ: { description: 'Run queries and subscriptions.' },
    WRITE: { description: 'Run mutations.' },
  },
});

@ObjectType({ implements: Node, description: 'An API token for a person or a third-party tool. Its secret is shown once, when created; only its hash is kept.' })
export class ApiToken {
  @Field(() => ID, { description: 'Token id (not the secret): pass it to revokeApiToken.' })
  id!: string;

  @Extensions(globalIdOf('User'))
  @Field(() => ID, { description: 'The user the token acts as.' })
  userId!: string;

  @Field({ description: 'Name given when it was created, e.g. the tool that uses it.' })
  name!: string;

  @Field({ description: 'The first characters of the secret, to tell tokens apart.' })
  prefix!: string;

  @Field(() => [ApiTokenScopeEnum], { description: 'What the token may do.' })
  scopes!: TokenScope[];

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it stops working; null: never.' })
  expiresAt!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'Last time it was used, recorded at most once a minute; null: never used.' })
  lastUsedAt!: string | null;

  @Field(() => DateTimeResolver, { nullable: true, description: 'When it was revoked; null: not revoked.' })
  revokedAt!: string | null;

  @Field(() => DateTimeResolver, { description: 'When it was created.' })
  createdAt!: string;
}

@ObjectType({ description: 'A new API token and its secret.' })
export class CreateApiTokenPayload {
  @Field({ description: 'The secret (`kda_…`), shown only this once: send it as "Authorization: Bearer <token>".' })
  token!: string;

  @Field(() => ApiToken, { description: 'The stored token.' })
  apiToken!: ApiToken;
}

@ObjectType({ description: 'The user just created.' })
export class CreateUserPayload {
  @Field(() => User, { description: 'The new user.' })
  user!: User;
}

@ObjectType({ description: 'The token after its revocation.' })
export class RevokeApiTokenPayload {
  @Field(() => ApiToken, { description: 'The token, with revokedAt set.' })
  apiToken!: ApiToken;
}
