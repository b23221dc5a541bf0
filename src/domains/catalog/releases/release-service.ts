import { randomUUID } from 'node:crypto';
import { BadInputError, ConflictError, DomainError, ForbiddenError, NotFoundError } from '../../../shared/errors.js';
import { asInputErrors } from '../catalog-errors.js';
import type { CatalogPackageStore, CatalogVersionStore } from '../ports.js';
import type { CatalogPackageRecord, CatalogVersionRecord } from '../records.js';
import { isJsonObject, type JsonObject } from '../rendering/json.js';
import type { ParameterCompiler } from '../rendering/parameters.js';
import { culprit, renderVersion } from '../rendering/render.js';
import { hiddenPaths, hiddenTexts, maskDriftedField, maskText } from './hidden-values.js';
import { describeRef, inventoryItem, keyOf, prepareManifests, refOf } from './manifests.js';
import { driftOf, renderingDiff } from './object-diff.js';
import {
  actorOf,
  type ReleaseAppMaps,
  type ReleaseCluster,
  type ReleaseClusterFacts,
  type ReleaseEvents,
  type ReleaseEventType,
  type ReleaseGate,
  type ReleasePermission,
  type ReleasePrincipal,
  type ReleaseStore,
  type StreamedReleaseEvent,
} from './ports.js';
import type { ReleaseAction, ReleaseRecord, ReleaseStatus, RevisionRecord, RevisionSummary, SourceRemoval } from './records.js';
import type { Blame } from './release-errors.js';
import { ReleaseExecutor, type AppliedObject } from './release-executor.js';
import { comparePreview } from './release-preview.js';
import type {
  DeployInput,
  ObjectDrift,
  OperationOutcome,
  PreviewInput,
  PreviewOutcome,
  ReleaseListInput,
  RedeployInput,
  RedeployOutcome,
  RollbackInput,
  BuiltImage,
  UninstallInput,
  UninstallOutcome,
  UpgradeInput,
} from './operations.js';
import { rolloutTargets, type RolloutFollowers } from './rollout.js';
import { checkStorage } from './storage-check.js';
import { parseImage, retagImages, retagValues } from './image-tags.js';
import { checkAppMapName, checkNamespace, checkRevision, checkStage } from './validation.js';

export interface ReleaseServiceDeps {
  readonly releases: ReleaseStore;
  readonly packages: Pick<CatalogPackageStore, 'findById'>;
  readonly versions: Pick<CatalogVersionStore, 'findById'>;
  readonly gate: ReleaseGate;
  readonly cluster: ReleaseCluster;
  readonly facts: ReleaseClusterFacts;
  readonly events: ReleaseEvents;
  readonly followers: RolloutFollowers;
  readonly maps: ReleaseAppMaps;
  readonly compile: ParameterCompiler;
  readonly now: () => Date;
  /** Revisions kept per release, each with its inventory (older ones are dropped). */
  readonly historyLimit: number;
  /** An operation lock older than this is taken over (its replica died). */
  readonly lockTtlMs: number;
  readonly warn: (message: string, fields: Record<string, unknown>) => void;
  readonly newId?: () => string;
}

/** Events announcing a new revision, by what made it. */
const ANNOUNCED: Record<Exclude<ReleaseAction, 'INSTALL'>, ReleaseEventType> = { UPGRADE: 'UPGRADED', ROLLBACK: 'ROLLED_BACK', IMAGE_UPDATE: 'IMAGE_UPDATED' };

/** What a new release installs, and where. */
interface InstallPlan {
  readonly workspaceId: string;
  readonly clusterId: string;
  readonly namespace: string;
  readonly appMapName: string;
  readonly stage: string;
  readonly version: CatalogVersionRecord;
  readonly owner: CatalogPackageRecord;
  readonly values: unknown;
  readonly redeployedFrom: string | null;
  readonly sourceRemoval: SourceRemoval | null;
}

interface Desired {
  readonly version: CatalogVersionRecord;
  readonly values: JsonObject;
  readonly effectiveValues: JsonObject;
  readonly hiddenValuePaths: readonly string[];
  readonly manifests: JsonObject[];
  readonly blame: Blame;
}

