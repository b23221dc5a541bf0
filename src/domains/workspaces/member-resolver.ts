import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { toUser, User, type IdentityContext } from '../identity/index.js';
import { Member } from './graphql-types.js';

/**
 * Identity is the one domain this one builds on: a member is a user. Loaded through identity's
 * per-request loader, so the users of every member in a response cost one statement.
 */
@Resolver(() => Member)
export class MemberResolver {
  @FieldResolver(() => User, { description: 'The member.' })
  async user(@Root() member: Member, @Ctx() context: IdentityContext): Promise<User> {
    const user = await context.identityLoaders.userById.load(member.userId);
    // Memberships go with their user (ON DELETE CASCADE): a missing user is a broken invariant.
    if (user === null) throw new Error(`member ${member.userId} of workspace ${member.workspaceId} has no user`);
    return toUser(user);
  }
}
