import { In, QueryFailedError, type DataSource, type FindOptionsWhere } from 'typeorm';
import type { AppMapStore } from '../../domains/app-maps/ports.js';
import type { AppMapRecord } from '../../domains/app-maps/records.js';
import { groupsOf, type AppMapRow } from './app-map-entities.js';
import { workspaceScope } from './tenant-scope.js';
import { isUniqueViolation } from './unique-violation.js';

function toRecord(row: AppMapRow): AppMapRecord {
  const { id, workspaceId, clusterId, namespace, name, description, stage, selector, groups, releaseId, continuousDeployment, createdAt, updatedAt } = row;
  return {
    id,
    workspaceId,
    clusterId,
    namespace,
    name,
    description,
    stage,
    selector,
    groups: groupsOf(groups),
    releaseId: releaseId ?? null,
    continuousDeployment: Boolean(continuousDeployment),
    createdAt,
    updatedAt,
  };
}

/** True when MySQL/MariaDB (ER_NO_REFERENCED_ROW_2) or SQLite refused a row whose parent is gone. */
function isMissingParent(error: unknown): boolean {
  if (!(error instanceof QueryFailedError)) return false;
  const driverError = error.driverError as { code?: unknown; message?: unknown } | undefined;
  return driverError?.code === 'ER_NO_REFERENCED_ROW_2' || (typeof driverError?.message === 'string' && driverError.message.includes('FOREIGN KEY constraint failed'));
}

export function createAppMapStore(dataSource: DataSource): AppMapStore {
  const maps = dataSource.getRepository<AppMapRow>('AppMap');
  return {
    findById: async (id) => {
      const row = await maps.findOneBy({ id });
      return row === null ? null : toRecord(row);
    },
    findByIds: async (ids) => (ids.length === 0 ? [] : (await maps.findBy({ id: In([...ids]) })).map(toRecord)),
    list: async ({ workspaceIds: scope, clusterId, name }) => {
      const workspaceIds = workspaceScope('application maps', scope);
      if (workspaceIds !== 'ALL' && workspaceIds.length === 0) return [];
      const where: FindOptionsWhere<AppMapRow> = {
        ...(workspaceIds === 'ALL' ? {} : { workspaceId: In([...workspaceIds]) }),
        ...(clusterId === undefined ? {} : { clusterId }),
        ...(name === undefined ? {} : { name }),
      };
      return (await maps.find({ where, order: { name: 'ASC', namespace: 'ASC', id: 'ASC' } })).map(toRecord);
    },
    insert: async (record) => {
      try {
        await maps.insert({ ...record, groups: [...record.groups] });
        return 'inserted';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate-name';
        if (isMissingParent(error)) return 'missing-parent';
        throw error;
      }
    },
    update: async (id, patch) => {
      const { groups, ...rest } = patch;
      try {
        const result = await maps.update({ id }, { ...rest, ...(groups !== undefined ? { groups: [...groups] } : {}) });
        return result.affected === 0 ? 'missing' : 'updated';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate-name';
        throw error;
      }
    },
    delete: async (id) => ((await maps.delete({ id })).affected ?? 0) > 0,
    findByRelease: async (releaseId) => (await maps.findBy({ releaseId })).map(toRecord),
    findByReleases: async (releaseIds) => (releaseIds.length === 0 ? [] : (await maps.findBy({ releaseId: In([...releaseIds]) })).map(toRecord)),
  };
}
