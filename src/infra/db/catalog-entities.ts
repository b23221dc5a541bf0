import { EntitySchema, type ValueTransformer } from 'typeorm';
import type { CatalogPackageRecord, CatalogVersionRecord } from '../../domains/catalog/records.js';

/** The database kinds, whose column types differ where SQLite has no equivalent (see the migration). */
export type DatabaseKind = 'mysql' | 'embedded';

export interface CatalogPackageRow extends CatalogPackageRecord {
  /** The workspace id, or GLOBAL_OWNER: one unique index covers both (NULLs never clash in a unique index). */
  ownerKey: string;
  /** Lowercased name: names are unique per owner whatever their case, on MariaDB and SQLite alike. */
  nameKey: string;
  icon: string | null;
  workspace?: unknown;
}

/** JSON columns typed loosely: the store checks their shape when it hands a record over. */
export interface CatalogVersionRow extends Omit<CatalogVersionRecord, 'templates' | 'parametersSchema'> {
  templates: unknown;
  parametersSchema: unknown;
  package?: unknown;
}

export const GLOBAL_OWNER = '*';

/** JSON kept as text written by us: key order stays as imported (MySQL's JSON type would reorder it). */
const jsonText: ValueTransformer = {
  to: (value: unknown) => (value === undefined ? undefined : JSON.stringify(value)),
  from: (stored: string | null) => (stored === null ? null : (JSON.parse(stored) as unknown)),
};

const time = (name: string) => ({ name, type: 'datetime' as const, precision: 6 });

/**
 * The catalog's tables for one database kind: templates need more than MySQL's TEXT (64 KiB), and
 * SQLite knows no MEDIUMTEXT; exact (binary) comparison of name keys and versions on MariaDB, whose
 * default collation would treat 'é' and 'e' as one.
 */
export function catalogEntities(kind: DatabaseKind): EntitySchema[] {
  const large = kind === 'mysql' ? ('mediumtext' as const) : ('text' as const);
  const exact = kind === 'mysql' ? { collation: 'utf8mb4_bin' } : {};
  const packages = new EntitySchema<CatalogPackageRow>({
    name: 'CatalogPackage',
    tableName: 'catalog_packages',
    columns: {
      id: { type: 'varchar', length: 36, primary: true },
      workspaceId: { name: 'workspace_id', type: 'varchar', length: 36, nullable: true },
      ownerKey: { name: 'owner_key', type: 'varchar', length: 36 },
      name: { type: 'varchar', length: 100 },
      nameKey: { name: 'name_key', type: 'varchar', length: 100, ...exact },
      description: { type: 'text' },
      icon: { type: 'text', nullable: true },
      tags: { type: 'text', transformer: jsonText },
      createdAt: time('created_at'),
      updatedAt: time('updated_at'),
    },
    relations: {
      workspace: {
        type: 'many-to-one',
        target: 'Workspace',
        joinColumn: { name: 'workspace_id', foreignKeyConstraintName: 'FK_catalog_packages_workspace_id' },
        onDelete: 'CASCADE',
      },
    },
    uniques: [{ name: 'UQ_catalog_packages_owner_key_name_key', columns: ['ownerKey', 'nameKey'] }],
    indices: [{ name: 'IDX_catalog_packages_workspace_id', columns: ['workspaceId'] }],
  });
  const versions = new EntitySchema<CatalogVersionRow>({
    name: 'CatalogPackageVersion',
    tableName: 'catalog_package_versions',
    columns: {
      id: { type: 'varchar', length: 36, primary: true },
      packageId: { name: 'package_id', type: 'varchar', length: 36 },
      version: { type: 'varchar', length: 64, ...exact },
      description: { type: 'text', nullable: true },
      templates: { type: large, transformer: jsonText },
      parametersSchema: { name: 'parameters_schema', type: large, transformer: jsonText },
      createdAt: time('created_at'),
    },
    relations: {
      package: {
        type: 'many-to-one',
        target: 'CatalogPackage',
        joinColumn: { name: 'package_id', foreignKeyConstraintName: 'FK_catalog_package_versions_package_id' },
        onDelete: 'CASCADE',
      },
    },
    uniques: [{ name: 'UQ_catalog_package_versions_package_id_version', columns: ['packageId', 'version'] }],
  });
  return [packages, versions];
}
