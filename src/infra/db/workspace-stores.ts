import { In, type DataSource, type EntityManager, type Repository } from 'typeorm';
import type { MemberChange } from '../../domains/workspaces/member-rules.js';
import type { AccessGrantStore, AllotmentStore, MemberStore, StorageAllotmentStore, WorkspaceStore } from '../../domains/workspaces/ports.js';
import {
  WORKSPACE_ROLES,
  type AccessGrant,
  type AllotmentRecord,
  type MemberRecord,
  type StorageAllotmentRecord,
  type StorageGrant,
  type WorkspaceRecord,
} from '../../domains/workspaces/records.js';
import { retryingTransaction } from './retrying-transaction.js';
import { isUniqueViolation } from './unique-violation.js';
import { namespacesAsJson, WorkspaceClusterEntity, WorkspaceEntity, WorkspaceMemberEntity, WorkspaceStorageEntity } from './workspace-entities.js';

export interface WorkspaceStores {
  readonly workspaces: WorkspaceStore;
  readonly members: MemberStore;
  readonly allotments: AllotmentStore;
  readonly storage: StorageAllotmentStore;
  readonly grants: AccessGrantStore;
}

async function countBy(repository: Repository<MemberRecord> | Repository<AllotmentRecord>, workspaceIds: readonly string[]): Promise<Map<string, number>> {
  if (workspaceIds.length === 0) return new Map();
  const rows = await repository
    .createQueryBuilder('row')
    .select('row.workspaceId', 'workspaceId')
    .addSelect('COUNT(*)', 'count')
    .where('row.workspaceId IN (:...ids)', { ids: [...workspaceIds] })
    .groupBy('row.workspaceId')
    .getRawMany<{ workspaceId: string; count: string | number }>();
  // MySQL's COUNT is a BIGINT, handed over as a string.
  return new Map(rows.map((row) => [row.workspaceId, Number(row.count)]));
}

function createWorkspaceStore(repository: Repository<WorkspaceRecord>): WorkspaceStore {
  return {
    list: () => repository.find({ order: { name: 'ASC', id: 'ASC' } }),
    findById: (id) => repository.findOneBy({ id }),
    findByIds: async (ids) => (ids.length === 0 ? [] : repository.findBy({ id: In([...ids]) })),
    findByName: (name) => repository.findOneBy({ name }),
    findBySlug: (slug) => repository.findOneBy({ slug }),
    insert: async (record) => {
      try {
        await repository.insert(record);
        return 'inserted';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate';
        throw error;
      }
    },
    update: async (id, changes) => {
      try {
        const result = await repository.update({ id }, changes);
        // MySQL counts matched rows only when asked to; an unchanged row may report 0, so look.
        if (result.affected === 0 && (await repository.existsBy({ id })) === false) return 'missing';
        return 'updated';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate-name';
        throw error;
      }
    },
    delete: async (id) => ((await repository.delete({ id })).affected ?? 0) > 0,
  };
}

async function applyMemberChange(manager: EntityManager, workspaceId: string, change: MemberChange): Promise<void> {
  const members = manager.getRepository(WorkspaceMemberEntity);
  switch (change.kind) {
    case 'add':
      await members.insert(change.member);
      return;
    case 'set-role':
      await members.update({ workspaceId, userId: change.userId }, { role: change.role });
      return;
    case 'remove':
      await members.delete({ workspaceId, userId: change.userId });
      return;
  }
}

function createMemberStore(dataSource: DataSource, repository: Repository<MemberRecord>): MemberStore {
  // SQLite (embedded) has one connection and no row locks: its transactions are already serial.
  const canLockRows = dataSource.options.type !== 'better-sqlite3';
  return {
    find: (workspaceId, userId) => repository.findOneBy({ workspaceId, userId }),
    listByWorkspaceIds: async (ids) => (ids.length === 0 ? [] : repository.find({ where: { workspaceId: In([...ids]) }, order: { createdAt: 'ASC', userId: 'ASC' } })),
    listByUserIds: async (ids) => (ids.length === 0 ? [] : repository.find({ where: { userId: In([...ids]) }, order: { createdAt: 'ASC', workspaceId: 'ASC' } })),
    countByWorkspaceIds: (ids) => countBy(repository, ids),
    // Idempotent: `decide` sees the members as they are inside the transaction, so a run again after a deadlock decides afresh.
    change: (workspaceId, decide) =>
      retryingTransaction(dataSource, async (manager) => {
        const workspace = await manager
          .getRepository(WorkspaceEntity)
          .findOne({ where: { id: workspaceId }, ...(canLockRows ? { lock: { mode: 'pessimistic_write' as const } } : {}) });
        if (workspace === null) return 'missing-workspace' as const;
        const current = await manager.getRepository(WorkspaceMemberEntity).find({ where: { workspaceId } });
        await applyMemberChange(manager, workspaceId, decide(current));
        return 'applied' as const;
      }),
  };
}

