import { EntitySchema, type ValueTransformer } from 'typeorm';
import type { AllotmentRecord, MemberRecord, StorageAllotmentRecord, WorkspaceRecord } from '../../domains/workspaces/records.js';

/** Parents declared only so the schema knows the foreign keys; the domain uses the id columns. */
type MemberRow = MemberRecord & { workspace?: unknown; user?: unknown };
type AllotmentRow = AllotmentRecord & { workspace?: unknown; cluster?: unknown };
type StorageAllotmentRow = StorageAllotmentRecord & { allotment?: unknown };

/** MySQL hands BIGINT over as a string; quotas (at most 1 PiB) fit a double exactly. */
const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (stored: string | number | null) => (stored === null ? null : Number(stored)),
};

/** Namespaces are JSON text (both MariaDB and SQLite keep it as a plain string); NULL is the whole cluster. */
export const namespacesAsJson: ValueTransformer = {
  to: (namespaces: string[] | null | undefined) => (namespaces === undefined ? undefined : namespaces === null ? null : JSON.stringify(namespaces)),
  from: (stored: string | null): string[] | null => {
    if (stored === null) return null;
    const parsed: unknown = JSON.parse(stored);
    // Anything unreadable grants nothing rather than everything.
    return Array.isArray(parsed) ? parsed.filter((item): item is string => typeof item === 'string') : [];
  },
};

export const WorkspaceEntity = new EntitySchema<WorkspaceRecord>({
  name: 'Workspace',
  tableName: 'workspaces',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    name: { type: 'varchar', length: 100 },
    slug: { type: 'varchar', length: 40 },
    description: { type: 'varchar', length: 1000, nullable: true },
    createdAt: { name: 'created_at', type: 'datetime', precision: 6, createDate: true },
    updatedAt: { name: 'updated_at', type: 'datetime', precision: 6, updateDate: true },
  },
  uniques: [{ name: 'UQ_workspaces_name', columns: ['name'] }],
  indices: [{ name: 'UQ_workspaces_slug', columns: ['slug'], unique: true }],
});

export const WorkspaceMemberEntity = new EntitySchema<MemberRow>({
  name: 'WorkspaceMember',
  tableName: 'workspace_members',
  columns: {
    workspaceId: { name: 'workspace_id', type: 'varchar', length: 36, primary: true },
    userId: { name: 'user_id', type: 'varchar', length: 36, primary: true },
    role: { type: 'varchar', length: 16 },
    createdAt: { name: 'created_at', type: 'datetime', precision: 6, createDate: true },
  },
  relations: {
    workspace: {
      type: 'many-to-one',
      target: 'Workspace',
      joinColumn: { name: 'workspace_id', foreignKeyConstraintName: 'FK_workspace_members_workspace_id' },
      onDelete: 'CASCADE',
    },
    user: { type: 'many-to-one', target: 'User', joinColumn: { name: 'user_id', foreignKeyConstraintName: 'FK_workspace_members_user_id' }, onDelete: 'CASCADE' },
  },
  indices: [{ name: 'IDX_workspace_members_user_id', columns: ['userId'] }],
});

export const WorkspaceClusterEntity = new EntitySchema<AllotmentRow>({
  name: 'WorkspaceCluster',
  tableName: 'workspace_clusters',
  columns: {
    workspaceId: { name: 'workspace_id', type: 'varchar', length: 36, primary: true },
    clusterId: { name: 'cluster_id', type: 'varchar', length: 36, primary: true },
    namespaces: { type: 'text', nullable: true, transformer: namespacesAsJson },
    createdAt: { name: 'created_at', type: 'datetime', precision: 6, createDate: true },
  },
  relations: {
    workspace: {
      type: 'many-to-one',
      target: 'Workspace',
      joinColumn: { name: 'workspace_id', foreignKeyConstraintName: 'FK_workspace_clusters_workspace_id' },
      onDelete: 'CASCADE',
    },
    cluster: { type: 'many-to-one', target: 'Cluster', joinColumn: { name: 'cluster_id', foreignKeyConstraintName: 'FK_workspace_clusters_cluster_id' }, onDelete: 'CASCADE' },
  },
  indices: [{ name: 'IDX_workspace_clusters_cluster_id', columns: ['clusterId'] }],
});

/**
 * Its foreign key is the cluster allotment itself: a storage class can be allotted only with its
 * cluster, and goes when the cluster allotment (or the workspace, or the cluster) goes.
 */
export const WorkspaceStorageEntity = new EntitySchema<StorageAllotmentRow>({
  name: 'WorkspaceStorage',
  tableName: 'workspace_storage',
  columns: {
    workspaceId: { name: 'workspace_id', type: 'varchar', length: 36, primary: true },
    clusterId: { name: 'cluster_id', type: 'varchar', length: 36, primary: true },
    storageClassName: { name: 'storage_class', type: 'varchar', length: 253, primary: true },
    quotaBytes: { name: 'quota_bytes', type: 'bigint', nullable: true, transformer: bigintAsNumber },
    createdAt: { name: 'created_at', type: 'datetime', precision: 6, createDate: true },
  },
  relations: {
    allotment: {
      type: 'many-to-one',
      target: 'WorkspaceCluster',
      joinColumn: [
        { name: 'workspace_id', referencedColumnName: 'workspaceId', foreignKeyConstraintName: 'FK_workspace_storage_allotment' },
        { name: 'cluster_id', referencedColumnName: 'clusterId', foreignKeyConstraintName: 'FK_workspace_storage_allotment' },
      ],
      onDelete: 'CASCADE',
    },
  },
});
