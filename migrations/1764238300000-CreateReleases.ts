import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { instantColumn, isEmbedded } from './portable.js';

/**
 * Releases (a catalog version deployed to a namespace of a cluster) and their revisions, each with
 * the manifests it applied and its inventory (JSON text; MEDIUMTEXT on MySQL, whose TEXT stops at
 * 64 KiB). `lock_token`/`locked_at` guard one operation at a time per release across replicas.
 */
export class CreateReleases1764238300000 implements MigrationInterface {
  name = 'CreateReleases1764238300000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const large = isEmbedded(queryRunner) ? 'text' : 'mediumtext';
    const time = (name: string, nullable = false): TableColumnOptions => instantColumn(queryRunner, name, { nullable });
    const text = (name: string, length: string, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length, isNullable: nullable });
    const actor = (): TableColumnOptions[] => [text('created_by_id', '64'), text('created_by_user_id', '36', true), text('created_by_name', '200')];
    const cascade = { onDelete: 'CASCADE', onUpdate: 'NO ACTION' } as const;

    await queryRunner.createTable(
      new Table({
        name: 'releases',
        columns: [
          { ...text('id', '36'), isPrimary: true },
          text('workspace_id', '36'),
          text('cluster_id', '36'),
          text('namespace', '63'),
          text('app_map_name', '63'),
          text('stage', '63'),
          text('package_id', '36'),
          text('package_name', '100'),
          text('package_version_id', '36'),
          text('version', '64'),
          { name: 'revision', type: 'int' },
          text('status', '16'),
          { name: 'status_message', type: 'text', isNullable: true },
          { name: 'created_namespace', type: 'boolean' },
          ...actor(),
          text('lock_token', '36', true),
          time('locked_at', true),
          time('created_at'),
          time('updated_at'),
        ],
        indices: [
          { name: 'IDX_releases_workspace_id', columnNames: ['workspace_id'] },
          { name: 'IDX_releases_cluster_id_namespace', columnNames: ['cluster_id', 'namespace'] },
          { name: 'IDX_releases_status', columnNames: ['status'] },
        ],
        foreignKeys: [{ name: 'FK_releases_workspace_id', columnNames: ['workspace_id'], referencedTableName: 'workspaces', referencedColumnNames: ['id'], ...cascade }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'release_revisions',
        columns: [
          { ...text('release_id', '36'), isPrimary: true },
          { name: 'revision', type: 'int', isPrimary: true },
          text('action', '16'),
          { name: 'rolled_back_from', type: 'int', isNullable: true },
          text('package_version_id', '36'),
          text('version', '64'),
          { name: 'values_json', type: large },
          { name: 'hidden_value_paths', type: 'text' },
          { name: 'manifests', type: large },
          { name: 'inventory', type: large },
          { name: 'diff', type: large },
          text('status', '16'),
          { name: 'status_message', type: 'text', isNullable: true },
          ...actor(),
          time('created_at'),
        ],
        foreignKeys: [{ name: 'FK_release_revisions_release_id', columnNames: ['release_id'], referencedTableName: 'releases', referencedColumnNames: ['id'], ...cascade }],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('release_revisions');
    await queryRunner.dropTable('releases');
  }
}
