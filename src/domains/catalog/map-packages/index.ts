export { MapPackageService, type MapPackageServiceDeps, type SaveAppMapRequest } from './map-package-service.js';
export { MapPackageResolver } from './map-package-resolver.js';
export type { MapPackagesContext } from './context.js';
export type * from './ports.js';
export { packageObjects, type PackagedObjects } from './package-objects.js';
