import { DomainError } from '../../../shared/errors.js';
import { isJsonObject, type JsonObject } from '../rendering/json.js';
import { describeRef, keyOf, labelOf, RELEASE_LABEL, refOf, uidOf } from './manifests.js';
import type { InventoryItem, ObjectRef, ReleaseCluster } from './ports.js';
import { clusterRefusal, type Blame } from './release-errors.js';

export interface ApplyTarget {
  readonly clusterId: string;
  readonly namespace: string;
  readonly releaseId: string;
}

/** What a revision applied before: its objects (by uid) and their manifests. */
export interface PreviousRevision {
  readonly inventory: readonly InventoryItem[];
  readonly manifests: readonly JsonObject[];
}

export interface AppliedObject {
  readonly ref: ObjectRef;
  readonly uid: string;
  /** metadata.generation as the API server answered: the rollout waits for its controller to observe it. */
  readonly generation: number | null;
}

export interface LeftAlone {
  readonly ref: InventoryItem;
  readonly reason: string;
}

export interface RemovalReport {
  readonly deleted: readonly InventoryItem[];
  readonly leftAlone: readonly LeftAlone[];
}

export interface ApplyOutcome {
  readonly applied: readonly AppliedObject[];
  readonly pruned: RemovalReport;
  readonly createdNamespace: boolean;
}

function namespaceRef(name: string): ObjectRef {
  return { apiVersion: 'v1', kind: 'Namespace', namespace: null, name };
}

function generationOf(object: JsonObject): number | null {
  const metadata = object.metadata;
  return isJsonObject(metadata) && typeof metadata.generation === 'number' ? metadata.generation : null;
}

/**
 * Applies a revision to its cluster in the order a release must keep: its namespace first (when
 * missing), every object dry-run before any is written, then each applied under the release's
 * field manager, then what the previous revision had and this one does not, deleted in reverse.
 * A failure before the last apply leaves the cluster as it was (what was written is undone).
 */
export class ReleaseExecutor {
  constructor(
    private readonly cluster: ReleaseCluster,
    private readonly warn: (message: string, fields: Record<string, unknown>) => void,
  ) {}

  async apply(target: ApplyTarget, desired: readonly JsonObject[], previous: PreviousRevision | null, blame: Blame): Promise<ApplyOutcome> {
    const { clusterId } = target;
    const refs = desired.map(refOf);
    const ours = new Map((previous?.inventory ?? []).map((item) => [keyOf(item), item.uid]));
    const live = await Promise.all(refs.map((ref) => this.read(clusterId, ref)));
    refs.forEach((ref, index) => {
      const existing = live[index];
      if (existing === null || existing === undefined) return;
      if (ours.get(keyOf(ref)) === uidOf(existing)) return;
      const owner = labelOf(existing, RELEASE_LABEL);
      const field = blame(index, 'metadata.name');
      throw new DomainError(
        'CONFLICT',
        `${field}: ${describeRef(ref)} already exists and is not an object of this release (${owner === null ? 'nothing made it through a release' : `it belongs to release ${owner}`}): nothing was applied`,
        { field, object: describeRef(ref) },
      );
    });

    const createdNamespace = await this.ensureNamespace(target);
    try {
      const dryRuns = await Promise.allSettled(desired.map((manifest, index) => this.cluster.apply(clusterId, manifest, { dryRun: true, force: live[index] !== null })));
      const refused = dryRuns.findIndex((result) => result.status === 'rejected');
      if (refused !== -1) {
        const reason: unknown = (dryRuns[refused] as PromiseRejectedResult).reason;
        throw clusterRefusal(reason, refs[refused]!, 'dry run', (path) => blame(refused, path), clusterId);
      }
    } catch (error) {
      if (createdNamespace !== null) await this.undoNamespace(clusterId, target.namespace, createdNamespace);
      throw error;
    }

    const applied: AppliedObject[] = [];
    for (const [index, manifest] of desired.entries()) {
      try {
        const answer = await this.cluster.apply(clusterId, manifest, { dryRun: false, force: live[index] !== null });
        applied.push({ ref: refs[index]!, uid: uidOf(answer) ?? '', generation: generationOf(answer) });
      } catch (error) {
        await this.undo(target, applied, live, previous, createdNamespace);
        throw clusterRefusal(error, refs[index]!, 'apply', (path) => blame(index, path), clusterId);
      }
    }

    const wanted = new Set(refs.map(keyOf));
    const stale = (previous?.inventory ?? []).filter((item) => !wanted.has(keyOf(item)));
    const pruned = await this.remove(clusterId, stale);
    return { applied, pruned, createdNamespace: createdNamespace !== null };
  }

