import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { User } from '../identity/index.js';
import { callerOf, type WorkspacesContext } from './context.js';
import { Workspace } from './graphql-types.js';
import { toWorkspace } from './mappers.js';
import { isSystemAdmin, type WorkspaceRecord } from './records.js';

@Resolver(() => User)
export class UserWorkspacesResolver {
  @FieldResolver(() => [Workspace], {
    description: 'The workspaces the user belongs to, by name. Of another user, only the workspaces the caller shares with them (all for a system administrator).',
  })
  async workspaces(@Root() user: User, @Ctx() context: WorkspacesContext): Promise<Workspace[]> {
    const caller = callerOf(context);
    const loaders = context.workspaceLoaders;
    const seesAll = isSystemAdmin(caller) || caller.userId === user.id;
    // Both in one batch: one statement for the user's memberships and the caller's.
    const [memberships, own] = await Promise.all([
      loaders.membershipsByUserId.load(user.id),
      seesAll || caller.userId === null ? Promise.resolve([]) : loaders.membershipsByUserId.load(caller.userId),
    ]);
    const shared = new Set(own.map((member) => member.workspaceId));
    // A fellow member's other workspaces are none of the caller's business.
    const ids = memberships.map((member) => member.workspaceId).filter((id) => seesAll || shared.has(id));
    const records: WorkspaceRecord[] = [];
    for (const record of await loaders.workspaceById.loadMany(ids)) {
      if (record instanceof Error) throw record;
      if (record !== null) records.push(record);
    }
    return records.sort((a, b) => a.name.localeCompare(b.name)).map(toWorkspace);
  }
}
