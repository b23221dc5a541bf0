import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Cluster, narrowToAllotment, visibleCluster } from '../domains/clusters/index.js';
import { ClusterAllotment, Workspace } from '../domains/workspaces/index.js';
import { buildNamespaceOf } from '../shared/build-namespaces.js';
import type { GatewayContext } from './context.js';

/**
 * Where workspaces meet clusters. Neither domain imports the other, so the composition root owns
 * these two fields. Each cluster is shown as the caller may see it (FULL for administrators).
 */
@Resolver(() => Workspace)
export class WorkspaceClustersResolver {
  @FieldResolver(() => [Cluster], { description: 'The clusters allotted to the workspace, with their live status.' })
  async clusters(@Root() workspace: Workspace, @Ctx() context: GatewayContext): Promise<Cluster[]> {
    const [allotments, storage] = await Promise.all([
      context.workspaceLoaders.allotmentsByWorkspaceId.load(workspace.id),
      context.workspaceLoaders.storageByWorkspaceId.load(workspace.id),
    ]);
    const clusters = await Promise.all(
      allotments.map(async (allotment) => {
        const cluster = await clusterFor(context, allotment.clusterId);
        const storageClasses = storage.filter((item) => item.clusterId === allotment.clusterId).map((item) => item.storageClassName);
        return cluster === null ? null : narrowToAllotment(cluster, { ...allotment, storageClasses, buildNamespace: buildNamespaceOf(workspace.slug) });
      }),
    );
    return clusters.filter((cluster): cluster is Cluster => cluster !== null);
  }
}

@Resolver(() => ClusterAllotment)
export class ClusterAllotmentResolver {
  @FieldResolver(() => Cluster, { nullable: true, description: 'The allotted cluster, with its live status.' })
  async cluster(@Root() allotment: ClusterAllotment, @Ctx() context: GatewayContext): Promise<Cluster | null> {
    return clusterFor(context, allotment.clusterId);
  }
}

async function clusterFor(context: GatewayContext, clusterId: string): Promise<Cluster | null> {
  // Through the request's loader: the clusters of every workspace in a list cost one statement.
  const snapshot = await context.loaders.clusterById.load(clusterId);
  return snapshot === null ? null : visibleCluster(context, snapshot);
}