  /** Deletes these objects in reverse order, each only if it still has the recorded uid. */
  async remove(clusterId: string, items: readonly InventoryItem[]): Promise<RemovalReport> {
    const deleted: InventoryItem[] = [];
    const leftAlone: LeftAlone[] = [];
    for (const item of [...items].reverse()) {
      let outcome;
      try {
        outcome = await this.cluster.delete(clusterId, item, item.uid);
      } catch (error) {
        throw clusterRefusal(error, item, 'delete', 'releaseId', clusterId);
      }
      if (outcome === 'DELETED') deleted.push(item);
      else if (outcome === 'GONE') leftAlone.push({ ref: item, reason: 'already gone' });
      else leftAlone.push({ ref: item, reason: 'recreated by someone else (another uid): not the release’s object, left alone' });
    }
    return { deleted, leftAlone };
  }

  /** The object as the cluster has it now (null: absent); a failure names the object. */
  async read(clusterId: string, ref: ObjectRef): Promise<JsonObject | null> {
    try {
      return await this.cluster.read(clusterId, ref);
    } catch (error) {
      throw clusterRefusal(error, ref, 'read', 'clusterId', clusterId);
    }
  }

  /** Creates the namespace when it does not exist; its uid then, else null. */
  private async ensureNamespace(target: ApplyTarget): Promise<string | null> {
    const ref = namespaceRef(target.namespace);
    if ((await this.read(target.clusterId, ref)) !== null) return null;
    try {
      const created = await this.cluster.apply(target.clusterId, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: target.namespace } }, { dryRun: false, force: false });
      return uidOf(created) ?? '';
    } catch (error) {
      throw clusterRefusal(error, ref, 'create', 'namespace', target.clusterId);
    }
  }

  private async undoNamespace(clusterId: string, namespace: string, uid: string): Promise<void> {
    await this.cluster
      .delete(clusterId, namespaceRef(namespace), uid)
      .catch((error: unknown) => this.warn('cannot delete the namespace a failed deploy created', { clusterId, namespace, error: String(error) }));
  }

  /** After a failed apply: new objects deleted, changed ones given back their previous revision, a created namespace removed. */
  private async undo(
    target: ApplyTarget,
    applied: readonly AppliedObject[],
    live: readonly (JsonObject | null)[],
    previous: PreviousRevision | null,
    createdNamespace: string | null,
  ): Promise<void> {
    const before = new Map((previous?.manifests ?? []).map((manifest) => [keyOf(refOf(manifest)), manifest]));
    for (const [index, object] of [...applied.entries()].reverse()) {
      const restore = live[index] === null ? undefined : before.get(keyOf(object.ref));
      const undone =
        restore === undefined ? this.cluster.delete(target.clusterId, object.ref, object.uid) : this.cluster.apply(target.clusterId, restore, { dryRun: false, force: true });
      await undone.catch((error: unknown) => this.warn('cannot undo part of a failed release apply', { object: describeRef(object.ref), error: String(error) }));
    }
    if (createdNamespace !== null) await this.undoNamespace(target.clusterId, target.namespace, createdNamespace);
  }
}
