import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { Cluster } from './cluster-type.js';
import { openClusterStream, requirePermission, requireVisibleCluster, type ClustersContext } from './context.js';
import { Pod, PodEvent, WatchEventKind } from './graphql-types.js';
import { localKeyOf } from '../../shared/global-id.js';
import { toPod } from './mappers.js';
import { checkedRef, missingObject } from './day-two-service.js';
import { DeletePodInput } from './operation-inputs.js';
import { DeletePodPayload } from './payloads.js';
import type { ClusterObjectEvent, PodProjection } from './model.js';
import type { StreamedEvent } from './ports.js';

@Resolver(() => Pod)
export class PodResolver {
  @FieldResolver(() => Cluster, { description: 'The cluster the pod runs in.' })
  async cluster(@Root() pod: Pod, @Ctx() context: ClustersContext): Promise<Cluster> {
    return requireVisibleCluster(context, pod.clusterId);
  }

  @Authorized()
  @Mutation(() => DeletePodPayload, { description: 'Deletes a pod (its controller, if any, replaces it).' })
  async deletePod(@Arg('input', () => DeletePodInput, { description: 'The pod to delete.' }) input: DeletePodInput, @Ctx() context: ClustersContext): Promise<DeletePodPayload> {
    const ref = checkedRef({ clusterId: localKeyOf(input.clusterId, 'Cluster'), namespace: input.namespace, name: input.name });
    await requirePermission(context, 'workload:operate', ref.clusterId, ref.namespace, () => missingObject('Pod', ref));
    const pod = toPod(ref.clusterId, await context.dayTwo.deletePod(ref));
    return { deletedPodId: pod.id, pod };
  }

  @Authorized()
  @Subscription(() => PodEvent, {
    description: 'Pods added, changed and deleted in a cluster, live. Pass `after` (a cursor of an earlier event) to resume right after it, with nothing lost.',
    subscribe: ({ args, context }) => openClusterStream(context, args, (clusters, clusterId, namespace, after) => clusters.podEvents(clusterId, namespace, after)),
  })
  podEvents(
    @Root() message: StreamedEvent<ClusterObjectEvent<PodProjection>>,
    @Arg('clusterId', () => ID, { description: 'Cluster to watch.' }) _clusterId: string,
    @Arg('namespace', () => String, { nullable: true, description: 'Only pods of this namespace.' }) _namespace?: string,
    @Arg('after', () => String, { nullable: true, description: 'Resume right after the event with this cursor.' }) _after?: string,
  ): PodEvent {
    return { type: WatchEventKind[message.event.type], pod: toPod(message.event.clusterId, message.event.object), cursor: message.cursor };
  }
}
