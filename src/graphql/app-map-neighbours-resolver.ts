import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppMap } from '../domains/app-maps/index.js';
import { Cluster, ClusterProviderEnum, visibleCluster, type ClusterProvider } from '../domains/clusters/index.js';
import { Workspace, workspaceNodeLookups } from '../domains/workspaces/index.js';
import type { GatewayContext } from './context.js';

/** Where application maps meet clusters and workspaces: no domain imports another, so the edge owns these fields. */
@Resolver(() => AppMap)
export class AppMapNeighboursResolver {
  @FieldResolver(() => Cluster, { nullable: true, description: 'Its cluster, with its live status, as the caller may see it.' })
  async cluster(@Root() map: AppMap, @Ctx() context: GatewayContext): Promise<Cluster | null> {
    // Through the request's loader: the clusters of every map in a list cost one statement.
    const snapshot = await context.loaders.clusterById.load(map.clusterId);
    return snapshot === null ? null : visibleCluster(context, snapshot);
  }

  @FieldResolver(() => ClusterProviderEnum, { nullable: true, description: 'Where its cluster runs (on premise, GKE, EKS, AKS…); null when the cluster is gone.' })
  async provider(@Root() map: AppMap, @Ctx() context: GatewayContext): Promise<ClusterProvider | null> {
    return (await context.loaders.clusterById.load(map.clusterId))?.record.provider ?? null;
  }

  @FieldResolver(() => Workspace, { nullable: true, description: 'The workspace that owns it, as `workspace(id:)` shows it to the caller.' })
  async workspace(@Root() map: AppMap, @Ctx() context: GatewayContext): Promise<Workspace | null> {
    return (await workspaceNodeLookups.Workspace!(context, map.workspaceId)) as Workspace | null;
  }
}
