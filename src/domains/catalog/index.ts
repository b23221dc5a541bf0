export {
  CatalogService,
  CATALOG_SCOPES,
  type CatalogFilter,
  type CatalogScope,
  type CatalogServiceDeps,
  type CreatePackageInput,
  type ImportVersionInput,
  type UpdatePackageInput,
  type VersionContent,
  type VersionTarget,
  type AddedVersion,
} from './catalog-service.js';
export { CatalogPackageResolver, CatalogPackageVersionResolver } from './catalog-resolver.js';
export { CatalogInputError } from './catalog-errors.js';
export { catalogLoadersOf, type CatalogContext } from './context.js';
export { catalogNodeLookups } from './node-lookups.js';
export type * from './ports.js';
export type * from './records.js';
export { nameKeyOf } from './validation.js';
export { cachingCompiler, compileParameters, type CompiledParameters, type ParameterCompiler } from './rendering/parameters.js';
export { renderVersion, type RenderableVersion, type RenderedObject, type Rendering } from './rendering/render.js';
export { APPLY_ORDER, TEMPLATE_KINDS } from './rendering/manifest-rules.js';
export type { JsonObject, JsonValue } from './rendering/json.js';
export {
  ReleaseService,
  ReleaseResolver,
  ReleaseRevisionResolver,
  RolloutFollowers,
  releaseLoadersOf,
  visibleRelease,
  Release,
  toRelease,
  releaseNodeLookups,
  FIELD_MANAGER,
  APP_MAP_LABEL,
  RELEASE_LABEL,
  STAGE_LABEL,
  type ReleasesContext,
  type ReleaseGate,
  type ReleaseClusterFacts,
  type ReleaseCluster,
  type ReleaseEvents,
  type ReleaseStore,
  type ReleaseAppMaps,
  type BuiltImage,
  type WorkloadFact,
  type ClaimFact,
  type StorageAllotmentFact,
} from './releases/index.js';
export {
  MapPackageService,
  MapPackageResolver,
  packageObjects,
  type MapPackagesContext,
  type AppMapSource,
  type ClusterObjects,
  type MapFacts,
  type MapWorkloadFact,
  type SaveAppMapRequest,
} from './map-packages/index.js';
