import DataLoader from 'dataloader';
import type { ClusterService, ClusterSnapshot } from './cluster-service.js';

export interface ClusterLoaders {
  /** One query for all the clusters a request touches, whatever the number of pods that ask. */
  readonly clusterById: DataLoader<string, ClusterSnapshot | null>;
}

export function createClusterLoaders(clusters: ClusterService): ClusterLoaders {
  return {
    clusterById: new DataLoader(async (ids) => {
      const found = new Map((await clusters.getMany(ids)).map((snapshot) => [snapshot.record.id, snapshot]));
      return ids.map((id) => found.get(id) ?? null);
    }),
  };
}
