import type { AppMapService } from '../domains/app-maps/index.js';
import { MeteringService, type MeteredMap, type MeteringGate } from '../domains/metering/index.js';
import type { AccessCache, WorkspaceService } from '../domains/workspaces/index.js';
import { createAppMapStore } from '../infra/db/app-map-store.js';
import { createClusterStore } from '../infra/db/cluster-store.js';
import { createChargeSource, createClusterAllotmentReader, createPriceTableStore } from '../infra/db/metering-store.js';
import { DomainError } from '../shared/errors.js';
import type { Infra } from './infra.js';

export interface MeteringNeighbours {
  readonly access: AccessCache;
  readonly workspaces: WorkspaceService;
  readonly appMaps: AppMapService;
}

/**
 * Costs computed on read from the hourly rollups (no table of daily costs to keep in step with
 * price changes or late rollups); the gate answers from the workspaces domain's access scope, the
 * cluster records, the watch caches (node capacity, volume claims) and the app-maps domain.
 */
export function wireMetering(infra: Infra, neighbours: MeteringNeighbours): MeteringService {
  const clusters = createClusterStore(infra.dataSource);
  const maps = createAppMapStore(infra.dataSource);
  const clusterAllotments = createClusterAllotmentReader(infra.dataSource);
  const metered = async (record: Parameters<AppMapService['picture']>[0]): Promise<MeteredMap> => {
    const picture = await neighbours.appMaps.picture(record);
    return {
      id: record.id,
      workspaceId: record.workspaceId,
      clusterId: record.clusterId,
      namespace: record.namespace,
      workloadNames: picture.workloads.map((entry) => entry.object.name),
    };
  };
  const gate: MeteringGate = {
    workspaceAllotments: async (principal, workspaceId) => {
      if ((await neighbours.workspaces.getVisible(principal, workspaceId)) === null) return null;
      const rows = await infra.dataSource.query<Array<{ cluster_id: string; namespaces: string | null }>>(
        'SELECT cluster_id, namespaces FROM workspace_clusters WHERE workspace_id = ?',
        [workspaceId],
      );
      return rows.map((row) => ({ workspaceId, clusterId: row.cluster_id, namespaces: row.namespaces === null ? null : (JSON.parse(row.namespaces) as string[]) }));
    },
    seesCluster: async (principal, clusterId) => {
      const visible = (await neighbours.access.scopeFor(principal)).visibleClusterIds();
      return visible === 'ALL' || visible.has(clusterId);
    },
    clusterAllotments,
    cluster: async (clusterId) => {
      const record = await clusters.findById(clusterId);
      if (record === null) return null;
      const live = infra.informers.get(clusterId);
      let cpuCores = 0;
      let memoryBytes = 0;
      for (const node of live?.nodes() ?? []) {
        cpuCores += node.allocatable.cpuCores;
        memoryBytes += node.allocatable.memoryBytes;
      }
      const storageBytesByNamespace = new Map<string, number>();
      for (const claim of live?.persistentVolumeClaims() ?? []) {
        storageBytesByNamespace.set(claim.namespace, (storageBytesByNamespace.get(claim.namespace) ?? 0) + (claim.requestedBytes ?? 0));
      }
      return { id: record.id, provider: record.provider, region: record.region, cpuCores, memoryBytes, storageBytesByNamespace };
    },
    appMap: async (principal, appMapId) => {
      const record = await neighbours.appMaps.get(principal, appMapId).catch((error: unknown) => {
        if (error instanceof DomainError && error.code === 'NOT_FOUND') return null;
        throw error;
      });
      return record === null ? null : metered(record);
    },
    workspaceMaps: async (workspaceId) => {
      const records = (await maps.list({ workspaceIds: [workspaceId] })).sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      return Promise.all(records.map(metered));
    },
  };
  return new MeteringService({ gate, prices: createPriceTableStore(infra.dataSource), charges: createChargeSource(infra.dataSource) });
}