/** Blames a field of the n-th object on the parameter it was rendered from, else on `fallback`. */
function blameOf(version: CatalogVersionRecord, templateIndexes: readonly number[], fallback: string): Blame {
  return (objectIndex, path) => {
    const template = version.templates[templateIndexes[objectIndex] ?? -1];
    const parameter = template === undefined || path === null ? null : culprit(template, path);
    return parameter === null ? fallback : `values.${parameter}`;
  };
}

/**
 * Releases: a catalog version deployed to a namespace of a cluster, upgraded, rolled back and
 * uninstalled, each change a revision with what it applied (its inventory). Every check comes
 * before anything is written; the cluster is written before the database, and a failure undoes
 * what the cluster took, so no half-made release stays behind.
 */
export class ReleaseService {
  private readonly executor: ReleaseExecutor;
  private readonly newId: () => string;

  constructor(private readonly deps: ReleaseServiceDeps) {
    this.executor = new ReleaseExecutor(deps.cluster, deps.warn);
    this.newId = deps.newId ?? randomUUID;
  }

  // ——— reads ———

  /** A release the caller may read; another workspace's looks missing. */
  async get(principal: ReleasePrincipal, id: string, field = 'id'): Promise<ReleaseRecord> {
    const release = await this.deps.releases.findById(id);
    if (release === null || !(await this.deps.gate.allows(principal, release.workspaceId, 'release:read'))) throw new NotFoundError('Release', id, field);
    return release;
  }

  async list(principal: ReleasePrincipal, input: ReleaseListInput): Promise<ReleaseRecord[]> {
    let workspaceIds: 'ALL' | readonly string[];
    if (input.workspaceId !== undefined && input.workspaceId !== null) {
      if (!(await this.deps.gate.exists(input.workspaceId)) || !(await this.deps.gate.allows(principal, input.workspaceId, 'release:read')))
        throw new NotFoundError('Workspace', input.workspaceId, 'workspaceId');
      workspaceIds = [input.workspaceId];
    } else {
      const allowed = await this.deps.gate.workspacesAllowing(principal, 'release:read');
      workspaceIds = allowed === 'ALL' ? 'ALL' : [...allowed];
    }
    return this.deps.releases.list({
      workspaceIds,
      clusterId: input.clusterId,
      namespace: input.namespace,
      appMapName: input.appMapName,
      includeUninstalled: input.includeUninstalled === true,
    });
  }

  /** Batch reads for loaders; callers check visibility with `readableWorkspaces`. */
  getMany(ids: readonly string[]): Promise<ReleaseRecord[]> {
    return this.deps.releases.findByIds(ids);
  }

  readableWorkspaces(principal: ReleasePrincipal, workspaceIds: readonly string[]): Promise<ReadonlySet<string>> {
    return this.deps.gate.allowedAmong(principal, workspaceIds, 'release:read');
  }

  revisionsOf(releaseIds: readonly string[]): Promise<Map<string, RevisionSummary[]>> {
    return this.deps.releases.revisionsOf(releaseIds);
  }

  /** A workspace's release events (after `after`); its members only, another workspace looks missing. */
  async streamEvents(principal: ReleasePrincipal, workspaceId: string, after: string | undefined): Promise<AsyncIterableIterator<StreamedReleaseEvent>> {
    if (!(await this.deps.gate.exists(workspaceId)) || !(await this.deps.gate.allows(principal, workspaceId, 'release:read')))
      throw new NotFoundError('Workspace', workspaceId, 'workspaceId');
    return this.deps.events.stream(workspaceId, after);
  }

  // ——— deploy ———

