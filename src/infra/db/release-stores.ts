import { Brackets, In, LessThanOrEqual, Not, type DataSource, type EntityManager, type FindOptionsWhere } from 'typeorm';
import type { ReleaseListFilter, ReleaseStore } from '../../domains/catalog/releases/ports.js';
import type {
  InventoryItem,
  ReleaseAction,
  ReleaseActor,
  ReleaseRecord,
  ReleaseStatus,
  RevisionRecord,
  RevisionSummary,
  SourceRemoval,
} from '../../domains/catalog/releases/records.js';
import type { JsonObject } from '../../domains/catalog/rendering/json.js';
import type { ReleaseRevisionRow, ReleaseRow } from './release-entities.js';
import { workspaceScope } from './tenant-scope.js';

const isObject = (value: unknown): value is JsonObject => value !== null && typeof value === 'object' && !Array.isArray(value);

function actorColumns(actor: ReleaseActor) {
  return { createdById: actor.id, createdByUserId: actor.userId, createdByName: actor.name };
}

function actorOf(row: { createdById: string; createdByUserId: string | null; createdByName: string }): ReleaseActor {
  return { id: row.createdById, userId: row.createdByUserId ?? null, name: row.createdByName };
}

function toRelease(row: ReleaseRow): ReleaseRecord {
  return {
    id: row.id,
    workspaceId: row.workspaceId,
    clusterId: row.clusterId,
    namespace: row.namespace,
    appMapName: row.appMapName,
    stage: row.stage,
    packageId: row.packageId,
    packageName: row.packageName,
    packageVersionId: row.packageVersionId,
    version: row.version,
    revision: row.revision,
    status: row.status as ReleaseStatus,
    statusMessage: row.statusMessage ?? null,
    createdNamespace: Boolean(row.createdNamespace),
    redeployedFrom: row.redeployedFrom ?? null,
    sourceRemoval: (row.sourceRemoval ?? null) as SourceRemoval | null,
    createdBy: actorOf(row),
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

function releaseRow(record: ReleaseRecord): ReleaseRow {
  const { createdBy, ...rest } = record;
  return { ...rest, ...actorColumns(createdBy), lockToken: null, lockedAt: null };
}

function toInventory(value: unknown): InventoryItem[] {
  return Array.isArray(value) ? (value.filter(isObject) as unknown as InventoryItem[]) : [];
}

function toSummary(row: Partial<ReleaseRevisionRow>): RevisionSummary {
  const full = row as ReleaseRevisionRow;
  return {
    releaseId: full.releaseId,
    revision: full.revision,
    action: full.action as ReleaseAction,
    rolledBackFrom: full.rolledBackFrom ?? null,
    packageVersionId: full.packageVersionId,
    version: full.version,
    values: isObject(full.values) ? full.values : {},
    hiddenValuePaths: Array.isArray(full.hiddenValuePaths) ? full.hiddenValuePaths.filter((path): path is string => typeof path === 'string') : [],
    inventory: toInventory(full.inventory),
    diff: full.diff,
    status: full.status as ReleaseStatus,
    statusMessage: full.statusMessage ?? null,
    createdBy: actorOf(full),
    createdAt: full.createdAt,
  };
}

function toRevision(row: ReleaseRevisionRow): RevisionRecord {
  return { ...toSummary(row), manifests: Array.isArray(row.manifests) ? row.manifests.filter(isObject) : [] };
}

function revisionRow(record: RevisionRecord): ReleaseRevisionRow {
  const { createdBy, ...rest } = record;
  return {
    ...rest,
    values: record.values,
    hiddenValuePaths: [...record.hiddenValuePaths],
    manifests: [...record.manifests],
    inventory: [...record.inventory],
    ...actorColumns(createdBy),
  };
}

/** Every revision column but the manifests: history lists read many revisions. */
const SUMMARY_COLUMNS = {
  releaseId: true,
  revision: true,
  action: true,
  rolledBackFrom: true,
  packageVersionId: true,
  version: true,
  values: true,
  hiddenValuePaths: true,
  inventory: true,
  diff: true,
  status: true,
  statusMessage: true,
  createdById: true,
  createdByUserId: true,
  createdByName: true,
  createdAt: true,
} as const;

/** Thrown inside a transaction to roll it back and answer false. */
class LostLock extends Error {}

/** The current revision's status (a revision is current while not superseded and not uninstalled). */
const CURRENT_STATUSES: ReleaseStatus[] = ['DEPLOYING', 'DEPLOYED', 'FAILED'];

export function createReleaseStore(dataSource: DataSource): ReleaseStore {
  const releases = dataSource.getRepository<ReleaseRow>('Release');
  const revisions = dataSource.getRepository<ReleaseRevisionRow>('ReleaseRevision');

  /** Runs `work` in a transaction; false when it threw LostLock (everything rolled back). */
  async function guarded(work: (manager: EntityManager) => Promise<void>): Promise<boolean> {
    try {
      await dataSource.transaction(work);
      return true;
    } catch (error) {
      if (error instanceof LostLock) return false;
      throw error;
    }
  }

  return {
    findById: async (id) => {
      const row = await releases.findOneBy({ id });
      return row === null ? null : toRelease(row);
    },
    findByIds: async (ids) => (ids.length === 0 ? [] : (await releases.findBy({ id: In([...ids]) })).map(toRelease)),
    list: async (filter: ReleaseListFilter) => {
      const workspaceIds = workspaceScope('releases', filter.workspaceIds);
      if (workspaceIds !== 'ALL' && workspaceIds.length === 0) return [];
      const where: FindOptionsWhere<ReleaseRow> = {
        ...(workspaceIds === 'ALL' ? {} : { workspaceId: In([...workspaceIds]) }),
        ...(filter.clusterId ? { clusterId: filter.clusterId } : {}),
        ...(filter.namespace ? { namespace: filter.namespace } : {}),
        ...(filter.appMapName ? { appMapName: filter.appMapName } : {}),
        ...(filter.includeUninstalled === true ? {} : { status: Not('UNINSTALLED') }),
      };
      return (await releases.find({ where, order: { createdAt: 'DESC', id: 'ASC' } })).map(toRelease);
    },
    insert: async (release, first) => {
      await dataSource.transaction(async (manager) => {
        await manager.getRepository<ReleaseRow>('Release').insert(releaseRow(release));
        await manager.getRepository<ReleaseRevisionRow>('ReleaseRevision').insert(revisionRow(first));
      });
    },
    lock: async (releaseId, token, now, staleBefore) => {
      // A bare Date is bound differently per driver; the column's own conversion matches what is stored.
      const lockedAt = releases.metadata.findColumnWithPropertyName('lockedAt')!;
      const stale = dataSource.driver.preparePersistentValue(staleBefore, lockedAt) as unknown;
      const result = await releases
        .createQueryBuilder()
        .update()
        .set({ lockToken: token, lockedAt: now })
        .where('id = :releaseId', { releaseId })
        .andWhere(new Brackets((free) => free.where('lock_token IS NULL').orWhere('locked_at < :stale', { stale })))
        .execute();
      return (result.affected ?? 0) === 1;
    },
    unlock: async (releaseId, token) => {
      await releases.update({ id: releaseId, lockToken: token }, { lockToken: null, lockedAt: null });
    },
    addRevision: ({ release, revision }, token, keep) =>
      guarded(async (manager) => {
        const updated = await manager.getRepository<ReleaseRow>('Release').update(
          { id: release.id, lockToken: token },
          {
            packageVersionId: release.packageVersionId,
            version: release.version,
            revision: release.revision,
            status: release.status,
            statusMessage: release.statusMessage,
            updatedAt: release.updatedAt,
            lockToken: null,
            lockedAt: null,
          },
        );
        if ((updated.affected ?? 0) !== 1) throw new LostLock();
        const history = manager.getRepository<ReleaseRevisionRow>('ReleaseRevision');
        await history.update({ releaseId: release.id, status: In(CURRENT_STATUSES) }, { status: 'SUPERSEDED' });
        await history.insert(revisionRow(revision));
        await history.delete({ releaseId: release.id, revision: LessThanOrEqual(revision.revision - keep) });
      }),
    markUninstalled: (releaseId, revision, message, token, at) =>
      guarded(async (manager) => {
        const updated = await manager
          .getRepository<ReleaseRow>('Release')
          .update({ id: releaseId, lockToken: token }, { status: 'UNINSTALLED', statusMessage: message, updatedAt: at, lockToken: null, lockedAt: null });
        if ((updated.affected ?? 0) !== 1) throw new LostLock();
        await manager.getRepository<ReleaseRevisionRow>('ReleaseRevision').update({ releaseId, revision }, { status: 'UNINSTALLED', statusMessage: message });
      }),
    setRolloutStatus: (releaseId, revision, status, message, at) =>
      guarded(async (manager) => {
        const keepMessage = () => 'status_message';
        const updated = await manager
          .getRepository<ReleaseRow>('Release')
          .createQueryBuilder()
          .update()
          .set({ status, updatedAt: at, statusMessage: message ?? keepMessage })
          .where('id = :releaseId AND revision = :revision AND status = :deploying', { releaseId, revision, deploying: 'DEPLOYING' })
          .execute();
        if ((updated.affected ?? 0) !== 1) throw new LostLock();
        await manager
          .getRepository<ReleaseRevisionRow>('ReleaseRevision')
          .createQueryBuilder()
          .update()
          .set({ status, statusMessage: message ?? keepMessage })
          .where('release_id = :releaseId AND revision = :revision', { releaseId, revision })
          .execute();
      }),
    revisionsOf: async (releaseIds) => {
      const byRelease = new Map<string, RevisionSummary[]>();
      if (releaseIds.length === 0) return byRelease;
      const rows = await revisions.find({ where: { releaseId: In([...releaseIds]) }, select: SUMMARY_COLUMNS, order: { releaseId: 'ASC', revision: 'DESC' } });
      for (const row of rows) byRelease.set(row.releaseId, [...(byRelease.get(row.releaseId) ?? []), toSummary(row)]);
      return byRelease;
    },
    revision: async (releaseId, revision) => {
      const row = await revisions.findOneBy({ releaseId, revision });
      return row === null ? null : toRevision(row);
    },
    listDeploying: async () => (await releases.findBy({ status: 'DEPLOYING' })).map(toRelease),
    finishSourceRemoval: async (releaseId, outcome, message, at) => {
      const set = message === null ? { sourceRemoval: outcome, updatedAt: at } : { sourceRemoval: outcome, statusMessage: message, updatedAt: at };
      const result = await releases.update({ id: releaseId, sourceRemoval: 'PENDING' }, set);
      return (result.affected ?? 0) === 1;
    },
    listPendingSourceRemovals: async () => (await releases.findBy({ status: 'DEPLOYED', sourceRemoval: 'PENDING' })).map(toRelease),
  };
}
