import { AppMapService, ReleaseLinks, type AppMapClusters, type AppMapGate } from '../domains/app-maps/index.js';
import { namespacedKey, type ClusterService } from '../domains/clusters/index.js';
import { createAppMapStore } from '../infra/db/app-map-store.js';
import { createAppMapChangeFeed } from '../infra/nats/app-map-change-feed.js';
import type { Infra } from './infra.js';

export interface AppMapsWiring {
  readonly appMaps: AppMapService;
  /** The maps releases make and take away. */
  readonly releaseLinks: ReleaseLinks;
}

export interface AppMapsNeighbours {
  /** Who may read and write a workspace's maps, and what is allotted to it: the workspaces domain's access scope. */
  readonly gate: AppMapGate;
  /** Cluster records and their live status. */
  readonly clusters: ClusterService;
}

/**
 * Application maps on the database, the informer caches (every replica holds every cluster's) and
 * the bus. The clusters domain is read through the AppMapClusters port, built here.
 */
export function wireAppMaps(infra: Infra, neighbours: AppMapsNeighbours): AppMapsWiring {
  const { clusters } = neighbours;
  const clusterReader: AppMapClusters = {
    facts: async (clusterIds) =>
      new Map(
        (await clusters.getMany(clusterIds)).map((snapshot) => {
          const { record } = snapshot;
          const status = clusters.liveStatus(snapshot);
          return [
            record.id,
            {
              id: record.id,
              name: record.name,
              provider: record.provider,
              region: record.region,
              state: status.state,
              ...(status.reason === undefined ? {} : { reason: status.reason }),
            },
          ];
        }),
      ),
    objects: (clusterId, namespace) => {
      const live = infra.informers.get(clusterId);
      if (live === undefined) return null;
      return {
        workloads: live.workloads(namespace),
        pods: live.pods(namespace),
        services: live.services(namespace),
        claims: live.persistentVolumeClaims(namespace),
        events: live.events(namespace),
      };
    },
    objectKey: namespacedKey,
  };
  const store = createAppMapStore(infra.dataSource);
  const feed = createAppMapChangeFeed(infra.hub, infra.bus, infra.logger);
  const now = () => new Date();
  const appMaps = new AppMapService({ store, gate: neighbours.gate, clusters: clusterReader, feed, now });
  return { appMaps, releaseLinks: new ReleaseLinks({ store, feed, now }) };
}