  async deploy(principal: ReleasePrincipal, input: DeployInput): Promise<OperationOutcome> {
    const workspaceId = input.workspaceId;
    if (!(await this.deps.gate.exists(workspaceId))) throw new NotFoundError('Workspace', workspaceId, 'workspaceId');
    await this.requireWritable(principal, workspaceId, () => new NotFoundError('Workspace', workspaceId, 'workspaceId'));
    const { version, owner } = await this.versionFor(workspaceId, input.packageVersionId, 'packageVersionId');
    return this.install(principal, {
      workspaceId,
      clusterId: input.clusterId,
      namespace: checkNamespace(input.namespace),
      appMapName: checkAppMapName(input.appMapName),
      stage: checkStage(input.stage),
      version,
      owner,
      values: input.values ?? {},
      redeployedFrom: null,
      sourceRemoval: null,
    });
  }

  /** Revision 1 of a new release: every check, the dry run and the apply, then the record and its map. */
  private async install(principal: ReleasePrincipal, plan: InstallPlan): Promise<OperationOutcome> {
    const { workspaceId, clusterId, namespace, appMapName, stage, version, owner } = plan;
    const allotted = await this.requireAllotted(workspaceId, clusterId, namespace);
    const releaseId = this.newId();
    const place = { releaseId, workspaceId, clusterId, namespace, appMapName };
    const desired = this.render(version, plan.values, { releaseId, appMapName, stage, namespace });
    await checkStorage(this.deps.gate, this.deps.facts, { workspaceId, clusterId, namespace, allotted }, desired.manifests, desired.blame);
    await this.deps.maps.requireFree(place);

    const outcome = await this.executor.apply({ clusterId, namespace, releaseId }, desired.manifests, null, desired.blame);
    const now = this.deps.now();
    const actor = actorOf(principal);
    const release: ReleaseRecord = {
      id: releaseId,
      workspaceId,
      clusterId,
      namespace,
      appMapName,
      stage,
      packageId: owner.id,
      packageName: owner.name,
      packageVersionId: version.id,
      version: version.version,
      revision: 1,
      status: 'DEPLOYING',
      statusMessage: null,
      createdNamespace: outcome.createdNamespace,
      redeployedFrom: plan.redeployedFrom,
      sourceRemoval: plan.sourceRemoval,
      createdBy: actor,
      createdAt: now,
      updatedAt: now,
    };
    const revision = this.revisionRecord(release, 1, 'INSTALL', null, desired, outcome.applied, [], now, actor);
    try {
      await this.deps.releases.insert(release, revision);
    } catch (error) {
      // The database refused: the cluster must not keep objects no release knows of.
      await this.executor
        .remove(clusterId, revision.inventory)
        .catch((cleanup: unknown) => this.deps.warn('cannot remove the objects of a release the database refused', { releaseId, error: String(cleanup) }));
      throw error;
    }
    await this.deps.maps
      .attach({ ...place, stage, description: `${owner.name} ${version.version}, deployed from the catalog` })
      .catch((error: unknown) => this.deps.warn('cannot draw the application map of a release', { releaseId, error: String(error) }));
    await this.announce('INSTALLED', release);
    this.follow(release, outcome.applied);
    return { release, revision: summaryOf(revision), pruned: outcome.pruned };
  }

  // ——— redeploy: the same release on another cluster or namespace ———

  /**
   * Deploys the map's release (its current version and values) to another cluster or namespace,
   * dry run first. The source keeps running until the copy is healthy; with `removeSource` it is
   * then uninstalled by its inventory, and left alone if the copy never turns healthy.
   */
  async redeploy(principal: ReleasePrincipal, input: RedeployInput): Promise<RedeployOutcome> {
    const map = await this.deps.maps.releaseOfMap(principal, input.appMapId, 'appMapId');
    if (map.releaseId === null)
      throw new BadInputError('appMapId', `application map ${map.name} was drawn around running workloads, not deployed from the catalog: only a deployed map can be redeployed`);
    const missing = () => new NotFoundError('AppMap', input.appMapId, 'appMapId');
    const source = await this.deps.releases.findById(map.releaseId);
    if (source === null || source.status === 'UNINSTALLED') throw new ConflictError('appMapId', `the release of application map ${map.name} is uninstalled`);
    await this.requireWritable(principal, source.workspaceId, missing);
    const namespace = checkNamespace(input.namespace ?? source.namespace);
    if (input.clusterId === source.clusterId && namespace === source.namespace)
      throw new BadInputError('clusterId', `application map ${map.name} runs in namespace ${namespace} of that cluster already: choose another cluster or namespace`);
    const current = await this.currentRevision(source);
    const { version, owner } = await this.versionFor(source.workspaceId, current.packageVersionId, 'appMapId');
    const outcome = await this.install(principal, {
      workspaceId: source.workspaceId,
      clusterId: input.clusterId,
      namespace,
      appMapName: source.appMapName,
      stage: input.stage === undefined || input.stage === null ? source.stage : checkStage(input.stage),
      version,
      owner,
      values: current.values,
      redeployedFrom: source.id,
      sourceRemoval: input.removeSource === true ? 'PENDING' : null,
    });
    return { ...outcome, source };
  }

