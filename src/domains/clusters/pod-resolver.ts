import { NotFoundError } from '../../shared/errors.js';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { Cluster } from './cluster-type.js';
import type { ClustersContext } from './cluster-resolver.js';
import { Pod } from './graphql-types.js';
import { toCluster } from './mappers.js';

@Resolver(() => Pod)
export class PodResolver {
  @FieldResolver(() => Cluster, { description: 'The cluster the pod runs in.' })
  async cluster(@Root() pod: Pod, @Ctx() context: ClustersContext): Promise<Cluster> {
    const snapshot = await context.loaders.clusterById.load(pod.clusterId);
    if (snapshot === null) throw new NotFoundError('Cluster', pod.clusterId);
    return toCluster(snapshot, context.clusters.liveStatus(snapshot));
  }
}
