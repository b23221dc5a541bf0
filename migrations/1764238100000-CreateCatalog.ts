import { Table, type MigrationInterface, type QueryRunner, type TableColumnOptions } from 'typeorm';
import { instantColumn, isEmbedded } from './portable.js';

/**
 * Catalog packages (global, or owned by a workspace) and their versions (manifests with placeholders
 * and a parameters schema, as JSON text). Templates can exceed MySQL's TEXT, so they are MEDIUMTEXT
 * there; name keys and versions compare exactly (binary), as they do on SQLite.
 */
export class CreateCatalog1764238100000 implements MigrationInterface {
  name = 'CreateCatalog1764238100000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const embedded = isEmbedded(queryRunner);
    const large = embedded ? 'text' : 'mediumtext';
    const exact = embedded ? {} : { collation: 'utf8mb4_bin' };
    const time = (name: string): TableColumnOptions => instantColumn(queryRunner, name);
    const id = (name: string, primary = false, nullable = false): TableColumnOptions => ({ name, type: 'varchar', length: '36', isPrimary: primary, isNullable: nullable });
    const cascade = { onDelete: 'CASCADE', onUpdate: 'NO ACTION' } as const;

    await queryRunner.createTable(
      new Table({
        name: 'catalog_packages',
        columns: [
          id('id', true),
          id('workspace_id', false, true),
          id('owner_key'),
          { name: 'name', type: 'varchar', length: '100' },
          { name: 'name_key', type: 'varchar', length: '100', ...exact },
          { name: 'description', type: 'text' },
          { name: 'icon', type: 'text', isNullable: true },
          { name: 'tags', type: 'text' },
          time('created_at'),
          time('updated_at'),
        ],
        uniques: [{ name: 'UQ_catalog_packages_owner_key_name_key', columnNames: ['owner_key', 'name_key'] }],
        indices: [{ name: 'IDX_catalog_packages_workspace_id', columnNames: ['workspace_id'] }],
        foreignKeys: [{ name: 'FK_catalog_packages_workspace_id', columnNames: ['workspace_id'], referencedTableName: 'workspaces', referencedColumnNames: ['id'], ...cascade }],
      }),
    );
    await queryRunner.createTable(
      new Table({
        name: 'catalog_package_versions',
        columns: [
          id('id', true),
          id('package_id'),
          { name: 'version', type: 'varchar', length: '64', ...exact },
          { name: 'description', type: 'text', isNullable: true },
          { name: 'templates', type: large },
          { name: 'parameters_schema', type: large },
          time('created_at'),
        ],
        uniques: [{ name: 'UQ_catalog_package_versions_package_id_version', columnNames: ['package_id', 'version'] }],
        foreignKeys: [
          { name: 'FK_catalog_package_versions_package_id', columnNames: ['package_id'], referencedTableName: 'catalog_packages', referencedColumnNames: ['id'], ...cascade },
        ],
      }),
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.dropTable('catalog_package_versions');
    await queryRunner.dropTable('catalog_packages');
  }
}
