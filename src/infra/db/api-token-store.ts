import { In, IsNull, type DataSource, type Repository } from 'typeorm';
import type { ApiTokenStore } from '../../domains/identity/ports.js';
import type { ApiTokenRecord } from '../../domains/identity/records.js';
import { ApiTokenEntity } from './api-token-entity.js';

export function createApiTokenStore(dataSource: DataSource): ApiTokenStore {
  const repository: Repository<ApiTokenRecord> = dataSource.getRepository(ApiTokenEntity);
  return {
    findById: (id) => repository.findOneBy({ id }),
    findByIds: async (ids) => (ids.length === 0 ? [] : repository.findBy({ id: In([...ids]) })),
    findByHash: (tokenHash) => repository.findOneBy({ tokenHash }),
    listByUserIds: async (userIds) => (userIds.length === 0 ? [] : repository.find({ where: { userId: In([...userIds]) }, order: { createdAt: 'DESC', id: 'ASC' } })),
    insert: async (record) => {
      await repository.insert(record);
    },
    markUsed: async (id, at) => {
      await repository.update({ id }, { lastUsedAt: at });
    },
    revoke: async (id, at) => {
      await repository.update({ id, revokedAt: IsNull() }, { revokedAt: at });
    },
  };
}
