import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppMap } from '../domains/app-maps/index.js';
import { Cluster, ClusterProviderEnum, visibleCluster, type ClusterProvider } from '../domains/clusters/index.js';
import type { GatewayContext } from './context.js';

/** Where application maps meet clusters: neither domain imports the other, so the edge owns these fields. */
@Resolver(() => AppMap)
export class AppMapClusterResolver {
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
}
