import { DateTimeResolver, GraphQLJSON, GraphQLJSONObject } from 'graphql-scalars';
import { Extensions, Field, ID, Int, ObjectType, registerEnumType } from 'type-graphql';
import { globalIdOf, Node } from '../../../shared/node.js';
import type { JsonObject, JsonValue } from '../rendering/json.js';
import type { ReleaseRecord, RevisionSummary } from './records.js';

export const ReleaseStatusEnum = { DEPLOYING: 'DEPLOYING', DEPLOYED: 'DEPLOYED', FAILED: 'FAILED', SUPERSEDED: 'SUPERSEDED', UNINSTALLED: 'UNINSTALLED' } as const;
registerEnumType(ReleaseStatusEnum, {
  name: 'ReleaseStatus',
  description: 'Where a release (or one of its revisions) stands.',
  valuesConfig: {
    DEPLOYING: { description: 'Applied; its workloads are rolling out (followed from the cluster’s watch caches).' },
    DEPLOYED: { description: 'Every workload of the revision is updated, ready and available (Jobs complete).' },
    FAILED: { description: 'A workload failed (a Deployment past its progress deadline, a failed Job) or was not ready in time; statusMessage says which.' },
    SUPERSEDED: { description: 'A later revision replaced this one (revisions only).' },
    UNINSTALLED: { description: 'Its objects were deleted; the release is kept for its history.' },
  },
});

export const ReleaseActionEnum = { INSTALL: 'INSTALL', UPGRADE: 'UPGRADE', ROLLBACK: 'ROLLBACK', IMAGE_UPDATE: 'IMAGE_UPDATE' } as const;
registerEnumType(ReleaseActionEnum, {
  name: 'ReleaseAction',
  description: 'What made a revision.',
  valuesConfig: {
    INSTALL: { description: 'deployPackage (revision 1).' },
    UPGRADE: { description: 'upgradeRelease: another version and/or other values.' },
    ROLLBACK: { description: 'rollbackRelease: an earlier revision’s version and values, applied again.' },
    IMAGE_UPDATE: { description: 'Continuous deployment: a successful build of an image the application map runs moved it to the new tag (createdBy names the build run).' },
  },
});

export const ReleaseEventTypeEnum = {
  INSTALLED: 'INSTALLED',
  UPGRADED: 'UPGRADED',
  ROLLED_BACK: 'ROLLED_BACK',
  IMAGE_UPDATED: 'IMAGE_UPDATED',
  UNINSTALLED: 'UNINSTALLED',
  STATUS_CHANGED: 'STATUS_CHANGED',
} as const;
registerEnumType(ReleaseEventTypeEnum, {
  name: 'ReleaseEventType',
  description: 'What happened to a release.',
  valuesConfig: {
    INSTALLED: { description: 'Deployed: revision 1 applied.' },
    UPGRADED: { description: 'A new revision applied by an upgrade.' },
    ROLLED_BACK: { description: 'A new revision applied by a rollback.' },
    IMAGE_UPDATED: { description: 'A new revision applied by continuous deployment after a successful build.' },
    UNINSTALLED: { description: 'Its objects deleted.' },
    STATUS_CHANGED: { description: 'The rollout of the current revision ended: DEPLOYED or FAILED.' },
  },
});

export const SourceRemovalEnum = { PENDING: 'PENDING', REMOVED: 'REMOVED', KEPT: 'KEPT' } as const;
registerEnumType(SourceRemovalEnum, {
  name: 'ReleaseSourceRemoval',
  description: 'What becomes of the release a redeploy moved away from.',
  valuesConfig: {
    PENDING: { description: 'Removed (by its inventory) as soon as this release is healthy; until then both run.' },
    REMOVED: { description: 'Removed: its objects deleted, the release UNINSTALLED.' },
    KEPT: { description: 'Left running: this release did not turn healthy, or the source could not be removed (statusMessage says why).' },
  },
});

export const PreviewChangeEnum = { CREATE: 'CREATE', UPDATE: 'UPDATE', UNCHANGED: 'UNCHANGED', DELETE: 'DELETE', CONFLICT: 'CONFLICT' } as const;
registerEnumType(PreviewChangeEnum, {
  name: 'ReleasePreviewChange',
  description: 'What applying the preview would do to one object.',
  valuesConfig: {
    CREATE: { description: 'It does not exist: it would be created.' },
    UPDATE: { description: 'It exists and would change (see the diff).' },
    UNCHANGED: { description: 'It exists and runs as it would be applied.' },
    DELETE: { description: 'The release has it now and the preview does not render it: it would be pruned.' },
    CONFLICT: { description: 'An object of that kind and name exists and is not the release’s: applying would be refused.' },
  },
});

@ObjectType({ description: 'An object a revision applied, as its inventory records it: uninstall and pruning act on exactly these (by uid).' })
export class ReleaseObject {
  @Field({ description: 'apiVersion.' })
  apiVersion!: string;