  /** A redeployed release's rollout ended: remove its source (healthy) or leave it running (failed). */
  private async settleSource(release: ReleaseRecord, status: ReleaseStatus): Promise<void> {
    if (release.sourceRemoval !== 'PENDING' || release.redeployedFrom === null) return;
    let outcome: Exclude<SourceRemoval, 'PENDING'> = 'KEPT';
    let message: string | null = null;
    if (status === 'DEPLOYED') {
      const source = await this.deps.releases.findById(release.redeployedFrom);
      outcome = 'REMOVED';
      if (source !== null && source.status !== 'UNINSTALLED') {
        try {
          const note = `moved to namespace ${release.namespace} of cluster ${release.clusterId} (release ${release.id})`;
          await this.underLock(source, (fresh, token) => this.uninstallLocked(fresh, token, false, note));
        } catch (error) {
          outcome = 'KEPT';
          message = `healthy; its source release ${source.id} was left running: ${error instanceof Error ? error.message : String(error)}`;
        }
      }
    }
    const fresh = await this.deps.releases.findById(release.id);
    if (!(await this.deps.releases.finishSourceRemoval(release.id, outcome, message, this.deps.now())) || fresh === null) return;
    const note = outcome === 'REMOVED' ? `source release ${release.redeployedFrom} removed` : (message ?? `not healthy: source release ${release.redeployedFrom} left running`);
    await this.announce('STATUS_CHANGED', { ...fresh, sourceRemoval: outcome, statusMessage: note });
  }

  // ——— continuous deployment ———

  /**
   * A build pushed `built.image`: every release of the workspace whose map has continuous
   * deployment on and runs an image of that repository gets a new revision with the new tag.
   */
  async rollForward(built: BuiltImage): Promise<void> {
    const { repository } = parseImage(built.image);
    const image = built.digest === null ? built.image : `${built.image}@${built.digest}`;
    const actor: ReleasePrincipal = {
      id: `build-run:${built.runId}`,
      userId: null,
      displayName: `continuous deployment: build ${built.buildName} run #${built.runNumber}`,
      systemRole: 'SYSTEM',
    };
    for (const releaseId of await this.deps.maps.continuouslyDeployed(built.workspaceId)) {
      const release = await this.deps.releases.findById(releaseId);
      if (release === null || release.status === 'UNINSTALLED') continue;
      await this.underLock(release, async (fresh, token) => {
        const current = await this.currentRevision(fresh);
        const retagged = retagImages(current.manifests, repository, image);
        if (retagged.replaced.size === 0) return;
        const values = retagValues(current.values, retagged.replaced, image);
        const desired: Desired = {
          version: {
            id: current.packageVersionId,
            version: current.version,
            packageId: fresh.packageId,
            description: null,
            createdAt: current.createdAt,
            templates: [],
            parametersSchema: {},
          },
          values,
          effectiveValues: values,
          hiddenValuePaths: current.hiddenValuePaths,
          manifests: retagged.manifests,
          blame: () => 'image',
        };
        await this.change(actor, fresh, current, 'IMAGE_UPDATE', null, desired, token);
      }).catch((error: unknown) => this.deps.warn('continuous deployment did not roll a release forward', { releaseId, image, error: String(error) }));
    }
  }

  // ——— upgrade and rollback ———

