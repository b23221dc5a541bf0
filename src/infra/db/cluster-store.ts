import { In, type DataSource, type Repository } from 'typeorm';
import type { ClusterRecord } from '../../domains/clusters/cluster-record.js';
import type { ClusterStore } from '../../domains/clusters/ports.js';
import { ClusterEntity } from './cluster-entity.js';

export function createClusterStore(dataSource: DataSource): ClusterStore {
  const repository: Repository<ClusterRecord> = dataSource.getRepository(ClusterEntity);
  return {
    list: () => repository.find({ order: { name: 'ASC' } }),
    findById: (id) => repository.findOneBy({ id }),
    findByIds: async (ids) => (ids.length === 0 ? [] : repository.findBy({ id: In([...ids]) })),
    findByName: (name) => repository.findOneBy({ name }),
    insert: async (record) => {
      await repository.insert(record);
    },
    update: async (id, patch) => {
      await repository.update({ id }, patch);
    },
    remove: async (id) => {
      await repository.delete({ id });
    },
  };
}
