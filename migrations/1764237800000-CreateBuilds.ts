import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { instantColumn } from './portable.js';

/** Registries (credentials sealed), their allotments to workspaces, builds, runs and run log lines. */
export class CreateBuilds1764237800000 implements MigrationInterface {
  name = 'CreateBuilds1764237800000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const time = (name: string, nullable = false): TableColumnOptions => instantColumn(queryRunner, name, { nullable });
    const cascade = { onDelete: 'CASCADE', onUpdate: 'NO ACTION' } as const;
    const id = (name: string, primary = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: primary });

    await queryRunner.createTable(
      new Table({
        name: 'registries',
        columns: [
          id('id', true),
          { name: 'name', type: 'varchar', length: '63' },
          { name: 'url', type: 'varchar', length: '500' },
          { name: 'kind', type: 'varchar', length: '16' },
          { name: 'username', type: 'varchar', length: '255', isNullable: true },
          { name: 'sealed_password', type: 'text', isNullable: true },
          time('created_at'),
        ],
        uniques: [{ name: 'UQ_registries_name', columnNames: ['name'] }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'workspace_registries',
        columns: [id('workspace_id', true), id('registry_id', true), time('created_at')],
        indices: [{ name: 'IDX_workspace_registries_registry_id', columnNames: ['registry_id'] }],
        foreignKeys: [
          { name: 'FK_workspace_registries_workspace_id', columnNames: ['workspace_id'], referencedTableName: 'workspaces', referencedColumnNames: ['id'], ...cascade },
          { name: 'FK_workspace_registries_registry_id', columnNames: ['registry_id'], referencedTableName: 'registries', referencedColumnNames: ['id'], ...cascade },
        ],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'builds',
        columns: [
          id('id', true),
          id('workspace_id'),
          { name: 'name', type: 'varchar', length: '63' },
          { name: 'source_url', type: 'varchar', length: '1000' },
          { name: 'ref', type: 'varchar', length: '255' },
          { name: 'preset', type: 'varchar', length: '16' },
          { name: 'dockerfile', type: 'varchar', length: '500', isNullable: true },
          { name: 'image_repository', type: 'varchar', length: '255' },
          id('registry_id'),
          id('cluster_id'),
          time('created_at'),
        ],
        uniques: [{ name: 'UQ_builds_workspace_id_name', columnNames: ['workspace_id', 'name'] }],
        foreignKeys: [{ name: 'FK_builds_workspace_id', columnNames: ['workspace_id'], referencedTableName: 'workspaces', referencedColumnNames: ['id'], ...cascade }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'build_runs',
        columns: [
          id('id', true),
          id('build_id'),
          id('workspace_id'),
          { name: 'number', type: 'int' },
          { name: 'status', type: 'varchar', length: '16' },
          { name: 'steps_total', type: 'int' },
          { name: 'steps_done', type: 'int' },
          { name: 'failed_step', type: 'int', isNullable: true },
          { name: 'image', type: 'varchar', length: '600' },
          { name: 'image_digest', type: 'varchar', length: '100', isNullable: true },
          { name: 'image_size_bytes', type: 'bigint', isNullable: true },
          id('cluster_id'),
          { name: 'namespace', type: 'varchar', length: '63' },
          { name: 'job_name', type: 'varchar', length: '63' },
          { name: 'message', type: 'varchar', length: '1000', isNullable: true },
          time('created_at'),
          time('started_at', true),
          time('finished_at', true),
        ],
        uniques: [{ name: 'UQ_build_runs_build_id_number', columnNames: ['build_id', 'number'] }],
        indices: [{ name: 'IDX_build_runs_status', columnNames: ['status'] }],
        foreignKeys: [{ name: 'FK_build_runs_build_id', columnNames: ['build_id'], referencedTableName: 'builds', referencedColumnNames: ['id'], ...cascade }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'build_log_lines',
        columns: [id('run_id', true), { name: 'number', type: 'int', isPrimary: true }, { name: 'step', type: 'int' }, { name: 'text', type: 'text' }, time('at')],
        foreignKeys: [{ name: 'FK_build_log_lines_run_id', columnNames: ['run_id'], referencedTableName: 'build_runs', referencedColumnNames: ['id'], ...cascade }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('build_log_lines');
    await queryRunner.dropTable('build_runs');
    await queryRunner.dropTable('builds');
    await queryRunner.dropTable('workspace_registries');
    await queryRunner.dropTable('registries');
  }
}
