import { cachingCompiler, CatalogService, type CatalogGate } from '../domains/catalog/index.js';
import { createCatalogStores } from '../infra/db/catalog-stores.js';
import type { Infra } from './infra.js';

/** Compiled parameter schemas kept per process: the catalog's versions in use, not every one ever imported. */
const COMPILED_SCHEMAS_KEPT = 200;

export interface CatalogWiring {
  readonly catalog: CatalogService;
}

export interface CatalogNeighbours {
  /** Who may read and write a workspace's packages: the workspaces domain's access scope. */
  readonly catalogGate: CatalogGate;
}

/** Catalog packages and versions on the database; rendering is pure and needs nothing else. */
export function wireCatalog(infra: Infra, neighbours: CatalogNeighbours): CatalogWiring {
  const stores = createCatalogStores(infra.dataSource);
  const catalog = new CatalogService({ ...stores, gate: neighbours.catalogGate, compile: cachingCompiler(COMPILED_SCHEMAS_KEPT), now: () => new Date() });
  return { catalog };
}
