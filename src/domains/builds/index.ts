export { BuildResolver, BuildRunResolver } from './build-resolver.js';
export { BUILD_NAMESPACE, BuildService, imageReference, type BuildServiceDeps, type CreateBuildInput } from './build-service.js';
export type { BuildsContext } from './context.js';
export * from './ports.js';
export * from './records.js';
export { RegistryResolver } from './registry-resolver.js';
export { RegistryService, type CreateRegistryInput, type RegistryServiceDeps } from './registry-service.js';
export { RunFollowers, type RunFollowerDeps } from './run-follower.js';
export { BUILD_STEPS } from './validation.js';
