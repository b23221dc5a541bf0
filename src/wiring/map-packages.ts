import { isAllotted, type AppMapService } from '../domains/app-maps/index.js';
import { MapPackageService, type AppMapSource, type CatalogService, type MapFacts } from '../domains/catalog/index.js';
import { NotFoundError } from '../shared/errors.js';
import { createClusterObjects } from '../infra/k8s/cluster-objects.js';
import type { Infra } from './infra.js';

export interface MapPackagesWiring {
  readonly mapPackages: MapPackageService;
}

export interface MapPackagesNeighbours {
  readonly catalog: CatalogService;
  readonly appMaps: AppMapService;
}

/** Cluster states whose caches a map is not drawn from. */
const UNREAD_STATES = new Set(['CONNECTING', 'UNREACHABLE']);

/**
 * The app-maps domain as "save as package" reads it (the catalog's AppMapSource port): the map
 * through the caller's read access, its picture from the caches, and whether they can be trusted.
 */
function appMapSource(appMaps: AppMapService): AppMapSource {
  return {
    read: async (principal, appMapId) => {
      let map;
      try {
        map = await appMaps.get(principal, appMapId, 'appMapId');
      } catch (error) {
        if (error instanceof NotFoundError) return null;
        throw error;
      }
      const [facts, allotments, picture] = await Promise.all([appMaps.clusterFacts([map.clusterId]), appMaps.allotments([map.workspaceId]), appMaps.picture(map)]);
      const cluster = facts.get(map.clusterId);
      const base = { id: map.id, name: map.name, workspaceId: map.workspaceId, clusterId: map.clusterId, namespace: map.namespace };
      const without = (state: MapFacts['state'], reason: string): MapFacts => ({ ...base, state, reason, workloads: [], services: [] });
      if (cluster === undefined) return without('UNREADABLE', 'its cluster is not registered any more');
      if (!isAllotted(allotments.get(map.workspaceId), map.clusterId, map.namespace))
        return without('UNREADABLE', `namespace ${map.namespace} of cluster ${cluster.name} is no longer allotted to the map's workspace`);
      if (UNREAD_STATES.has(cluster.state) || appMaps.objectsIn(map.clusterId, map.namespace) === null)
        return without(
          'UNAVAILABLE',
          `cluster ${cluster.name} is ${cluster.state === 'UNREACHABLE' ? 'unreachable' : 'not connected'}${cluster.reason === undefined ? '' : `: ${cluster.reason}`}`,
        );
      return {
        ...base,
        state: 'READY',
        reason: picture.workloads.length === 0 ? picture.health.reason : null,
        workloads: picture.workloads.map(({ object }) => ({ kind: object.kind, name: object.name, ownerKind: object.owner?.kind ?? null })),
        services: picture.services.map(({ object }) => object.name),
      };
    },
  };
}

/** "Save as package": the catalog's service over the app maps and the clusters' apiservers. */
export function wireMapPackages(infra: Infra, neighbours: MapPackagesNeighbours): MapPackagesWiring {
  return {
    mapPackages: new MapPackageService({ catalog: neighbours.catalog, maps: appMapSource(neighbours.appMaps), objects: createClusterObjects(infra.informers) }),
  };
}
