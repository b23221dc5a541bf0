/**
 * In-memory implementations of this domain's ports, with the database ones' contract (unique names,
 * cascades, grants as joins), for unit tests of the service and the access scope: no database.
 */
import type { AccessChanges, AccessGrantStore, AllotmentStore, MemberStore, StorageAllotmentStore, WorkspaceStore } from './ports.js';
import type { AllotmentRecord, MemberRecord, StorageAllotmentRecord, WorkspaceRecord } from './records.js';

export interface MemoryWorkspaceStores {
  readonly workspaces: WorkspaceStore;
  readonly members: MemberStore;
  readonly allotments: AllotmentStore;
  readonly storage: StorageAllotmentStore;
  readonly grants: AccessGrantStore;
  /** Statements the grant store answered, as `kind:userId` (to show what the cache saves). */
  readonly grantReads: string[];
}

export function memoryWorkspaceStores(): MemoryWorkspaceStores {
  const workspaces = new Map<string, WorkspaceRecord>();
  let members: MemberRecord[] = [];
  let allotments: AllotmentRecord[] = [];
  let storage: StorageAllotmentRecord[] = [];
  const grantReads: string[] = [];
  const countBy = (rows: ReadonlyArray<{ workspaceId: string }>, ids: readonly string[]) =>
    new Map(ids.map((id) => [id, rows.filter((row) => row.workspaceId === id).length] as const).filter(([, count]) => count > 0));

  return {
    grantReads,
    workspaces: {
      list: async () => [...workspaces.values()].sort((a, b) => a.name.localeCompare(b.name)),
      findById: async (id) => workspaces.get(id) ?? null,
      findByIds: async (ids) => ids.flatMap((id) => workspaces.get(id) ?? []),
      findByName: async (name) => [...workspaces.values()].find((workspace) => workspace.name === name) ?? null,
      findBySlug: async (slug) => [...workspaces.values()].find((workspace) => workspace.slug === slug) ?? null,
      insert: async (record) => {
        if ([...workspaces.values()].some((workspace) => workspace.name === record.name || workspace.slug === record.slug)) return 'duplicate';
        workspaces.set(record.id, { ...record });
        return 'inserted';
      },
      update: async (id, changes) => {
        const existing = workspaces.get(id);
        if (existing === undefined) return 'missing';
        if (changes.name !== undefined && [...workspaces.values()].some((workspace) => workspace.id !== id && workspace.name === changes.name)) return 'duplicate-name';
        workspaces.set(id, { ...existing, ...changes });
        return 'updated';
      },
      delete: async (id) => {
        // ON DELETE CASCADE
        members = members.filter((member) => member.workspaceId !== id);
        allotments = allotments.filter((allotment) => allotment.workspaceId !== id);
        storage = storage.filter((item) => item.workspaceId !== id);
        return workspaces.delete(id);
      },
    },
    members: {
      find: async (workspaceId, userId) => members.find((member) => member.workspaceId === workspaceId && member.userId === userId) ?? null,
      listByWorkspaceIds: async (ids) => members.filter((member) => ids.includes(member.workspaceId)),
      listByUserIds: async (ids) => members.filter((member) => ids.includes(member.userId)),
      countByWorkspaceIds: async (ids) => countBy(members, ids),
      change: async (workspaceId, decide) => {
        if (!workspaces.has(workspaceId)) return 'missing-workspace';
        const change = decide(members.filter((member) => member.workspaceId === workspaceId));
        if (change.kind === 'add') members = [...members, change.member];
        if (change.kind === 'set-role')
          members = members.map((member) => (member.workspaceId === workspaceId && member.userId === change.userId ? { ...member, role: change.role } : member));
        if (change.kind === 'remove') members = members.filter((member) => !(member.workspaceId === workspaceId && member.userId === change.userId));
        return 'applied';
      },
    },
    allotments: {
      find: async (workspaceId, clusterId) => allotments.find((row) => row.workspaceId === workspaceId && row.clusterId === clusterId) ?? null,
      listByWorkspaceIds: async (ids) => allotments.filter((row) => ids.includes(row.workspaceId)),
      countByWorkspaceIds: async (ids) => countBy(allotments, ids),
      put: async (record) => {
        const existing = allotments.find((row) => row.workspaceId === record.workspaceId && row.clusterId === record.clusterId);
        allotments = existing === undefined ? [...allotments, record] : allotments.map((row) => (row === existing ? { ...existing, namespaces: record.namespaces } : row));
      },
      delete: async (workspaceId, clusterId) => {
        const before = allotments.length;
        allotments = allotments.filter((row) => !(row.workspaceId === workspaceId && row.clusterId === clusterId));
        // The storage classes go with the cluster (ON DELETE CASCADE).
        storage = storage.filter((row) => !(row.workspaceId === workspaceId && row.clusterId === clusterId));
        return allotments.length < before;
      },
    },
    storage: {
      find: async (workspaceId, clusterId, name) => storage.find((row) => row.workspaceId === workspaceId && row.clusterId === clusterId && row.storageClassName === name) ?? null,
      listByWorkspaceIds: async (ids) => storage.filter((row) => ids.includes(row.workspaceId)),
      put: async (record) => {
        const existing = storage.find((row) => row.workspaceId === record.workspaceId && row.clusterId === record.clusterId && row.storageClassName === record.storageClassName);
        storage = existing === undefined ? [...storage, record] : storage.map((row) => (row === existing ? { ...existing, quotaBytes: record.quotaBytes } : row));
      },
      delete: async (workspaceId, clusterId, name) => {
        const before = storage.length;
        storage = storage.filter((row) => !(row.workspaceId === workspaceId && row.clusterId === clusterId && row.storageClassName === name));
        return storage.length < before;
      },
    },
    grants: {
      grantsOf: async (userId) => {
        grantReads.push(`grants:${userId}`);
        return members
          .filter((member) => member.userId === userId)
          .flatMap((member) =>
            allotments
              .filter((row) => row.workspaceId === member.workspaceId)
              .map((row) => ({
                workspaceId: member.workspaceId,
                workspaceSlug: workspaces.get(member.workspaceId)?.slug ?? '',
                role: member.role,
                clusterId: row.clusterId,
                namespaces: row.namespaces,
              })),
          );
      },
      storageGrantsOf: async (userId) => {
        grantReads.push(`storage:${userId}`);
        const own = new Set(members.filter((member) => member.userId === userId).map((member) => member.workspaceId));
        return storage.filter((row) => own.has(row.workspaceId)).map(({ workspaceId, clusterId, storageClassName }) => ({ workspaceId, clusterId, storageClassName }));
      },
      membershipsOf: async (userId) => {
        grantReads.push(`memberships:${userId}`);
        return members.filter((member) => member.userId === userId).map(({ workspaceId, role }) => ({ workspaceId, role }));
      },
    },
  };
}

/** The bus between replicas, in memory: every listener of every replica hears every announcement. */
export function memoryAccessChanges(): AccessChanges & { readonly announced: () => number } {
  const listeners = new Set<() => void>();
  let count = 0;
  return {
    announced: () => count,
    announce: async () => {
      count += 1;
      for (const listener of listeners) listener();
    },
    listen: async (onChange) => {
      listeners.add(onChange);
      return async () => {
        listeners.delete(onChange);
      };
    },
  };
}
