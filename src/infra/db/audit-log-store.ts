import type { DataSource, Repository, SelectQueryBuilder } from 'typeorm';
import type { AuditLog } from '../../domains/workspaces/audit/ports.js';
import type { AuditEntryRecord, AuditFilter } from '../../domains/workspaces/audit/records.js';
import { AuditEntryEntity } from './audit-entity.js';
import { keysetWindow } from './keyset-window.js';

function filtered(repository: Repository<AuditEntryRecord>, filter: AuditFilter): SelectQueryBuilder<AuditEntryRecord> {
  const query = repository.createQueryBuilder('entry');
  const equal = { actorId: filter.actorId, action: filter.action, targetId: filter.targetId, workspaceId: filter.workspaceId, outcome: filter.outcome };
  for (const [column, value] of Object.entries(equal)) {
    if (value !== undefined) query.andWhere(`entry.${column} = :${column}`, { [column]: value });
  }
  if (filter.from !== undefined) query.andWhere('entry.at >= :from', { from: filter.from });
  if (filter.to !== undefined) query.andWhere('entry.at < :to', { to: filter.to });
  return query;
}

export function createAuditLogStore(dataSource: DataSource): AuditLog {
  const repository: Repository<AuditEntryRecord> = dataSource.getRepository(AuditEntryEntity);
  return {
    append: async (entry) => {
      await repository.insert(entry);
    },
    query: async (filter, page) => keysetWindow(() => filtered(repository, filter), 'entry.id', true, page),
  };
}
