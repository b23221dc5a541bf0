import type { NodeLookups } from '../../shared/node-lookup.js';
import { catalogLoadersOf, visiblePackage, type CatalogContext } from './context.js';
import { toCatalogPackage, toPackageVersion } from './mappers.js';

/** `node(id:)` for the catalog: the same rights as `catalogPackage` and `catalogPackageVersion`, through batched loaders. */
export const catalogNodeLookups: NodeLookups<CatalogContext> = {
  CatalogPackage: async (context, packageId) => {
    const record = await visiblePackage(context, await catalogLoadersOf(context).packageById.load(packageId));
    return record === null ? null : toCatalogPackage(record);
  },
  CatalogPackageVersion: async (context, versionId) => {
    const loaders = catalogLoadersOf(context);
    const version = await loaders.versionById.load(versionId);
    if (version === null) return null;
    const owner = await visiblePackage(context, await loaders.packageById.load(version.packageId));
    return owner === null ? null : toPackageVersion(version);
  },
};
