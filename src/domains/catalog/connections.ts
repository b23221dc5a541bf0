import { connectionType } from '../../shared/connection-types.js';
import type { ConnectionValues } from '../../shared/pagination.js';
import { CatalogPackage, CatalogPackageVersion } from './graphql-types.js';
import { parseSemver, semverKey } from './semver.js';
import { nameKeyOf } from './validation.js';

export const CatalogPackageConnection = connectionType(CatalogPackage, { name: 'CatalogPackage', noun: 'catalog package', plural: 'catalog packages' });
export type CatalogPackageConnection = ConnectionValues<CatalogPackage>;

export const CatalogPackageVersionConnection = connectionType(CatalogPackageVersion, { name: 'CatalogPackageVersion', noun: 'package version', plural: 'package versions' });
export type CatalogPackageVersionConnection = ConnectionValues<CatalogPackageVersion>;

/** By name whatever its case (names are unique per owner, not across owners: the id ends the key). */
export const PACKAGES_BY_NAME = { key: (item: { name: string; id: string }) => [nameKeyOf(item.name), item.id] } as const;

/** Newest version first, by semver precedence (versions are unique per package: the text ends the key). */
export const VERSIONS_NEWEST_FIRST = {
  key: (item: { version: string }) => {
    const parsed = parseSemver(item.version);
    return parsed === null ? [0, 0, 0, 0, '', item.version] : [...semverKey(parsed).slice(0, 5), item.version];
  },
  descending: true,
} as const;
