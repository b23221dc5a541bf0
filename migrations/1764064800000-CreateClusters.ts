import { Table, type MigrationInterface, type QueryRunner } from 'typeorm';
import { timestampColumns } from './portable.js';

export class CreateClusters1764064800000 implements MigrationInterface {
  name = 'CreateClusters1764064800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'clusters',
        columns: [
          { name: 'id', type: 'varchar', length: '36', isPrimary: true },
          { name: 'name', type: 'varchar', length: '63' },
          { name: 'provider', type: 'varchar', length: '16' },
          { name: 'region', type: 'varchar', length: '64' },
          { name: 'kubeconfig_encrypted', type: 'text' },
          { name: 'context', type: 'varchar', length: '253', isNullable: true },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'status_reason', type: 'varchar', length: '1024', isNullable: true },
          { name: 'kubernetes_version', type: 'varchar', length: '64', isNullable: true },
          { name: 'last_seen_at', type: 'datetime', isNullable: true },
          ...timestampColumns(queryRunner),
        ],
        uniques: [{ name: 'UQ_clusters_name', columnNames: ['name'] }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('clusters');
  }
}
