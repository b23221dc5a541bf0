import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { isEmbedded } from './portable.js';

/**
 * Usage history (issue 11): fine samples per cluster, node and pod, kept for a day, and their
 * 1-hour rollups (avg and max) kept for a month. Times are epoch milliseconds (BIGINT) so the
 * same arithmetic buckets them on MySQL/MariaDB and SQLite; cluster-wide rows have an empty
 * namespace and name, node rows an empty namespace.
 */
export class CreateMetrics1764238500000 implements MigrationInterface {
  name = 'CreateMetrics1764238500000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const id: TableColumnOptions = { name: 'id', type: isEmbedded(queryRunner) ? 'integer' : 'bigint', isPrimary: true, isGenerated: true, generationStrategy: 'increment' };
    const subject: TableColumnOptions[] = [
      { name: 'cluster_id', type: 'varchar', length: '36' },
      { name: 'scope', type: 'varchar', length: '8' },
      { name: 'namespace', type: 'varchar', length: '253', default: "''" },
      { name: 'name', type: 'varchar', length: '253', default: "''" },
    ];
    await queryRunner.createTable(
      new Table({
        name: 'metric_samples',
        columns: [id, ...subject, { name: 't_ms', type: 'bigint' }, { name: 'cpu_millicores', type: 'double' }, { name: 'memory_bytes', type: 'double' }],
        indices: [
          { name: 'IDX_metric_samples_subject', columnNames: ['cluster_id', 'scope', 'namespace', 'name', 't_ms'] },
          { name: 'IDX_metric_samples_t', columnNames: ['t_ms'] },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'metric_rollups',
        columns: [
          id,
          ...subject,
          { name: 'bucket_ms', type: 'bigint' },
          { name: 'cpu_avg', type: 'double' },
          { name: 'cpu_max', type: 'double' },
          { name: 'memory_avg', type: 'double' },
          { name: 'memory_max', type: 'double' },
          { name: 'samples', type: 'int' },
        ],
        indices: [
          { name: 'IDX_metric_rollups_subject', columnNames: ['cluster_id', 'scope', 'namespace', 'name', 'bucket_ms'] },
          { name: 'IDX_metric_rollups_bucket', columnNames: ['bucket_ms'] },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('metric_rollups');
    await queryRunner.dropTable('metric_samples');
  }
}