  async upgrade(principal: ReleasePrincipal, input: UpgradeInput): Promise<OperationOutcome> {
    return this.underLock(await this.writableRelease(principal, input.releaseId), async (release, token) => {
      const current = await this.currentRevision(release);
      const versionId = input.packageVersionId ?? release.packageVersionId;
      const { version, owner } = await this.versionFor(release.workspaceId, versionId, 'packageVersionId');
      if (owner.id !== release.packageId) throw new BadInputError('packageVersionId', `is a version of package ${owner.name}, not of the release's package ${release.packageName}`);
      const values = input.values ?? current.values;
      const desired = this.render(version, values, { releaseId: release.id, appMapName: release.appMapName, stage: release.stage, namespace: release.namespace });
      return this.change(principal, release, current, 'UPGRADE', null, desired, token);
    });
  }

  async rollback(principal: ReleasePrincipal, input: RollbackInput): Promise<OperationOutcome> {
    const revisionNumber = checkRevision(input.revision);
    return this.underLock(await this.writableRelease(principal, input.releaseId), async (release, token) => {
      const current = await this.currentRevision(release);
      const target = await this.deps.releases.revision(release.id, revisionNumber);
      if (target === null)
        throw new BadInputError(
          'revision',
          `release ${release.id} has no revision ${revisionNumber} (revisions kept: the newest ${this.deps.historyLimit}, now up to ${release.revision})`,
        );
      // What that revision applied, exactly: its version may have been deleted from the catalog since.
      const desired: Desired = {
        version: {
          id: target.packageVersionId,
          version: target.version,
          packageId: release.packageId,
          description: null,
          createdAt: target.createdAt,
          templates: [],
          parametersSchema: {},
        },
        values: target.values,
        effectiveValues: target.values,
        hiddenValuePaths: target.hiddenValuePaths,
        manifests: target.manifests.map((manifest) => structuredClone(manifest)),
        blame: () => 'revision',
      };
      return this.change(principal, release, current, 'ROLLBACK', revisionNumber, desired, token);
    });
  }

  // ——— uninstall ———

  async uninstall(principal: ReleasePrincipal, input: UninstallInput): Promise<UninstallOutcome> {
    return this.underLock(await this.writableRelease(principal, input.releaseId), (release, token) => this.uninstallLocked(release, token, input.force === true, null));
  }

  /** Deletes what the current revision applied (refused when some of it was changed by hand, unless `force`); the caller holds the lock. */
  private async uninstallLocked(release: ReleaseRecord, token: string, force: boolean, note: string | null): Promise<UninstallOutcome> {
    const current = await this.currentRevision(release);
    const manifests = new Map(current.manifests.map((manifest) => [keyOf(refOf(manifest)), manifest]));
    const live = await Promise.all(current.inventory.map((item) => this.executor.read(release.clusterId, item)));
    const secrets = hiddenTexts(current.values, current.hiddenValuePaths);
    const changedByHand: ObjectDrift[] = [];
    current.inventory.forEach((item, index) => {
      const object = live[index];
      const applied = manifests.get(keyOf(item));
      if (object === null || object === undefined || applied === undefined || (object.metadata as JsonObject | undefined)?.uid !== item.uid) return;
      const fields = driftOf(applied, object).map((field) => maskDriftedField(field, secrets));
      if (fields.length > 0) changedByHand.push({ object: item, fields });
    });
    if (changedByHand.length > 0 && !force) {
      const first = changedByHand[0]!;
      throw new DomainError(
        'CONFLICT',
        `force: ${changedByHand.map((drift) => `${describeRef(drift.object)} (${drift.fields.map((field) => field.path).join(', ')})`).join('; ')} changed in the cluster since the release applied ${changedByHand.length === 1 ? 'it' : 'them'}: nothing was deleted; uninstall with force to delete anyway`,
        { field: 'force', object: describeRef(first.object), path: first.fields[0]!.path },
      );
    }
    await this.deps.followers.stop(release.id);
    const removal = await this.executor.remove(release.clusterId, current.inventory);
    const leftAlone = removal.leftAlone.map((entry) => ({ object: entry.ref, reason: entry.reason }));
    const leftAloneNote = leftAlone.length === 0 ? null : `left alone: ${leftAlone.map((entry) => `${describeRef(entry.object)} (${entry.reason})`).join('; ')}`;
    const message = [note, leftAloneNote].filter((part) => part !== null).join('; ') || null;
    const now = this.deps.now();
    if (!(await this.deps.releases.markUninstalled(release.id, release.revision, message, token, now)))
      throw new ConflictError('releaseId', 'another operation took over the release meanwhile');
    await this.deps.maps
      .detach(release.id)
      .catch((error: unknown) => this.deps.warn('cannot take away the application map of an uninstalled release', { releaseId: release.id, error: String(error) }));
    const uninstalled: ReleaseRecord = { ...release, status: 'UNINSTALLED', statusMessage: message, updatedAt: now };
    await this.announce('UNINSTALLED', uninstalled);
    return { release: uninstalled, deleted: removal.deleted, leftAlone, changedByHand };
  }

