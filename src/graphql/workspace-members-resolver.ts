import { Args, Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { ConnectionArgs } from '../shared/connection-types.js';
import { toUser, User } from '../domains/identity/index.js';
import { Member, WorkspaceConnection, workspacesOfUser } from '../domains/workspaces/index.js';
import type { GatewayContext } from './context.js';

/** Where workspaces meet identity: a member is a user, a user has workspaces. Neither domain imports the other. */
@Resolver(() => Member)
export class MemberUserResolver {
  @FieldResolver(() => User, { description: 'The member.' })
  async user(@Root() member: Member, @Ctx() context: GatewayContext): Promise<User> {
    // Through identity's per-request loader: the users of every member in a response cost one statement.
    const user = await context.identityLoaders.userById.load(member.userId);
    // Memberships go with their user (ON DELETE CASCADE): a missing user is a broken invariant.
    if (user === null) throw new Error(`member ${member.userId} of workspace ${member.workspaceId} has no user`);
    return toUser(user);
  }
}

@Resolver(() => User)
export class UserWorkspacesResolver {
  @FieldResolver(() => WorkspaceConnection, {
    description: 'The workspaces the user belongs to, by name, paged. Of another user, only the workspaces the caller shares with them (all for a system administrator).',
  })
  workspaces(@Root() user: User, @Ctx() context: GatewayContext, @Args(() => ConnectionArgs) page: ConnectionArgs): Promise<WorkspaceConnection> {
    return workspacesOfUser(context, user.id, page);
  }
}
