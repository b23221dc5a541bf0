import type { ClusterAllotment, Member, StorageAllotment, Workspace } from './graphql-types.js';
import type { AllotmentRecord, MemberRecord, StorageAllotmentRecord, WorkspaceRecord } from './records.js';

export function toWorkspace(record: WorkspaceRecord): Workspace {
  return { id: record.id, name: record.name, description: record.description, createdAt: record.createdAt.toISOString(), updatedAt: record.updatedAt.toISOString() };
}

export function toMember(record: MemberRecord): Member {
  return { workspaceId: record.workspaceId, userId: record.userId, role: record.role, addedAt: record.createdAt.toISOString() };
}

export function toAllotment(record: AllotmentRecord): ClusterAllotment {
  return { workspaceId: record.workspaceId, clusterId: record.clusterId, namespaces: record.namespaces, allottedAt: record.createdAt.toISOString() };
}

export function toStorageAllotment(record: StorageAllotmentRecord): StorageAllotment {
  return { workspaceId: record.workspaceId, clusterId: record.clusterId, storageClassName: record.storageClassName, quotaBytes: record.quotaBytes, allottedAt: record.createdAt.toISOString() };
}

/** The id a membership goes by (`removeWorkspaceMember` reports it): one place, so it matches `Member.id`. */
export function memberIdOf(workspaceId: string, userId: string): string {
  return `${workspaceId}:${userId}`;
}
