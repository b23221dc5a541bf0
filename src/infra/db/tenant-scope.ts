/**
 * Guards of the queries on workspace-scoped tables. A scope that is missing (undefined, null, an
 * empty id, no cluster at all) is a bug in the caller: it must fail loudly, never turn into a
 * query without its condition — which SQL answers with every tenant's rows.
 */
export class MissingTenantScopeError extends Error {
  constructor(query: string, what: string) {
    super(`${query}: ${what} is missing; a workspace-scoped query never runs without its scope`);
    this.name = 'MissingTenantScopeError';
  }
}

/** The workspaces a list is limited to: 'ALL' (a system administrator's, said explicitly) or ids, maybe none. */
export function workspaceScope(query: string, workspaceIds: 'ALL' | readonly string[] | null | undefined): 'ALL' | readonly string[] {
  if (workspaceIds === 'ALL') return workspaceIds;
  const ids: unknown = workspaceIds;
  if (!Array.isArray(ids)) throw new MissingTenantScopeError(query, 'the list of workspace ids');
  if (!ids.every((id): id is string => typeof id === 'string' && id !== '')) throw new MissingTenantScopeError(query, 'a workspace id of the list');
  return ids;
}

/** One workspace's id, present and not empty. */
export function workspaceIdScope(query: string, workspaceId: string | null | undefined): string {
  if (typeof workspaceId !== 'string' || workspaceId === '') throw new MissingTenantScopeError(query, 'the workspace id');
  return workspaceId;
}

/** What of the clusters a workspace sees: at least one cluster (an empty scope would match every cluster). */
export function clusterScope<T extends ReadonlyMap<string, unknown>>(query: string, scope: T | null | undefined): T {
  if (scope === null || scope === undefined || scope.size === 0) throw new MissingTenantScopeError(query, 'the clusters the workspace sees');
  return scope;
}
