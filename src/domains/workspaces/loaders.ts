import DataLoader from 'dataloader';
import type { AllotmentRecord, MemberRecord, StorageAllotmentRecord, WorkspaceRecord } from './records.js';
import type { WorkspaceService } from './workspace-service.js';

/** One statement per relation per request, however many workspaces or users ask. */
export interface WorkspaceLoaders {
  readonly workspaceById: DataLoader<string, WorkspaceRecord | null>;
  readonly membersByWorkspaceId: DataLoader<string, MemberRecord[]>;
  readonly membershipsByUserId: DataLoader<string, MemberRecord[]>;
  readonly allotmentsByWorkspaceId: DataLoader<string, AllotmentRecord[]>;
  readonly storageByWorkspaceId: DataLoader<string, StorageAllotmentRecord[]>;
  readonly memberCountByWorkspaceId: DataLoader<string, number>;
  readonly allotmentCountByWorkspaceId: DataLoader<string, number>;
}

function groupBy<T>(keys: readonly string[], rows: readonly T[], keyOf: (row: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, [row]);
    else group.push(row);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

export function createWorkspaceLoaders(workspaces: WorkspaceService): WorkspaceLoaders {
  return {
    workspaceById: new DataLoader(async (ids) => {
      const found = new Map((await workspaces.getMany(ids)).map((record) => [record.id, record]));
      return ids.map((id) => found.get(id) ?? null);
    }),
    membersByWorkspaceId: new DataLoader(async (ids) => groupBy(ids, await workspaces.membersOf(ids), (member) => member.workspaceId)),
    membershipsByUserId: new DataLoader(async (ids) => groupBy(ids, await workspaces.membershipsOf(ids), (member) => member.userId)),
    allotmentsByWorkspaceId: new DataLoader(async (ids) => groupBy(ids, await workspaces.allotmentsOf(ids), (allotment) => allotment.workspaceId)),
    storageByWorkspaceId: new DataLoader(async (ids) => groupBy(ids, await workspaces.storageOf(ids), (allotment) => allotment.workspaceId)),
    memberCountByWorkspaceId: new DataLoader(async (ids) => {
      const counts = await workspaces.memberCounts(ids);
      return ids.map((id) => counts.get(id) ?? 0);
    }),
    allotmentCountByWorkspaceId: new DataLoader(async (ids) => {
      const counts = await workspaces.allotmentCounts(ids);
      return ids.map((id) => counts.get(id) ?? 0);
    }),
  };
}
