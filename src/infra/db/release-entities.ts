import { EntitySchema, type ValueTransformer } from 'typeorm';
import type { DatabaseKind } from './catalog-entities.js';

/** A release row as stored (the actor flattened into columns, the lock beside it). */
export interface ReleaseRow {
  id: string;
  workspaceId: string;
  clusterId: string;
  namespace: string;
  appMapName: string;
  stage: string;
  packageId: string;
  packageName: string;
  packageVersionId: string;
  version: string;
  revision: number;
  status: string;
  statusMessage: string | null;
  createdNamespace: boolean;
  createdById: string;
  createdByUserId: string | null;
  createdByName: string;
  redeployedFrom: string | null;
  sourceRemoval: string | null;
  lockToken: string | null;
  lockedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
  workspace?: never;
}

/** JSON columns as written; the store checks their shape again when it hands a record over. */
export interface ReleaseRevisionRow {
  releaseId: string;
  revision: number;
  action: string;
  rolledBackFrom: number | null;
  packageVersionId: string;
  version: string;
  values: object;
  hiddenValuePaths: string[];
  manifests: object[];
  inventory: object[];
  diff: string;
  status: string;
  statusMessage: string | null;
  createdById: string;
  createdByUserId: string | null;
  createdByName: string;
  createdAt: Date;
  release?: never;
}

/** JSON kept as text written by us: key order stays as rendered (MySQL's JSON type would reorder it). */
const jsonText: ValueTransformer = {
  to: (value: unknown) => (value === undefined ? undefined : JSON.stringify(value)),
  from: (stored: string | null) => (stored === null ? null : (JSON.parse(stored) as unknown)),
};

const time = (name: string, nullable = false) => ({ name, type: 'datetime' as const, precision: 6, nullable });
const varchar = (name: string, length: number, nullable = false) => ({ name, type: 'varchar' as const, length, nullable });

/** The releases' tables for one database kind (manifests need more than MySQL's TEXT; SQLite knows no MEDIUMTEXT). */
export function releaseEntities(kind: DatabaseKind): EntitySchema[] {
  const large = kind === 'mysql' ? ('mediumtext' as const) : ('text' as const);
  const releases = new EntitySchema<ReleaseRow>({
    name: 'Release',
    tableName: 'releases',
    columns: {
      id: { type: 'varchar', length: 36, primary: true },
      workspaceId: varchar('workspace_id', 36),
      clusterId: varchar('cluster_id', 36),
      namespace: varchar('namespace', 63),
      appMapName: varchar('app_map_name', 63),
      stage: varchar('stage', 63),
      packageId: varchar('package_id', 36),
      packageName: varchar('package_name', 100),
      packageVersionId: varchar('package_version_id', 36),
      version: varchar('version', 64),
      revision: { type: 'int' },
      status: varchar('status', 16),
      statusMessage: { name: 'status_message', type: 'text', nullable: true },
      createdNamespace: { name: 'created_namespace', type: 'boolean' },
      createdById: varchar('created_by_id', 64),
      createdByUserId: varchar('created_by_user_id', 36, true),
      createdByName: varchar('created_by_name', 200),
      redeployedFrom: varchar('redeployed_from', 36, true),
      sourceRemoval: varchar('source_removal', 16, true),
      lockToken: varchar('lock_token', 36, true),
      lockedAt: time('locked_at', true),
      createdAt: time('created_at'),
      updatedAt: time('updated_at'),
    },
    relations: {
      workspace: { type: 'many-to-one', target: 'Workspace', joinColumn: { name: 'workspace_id', foreignKeyConstraintName: 'FK_releases_workspace_id' }, onDelete: 'CASCADE' },
    },
    indices: [
      { name: 'IDX_releases_workspace_id', columns: ['workspaceId'] },
      { name: 'IDX_releases_cluster_id_namespace', columns: ['clusterId', 'namespace'] },
      { name: 'IDX_releases_status', columns: ['status'] },
    ],
  });
  const revisions = new EntitySchema<ReleaseRevisionRow>({
    name: 'ReleaseRevision',
    tableName: 'release_revisions',
    columns: {
      releaseId: { name: 'release_id', type: 'varchar', length: 36, primary: true },
      revision: { type: 'int', primary: true },
      action: varchar('action', 16),
      rolledBackFrom: { name: 'rolled_back_from', type: 'int', nullable: true },
      packageVersionId: varchar('package_version_id', 36),
      version: varchar('version', 64),
      values: { name: 'values_json', type: large, transformer: jsonText },
      hiddenValuePaths: { name: 'hidden_value_paths', type: 'text', transformer: jsonText },
      manifests: { type: large, transformer: jsonText },
      inventory: { type: large, transformer: jsonText },
      diff: { type: large },
      status: varchar('status', 16),
      statusMessage: { name: 'status_message', type: 'text', nullable: true },
      createdById: varchar('created_by_id', 64),
      createdByUserId: varchar('created_by_user_id', 36, true),
      createdByName: varchar('created_by_name', 200),
      createdAt: time('created_at'),
    },
    relations: {
      release: { type: 'many-to-one', target: 'Release', joinColumn: { name: 'release_id', foreignKeyConstraintName: 'FK_release_revisions_release_id' }, onDelete: 'CASCADE' },
    },
  });
  return [releases, revisions];
}
