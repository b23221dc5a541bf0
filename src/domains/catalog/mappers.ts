import { CatalogPackage, CatalogPackageVersion } from './graphql-types.js';
import type { CatalogPackageRecord, CatalogVersionSummary } from './records.js';

export function toCatalogPackage(record: CatalogPackageRecord): CatalogPackage {
  return Object.assign(new CatalogPackage(), {
    record,
    id: record.id,
    workspaceId: record.workspaceId,
    global: record.workspaceId === null,
    name: record.name,
    description: record.description,
    tags: [...record.tags],
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
  });
}

export function toPackageVersion(summary: CatalogVersionSummary): CatalogPackageVersion {
  const { id, packageId, version, description, createdAt } = summary;
  return Object.assign(new CatalogPackageVersion(), { summary: { id, packageId, version, description, createdAt }, id, packageId, version, description, createdAt });
}
