export {
  ReleaseService,
  type DeployInput,
  type OperationOutcome,
  type PreviewInput,
  type ReleaseServiceDeps,
  type RollbackInput,
  type UninstallInput,
  type UpgradeInput,
} from './release-service.js';
export { ReleaseResolver, ReleaseRevisionResolver } from './release-resolver.js';
export { RolloutFollowers, judgeRollout, type RolloutFollowerDeps } from './rollout.js';
export { releaseLoadersOf, type ReleasesContext } from './context.js';
export { releaseNodeLookups } from './node-lookups.js';
export { FIELD_MANAGER } from './object-diff.js';
export { APP_MAP_LABEL, RELEASE_LABEL, STAGE_LABEL } from './manifests.js';
export type * from './ports.js';
export { ClusterRequestError, actorOf } from './ports.js';
export type * from './records.js';