function createAllotmentStore(repository: Repository<AllotmentRecord>): AllotmentStore {
  return {
    find: (workspaceId, clusterId) => repository.findOneBy({ workspaceId, clusterId }),
    listByWorkspaceIds: async (ids) => (ids.length === 0 ? [] : repository.find({ where: { workspaceId: In([...ids]) }, order: { createdAt: 'ASC', clusterId: 'ASC' } })),
    countByWorkspaceIds: (ids) => countBy(repository, ids),
    put: async (record) => {
      try {
        await repository.insert(record);
      } catch (error) {
        // Allotted already (or a concurrent allotCluster got there first): replace the namespaces.
        if (!isUniqueViolation(error)) throw error;
        await repository.update({ workspaceId: record.workspaceId, clusterId: record.clusterId }, { namespaces: record.namespaces });
      }
    },
    delete: async (workspaceId, clusterId) => ((await repository.delete({ workspaceId, clusterId })).affected ?? 0) > 0,
  };
}

function createStorageAllotmentStore(repository: Repository<StorageAllotmentRecord>): StorageAllotmentStore {
  return {
    find: (workspaceId, clusterId, storageClassName) => repository.findOneBy({ workspaceId, clusterId, storageClassName }),
    listByWorkspaceIds: async (ids) => (ids.length === 0 ? [] : repository.find({ where: { workspaceId: In([...ids]) }, order: { clusterId: 'ASC', storageClassName: 'ASC' } })),
    put: async (record) => {
      try {
        await repository.insert(record);
      } catch (error) {
        // Allotted already (or a concurrent allotStorage got there first): replace the quota.
        if (!isUniqueViolation(error)) throw error;
        await repository.update({ workspaceId: record.workspaceId, clusterId: record.clusterId, storageClassName: record.storageClassName }, { quotaBytes: record.quotaBytes });
      }
    },
    delete: async (workspaceId, clusterId, storageClassName) => ((await repository.delete({ workspaceId, clusterId, storageClassName })).affected ?? 0) > 0,
  };
}

function createGrantStore(repository: Repository<MemberRecord>): AccessGrantStore {
  return {
    membershipsOf: async (userId) =>
      (await repository.find({ where: { userId }, select: { workspaceId: true, role: true } }))
        .filter((member) => WORKSPACE_ROLES.includes(member.role))
        .map(({ workspaceId, role }) => ({ workspaceId, role })),
    storageGrantsOf: (userId) =>
      repository
        .createQueryBuilder('member')
        .innerJoin(WorkspaceStorageEntity.options.name, 'storage', 'storage.workspaceId = member.workspaceId')
        .select('storage.workspaceId', 'workspaceId')
        .addSelect('storage.clusterId', 'clusterId')
        .addSelect('storage.storageClassName', 'storageClassName')
        .where('member.userId = :userId', { userId })
        .getRawMany<StorageGrant>(),
    grantsOf: async (userId) => {
      const rows = await repository
        .createQueryBuilder('member')
        .innerJoin(WorkspaceClusterEntity.options.name, 'allotment', 'allotment.workspaceId = member.workspaceId')
        .innerJoin(WorkspaceEntity.options.name, 'workspace', 'workspace.id = member.workspaceId')
        .select('member.workspaceId', 'workspaceId')
        .addSelect('workspace.slug', 'workspaceSlug')
        .addSelect('member.role', 'role')
        .addSelect('allotment.clusterId', 'clusterId')
        .addSelect('allotment.namespaces', 'namespaces')
        .where('member.userId = :userId', { userId })
        .getRawMany<{ workspaceId: string; workspaceSlug: string; role: string; clusterId: string; namespaces: string | null }>();
      const grants: AccessGrant[] = [];
      for (const row of rows) {
        // A role this version does not know grants nothing.
        const role = WORKSPACE_ROLES.find((candidate) => candidate === row.role);
        if (role !== undefined)
          grants.push({
            workspaceId: row.workspaceId,
            workspaceSlug: row.workspaceSlug,
            role,
            clusterId: row.clusterId,
            namespaces: namespacesAsJson.from(row.namespaces) as string[] | null,
          });
      }
      return grants;
    },
  };
}

export function createWorkspaceStores(dataSource: DataSource): WorkspaceStores {
  const members: Repository<MemberRecord> = dataSource.getRepository(WorkspaceMemberEntity);
  return {
    workspaces: createWorkspaceStore(dataSource.getRepository(WorkspaceEntity)),
    members: createMemberStore(dataSource, members),
    allotments: createAllotmentStore(dataSource.getRepository(WorkspaceClusterEntity)),
    storage: createStorageAllotmentStore(dataSource.getRepository(WorkspaceStorageEntity)),
    grants: createGrantStore(members),
  };
}
