import { GraphQLJSONObject } from 'graphql-scalars';
import { Arg, Args, Authorized, Ctx, Extensions, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { ConnectionArgs } from '../../../shared/connection-types.js';
import { NotFoundError } from '../../../shared/errors.js';
import { fieldCost } from '../../../shared/field-cost.js';
import { localKeyOf } from '../../../shared/global-id.js';
import { paginate } from '../../../shared/pagination.js';
import { CatalogPackage, CatalogPackageVersion } from '../graphql-types.js';
import { catalogLoadersOf, visiblePackage } from '../context.js';
import { toCatalogPackage, toPackageVersion } from '../mappers.js';
import type { JsonObject } from '../rendering/json.js';
import { ReleaseConnection, ReleaseRevisionConnection, RELEASES_NEWEST_FIRST, REVISIONS_NEWEST_FIRST } from './connections.js';
import { releaseCallerOf, releaseLoadersOf, type ReleasesContext } from './context.js';
import { Release, ReleaseEvent, ReleaseObject, ReleasePreview, ReleaseRevision } from './graphql-types.js';
import {
  DeployPackageInput,
  DeployPackagePayload,
  PreviewReleaseInput,
  RedeployAppMapInput,
  RedeployAppMapPayload,
  RollbackReleaseInput,
  RollbackReleasePayload,
  UninstallReleaseInput,
  UninstallReleasePayload,
  UpgradeReleaseInput,
  UpgradeReleasePayload,
} from './inputs.js';
import { toDrift, toReleaseObject, toRelease, toRevision } from './mappers.js';
import type { StreamedReleaseEvent } from './ports.js';
import type { OperationOutcome } from './operations.js';
import { maskValues } from './hidden-values.js';

const RELEASE_TARGET = { audit: { targetType: 'Release', targetIdArg: 'releaseId' } } as const;

function changePayload<T extends UpgradeReleasePayload | RollbackReleasePayload>(payload: T, outcome: OperationOutcome): T {
  return Object.assign(payload, {
    release: toRelease(outcome.release),
    revision: toRevision(outcome.revision),
    pruned: outcome.pruned.deleted.map(toReleaseObject),
    leftAlone: outcome.pruned.leftAlone.map((entry) => ({ object: toReleaseObject(entry.ref), reason: entry.reason })),
  });
}

/** The current revision of a release, from the batched history of every release in the response. */
async function currentRevision(release: Release, context: ReleasesContext) {
  const revisions = await releaseLoadersOf(context).revisionsByRelease.load(release.id);
  return revisions.find((candidate) => candidate.revision === release.revision) ?? null;
}

@Resolver(() => Release)
export class ReleaseResolver {
  @Authorized()
  @Query(() => Release, { nullable: true, description: 'A release of a workspace the caller belongs to (NOT_FOUND otherwise).' })
  async release(@Arg('id', () => ID, { description: 'Release id.' }) id: string, @Ctx() context: ReleasesContext): Promise<Release> {
    return toRelease(await context.releases.get(releaseCallerOf(context), localKeyOf(id, 'Release')));
  }

  @Authorized()
  @Query(() => ReleaseConnection, {
    description: 'Releases newest first: of one workspace, or of every workspace the caller belongs to; uninstalled ones only when asked.',
  })
  async releases(
    @Arg('workspaceId', () => ID, { nullable: true, description: 'Only this workspace’s releases.' }) workspaceId: string | null | undefined,
    @Arg('clusterId', () => ID, { nullable: true, description: 'Only those on this cluster.' }) clusterId: string | null | undefined,
    @Arg('namespace', () => String, { nullable: true, description: 'Only those in this namespace.' }) namespace: string | null | undefined,
    @Arg('appMapName', () => String, { nullable: true, description: 'Only those of this application map.' }) appMapName: string | null | undefined,
    @Arg('includeUninstalled', () => Boolean, { nullable: true, description: 'Also the uninstalled ones (kept for their history); default false.' })
    includeUninstalled: boolean | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() context: ReleasesContext,
  ): Promise<ReleaseConnection> {
    const records = await context.releases.list(releaseCallerOf(context), {
      workspaceId: workspaceId === null || workspaceId === undefined ? null : localKeyOf(workspaceId, 'Workspace'),
      clusterId: clusterId === null || clusterId === undefined ? null : localKeyOf(clusterId, 'Cluster'),
      namespace,
      appMapName,
      includeUninstalled,
    });
    return paginate(context, 'Query.releases', page, records.map(toRelease), RELEASES_NEWEST_FIRST, (item) => item);
  }

  // Reads the live objects of the release from its cluster.
  @Extensions(fieldCost({ weight: 50 }))
  @Authorized()
  @Query(() => ReleasePreview, {
    description:
      'Before an upgrade or rollback: the rendered diff of each object against what runs now (read from the cluster), what would be pruned, and drift — fields changed in the cluster since the last apply. Changes nothing.',
  })
  async previewRelease(
    @Arg('input', () => PreviewReleaseInput, { description: 'What to preview.' }) input: PreviewReleaseInput,
    @Ctx() context: ReleasesContext,
  ): Promise<ReleasePreview> {
    const outcome = await context.releases.preview(releaseCallerOf(context), {
      releaseId: localKeyOf(input.releaseId, 'Release'),
      packageVersionId: input.packageVersionId === undefined || input.packageVersionId === null ? null : localKeyOf(input.packageVersionId, 'CatalogPackageVersion'),
      values: input.values,
      revision: input.revision,
    });
    return Object.assign(new ReleasePreview(), {
      release: toRelease(outcome.release),
      version: outcome.version,
      objects: outcome.objects.map((object) => ({ ...object })),
      diff: outcome.objects.map((object) => object.diff).join(''),
      drift: outcome.drift.map(toDrift),
    });
  }

  @Authorized()
  @Extensions({ audit: { targetType: 'Release' } })
  @Mutation(() => DeployPackagePayload, {
    description:
      'Deploys a catalog version: renders it with the values (checked against its schema), dry-runs every object on the cluster, then applies them with server-side apply (field manager kda-gateway), labelled with the release, its app map and stage, and records revision 1 with its inventory. Nothing is applied when a check or a dry run fails (BAD_USER_INPUT or CONFLICT naming the object and field). DEVOPS and MANAGER, into clusters and namespaces allotted to the workspace.',
  })
  async deployPackage(
    @Arg('input', () => DeployPackageInput, { description: 'What to deploy, where.' }) input: DeployPackageInput,
    @Ctx() context: ReleasesContext,
  ): Promise<DeployPackagePayload> {
    const outcome = await context.releases.deploy(releaseCallerOf(context), {
      ...input,
      workspaceId: localKeyOf(input.workspaceId, 'Workspace'),
      packageVersionId: localKeyOf(input.packageVersionId, 'CatalogPackageVersion'),
      clusterId: localKeyOf(input.clusterId, 'Cluster'),
    });
    return { release: toRelease(outcome.release), revision: toRevision(outcome.revision) };
  }

  @Authorized()
  @Extensions({ audit: { targetType: 'AppMap', targetIdArg: 'appMapId' } })
  @Mutation(() => RedeployAppMapPayload, {
    description:
      'Deploys an application map’s release again — its current version and values — into another cluster or namespace (to move it to another cloud, or copy it to another region): checked and dry-run like a deploy, nothing applied when a check fails. The target gets a new release and map of the same name; with removeSource the source is uninstalled by its inventory once the target is healthy, and left running if it never is. Follow both with releaseEvents and appMapEvents. DEVOPS and MANAGER; the target must be allotted to the workspace.',
  })
  async redeployAppMap(
    @Arg('input', () => RedeployAppMapInput, { description: 'The map and where to deploy it.' }) input: RedeployAppMapInput,
    @Ctx() context: ReleasesContext,
  ): Promise<RedeployAppMapPayload> {
    const outcome = await context.releases.redeploy(releaseCallerOf(context), {
      ...input,
      appMapId: localKeyOf(input.appMapId, 'AppMap'),
      clusterId: localKeyOf(input.clusterId, 'Cluster'),
    });
    return { release: toRelease(outcome.release), revision: toRevision(outcome.revision), source: toRelease(outcome.source) };
  }

  @Authorized()
  @Extensions(RELEASE_TARGET)
  @Mutation(() => UpgradeReleasePayload, {
    description:
      'A new revision with another version of the package and/or other values: checked and dry-run like a deploy, applied, and the objects the previous revision had but this one does not render are deleted (pruned). A second operation on the release while one runs is refused (CONFLICT).',
  })
  async upgradeRelease(
    @Arg('input', () => UpgradeReleaseInput, { description: 'The release and what changes.' }) input: UpgradeReleaseInput,
    @Ctx() context: ReleasesContext,
  ): Promise<UpgradeReleasePayload> {
    const outcome = await context.releases.upgrade(releaseCallerOf(context), {
      releaseId: localKeyOf(input.releaseId, 'Release'),
      packageVersionId: input.packageVersionId === undefined || input.packageVersionId === null ? null : localKeyOf(input.packageVersionId, 'CatalogPackageVersion'),
      values: input.values,
    });
    return changePayload(new UpgradeReleasePayload(), outcome);
  }

  @Authorized()
  @Extensions(RELEASE_TARGET)
  @Mutation(() => RollbackReleasePayload, {
    description:
      'A new revision that applies again what an earlier revision applied (its version and values); pruning as for an upgrade. A revision no longer kept is BAD_USER_INPUT.',
  })
  async rollbackRelease(
    @Arg('input', () => RollbackReleaseInput, { description: 'The release and the revision.' }) input: RollbackReleaseInput,
    @Ctx() context: ReleasesContext,
  ): Promise<RollbackReleasePayload> {
    const outcome = await context.releases.rollback(releaseCallerOf(context), { releaseId: localKeyOf(input.releaseId, 'Release'), revision: input.revision });
    return changePayload(new RollbackReleasePayload(), outcome);
  }

  @Authorized()
  @Extensions(RELEASE_TARGET)
  @Mutation(() => UninstallReleasePayload, {
    description:
      'Deletes exactly the objects the current revision applied (its inventory, in reverse apply order), each only if it is still the same object (uid): one recreated by someone else is left alone, and nothing else in the namespace is touched. Objects changed in the cluster since the last apply make it refuse (CONFLICT naming object and field, nothing deleted) unless force is set.',
  })
  async uninstallRelease(
    @Arg('input', () => UninstallReleaseInput, { description: 'The release.' }) input: UninstallReleaseInput,
    @Ctx() context: ReleasesContext,
  ): Promise<UninstallReleasePayload> {
    const outcome = await context.releases.uninstall(releaseCallerOf(context), { releaseId: localKeyOf(input.releaseId, 'Release'), force: input.force });
    return {
      uninstalledReleaseId: outcome.release.id,
      release: toRelease(outcome.release),
      deleted: outcome.deleted.map(toReleaseObject),
      leftAlone: outcome.leftAlone.map((entry) => ({ object: toReleaseObject(entry.object), reason: entry.reason })),
      changedByHand: outcome.changedByHand.map(toDrift),
    };
  }

  @FieldResolver(() => GraphQLJSONObject, { description: 'The values the current revision was given; parameters marked writeOnly or format password show "(hidden)".' })
  async values(@Root() release: Release, @Ctx() context: ReleasesContext): Promise<JsonObject> {
    const current = await currentRevision(release, context);
    return current === null ? {} : maskValues(current.values, current.hiddenValuePaths);
  }

  @FieldResolver(() => [ReleaseObject], { description: 'What the current revision applied (its inventory), in apply order.' })
  async inventory(@Root() release: Release, @Ctx() context: ReleasesContext): Promise<ReleaseObject[]> {
    return ((await currentRevision(release, context))?.inventory ?? []).map(toReleaseObject);
  }

  @FieldResolver(() => ReleaseRevisionConnection, {
    description: 'Its revisions, newest first: who, when, which version and values, what changed (a diff per revision). The newest are kept, each with its inventory.',
  })
  async history(@Root() release: Release, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() context: ReleasesContext): Promise<ReleaseRevisionConnection> {
    const revisions = (await releaseLoadersOf(context).revisionsByRelease.load(release.id)).map(toRevision);
    return paginate(context, 'Release.history', page, revisions, REVISIONS_NEWEST_FIRST, (item) => item);
  }

  @FieldResolver(() => CatalogPackage, { nullable: true, description: 'The catalog package it deploys; null when it was deleted from the catalog since.' })
  async package(@Root() release: Release, @Ctx() context: ReleasesContext): Promise<CatalogPackage | null> {
    const record = await visiblePackage(context, await catalogLoadersOf(context).packageById.load(release.packageId));
    return record === null ? null : toCatalogPackage(record);
  }

  @FieldResolver(() => CatalogPackageVersion, { nullable: true, description: 'The version the current revision applied; null when it was deleted from the catalog since.' })
  async packageVersion(@Root() release: Release, @Ctx() context: ReleasesContext): Promise<CatalogPackageVersion | null> {
    const version = await catalogLoadersOf(context).versionById.load(release.packageVersionId);
    if (version === null) return null;
    return (await visiblePackage(context, await catalogLoadersOf(context).packageById.load(version.packageId))) === null ? null : toPackageVersion(version);
  }

  @Authorized()
  @Subscription(() => ReleaseEvent, {
    description:
      "A workspace's releases as they are deployed, upgraded, rolled back and uninstalled, and as their rollouts end (DEPLOYED or FAILED). Pass `after` (the cursor of an earlier event) to resume right after it.",
    subscribe: async ({ args, context }) => {
      const releases = context as ReleasesContext;
      const { workspaceId, after } = args as { workspaceId: string; after?: string | null };
      return releases.releases.streamEvents(releaseCallerOf(releases), localKeyOf(workspaceId, 'Workspace'), after ?? undefined);
    },
  })
  async releaseEvents(
    @Root() message: StreamedReleaseEvent,
    @Arg('workspaceId', () => ID, { description: 'The workspace whose releases to follow.' }) _workspaceId: string,
    @Arg('after', () => String, { nullable: true, description: 'Resume right after the event with this cursor.' }) _after: string | null | undefined,
    @Ctx() context: ReleasesContext,
  ): Promise<ReleaseEvent> {
    // Read now, with the caller's rights now: rights revoked mid-subscription end it with NOT_FOUND.
    const release = await context.releases.get(releaseCallerOf(context), message.event.releaseId);
    const { event } = message;
    return Object.assign(new ReleaseEvent(), {
      cursor: message.cursor,
      type: event.type,
      revision: event.revision,
      status: event.status,
      message: event.message,
      at: new Date(event.at),
      release: toRelease(release),
    });
  }
}

@Resolver(() => ReleaseRevision)
export class ReleaseRevisionResolver {
  @FieldResolver(() => Release, { description: 'The release it belongs to.' })
  async release(@Root() revision: ReleaseRevision, @Ctx() context: ReleasesContext): Promise<Release> {
    const record = await releaseLoadersOf(context).releaseById.load(revision.releaseId);
    if (record === null) throw new NotFoundError('Release', revision.releaseId);
    return toRelease(record);
  }
}
