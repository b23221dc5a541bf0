import { maskValues } from './hidden-values.js';
import type { ObjectDrift } from './operations.js';
import { Release, ReleaseActor, ReleaseDrift, ReleaseObject, ReleaseRevision } from './graphql-types.js';
import type { InventoryItem, ReleaseActor as ActorRecord, ReleaseRecord, RevisionSummary } from './records.js';

export function revisionKey(releaseId: string, revision: number): string {
  return `${releaseId}/${revision}`;
}

export function toReleaseObject(item: InventoryItem): ReleaseObject {
  return Object.assign(new ReleaseObject(), { apiVersion: item.apiVersion, kind: item.kind, namespace: item.namespace, name: item.name, uid: item.uid });
}

function toActor(actor: ActorRecord): ReleaseActor {
  return Object.assign(new ReleaseActor(), { userId: actor.userId, name: actor.name });
}

export function toRelease(record: ReleaseRecord): Release {
  const { createdBy, ...fields } = record;
  return Object.assign(new Release(), { ...fields, record, createdBy: toActor(createdBy) });
}

export function toRevision(summary: RevisionSummary): ReleaseRevision {
  return Object.assign(new ReleaseRevision(), {
    summary,
    id: revisionKey(summary.releaseId, summary.revision),
    releaseId: summary.releaseId,
    revision: summary.revision,
    action: summary.action,
    rolledBackFrom: summary.rolledBackFrom,
    status: summary.status,
    statusMessage: summary.statusMessage,
    packageVersionId: summary.packageVersionId,
    version: summary.version,
    values: maskValues(summary.values, summary.hiddenValuePaths),
    inventory: summary.inventory.map(toReleaseObject),
    diff: summary.diff,
    changedBy: toActor(summary.createdBy),
    createdAt: summary.createdAt,
  });
}

export function toDrift(drift: ObjectDrift): ReleaseDrift {
  return Object.assign(new ReleaseDrift(), {
    object: toReleaseObject(drift.object),
    fields: drift.fields.map((field) => ({ path: field.path, applied: field.applied, live: field.live ?? null, manager: field.manager })),
  });
}
