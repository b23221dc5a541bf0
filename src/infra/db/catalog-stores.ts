import { In, Not, QueryFailedError, type DataSource, type FindOptionsWhere } from 'typeorm';
import { nameKeyOf } from '../../domains/catalog/validation.js';
import type { CatalogPackageStore, CatalogVersionStore } from '../../domains/catalog/ports.js';
import type { CatalogPackageRecord, CatalogVersionRecord, CatalogVersionSummary } from '../../domains/catalog/records.js';
import type { JsonObject } from '../../domains/catalog/rendering/json.js';
import { GLOBAL_OWNER, type CatalogPackageRow, type CatalogVersionRow } from './catalog-entities.js';
import { workspaceScope } from './tenant-scope.js';
import { isUniqueViolation } from './unique-violation.js';

export interface CatalogStores {
  readonly packages: CatalogPackageStore;
  readonly versions: CatalogVersionStore;
}

/** Every column but the icon: lists carry many packages, icons are read per page. */
const PACKAGE_COLUMNS = { id: true, workspaceId: true, name: true, description: true, tags: true, createdAt: true, updatedAt: true } as const;
const SUMMARY_COLUMNS = { id: true, packageId: true, version: true, description: true, createdAt: true } as const;

function toPackage(row: Partial<CatalogPackageRow>): CatalogPackageRecord {
  const { id, workspaceId, name, description, tags, createdAt, updatedAt } = row as CatalogPackageRow;
  return { id, workspaceId: workspaceId ?? null, name, description, tags: Array.isArray(tags) ? tags : [], createdAt, updatedAt };
}

function toSummary(row: Partial<CatalogVersionRow>): CatalogVersionSummary {
  const { id, packageId, version, description, createdAt } = row as CatalogVersionRow;
  return { id, packageId, version, description: description ?? null, createdAt };
}

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

function toVersion(row: CatalogVersionRow): CatalogVersionRecord {
  // Written by importVersion only; a row edited by hand into another shape renders nothing rather than failing oddly.
  const templates = Array.isArray(row.templates) ? row.templates.filter(isObject) : [];
  return { ...toSummary(row), templates, parametersSchema: isObject(row.parametersSchema) ? row.parametersSchema : { type: 'object' } };
}

/** True when MySQL/MariaDB (ER_NO_REFERENCED_ROW_2) or SQLite refused a row whose parent is gone. */
function isMissingParent(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: unknown; message?: unknown } | undefined;
  return driverError?.code === 'ER_NO_REFERENCED_ROW_2' || (typeof driverError?.message === 'string' && driverError.message.includes('FOREIGN KEY constraint failed'));
}

export function createCatalogStores(dataSource: DataSource): CatalogStores {
  const packages = dataSource.getRepository<CatalogPackageRow>('CatalogPackage');
  const versions = dataSource.getRepository<CatalogVersionRow>('CatalogPackageVersion');

  const packageStore: CatalogPackageStore = {
    findById: async (id) => {
      const row = await packages.findOne({ where: { id }, select: PACKAGE_COLUMNS });
      return row === null ? null : toPackage(row);
    },
    findByIds: async (ids) => (ids.length === 0 ? [] : (await packages.find({ where: { id: In([...ids]) }, select: PACKAGE_COLUMNS })).map(toPackage)),
    list: async ({ global, workspaceIds: scope }) => {
      const workspaceIds = workspaceScope('catalog packages', scope);
      // The owner key leads the unique index: one range per owner, already in name order.
      let where: FindOptionsWhere<CatalogPackageRow>;
      if (workspaceIds === 'ALL') where = global ? {} : { ownerKey: Not(GLOBAL_OWNER) };
      else {
        const owners = [...(global ? [GLOBAL_OWNER] : []), ...workspaceIds];
        if (owners.length === 0) return [];
        where = { ownerKey: In(owners) };
      }
      return (await packages.find({ where, select: PACKAGE_COLUMNS, order: { nameKey: 'ASC', id: 'ASC' } })).map(toPackage);
    },
    iconsOf: async (ids) => {
      if (ids.length === 0) return new Map();
      const rows = await packages.find({ where: { id: In([...ids]) }, select: { id: true, icon: true } });
      return new Map(rows.filter((row) => row.icon !== null && row.icon !== undefined).map((row) => [row.id, row.icon!]));
    },
    insert: async (record) => {
      try {
        await packages.insert({ ...record, tags: [...record.tags], ownerKey: record.workspaceId ?? GLOBAL_OWNER, nameKey: nameKeyOf(record.name) });
        return 'inserted';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate-name';
        throw error;
      }
    },
    update: async (id, changes) => {
      const { tags, ...rest } = changes;
      try {
        const result = await packages.update(
          { id },
          { ...rest, ...(tags !== undefined ? { tags: [...tags] } : {}), ...(changes.name !== undefined ? { nameKey: nameKeyOf(changes.name) } : {}) },
        );
        return result.affected === 0 ? 'missing' : 'updated';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate-name';
        throw error;
      }
    },
    delete: async (id) => ((await packages.delete({ id })).affected ?? 0) > 0,
  };

  const versionStore: CatalogVersionStore = {
    findById: async (id) => {
      const row = await versions.findOneBy({ id });
      return row === null ? null : toVersion(row);
    },
    findByIds: async (ids) => (ids.length === 0 ? [] : (await versions.findBy({ id: In([...ids]) })).map(toVersion)),
    summariesOf: async (packageIds) => {
      const byPackage = new Map<string, CatalogVersionSummary[]>();
      if (packageIds.length === 0) return byPackage;
      for (const row of await versions.find({ where: { packageId: In([...packageIds]) }, select: SUMMARY_COLUMNS })) {
        byPackage.set(row.packageId, [...(byPackage.get(row.packageId) ?? []), toSummary(row)]);
      }
      return byPackage;
    },
    insert: async (record) => {
      try {
        await versions.insert({ ...record, templates: [...record.templates] } satisfies CatalogVersionRow);
        return 'inserted';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate-version';
        if (isMissingParent(error)) return 'missing-package';
        throw error;
      }
    },
    delete: async (id) => ((await versions.delete({ id })).affected ?? 0) > 0,
  };

  return { packages: packageStore, versions: versionStore };
}
