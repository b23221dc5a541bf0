import { callerOf, type WorkspacesContext } from './context.js';
import { paginate, type PageArgs } from '../../shared/pagination.js';
import { WORKSPACES_BY_NAME, type WorkspaceConnection } from './connections.js';
import { toWorkspace } from './mappers.js';
import { isSystemAdmin, type WorkspaceRecord } from './records.js';

/**
 * The workspaces a user belongs to, by name. Of another user, only the workspaces the caller shares
 * with them (all for a system administrator): a fellow member's other teams are not theirs to know.
 */
export async function workspacesOfUser(context: WorkspacesContext, userId: string, page: PageArgs): Promise<WorkspaceConnection> {
  const caller = callerOf(context);
  const loaders = context.workspaceLoaders;
  const seesAll = isSystemAdmin(caller) || caller.userId === userId;
  // Both in one batch: one statement for the user's memberships and the caller's.
  const [memberships, own] = await Promise.all([
    loaders.membershipsByUserId.load(userId),
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
  return paginate(context, 'User.workspaces', page, records.map(toWorkspace), WORKSPACES_BY_NAME, (workspace) => workspace);
}
