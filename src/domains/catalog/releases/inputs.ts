import { GraphQLJSONObject } from 'graphql-scalars';
import { Extensions, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { globalIdOf } from '../../../shared/node.js';
import { Release, ReleaseDrift, ReleaseObject, ReleaseObjectNote, ReleaseRevision } from './graphql-types.js';

/** The releases' mutation inputs, and what each mutation answers. */

@InputType({ description: 'A catalog version to deploy into a namespace of a cluster allotted to the workspace.' })
export class DeployPackageInput {
  @Field(() => ID, { description: 'The workspace the release belongs to (its DEVOPS or MANAGER members deploy).' })
  workspaceId!: string;

  @Field(() => ID, { description: 'The catalog version: of a global package, or of one of the workspace’s own.' })
  packageVersionId!: string;

  @Field(() => ID, { description: 'A cluster allotted to the workspace.' })
  clusterId!: string;

  @Field({ description: 'A namespace allotted to the workspace on that cluster (any, for a whole-cluster allotment); created when missing.' })
  namespace!: string;

  @Field({ description: 'The application map the release belongs to: a DNS label (at most 63 lowercase letters, digits, -), set as label kda.io/app-map on every object.' })
  appMapName!: string;

  @Field({ description: 'DEV, STAGING, PROD or a stage name of the workspace’s own (at most 63 letters, digits, - or _), set as label kda.io/stage.' })
  stage!: string;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Parameter values, checked against the version’s parameters schema (its defaults fill the rest).' })
  values?: Record<string, unknown> | null;
}

@InputType({ description: 'A new revision of a release: another version of its package, other values, or both.' })
export class UpgradeReleaseInput {
  @Field(() => ID, { description: 'The release.' })
  releaseId!: string;

  @Field(() => ID, { nullable: true, description: 'A version of the release’s package; absent: the current one.' })
  packageVersionId?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'The values (all of them: the schema’s defaults fill the rest); absent: the current revision’s values.' })
  values?: Record<string, unknown> | null;
}

@InputType({ description: 'An earlier revision to apply again, as a new revision.' })
export class RollbackReleaseInput {
  @Field(() => ID, { description: 'The release.' })
  releaseId!: string;

  @Field(() => Int, { description: 'A revision the release still keeps (see its history).' })
  revision!: number;
}

@InputType({ description: 'A release to uninstall: exactly the objects its current revision applied are deleted.' })
export class UninstallReleaseInput {
  @Field(() => ID, { description: 'The release.' })
  releaseId!: string;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Delete its objects even if some were changed in the cluster since the release applied them (without it, such a change is refused with CONFLICT naming the object and field).',
  })
  force?: boolean | null;
}

@InputType({ description: 'What to preview: an upgrade (version and/or values), a rollback (revision), or — with neither — the current revision against what runs.' })
export class PreviewReleaseInput {
  @Field(() => ID, { description: 'The release.' })
  releaseId!: string;

  @Field(() => ID, { nullable: true, description: 'A version of the release’s package (absent: the current one).' })
  packageVersionId?: string | null;

  @Field(() => GraphQLJSONObject, { nullable: true, description: 'Values (absent: the current revision’s).' })
  values?: Record<string, unknown> | null;

  @Field(() => Int, { nullable: true, description: 'Preview a rollback to this revision instead (then packageVersionId and values are not given).' })
  revision?: number | null;
}

@InputType({
  description: 'An application map deployed from the catalog, to deploy again (same version and values) into another cluster or namespace allotted to its workspace.',
})
export class RedeployAppMapInput {
  @Field(() => ID, { description: 'The map (made by deployPackage).' })
  appMapId!: string;

  @Field(() => ID, { description: 'The target cluster, allotted to the map’s workspace (may be the same cluster, with another namespace).' })
  clusterId!: string;

  @Field(() => String, { nullable: true, description: 'The target namespace, allotted on that cluster; absent: the same namespace name as the source.' })
  namespace?: string | null;

  @Field(() => String, { nullable: true, description: 'The target’s stage; absent: the source’s.' })
  stage?: string | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      'Uninstall the source (by its inventory) once the target is healthy — a move rather than a copy. A target that never turns healthy leaves the source running. Default false.',
  })
  removeSource?: boolean | null;
}

@ObjectType({ description: 'The release a redeploy made, and the one it came from.' })
export class RedeployAppMapPayload {
  @Field(() => Release, { description: 'The new release on the target (revision 1, DEPLOYING until its workloads are ready; its sourceRemoval says what becomes of the source).' })
  release!: Release;

  @Field(() => ReleaseRevision, { description: 'Its first revision.' })
  revision!: ReleaseRevision;

  @Field(() => Release, { description: 'The release it was copied from, still running (removed only once the target is healthy, when asked).' })
  source!: Release;
}

@ObjectType({ description: 'The release just deployed.' })
export class DeployPackagePayload {
  @Field(() => Release, { description: 'The new release (revision 1, DEPLOYING until its workloads are ready).' })
  release!: Release;

  @Field(() => ReleaseRevision, { description: 'Its first revision.' })
  revision!: ReleaseRevision;
}

@ObjectType({ description: 'The release after an upgrade or rollback, and what pruning did.' })
export class ReleaseChangePayload {
  @Field(() => Release, { description: 'The release at its new revision (DEPLOYING until its workloads are ready).' })
  release!: Release;

  @Field(() => ReleaseRevision, { description: 'The new revision.' })
  revision!: ReleaseRevision;

  @Field(() => [ReleaseObject], { description: 'Objects of the previous revision that this one no longer renders, deleted.' })
  pruned!: ReleaseObject[];

  @Field(() => [ReleaseObjectNote], { description: 'Such objects left alone: already gone, or recreated by someone else.' })
  leftAlone!: ReleaseObjectNote[];
}

@ObjectType({ description: 'The release after an upgrade.' })
export class UpgradeReleasePayload extends ReleaseChangePayload {}

@ObjectType({ description: 'The release after a rollback.' })
export class RollbackReleasePayload extends ReleaseChangePayload {}

@ObjectType({ description: 'What an uninstall deleted and left alone.' })
export class UninstallReleasePayload {
  @Extensions(globalIdOf('Release'))
  @Field(() => ID, { description: 'The release uninstalled (kept, UNINSTALLED, for its history).' })
  uninstalledReleaseId!: string;

  @Field(() => Release, { description: 'The release, UNINSTALLED.' })
  release!: Release;

  @Field(() => [ReleaseObject], { description: 'The objects deleted, in deletion order (the reverse of apply order).' })
  deleted!: ReleaseObject[];

  @Field(() => [ReleaseObjectNote], { description: 'Objects of the inventory not deleted: already gone, or recreated by someone else with the same name (another uid).' })
  leftAlone!: ReleaseObjectNote[];

  @Field(() => [ReleaseDrift], { description: 'Objects deleted although changed in the cluster since the release applied them (only with force).' })
  changedByHand!: ReleaseDrift[];
}
