import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { instantColumn, isEmbedded } from './portable.js';

/**
 * Application maps: a named view of workloads in one namespace of one cluster, owned by a
 * workspace. Only the map is stored (its picture comes from the watch caches). Names compare
 * exactly (binary), as on SQLite; a map goes with its workspace or its cluster. `release_id` is
 * for the release that made or adopted the map, once releases exist.
 */
export class CreateAppMaps1764238310000 implements MigrationInterface {
  name = 'CreateAppMaps1764238310000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const exact = isEmbedded(queryRunner) ? {} : { collation: 'utf8mb4_bin' };
    const time = (name: string): TableColumnOptions => instantColumn(queryRunner, name);
    const id = (name: string, primary = false, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: primary, isNullable: nullable });
    const cascade = { onDelete: 'CASCADE', onUpdate: 'NO ACTION' } as const;

    await queryRunner.createTable(
      new Table({
        name: 'app_maps',
        columns: [
          id('id', true),
          id('workspace_id'),
          id('cluster_id'),
          { name: 'namespace', type: 'varchar', length: '63', ...exact },
          { name: 'name', type: 'varchar', length: '63', ...exact },
          { name: 'description', type: 'text' },
          { name: 'stage', type: 'varchar', length: '32' },
          { name: 'selector', type: 'varchar', length: '1024' },
          { name: 'workload_groups', type: 'text' },
          id('release_id', false, true),
          time('created_at'),
          time('updated_at'),
        ],
        uniques: [{ name: 'UQ_app_maps_workspace_cluster_namespace_name', columnNames: ['workspace_id', 'cluster_id', 'namespace', 'name'] }],
        indices: [
          { name: 'IDX_app_maps_workspace_id_name', columnNames: ['workspace_id', 'name'] },
          { name: 'IDX_app_maps_cluster_id', columnNames: ['cluster_id'] },
        ],
        foreignKeys: [
          { name: 'FK_app_maps_workspace_id', columnNames: ['workspace_id'], referencedTableName: 'workspaces', referencedColumnNames: ['id'], ...cascade },
          { name: 'FK_app_maps_cluster_id', columnNames: ['cluster_id'], referencedTableName: 'clusters', referencedColumnNames: ['id'], ...cascade },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('app_maps');
  }
}
