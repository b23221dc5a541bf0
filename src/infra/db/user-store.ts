import { In, type DataSource, type Repository } from 'typeorm';
import type { UserStore } from '../../domains/identity/ports.js';
import type { UserRecord } from '../../domains/identity/records.js';
import { isUniqueViolation } from './unique-violation.js';
import { UserEntity } from './user-entity.js';

export function createUserStore(dataSource: DataSource): UserStore {
  const repository: Repository<UserRecord> = dataSource.getRepository(UserEntity);
  return {
    list: () => repository.find({ order: { name: 'ASC', email: 'ASC' } }),
    findById: (id) => repository.findOneBy({ id }),
    findByIds: async (ids) => (ids.length === 0 ? [] : repository.findBy({ id: In([...ids]) })),
    findByEmail: (email) => repository.findOneBy({ email }),
    insert: async (record) => {
      try {
        await repository.insert(record);
        return 'inserted';
      } catch (error) {
        if (isUniqueViolation(error)) return 'duplicate-email';
        throw error;
      }
    },
  };
}
