import { EntitySchema } from 'typeorm';

/** An alert row; `openKey` holds the fingerprint while the alert is open (unique), NULL once resolved. */
export interface AlertRow {
  id: string;
  fingerprint: string;
  openKey: string | null;
  kind: string;
  severity: string;
  clusterId: string;
  /** Set for a usage alert: the workspace whose threshold was crossed. */
  workspaceId: string | null;
  namespace: string | null;
  objectKind: string;
  objectName: string;
  message: string;
  openedAt: Date;
  resolvedAt: Date | null;
  cluster?: never;
  workspace?: never;
}

const time = (name: string, nullable = false) => ({ name, type: 'datetime' as const, precision: 6, nullable });

export const AlertEntity = new EntitySchema<AlertRow>({
  name: 'Alert',
  tableName: 'alerts',
  columns: {
    id: { type: 'varchar', length: 36, primary: true },
    fingerprint: { type: 'varchar', length: 400 },
    openKey: { name: 'open_key', type: 'varchar', length: 400, nullable: true },
    kind: { type: 'varchar', length: 32 },
    severity: { type: 'varchar', length: 16 },
    clusterId: { name: 'cluster_id', type: 'varchar', length: 36 },
    workspaceId: { name: 'workspace_id', type: 'varchar', length: 36, nullable: true },
    namespace: { type: 'varchar', length: 63, nullable: true },
    objectKind: { name: 'object_kind', type: 'varchar', length: 32 },
    objectName: { name: 'object_name', type: 'varchar', length: 253 },
    message: { type: 'text' },
    openedAt: time('opened_at'),
    resolvedAt: time('resolved_at', true),
  },
  relations: {
    cluster: { type: 'many-to-one', target: 'Cluster', joinColumn: { name: 'cluster_id', foreignKeyConstraintName: 'FK_alerts_cluster_id' }, onDelete: 'CASCADE' },
    workspace: {
      type: 'many-to-one',
      target: 'Workspace',
      joinColumn: { name: 'workspace_id', foreignKeyConstraintName: 'FK_alerts_workspace_id' },
      onDelete: 'CASCADE',
    },
  },
  uniques: [{ name: 'UQ_alerts_open_key', columns: ['openKey'] }],
  indices: [
    { name: 'IDX_alerts_cluster_id_resolved_at', columns: ['clusterId', 'resolvedAt'] },
    { name: 'IDX_alerts_resolved_at', columns: ['resolvedAt'] },
  ],
});

export interface AlertThresholdRow {
  workspaceId: string;
  cpuPercent: number | null;
  memoryPercent: number | null;
  updatedAt: Date;
  workspace?: never;
}

export const AlertThresholdEntity = new EntitySchema<AlertThresholdRow>({
  name: 'AlertThreshold',
  tableName: 'alert_thresholds',
  columns: {
    workspaceId: { name: 'workspace_id', type: 'varchar', length: 36, primary: true },
    cpuPercent: { name: 'cpu_percent', type: 'double', nullable: true },
    memoryPercent: { name: 'memory_percent', type: 'double', nullable: true },
    updatedAt: time('updated_at'),
  },
  relations: {
    workspace: {
      type: 'many-to-one',
      target: 'Workspace',
      joinColumn: { name: 'workspace_id', foreignKeyConstraintName: 'FK_alert_thresholds_workspace_id' },
      onDelete: 'CASCADE',
    },
  },
});
