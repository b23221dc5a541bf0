import type { ClusterAllotment, Member, StorageAllotment, Workspace } from './graphql-types.js';
import { allotmentKey, memberKey, storageAllotmentKey } from './node-keys.js';
import type { AllotmentRecord, MemberRecord, StorageAllotmentRecord, WorkspaceRecord } from './records.js';

export function toWorkspace(record: WorkspaceRecord): Workspace {
  return {
    id: record.id,
    name: record.name,
    slug: record.slug,
    description: record.description,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
  };
}

export function toMember(record: MemberRecord): Member {
  return { id: memberKey(record.workspaceId, record.userId), workspaceId: record.workspaceId, userId: record.userId, role: record.role, addedAt: record.createdAt.toISOString() };
}

export function toAllotment(record: AllotmentRecord): ClusterAllotment {
  return {
    id: allotmentKey(record.workspaceId, record.clusterId),
    workspaceId: record.workspaceId,
    clusterId: record.clusterId,
    namespaces: record.namespaces,
    allottedAt: record.createdAt.toISOString(),
  };
}

export function toStorageAllotment(record: StorageAllotmentRecord): StorageAllotment {
  return {
    id: storageAllotmentKey(record.workspaceId, record.clusterId, record.storageClassName),
    workspaceId: record.workspaceId,
    clusterId: record.clusterId,
    storageClassName: record.storageClassName,
    quotaBytes: record.quotaBytes,
    allottedAt: record.createdAt.toISOString(),
  };
}
