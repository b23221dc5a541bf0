/** In-memory ports for the app-maps unit tests (integration tests use the real ones). */
import type { ClusterFacts, NamespaceObjects } from './objects.js';
import type { AppMapChange, AppMapChangeFeed, AppMapClusters, AppMapGate, AppMapPermission, AppMapStore, ChangeStream, MapTarget, PrincipalLike } from './ports.js';
import type { AppMapRecord } from './records.js';

export function memoryAppMapStore(): AppMapStore & { readonly rows: Map<string, AppMapRecord> } {
  const rows = new Map<string, AppMapRecord>();
  const clash = (record: AppMapRecord) =>
    [...rows.values()].some(
      (row) =>
        row.id !== record.id && row.workspaceId === record.workspaceId && row.clusterId === record.clusterId && row.namespace === record.namespace && row.name === record.name,
    );
  return {
    rows,
    findById: async (id) => rows.get(id) ?? null,
    findByIds: async (ids) => ids.flatMap((id) => (rows.has(id) ? [rows.get(id)!] : [])),
    list: async ({ workspaceIds, clusterId, name }) =>
      [...rows.values()]
        .filter(
          (row) =>
            (workspaceIds === 'ALL' || workspaceIds.includes(row.workspaceId)) &&
            (clusterId === undefined || row.clusterId === clusterId) &&
            (name === undefined || row.name === name),
        )
        .sort((left, right) => left.name.localeCompare(right.name)),
    insert: async (record) => {
      if (clash(record)) return 'duplicate-name';
      rows.set(record.id, record);
      return 'inserted';
    },
    update: async (id, patch) => {
      const row = rows.get(id);
      if (row === undefined) return 'missing';
      const next = { ...row, ...patch };
      if (clash(next)) return 'duplicate-name';
      rows.set(id, next);
      return 'updated';
    },
    delete: async (id) => rows.delete(id),
    findByRelease: async (releaseId) => [...rows.values()].filter((row) => row.releaseId === releaseId),
    findByReleases: async (releaseIds) => [...rows.values()].filter((row) => row.releaseId !== null && releaseIds.includes(row.releaseId)),
  };
}

/** Roles per user and workspace; allotments per workspace. */
export type TestRole = 'MANAGER' | 'DEVOPS' | 'OPERATOR' | 'VIEWER';

export interface GateTable {
  readonly roles: Map<string, Map<string, TestRole>>;
  readonly allotments: Map<string, Map<string, readonly string[] | null>>;
}

export function tableGate(table: GateTable): AppMapGate {
  const allows = (principal: PrincipalLike, workspaceId: string, permission: AppMapPermission) => {
    if (principal.systemRole === 'ADMIN') return true;
    const role = table.roles.get(principal.userId ?? '')?.get(workspaceId);
    if (role === undefined) return false;
    return permission === 'appmap:read' || role === 'MANAGER' || role === 'DEVOPS';
  };
  return {
    exists: async (workspaceId) => table.allotments.has(workspaceId),
    allows: async (principal, workspaceId, permission) => allows(principal, workspaceId, permission),
    allowedAmong: async (principal, workspaceIds, permission) => new Set(workspaceIds.filter((id) => allows(principal, id, permission))),
    workspacesAllowing: async (principal, permission) =>
      principal.systemRole === 'ADMIN' ? 'ALL' : new Set([...table.allotments.keys()].filter((id) => allows(principal, id, permission))),
    allotmentsOfWorkspaces: async (workspaceIds) => new Map(workspaceIds.map((id) => [id, table.allotments.get(id) ?? new Map()])),
  };
}

export function fakeClusters(facts: Map<string, ClusterFacts>, objects: Map<string, NamespaceObjects>): AppMapClusters {
  return {
    facts: async (ids) => new Map(ids.flatMap((id) => (facts.has(id) ? [[id, facts.get(id)!] as const] : []))),
    objects: (clusterId, namespace) => objects.get(`${clusterId}/${namespace}`) ?? null,
    objectKey: (clusterId, namespace, name, uid) => `${clusterId}/${namespace}/${name}/${uid}`,
  };
}

/** A feed whose changes the test pushes; records what was opened and announced. */
export class FakeFeed implements AppMapChangeFeed {
  readonly opened: Array<{ targets: readonly MapTarget[]; appMapIds: readonly string[] }> = [];
  readonly announced: string[] = [];
  private readonly queue: AppMapChange[] = [];
  private waiter: ((result: IteratorResult<AppMapChange>) => void) | undefined;
  closed = false;

  async open(targets: readonly MapTarget[], appMapIds: readonly string[]): Promise<ChangeStream> {
    this.opened.push({ targets, appMapIds });
    const iterator: ChangeStream = {
      backlog: () => this.queue.length,
      next: () => {
        const next = this.queue.shift();
        if (next !== undefined) return Promise.resolve({ done: false, value: next });
        if (this.closed) return Promise.resolve({ done: true, value: undefined });
        return new Promise((resolve) => (this.waiter = resolve));
      },
      return: async () => {
        this.closed = true;
        this.waiter?.({ done: true, value: undefined });
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  push(change: AppMapChange): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter !== undefined) waiter({ done: false, value: change });
    else this.queue.push(change);
  }

  async announce(appMapId: string): Promise<void> {
    this.announced.push(appMapId);
  }
}
