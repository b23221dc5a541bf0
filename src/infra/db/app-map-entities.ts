import { EntitySchema, type ValueTransformer } from 'typeorm';
import type { AppMapGroupRecord, AppMapRecord } from '../../domains/app-maps/records.js';
import type { DatabaseKind } from './catalog-entities.js';

export interface AppMapRow extends Omit<AppMapRecord, 'groups'> {
  /** JSON text; the store checks its shape when it hands a record over. */
  groups: unknown;
  workspace?: unknown;
  cluster?: unknown;
}

const jsonText: ValueTransformer = {
  to: (value: unknown) => (value === undefined ? undefined : JSON.stringify(value)),
  from: (stored: string | null) => (stored === null ? null : (JSON.parse(stored) as unknown)),
};

const time = (name: string) => ({ name, type: 'datetime' as const, precision: 6 });

/** The maps' table for one database kind: names and namespaces compare exactly (binary) on MariaDB, as they do on SQLite. */
export function appMapEntities(kind: DatabaseKind): EntitySchema[] {
  const exact = kind === 'mysql' ? { collation: 'utf8mb4_bin' } : {};
  return [
    new EntitySchema<AppMapRow>({
      name: 'AppMap',
      tableName: 'app_maps',
      columns: {
        id: { type: 'varchar', length: 36, primary: true },
        workspaceId: { name: 'workspace_id', type: 'varchar', length: 36 },
        clusterId: { name: 'cluster_id', type: 'varchar', length: 36 },
        namespace: { type: 'varchar', length: 63, ...exact },
        name: { type: 'varchar', length: 63, ...exact },
        description: { type: 'text' },
        stage: { type: 'varchar', length: 32 },
        selector: { type: 'varchar', length: 1024 },
        groups: { name: 'workload_groups', type: 'text', transformer: jsonText },
        releaseId: { name: 'release_id', type: 'varchar', length: 36, nullable: true },
        continuousDeployment: { name: 'continuous_deployment', type: 'boolean', default: false },
        createdAt: time('created_at'),
        updatedAt: time('updated_at'),
      },
      relations: {
        workspace: { type: 'many-to-one', target: 'Workspace', joinColumn: { name: 'workspace_id', foreignKeyConstraintName: 'FK_app_maps_workspace_id' }, onDelete: 'CASCADE' },
        cluster: { type: 'many-to-one', target: 'Cluster', joinColumn: { name: 'cluster_id', foreignKeyConstraintName: 'FK_app_maps_cluster_id' }, onDelete: 'CASCADE' },
      },
      uniques: [{ name: 'UQ_app_maps_workspace_cluster_namespace_name', columns: ['workspaceId', 'clusterId', 'namespace', 'name'] }],
      indices: [
        { name: 'IDX_app_maps_workspace_id_name', columns: ['workspaceId', 'name'] },
        { name: 'IDX_app_maps_cluster_id', columns: ['clusterId'] },
        { name: 'IDX_app_maps_release_id', columns: ['releaseId'] },
      ],
    }),
  ];
}

/** Groups as written by the service; anything else in the column shows as no group rather than failing. */
export function groupsOf(value: unknown): AppMapGroupRecord[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((entry: unknown): AppMapGroupRecord[] => {
    if (entry === null || typeof entry !== 'object') return [];
    const { name, selector, workloadNames } = entry as Record<string, unknown>;
    if (typeof name !== 'string') return [];
    if (typeof selector === 'string') return [{ name, selector, workloadNames: null }];
    if (Array.isArray(workloadNames)) return [{ name, selector: null, workloadNames: workloadNames.filter((item): item is string => typeof item === 'string') }];
    return [];
  });
}