  // ——— preview ———

  async preview(principal: ReleasePrincipal, input: PreviewInput): Promise<PreviewOutcome> {
    const release = await this.get(principal, input.releaseId, 'releaseId');
    if (release.status === 'UNINSTALLED') throw new ConflictError('releaseId', 'the release is uninstalled');
    const current = await this.currentRevision(release);
    let manifests: readonly JsonObject[];
    let version: string;
    let secrets: string[];
    if (input.revision !== undefined && input.revision !== null) {
      const target = await this.deps.releases.revision(release.id, checkRevision(input.revision));
      if (target === null) throw new BadInputError('revision', `release ${release.id} has no revision ${input.revision}`);
      manifests = target.manifests;
      version = target.version;
      secrets = hiddenTexts(target.values, target.hiddenValuePaths);
    } else if ((input.packageVersionId ?? null) !== null || (input.values ?? null) !== null) {
      const { version: record, owner } = await this.versionFor(release.workspaceId, input.packageVersionId ?? release.packageVersionId, 'packageVersionId');
      if (owner.id !== release.packageId) throw new BadInputError('packageVersionId', `is a version of package ${owner.name}, not of the release's package ${release.packageName}`);
      const desired = this.render(record, input.values ?? current.values, {
        releaseId: release.id,
        appMapName: release.appMapName,
        stage: release.stage,
        namespace: release.namespace,
      });
      manifests = desired.manifests;
      version = record.version;
      secrets = hiddenTexts(desired.effectiveValues, desired.hiddenValuePaths);
    } else {
      manifests = current.manifests;
      version = current.version;
      secrets = hiddenTexts(current.values, current.hiddenValuePaths);
    }
    secrets.push(...hiddenTexts(current.values, current.hiddenValuePaths));
    return { release, version, ...(await comparePreview((ref) => this.executor.read(release.clusterId, ref), current, manifests, secrets)) };
  }

  /** After a restart: follow again the rollouts that were in progress, and finish the moves a stop interrupted. */
  async resumeFollowing(): Promise<void> {
    for (const release of await this.deps.releases.listPendingSourceRemovals())
      await this.settleSource(release, 'DEPLOYED').catch((error: unknown) =>
        this.deps.warn('cannot remove the source of a redeployed release', { releaseId: release.id, error: String(error) }),
      );
    for (const release of await this.deps.releases.listDeploying()) {
      const current = await this.deps.releases.revision(release.id, release.revision);
      if (current === null) continue;
      this.follow(
        release,
        current.inventory.map((item) => ({ ref: item, uid: item.uid, generation: null })),
      );
    }
  }

  // ——— the parts ———

