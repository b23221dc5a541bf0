/**
 * In-memory implementations of this domain's ports for unit tests of the catalog service: the
 * database's contract (names unique per owner whatever their case, versions unique per package,
 * versions going with their package), no database.
 */
import type { CatalogGate, CatalogPackageStore, CatalogPermission, CatalogVersionStore, PrincipalLike } from './ports.js';
import type { CatalogPackageRecord, CatalogVersionRecord, NewCatalogPackage } from './records.js';
import { nameKeyOf } from './validation.js';

export function memoryCatalogStores(): { packages: CatalogPackageStore; versions: CatalogVersionStore; rows: { packages: NewCatalogPackage[]; versions: CatalogVersionRecord[] } } {
  const rows = { packages: [] as NewCatalogPackage[], versions: [] as CatalogVersionRecord[] };
  const owner = (record: { workspaceId: string | null }) => record.workspaceId ?? '*';
  const clash = (record: NewCatalogPackage, name: string) =>
    rows.packages.some((other) => other.id !== record.id && owner(other) === owner(record) && nameKeyOf(other.name) === nameKeyOf(name));
  const withoutIcon = ({ icon: _icon, ...record }: NewCatalogPackage): CatalogPackageRecord => record;
  const packages: CatalogPackageStore = {
    findById: async (id) => {
      const row = rows.packages.find((record) => record.id === id);
      return row === undefined ? null : withoutIcon(row);
    },
    findByIds: async (ids) => rows.packages.filter((record) => ids.includes(record.id)).map(withoutIcon),
    list: async ({ global, workspaceIds }) =>
      rows.packages
        .filter((record) => (record.workspaceId === null ? global : workspaceIds === 'ALL' || workspaceIds.includes(record.workspaceId)))
        .sort((a, b) => (nameKeyOf(a.name) < nameKeyOf(b.name) ? -1 : 1))
        .map(withoutIcon),
    iconsOf: async (ids) => new Map(rows.packages.filter((record) => ids.includes(record.id) && record.icon !== null).map((record) => [record.id, record.icon!])),
    insert: async (record) => {
      if (clash(record, record.name)) return 'duplicate-name';
      rows.packages.push(record);
      return 'inserted';
    },
    update: async (id, changes) => {
      const index = rows.packages.findIndex((record) => record.id === id);
      const row = rows.packages[index];
      if (row === undefined) return 'missing';
      if (changes.name !== undefined && clash(row, changes.name)) return 'duplicate-name';
      rows.packages[index] = { ...row, ...changes };
      return 'updated';
    },
    delete: async (id) => {
      const before = rows.packages.length;
      rows.packages = rows.packages.filter((record) => record.id !== id);
      rows.versions = rows.versions.filter((version) => version.packageId !== id);
      return rows.packages.length < before;
    },
  };
  const versions: CatalogVersionStore = {
    findById: async (id) => rows.versions.find((version) => version.id === id) ?? null,
    findByIds: async (ids) => rows.versions.filter((version) => ids.includes(version.id)),
    summariesOf: async (packageIds) => {
      const found = new Map<string, CatalogVersionRecord[]>();
      for (const version of rows.versions.filter((row) => packageIds.includes(row.packageId))) found.set(version.packageId, [...(found.get(version.packageId) ?? []), version]);
      return found;
    },
    insert: async (record) => {
      if (!rows.packages.some((row) => row.id === record.packageId)) return 'missing-package';
      if (rows.versions.some((row) => row.packageId === record.packageId && row.version === record.version)) return 'duplicate-version';
      rows.versions.push(record);
      return 'inserted';
    },
    delete: async (id) => {
      const before = rows.versions.length;
      rows.versions = rows.versions.filter((version) => version.id !== id);
      return rows.versions.length < before;
    },
  };
  return { packages, versions, rows };
}

/** Rights as a table: user → workspace → permissions; `admins` may do everything. */
export function tableCatalogGate(table: {
  readonly workspaces: readonly string[];
  readonly admins: readonly string[];
  readonly grants: Readonly<Record<string, Readonly<Record<string, readonly CatalogPermission[]>>>>;
}): CatalogGate {
  const isAdmin = (principal: PrincipalLike) => principal.userId !== null && table.admins.includes(principal.userId);
  const allows = (principal: PrincipalLike, workspaceId: string, permission: CatalogPermission) =>
    isAdmin(principal) || (principal.userId !== null && (table.grants[principal.userId]?.[workspaceId] ?? []).includes(permission));
  return {
    exists: async (workspaceId) => table.workspaces.includes(workspaceId),
    allows: async (principal, workspaceId, permission) => allows(principal, workspaceId, permission),
    allowedAmong: async (principal, workspaceIds, permission) => new Set(workspaceIds.filter((workspaceId) => allows(principal, workspaceId, permission))),
    workspacesAllowing: async (principal, permission) =>
      isAdmin(principal) ? 'ALL' : new Set(table.workspaces.filter((workspaceId) => allows(principal, workspaceId, permission))),
    isSystemAdmin: async (principal) => isAdmin(principal),
  };
}
