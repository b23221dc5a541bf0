import { Ctx, FieldResolver, Float, Resolver, Root } from 'type-graphql';
import { Cluster, narrowToAllotment, visibleCluster, type ClusterLiveView } from '../domains/clusters/index.js';
import { StorageAllotment } from '../domains/workspaces/index.js';
import type { GatewayContext } from './context.js';

/**
 * Where a workspace's storage allotments meet the clusters' caches. Usage is read from the watch
 * caches, never from the apiserver, and counted over the workspace's allotted namespaces only.
 */
@Resolver(() => StorageAllotment)
export class StorageAllotmentResolver {
  @FieldResolver(() => Float, {
    nullable: true,
    description:
      "Bytes requested by the claims of this storage class in the namespaces allotted to the workspace (claims without a class count for the cluster's default class). Null when the cluster cannot answer now.",
  })
  async usedBytes(@Root() storage: StorageAllotment, @Ctx() context: GatewayContext): Promise<number | null> {
    const [snapshot, allotments] = await Promise.all([
      context.loaders.clusterById.load(storage.clusterId),
      context.workspaceLoaders.allotmentsByWorkspaceId.load(storage.workspaceId),
    ]);
    const allotment = allotments.find((candidate) => candidate.clusterId === storage.clusterId);
    if (snapshot === null || allotment === undefined) return null;
    const live = liveViewOrNull(context, snapshot);
    if (live === null) return null;
    const isDefault = live.storageClasses().some((storageClass) => storageClass.name === storage.storageClassName && storageClass.isDefault);
    const namespaces = allotment.namespaces === null ? null : new Set(allotment.namespaces);
    return live
      .persistentVolumeClaims()
      .filter((claim) => namespaces === null || namespaces.has(claim.namespace))
      .filter((claim) => (claim.storageClassName ?? (isDefault ? storage.storageClassName : undefined)) === storage.storageClassName)
      .reduce((sum, claim) => sum + claim.requestedBytes, 0);
  }

  @FieldResolver(() => Cluster, { nullable: true, description: 'The cluster, with its live status, as the caller may see it through this workspace.' })
  async cluster(@Root() storage: StorageAllotment, @Ctx() context: GatewayContext): Promise<Cluster | null> {
    const [snapshot, allotments, allStorage] = await Promise.all([
      context.loaders.clusterById.load(storage.clusterId),
      context.workspaceLoaders.allotmentsByWorkspaceId.load(storage.workspaceId),
      context.workspaceLoaders.storageByWorkspaceId.load(storage.workspaceId),
    ]);
    const cluster = snapshot === null ? null : await visibleCluster(context, snapshot);
    const allotment = allotments.find((candidate) => candidate.clusterId === storage.clusterId);
    if (cluster === null || allotment === undefined) return cluster;
    const storageClasses = allStorage.filter((item) => item.clusterId === storage.clusterId).map((item) => item.storageClassName);
    return narrowToAllotment(cluster, { ...allotment, storageClasses });
  }
}

type ClusterSnapshot = Parameters<GatewayContext['clusters']['liveViewOf']>[0];

/** An unreachable cluster leaves only this figure unknown, not the whole allotment list. */
function liveViewOrNull(context: GatewayContext, snapshot: ClusterSnapshot): ClusterLiveView | null {
  try {
    return context.clusters.liveViewOf(snapshot);
  } catch {
    return null;
  }
}
