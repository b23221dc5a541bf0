import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { instantColumn, timestampColumns } from './portable.js';

export class CreateWorkspaces1764237600000 implements MigrationInterface {
  name = 'CreateWorkspaces1764237600000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const cascade = { onDelete: 'CASCADE', onUpdate: 'NO ACTION' } as const;

    await queryRunner.createTable(
      new Table({
        name: 'workspaces',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'description', type: 'varchar', length: '1000', isNullable: true },
          ...timestampColumns(queryRunner),
        ],
        uniques: [{ name: 'UQ_workspaces_name', columnNames: ['name'] }],
      }),
    );
    // The pair is the primary key: a user is in a workspace once, a cluster is allotted to it once.
    await queryRunner.createTable(
      new Table({
        name: 'workspace_members',
        columns: [
          { name: 'workspace_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'user_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'role', type: 'varchar', length: '16' },
          instantColumn(queryRunner, 'created_at', { defaultNow: true }),
        ],
        indices: [{ name: 'IDX_workspace_members_user_id', columnNames: ['user_id'] }],
        foreignKeys: [
          { name: 'FK_workspace_members_workspace_id', columnNames: ['workspace_id'], referencedTableName: 'workspaces', referencedColumnNames: ['id'], ...cascade },
          { name: 'FK_workspace_members_user_id', columnNames: ['user_id'], referencedTableName: 'users', referencedColumnNames: ['id'], ...cascade },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'workspace_clusters',
        columns: [
          { name: 'workspace_id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'cluster_id', type: 'varchar', length: '36', isPrimary: true },
          // JSON array of namespace names; NULL: the whole cluster.
          { name: 'namespaces', type: 'text', isNullable: true },
          instantColumn(queryRunner, 'created_at', { defaultNow: true }),
        ],
        indices: [{ name: 'IDX_workspace_clusters_cluster_id', columnNames: ['cluster_id'] }],
        foreignKeys: [
          { name: 'FK_workspace_clusters_workspace_id', columnNames: ['workspace_id'], referencedTableName: 'workspaces', referencedColumnNames: ['id'], ...cascade },
          { name: 'FK_workspace_clusters_cluster_id', columnNames: ['cluster_id'], referencedTableName: 'clusters', referencedColumnNames: ['id'], ...cascade },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('workspace_clusters');
    await queryRunner.dropTable('workspace_members');
    await queryRunner.dropTable('workspaces');
  }
}