  private async change(
    principal: ReleasePrincipal,
    release: ReleaseRecord,
    current: RevisionRecord,
    action: Exclude<ReleaseAction, 'INSTALL'>,
    rolledBackFrom: number | null,
    desired: Desired,
    token: string,
  ): Promise<OperationOutcome> {
    const allotted = await this.requireAllotted(release.workspaceId, release.clusterId, release.namespace, 'releaseId');
    await checkStorage(
      this.deps.gate,
      this.deps.facts,
      { workspaceId: release.workspaceId, clusterId: release.clusterId, namespace: release.namespace, allotted },
      desired.manifests,
      desired.blame,
    );
    await this.deps.followers.stop(release.id);
    const outcome = await this.executor.apply(
      { clusterId: release.clusterId, namespace: release.namespace, releaseId: release.id },
      desired.manifests,
      { inventory: current.inventory, manifests: current.manifests },
      desired.blame,
    );
    const now = this.deps.now();
    const actor = actorOf(principal);
    const pruneNote =
      outcome.pruned.leftAlone.length === 0 ? null : `pruning left alone: ${outcome.pruned.leftAlone.map((entry) => `${describeRef(entry.ref)} (${entry.reason})`).join('; ')}`;
    const next: ReleaseRecord = {
      ...release,
      packageVersionId: desired.version.id,
      version: desired.version.version,
      revision: release.revision + 1,
      status: 'DEPLOYING',
      statusMessage: pruneNote,
      updatedAt: now,
    };
    const revision = this.revisionRecord(next, next.revision, action, rolledBackFrom, desired, outcome.applied, current.manifests, now, actor, pruneNote);
    if (!(await this.deps.releases.addRevision({ release: next, revision }, token, this.deps.historyLimit)))
      throw new ConflictError('releaseId', 'another operation took over the release meanwhile; its cluster objects are as this operation left them');
    await this.announce(ANNOUNCED[action], next);
    this.follow(next, outcome.applied);
    return { release: next, revision: summaryOf(revision), pruned: outcome.pruned };
  }

  private revisionRecord(
    release: ReleaseRecord,
    number: number,
    action: ReleaseAction,
    rolledBackFrom: number | null,
    desired: Desired,
    applied: readonly AppliedObject[],
    previousManifests: readonly JsonObject[],
    now: Date,
    actor: ReturnType<typeof actorOf>,
    statusMessage: string | null = null,
  ): RevisionRecord {
    const secrets = hiddenTexts(desired.effectiveValues, desired.hiddenValuePaths);
    const diff = maskText(renderingDiff(previousManifests, desired.manifests, { before: number === 1 ? 'none' : `revision ${number - 1}`, after: `revision ${number}` }), secrets);
    return {
      releaseId: release.id,
      revision: number,
      action,
      rolledBackFrom,
      packageVersionId: desired.version.id,
      version: desired.version.version,
      values: desired.values,
      hiddenValuePaths: desired.hiddenValuePaths,
      manifests: desired.manifests,
      inventory: applied.map((object) => inventoryItem(object.ref, object.uid)),
      diff,
      status: 'DEPLOYING',
      statusMessage,
      createdBy: actor,
      createdAt: now,
    };
  }

  private render(version: CatalogVersionRecord, values: unknown, release: { releaseId: string; appMapName: string; stage: string; namespace: string }): Desired {
    if (!isJsonObject(values)) throw new BadInputError('values', 'must be an object of parameter values');
    const rendering = asInputErrors(() => renderVersion(version, values, this.deps.compile), { values: 'values', manifests: 'packageVersionId', blameValues: true });
    return {
      version,
      values: structuredClone(values),
      effectiveValues: rendering.values,
      hiddenValuePaths: hiddenPaths(version.parametersSchema),
      manifests: prepareManifests(rendering.objects, release.namespace, release),
      blame: blameOf(
        version,
        rendering.objects.map((object) => object.templateIndex),
        'packageVersionId',
      ),
    };
  }

  private follow(release: ReleaseRecord, applied: readonly AppliedObject[]): void {
    this.deps.followers.follow(release, rolloutTargets(applied.map((object) => ({ kind: object.ref.kind, name: object.ref.name, generation: object.generation }))), (status) =>
      this.settleSource(release, status),
    );
  }

  private async announce(type: ReleaseEventType, release: ReleaseRecord): Promise<void> {
    await this.deps.events
      .publish({
        v: 1,
        type,
        workspaceId: release.workspaceId,
        releaseId: release.id,
        revision: release.revision,
        status: release.status,
        message: release.statusMessage,
        at: this.deps.now().toISOString(),
      })
      .catch((error: unknown) => this.deps.warn('cannot publish a release event', { releaseId: release.id, error: String(error) }));
  }

