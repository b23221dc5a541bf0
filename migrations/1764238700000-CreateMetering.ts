import { Table, TableColumn, type MigrationInterface, type QueryRunner } from 'typeorm';

/**
 * Metering (issue 11): price tables per provider and region, and each pod's requests beside its
 * usage in the samples and rollups, because a pod is charged the larger of the two for every hour
 * and the spec it ran with is gone from the caches once the pod is.
 */
export class CreateMetering1764238700000 implements MigrationInterface {
  name = 'CreateMetering1764238700000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.createTable(
      new Table({
        name: 'price_tables',
        columns: [
          { name: 'provider', type: 'varchar', length: '16', isPrimary: true },
          { name: 'region', type: 'varchar', length: '64', isPrimary: true },
          { name: 'cpu_core_hour', type: 'double' },
          { name: 'memory_gib_hour', type: 'double' },
          { name: 'storage_gib_hour', type: 'double' },
          { name: 'currency', type: 'varchar', length: '3' },
          { name: 'updated_at', type: 'bigint' },
        ],
      }),
    );
    for (const table of ['metric_samples', 'metric_rollups']) {
      await queryRunner.addColumns(table, [
        new TableColumn({ name: 'cpu_request_millicores', type: 'double', default: 0 }),
        new TableColumn({ name: 'memory_request_bytes', type: 'double', default: 0 }),
      ]);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['metric_rollups', 'metric_samples']) {
      await queryRunner.dropColumn(table, 'memory_request_bytes');
      await queryRunner.dropColumn(table, 'cpu_request_millicores');
    }
    await queryRunner.dropTable('price_tables');
  }
}
