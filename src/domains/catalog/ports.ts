import type { CatalogPackageChanges, CatalogPackageRecord, CatalogVersionRecord, CatalogVersionSummary, NewCatalogPackage } from './records.js';

/** Persistence (implemented in src/infra/db). */
export interface CatalogPackageStore {
  findById(id: string): Promise<CatalogPackageRecord | null>;
  findByIds(ids: readonly string[]): Promise<CatalogPackageRecord[]>;
  /** Global packages (when `global`) and those of the workspaces named ('ALL': of every workspace), by name. */
  list(owners: { readonly global: boolean; readonly workspaceIds: 'ALL' | readonly string[] }): Promise<CatalogPackageRecord[]>;
  /** The icons of these packages (absent: none), in one statement. */
  iconsOf(ids: readonly string[]): Promise<Map<string, string>>;
  /** `duplicate-name` when the owner already has a package of that name (case-insensitive). */
  insert(record: NewCatalogPackage): Promise<'inserted' | 'duplicate-name'>;
  update(id: string, changes: CatalogPackageChanges): Promise<'updated' | 'duplicate-name' | 'missing'>;
  /** Deletes the package and its versions; false when it was already gone. */
  delete(id: string): Promise<boolean>;
}

export interface CatalogVersionStore {
  findById(id: string): Promise<CatalogVersionRecord | null>;
  findByIds(ids: readonly string[]): Promise<CatalogVersionRecord[]>;
  /** The versions of each package, without their content, in one statement. */
  summariesOf(packageIds: readonly string[]): Promise<Map<string, CatalogVersionSummary[]>>;
  /** One row: all of it or nothing. `duplicate-version` when the package has that version; `missing-package` when it is gone. */
  insert(record: CatalogVersionRecord): Promise<'inserted' | 'duplicate-version' | 'missing-package'>;
  delete(id: string): Promise<boolean>;
}

/** What the caller may do with a workspace's packages; answered by the workspaces' role matrix. */
export type CatalogPermission = 'catalog:read' | 'catalog:write';

export interface PrincipalLike {
  readonly userId: string | null;
  readonly systemRole: string;
}

/**
 * The workspaces' answers this domain needs (plugged in by the composition root from the workspaces
 * domain's access scope): the catalog never re-derives a role rule.
 */
export interface CatalogGate {
  exists(workspaceId: string): Promise<boolean>;
  allows(principal: PrincipalLike, workspaceId: string, permission: CatalogPermission): Promise<boolean>;
  allowedAmong(principal: PrincipalLike, workspaceIds: readonly string[], permission: CatalogPermission): Promise<ReadonlySet<string>>;
  /** The workspaces whose packages the caller may read ('ALL' for administrators). */
  workspacesAllowing(principal: PrincipalLike, permission: CatalogPermission): Promise<'ALL' | ReadonlySet<string>>;
  /** Global packages are written by system administrators. */
  isSystemAdmin(principal: PrincipalLike): Promise<boolean>;
}