  /** A version the workspace may deploy: a global package's, or one of its own packages'. */
  private async versionFor(workspaceId: string, versionId: string, field: string): Promise<{ version: CatalogVersionRecord; owner: CatalogPackageRecord }> {
    const version = await this.deps.versions.findById(versionId);
    const owner = version === null ? null : await this.deps.packages.findById(version.packageId);
    if (version === null || owner === null || (owner.workspaceId !== null && owner.workspaceId !== workspaceId)) throw new NotFoundError('CatalogPackageVersion', versionId, field);
    return { version, owner };
  }

  /** The cluster must be allotted to the workspace, and the namespace with it. */
  private async requireAllotted(workspaceId: string, clusterId: string, namespace: string, field?: string): Promise<'ALL' | readonly string[]> {
    const allotted = await this.deps.gate.allottedNamespaces(workspaceId, clusterId);
    if (allotted === null) throw new BadInputError(field ?? 'clusterId', `cluster ${clusterId} is not allotted to workspace ${workspaceId}`);
    if (allotted !== 'ALL' && !allotted.includes(namespace))
      throw new BadInputError(
        field ?? 'namespace',
        `namespace ${namespace} of cluster ${clusterId} is not allotted to workspace ${workspaceId} (allotted: ${allotted.join(', ') || 'none'})`,
      );
    return allotted;
  }

  private async requireWritable(principal: ReleasePrincipal, workspaceId: string, missing: () => NotFoundError): Promise<void> {
    if (!(await this.deps.gate.allows(principal, workspaceId, 'release:read'))) throw missing();
    if (!(await this.deps.gate.allows(principal, workspaceId, 'release:write')))
      throw new ForbiddenError(`Not allowed to deploy or change the releases of workspace ${workspaceId}: DEVOPS or MANAGER only`);
  }

  private async writableRelease(principal: ReleasePrincipal, releaseId: string): Promise<ReleaseRecord> {
    const release = await this.get(principal, releaseId, 'releaseId');
    await this.requireWritable(principal, release.workspaceId, () => new NotFoundError('Release', releaseId, 'releaseId'));
    if (release.status === 'UNINSTALLED') throw new ConflictError('releaseId', `release ${releaseId} is uninstalled`);
    return release;
  }

  private async currentRevision(release: ReleaseRecord): Promise<RevisionRecord> {
    const current = await this.deps.releases.revision(release.id, release.revision);
    if (current === null) throw new DomainError('CONFLICT', `release ${release.id} has no record of its revision ${release.revision}`, { field: 'releaseId' });
    return current;
  }

  /**
   * Runs `work` holding the release's lock in the database: a second operation on the same release,
   * on this replica or another, is refused (CONFLICT) while the first runs. The release is read
   * again under the lock, so the work sees the revision the previous operation left.
   */
  private async underLock<T>(release: ReleaseRecord, work: (fresh: ReleaseRecord, token: string) => Promise<T>): Promise<T> {
    const token = this.newId();
    const now = this.deps.now();
    if (!(await this.deps.releases.lock(release.id, token, now, new Date(now.getTime() - this.deps.lockTtlMs))))
      throw new ConflictError('releaseId', `another operation (an upgrade, rollback or uninstall) is running on release ${release.id}: try again once it is done`);
    try {
      const fresh = await this.deps.releases.findById(release.id);
      if (fresh === null) throw new NotFoundError('Release', release.id, 'releaseId');
      if (fresh.status === 'UNINSTALLED') throw new ConflictError('releaseId', `release ${release.id} is uninstalled`);
      return await work(fresh, token);
    } finally {
      await this.deps.releases
        .unlock(release.id, token)
        .catch((error: unknown) => this.deps.warn('cannot release a release lock', { releaseId: release.id, error: String(error) }));
    }
  }
}

function summaryOf(revision: RevisionRecord): RevisionSummary {
  const { manifests: _manifests, ...summary } = revision;
  return summary;
}

export type { ReleasePermission };
