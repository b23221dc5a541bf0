import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Mutation, Resolver, Root, Subscription } from 'type-graphql';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { paginate } from '../../shared/pagination.js';
import { byName, PodConnection } from './connections.js';
import { NotFoundError } from '../../shared/errors.js';
import { Cluster } from './cluster-type.js';
import { checkedRef, missingObject } from './day-two-service.js';
import { openClusterStream, requirePermission, requireVisibleCluster, scopedLiveView, type ClustersContext } from './context.js';
import { WatchEventKind } from './graphql-types.js';
import { toPod } from './mappers.js';
import type { ClusterObjectEvent, PodProjection, WorkloadProjection } from './model.js';
import { toWorkload } from './object-mappers.js';
import { localKeyOf } from '../../shared/global-id.js';
import { RestartWorkloadInput, ScaleWorkloadInput } from './operation-inputs.js';
import { RestartWorkloadPayload, ScaleWorkloadPayload } from './payloads.js';
import type { StreamedEvent } from './ports.js';
import { Workload, WorkloadEvent } from './workload-types.js';

/** The pods a workload's selector picks, as the caller may see them (also what its usage sums). */
export async function podsOfWorkload(context: ClustersContext, workload: Workload): Promise<PodProjection[]> {
  const live = scopedLiveView(context, await requireVisibleCluster(context, workload.clusterId));
  const selector = Object.entries(workload.selector);
  // An empty selector would select every pod of the namespace; Kubernetes refuses those for workloads.
  return selector.length === 0 ? [] : live.pods(workload.namespace).filter((pod) => selector.every(([key, value]) => pod.labels[key] === value));
}

@Resolver(() => Workload)
export class WorkloadResolver {
  @FieldResolver(() => PodConnection, { description: 'Pods the workload selects, by name, paged.' })
  async pods(@Root() workload: Workload, @Ctx() context: ClustersContext, @Args(() => ConnectionArgs) page: ConnectionArgs): Promise<PodConnection> {
    const pods = await podsOfWorkload(context, workload);
    return paginate(context, 'Workload.pods', page, pods, byName, (pod) => toPod(workload.clusterId, pod));
  }

  @FieldResolver(() => Cluster, { description: 'The cluster the workload runs in.' })
  async cluster(@Root() workload: Workload, @Ctx() context: ClustersContext): Promise<Cluster> {
    return requireVisibleCluster(context, workload.clusterId);
  }

  @Authorized()
  @Mutation(() => ScaleWorkloadPayload, { description: 'Sets the replica count of a Deployment or StatefulSet. Follow `workloadEvents` to watch the pods change.' })
  async scaleWorkload(
    @Arg('input', () => ScaleWorkloadInput, { description: 'What to scale.' }) input: ScaleWorkloadInput,
    @Ctx() context: ClustersContext,
  ): Promise<ScaleWorkloadPayload> {
    const ref = checkedRef({ clusterId: localKeyOf(input.clusterId, 'Cluster'), namespace: input.namespace, name: input.name });
    await requirePermission(context, 'workload:operate', ref.clusterId, ref.namespace, () => missingObject(input.kind, ref));
    await context.dayTwo.scaleWorkload(ref, input.kind, input.replicas);
    return { workload: await this.current(context, ref.clusterId, ref.namespace, input.kind, ref.name) };
  }

  @Authorized()
  @Mutation(() => RestartWorkloadPayload, { description: 'Rolls every pod of a workload, a few at a time, like `kubectl rollout restart`.' })
  async restartWorkload(
    @Arg('input', () => RestartWorkloadInput, { description: 'What to restart.' }) input: RestartWorkloadInput,
    @Ctx() context: ClustersContext,
  ): Promise<RestartWorkloadPayload> {
    const ref = checkedRef({ clusterId: localKeyOf(input.clusterId, 'Cluster'), namespace: input.namespace, name: input.name });
    await requirePermission(context, 'workload:operate', ref.clusterId, ref.namespace, () => missingObject(input.kind, ref));
    await context.dayTwo.restartWorkload(ref, input.kind);
    return { workload: await this.current(context, ref.clusterId, ref.namespace, input.kind, ref.name) };
  }

  @Authorized()
  @Subscription(() => WorkloadEvent, {
    description: 'Workloads added, changed (replicas, rollouts, job progress) and deleted in a cluster, live. Pass `after` to resume right after an earlier event.',
    subscribe: ({ args, context }) => openClusterStream(context, args, (clusters, clusterId, namespace, after) => clusters.workloadEvents(clusterId, namespace, after)),
  })
  workloadEvents(
    @Root() message: StreamedEvent<ClusterObjectEvent<WorkloadProjection>>,
    @Arg('clusterId', () => ID, { description: 'Cluster to watch.' }) _clusterId: string,
    @Arg('namespace', () => String, { nullable: true, description: 'Only workloads of this namespace.' }) _namespace?: string,
    @Arg('after', () => String, { nullable: true, description: 'Resume right after the event with this cursor.' }) _after?: string,
  ): WorkloadEvent {
    return { type: WatchEventKind[message.event.type], workload: toWorkload(message.event.clusterId, message.event.object), cursor: message.cursor };
  }

  private async current(context: ClustersContext, clusterId: string, namespace: string, kind: string, name: string): Promise<Workload> {
    const live = await context.clusters.liveView(clusterId);
    const workload = live.workloads(namespace).find((candidate) => candidate.kind === kind && candidate.name === name);
    if (workload === undefined) throw new NotFoundError(kind, `${namespace}/${name}`, 'name');
    return toWorkload(clusterId, workload);
  }
}
