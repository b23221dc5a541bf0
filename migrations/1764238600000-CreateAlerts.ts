import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { instantColumn } from './portable.js';

/**
 * Alerts with their history. `open_key` is the condition's fingerprint while the alert is open and
 * NULL once resolved: its unique index keeps one open alert per condition however many replicas
 * evaluate at once (NULLs do not collide). An alert goes with its cluster.
 */
export class CreateAlerts1764238600000 implements MigrationInterface {
  name = 'CreateAlerts1764238600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const text = (name: string, length: number, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: String(length), isNullable: nullable });
    await queryRunner.createTable(
      new Table({
        name: 'alerts',
        columns: [
          { ...text('id', 36), isPrimary: true },
          text('fingerprint', 400),
          text('open_key', 400, true),
          text('kind', 32),
          text('severity', 16),
          text('cluster_id', 36),
          text('namespace', 63, true),
          text('object_kind', 32),
          text('object_name', 253),
          { name: 'message', type: 'text' },
          instantColumn(queryRunner, 'opened_at'),
          instantColumn(queryRunner, 'resolved_at', { nullable: true }),
        ],
        uniques: [{ name: 'UQ_alerts_open_key', columnNames: ['open_key'] }],
        indices: [
          { name: 'IDX_alerts_cluster_id_resolved_at', columnNames: ['cluster_id', 'resolved_at'] },
          { name: 'IDX_alerts_resolved_at', columnNames: ['resolved_at'] },
        ],
        foreignKeys: [
          { name: 'FK_alerts_cluster_id', columnNames: ['cluster_id'], referencedTableName: 'clusters', referencedColumnNames: ['id'], onDelete: 'CASCADE', onUpdate: 'NO ACTION' },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('alerts');
  }
}