  @Field({ description: 'Kind.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'Namespace; null for a cluster-scoped object.' })
  namespace!: string | null;

  @Field({ description: 'Name.' })
  name!: string;

  @Field({ description: 'The uid the API server gave the object: one recreated by someone else has another and is not the release’s.' })
  uid!: string;
}

@ObjectType({ description: 'Who made a release or a revision.' })
export class ReleaseActor {
  @Extensions(globalIdOf('User'))
  @Field(() => ID, { nullable: true, description: 'The user; null for the bootstrap administrator.' })
  userId!: string | null;

  @Field({ description: 'Their name at the time.' })
  name!: string;
}

@ObjectType({ implements: Node, description: 'A revision of a release: what one deploy, upgrade or rollback applied. The newest revisions are kept (see README).' })
export class ReleaseRevision {
  summary!: RevisionSummary;

  @Field(() => ID, { description: 'Global id of the revision.' })
  id!: string;

  @Extensions(globalIdOf('Release'))
  @Field(() => ID, { description: 'The release it belongs to.' })
  releaseId!: string;

  @Field(() => Int, { description: 'Its number: 1 for the deploy, then one more per upgrade or rollback.' })
  revision!: number;

  @Field(() => ReleaseActionEnum, { description: 'What made it.' })
  action!: keyof typeof ReleaseActionEnum;

  @Field(() => Int, { nullable: true, description: 'For a rollback: the revision whose version and values it applied again.' })
  rolledBackFrom!: number | null;

  @Field(() => ReleaseStatusEnum, { description: 'Its status: the current revision’s is the release’s; earlier ones are SUPERSEDED.' })
  status!: keyof typeof ReleaseStatusEnum;

  @Field(() => String, { nullable: true, description: 'Why (a failed rollout’s reason, what pruning left alone).' })
  statusMessage!: string | null;

  @Extensions(globalIdOf('CatalogPackageVersion'))
  @Field(() => ID, { description: 'The catalog version it applied (it may have been deleted from the catalog since).' })
  packageVersionId!: string;

  @Field({ description: 'That version’s semantic version.' })
  version!: string;

  @Field(() => GraphQLJSONObject, { description: 'The values given (the schema’s defaults filled the rest); parameters marked writeOnly or format password show "(hidden)".' })
  values!: JsonObject;

  @Field(() => [ReleaseObject], { description: 'What it applied: every object with its uid, in apply order.' })
  inventory!: ReleaseObject[];

  @Field({
    description:
      'Unified diff of the rendered YAML of each object against the previous revision (all additions for revision 1); Secret values show only their size and a hash, hidden values "(hidden)".',
  })
  diff!: string;

  @Field(() => ReleaseActor, { description: 'Who made it.' })
  changedBy!: ReleaseActor;

  @Field(() => DateTimeResolver, { description: 'When it was applied.' })
  createdAt!: Date;
}

@ObjectType({
  implements: Node,
  description:
    'A catalog version deployed into a namespace of a cluster: its current revision, its status as the rollout goes, its history and the objects it applied. Seen by the members of its workspace.',
})
export class Release {
  record!: ReleaseRecord;

  @Field(() => ID, { description: 'Global id of the release; its objects carry the label kda.io/release=<the local id>.' })
  id!: string;

  @Extensions(globalIdOf('Workspace'))
  @Field(() => ID, { description: 'The workspace it belongs to.' })
  workspaceId!: string;

  @Extensions(globalIdOf('Cluster'))
  @Field(() => ID, { description: 'The cluster it runs on.' })
  clusterId!: string;

  @Field({ description: 'The namespace its objects live in.' })
  namespace!: string;

  @Field({ description: 'The application map it belongs to (label kda.io/app-map on its objects).' })
  appMapName!: string;

  @Field({ description: 'Its stage: DEV, STAGING, PROD or a name of the workspace’s own (label kda.io/stage).' })
  stage!: string;

  @Extensions(globalIdOf('CatalogPackage'))
  @Field(() => ID, { description: 'The catalog package it deploys.' })
  packageId!: string;

  @Field({ description: 'The package’s name when the release was made.' })
  packageName!: string;

  @Extensions(globalIdOf('CatalogPackageVersion'))
  @Field(() => ID, { description: 'The version the current revision applied.' })
  packageVersionId!: string;

  @Field({ description: 'That version’s semantic version.' })
  version!: string;

  @Field(() => Int, { description: 'The current revision’s number.' })
  revision!: number;

  @Field(() => ReleaseStatusEnum, { description: 'Its status, updated from the workloads’ rollout.' })
  status!: keyof typeof ReleaseStatusEnum;

  @Field(() => String, { nullable: true, description: 'Why the status is what it is: a failed rollout’s reason, what pruning or uninstall left alone.' })
  statusMessage!: string | null;

  @Field({ description: 'True when its first deploy created the namespace (uninstall leaves the namespace: others may use it by then).' })
  createdNamespace!: boolean;

  @Extensions(globalIdOf('Release'))
  @Field(() => ID, {
    nullable: true,
    description: 'The release it was redeployed from (redeployAppMap: the same version and values moved to this cluster and namespace); null otherwise.',
  })
  redeployedFrom!: string | null;

  @Field(() => SourceRemovalEnum, {
    nullable: true,
    description: 'For a redeployed release asked to remove its source: whether that is still to happen once this one is healthy, or what became of it. Null otherwise.',
  })
  sourceRemoval!: keyof typeof SourceRemovalEnum | null;

  @Field(() => ReleaseActor, { description: 'Who deployed it.' })
  createdBy!: ReleaseActor;

  @Field(() => DateTimeResolver, { description: 'When it was deployed.' })
  createdAt!: Date;

  @Field(() => DateTimeResolver, { description: 'When it or its status last changed.' })
  updatedAt!: Date;
}

@ObjectType({ description: 'A field of an object that differs in the cluster from what the release last applied.' })
export class ReleaseDriftField {
  @Field({ description: 'Where, e.g. spec.replicas or spec.template.spec.containers[name=web].image.' })
  path!: string;

  @Field(() => GraphQLJSON, { description: 'What the release applied.' })
  applied!: JsonValue;

  @Field(() => GraphQLJSON, { nullable: true, description: 'What the cluster has now; null when the field is gone.' })
  live!: JsonValue | null;

  @Field(() => String, { nullable: true, description: 'The field manager that owns the field now (who changed it, e.g. kubectl-edit), when the object says.' })
  manager!: string | null;
}

@ObjectType({ description: 'An object of the release changed in the cluster since the release applied it.' })
export class ReleaseDrift {
  @Field(() => ReleaseObject, { description: 'The object.' })
  object!: ReleaseObject;

  @Field(() => [ReleaseDriftField], { description: 'Its fields that changed.' })
  fields!: ReleaseDriftField[];
}

@ObjectType({ description: 'One object of a preview.' })
export class ReleasePreviewObject {
  @Field({ description: 'apiVersion.' })
  apiVersion!: string;

  @Field({ description: 'Kind.' })
  kind!: string;

  @Field(() => String, { nullable: true, description: 'Namespace.' })
  namespace!: string | null;

  @Field({ description: 'Name.' })
  name!: string;

  @Field(() => PreviewChangeEnum, { description: 'What applying would do to it.' })
  change!: keyof typeof PreviewChangeEnum;

  @Field({
    description:
      'Unified diff from what runs now (the fields the release applied or would apply; the server’s defaults and status left out) to what would be applied; empty when unchanged.',
  })
  diff!: string;
}

@ObjectType({ description: 'What an upgrade or rollback would change, against what runs now, and what changed in the cluster since the last apply.' })
export class ReleasePreview {
  @Field(() => Release, { description: 'The release previewed.' })
  release!: Release;

  @Field({ description: 'The version the preview renders.' })
  version!: string;

  @Field(() => [ReleasePreviewObject], { description: 'Each object it would apply (in apply order), then each it would prune.' })
  objects!: ReleasePreviewObject[];

  @Field({ description: 'Every object’s diff, one after another.' })
  diff!: string;

  @Field(() => [ReleaseDrift], { description: 'Drift: objects of the current revision whose fields were changed in the cluster since it was applied.' })
  drift!: ReleaseDrift[];
}

@ObjectType({ description: 'An object an operation did not delete, and why.' })
export class ReleaseObjectNote {
  @Field(() => ReleaseObject, { description: 'The object (as the inventory recorded it).' })
  object!: ReleaseObject;

  @Field({ description: 'Why it was left alone: already gone, or recreated by someone else (another uid).' })
  reason!: string;
}

@ObjectType({ description: 'Something that happened to a release of a workspace.' })
export class ReleaseEvent {
  @Field({ description: 'Opaque; pass as `after` to resume right after this event.' })
  cursor!: string;

  @Field(() => ReleaseEventTypeEnum, { description: 'What happened.' })
  type!: keyof typeof ReleaseEventTypeEnum;

  @Field(() => Int, { description: 'The revision it happened to.' })
  revision!: number;

  @Field(() => ReleaseStatusEnum, { description: 'The release’s status right after.' })
  status!: keyof typeof ReleaseStatusEnum;

  @Field(() => String, { nullable: true, description: 'Why (a failed rollout’s reason).' })
  message!: string | null;

  @Field(() => DateTimeResolver, { description: 'When.' })
  at!: Date;

  @Field(() => Release, { description: 'The release as it is when the event is delivered.' })
  release!: Release;
}
