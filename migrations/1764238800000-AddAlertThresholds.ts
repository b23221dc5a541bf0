import { Table, TableColumn, TableForeignKey, type MigrationInterface, type QueryRunner } from 'typeorm';
import { instantColumn } from './portable.js';

/**
 * Usage thresholds a workspace sets (percent of a node's allocatable; NULL: off), and the workspace
 * an alert belongs to: a usage alert is one workspace's (its threshold was crossed), the others
 * (NULL) concern every workspace the cluster or namespace is allotted to.
 */
export class AddAlertThresholds1764238800000 implements MigrationInterface {
  name = 'AddAlertThresholds1764238800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'alert_thresholds',
        columns: [
          { name: 'workspace_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'cpu_percent', type: 'double', isNullable: true },
          { name: 'memory_percent', type: 'double', isNullable: true },
          instantColumn(queryRunner, 'updated_at'),
        ],
        foreignKeys: [
          {
            name: 'FK_alert_thresholds_workspace_id',
            columnNames: ['workspace_id'],
            referencedTableName: 'workspaces',
            referencedColumnNames: ['id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
    await queryRunner.addColumn('alerts', new TableColumn({ name: 'workspace_id', type: 'varchar', length: '36', isNullable: true }));
    await queryRunner.createForeignKey(
      'alerts',
      new TableForeignKey({
        name: 'FK_alerts_workspace_id',
        columnNames: ['workspace_id'],
        referencedTableName: 'workspaces',
        referencedColumnNames: ['id'],
        onDelete: 'CASCADE',
        onUpdate: 'NO ACTION',
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropForeignKey('alerts', 'FK_alerts_workspace_id');
    await queryRunner.dropColumn('alerts', 'workspace_id');
    await queryRunner.dropTable('alert_thresholds');
  }
}
