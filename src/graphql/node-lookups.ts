import { clusterNodeLookups } from '../domains/clusters/index.js';
import { buildNodeLookups } from '../domains/builds/index.js';
import { catalogNodeLookups, releaseNodeLookups } from '../domains/catalog/index.js';
import { appMapNodeLookups } from '../domains/app-maps/index.js';
import { identityNodeLookups, principalAsUser, toUser } from '../domains/identity/index.js';
import { workspaceNodeLookups, workspacesOfUser } from '../domains/workspaces/index.js';
import { UnauthenticatedError } from '../shared/errors.js';
import type { NodeLookup, NodeLookups } from '../shared/node-lookup.js';
import type { GatewayContext } from './context.js';

/**
 * A user as the other fields show them: oneself (`me`), anyone to a system administrator, and a
 * fellow member of a shared workspace (`Member.user`). Identity meets workspaces here.
 */
const findUser: NodeLookup<GatewayContext> = async (context, userId) => {
  const caller = context.principal;
  if (caller === null) throw new UnauthenticatedError();
  if (userId === caller.id && caller.userId === null) return principalAsUser(caller);
  const user = await context.identityLoaders.userById.load(userId);
  if (user === null) return null;
  if (userId === caller.userId || caller.systemRole === 'ADMIN') return toUser(user);
  return (await workspacesOfUser(context, userId, { first: 0 })).totalCount > 0 ? toUser(user) : null;
};

/** Every type that implements Node, by GraphQL type name (checked against the schema when it is built). */
export const NODE_LOOKUPS: NodeLookups<GatewayContext> = {
  ...clusterNodeLookups,
  ...workspaceNodeLookups,
  ...identityNodeLookups,
  ...buildNodeLookups,
  ...catalogNodeLookups,
  ...releaseNodeLookups,
  ...appMapNodeLookups,
  User: findUser,
};
