import type { CatalogContext } from '../context.js';
import type { MapPackageService } from './map-package-service.js';

/** The part of the per-request context "save as package" reads. */
export interface MapPackagesContext extends CatalogContext {
  readonly mapPackages: MapPackageService;
}
