import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { instantColumn } from './portable.js';

/** Storage classes (with optional quotas) allotted to workspaces, on clusters allotted to them. */
export class CreateWorkspaceStorage1764237900000 implements MigrationInterface {
  name = 'CreateWorkspaceStorage1764237900000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'workspace_storage',
        columns: [
          { name: 'workspace_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'cluster_id', type: 'varchar', length: '36', isPrimary: true },
          // A StorageClass name is a DNS subdomain: up to 253 characters.
          { name: 'storage_class', type: 'varchar', length: '253', isPrimary: true },
          // NULL: unlimited.
          { name: 'quota_bytes', type: 'bigint', isNullable: true },
          instantColumn(queryRunner, 'created_at', { defaultNow: true }),
        ],
        // Referencing the cluster allotment (not workspaces and clusters apart): no class without
        // its cluster allotted, and revoking the cluster (or deleting the workspace or the cluster)
        // takes its storage allotments along.
        foreignKeys: [
          {
            name: 'FK_workspace_storage_allotment',
            columnNames: ['workspace_id', 'cluster_id'],
            referencedTableName: 'workspace_clusters',
            referencedColumnNames: ['workspace_id', 'cluster_id'],
            onDelete: 'CASCADE',
            onUpdate: 'NO ACTION',
          },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('workspace_storage');
  }
}
