import { Arg, Args, Authorized, Ctx, Field, FieldResolver, ID, Mutation, ObjectType, Resolver, Root } from 'type-graphql';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { paginate } from '../../shared/pagination.js';
import { byNamespaceAndName, PodConnection } from './connections.js';
import { BadInputError, NotFoundError } from '../../shared/errors.js';
import { requirePermission, requireVisibleCluster, scopedLiveView, type ClustersContext } from './context.js';
import { ClusterNode, Pod } from './graphql-types.js';
import { toNode, toPod } from './mappers.js';
import { DrainNodeInput } from './operation-inputs.js';

const DEFAULT_DRAIN_TIMEOUT_SECONDS = 60;
const MAX_DRAIN_TIMEOUT_SECONDS = 600;

@ObjectType({ description: 'A pod a drain left on the node, and why.' })
export class SkippedPod {
  @Field(() => Pod, { description: 'The pod.' })
  pod!: Pod;

  @Field({ description: 'Why it was not evicted.' })
  reason!: string;
}

@ObjectType({ description: 'What a drain did.' })
export class DrainResult {
  @Field(() => ClusterNode, { description: 'The node, now cordoned.' })
  node!: ClusterNode;

  @Field(() => [Pod], { description: 'Pods evicted (their controllers recreate them elsewhere).' })
  evicted!: Pod[];

  @Field(() => [SkippedPod], { description: 'Pods left on purpose (DaemonSet and static pods).' })
  skipped!: SkippedPod[];

  @Field(() => [Pod], { description: 'Pods whose eviction PodDisruptionBudgets kept refusing until the timeout.' })
  blocked!: Pod[];

  @Field({ description: 'True when every pod that had to leave was evicted.' })
  complete!: boolean;
}

@Resolver(() => ClusterNode)
export class NodeResolver {
  @FieldResolver(() => PodConnection, { description: 'Pods placed on this node, by namespace and name, paged.' })
  async pods(@Root() node: ClusterNode, @Ctx() context: ClustersContext, @Args(() => ConnectionArgs) page: ConnectionArgs): Promise<PodConnection> {
    const live = scopedLiveView(context, await requireVisibleCluster(context, node.clusterId));
    const pods = live.pods().filter((pod) => pod.nodeName === node.name);
    return paginate(context, 'ClusterNode.pods', page, pods, byNamespaceAndName, (pod) => toPod(node.clusterId, pod));
  }

  @Authorized()
  @Mutation(() => ClusterNode, { description: 'Marks a node unschedulable: running pods stay, new ones go elsewhere.' })
  async cordonNode(
    @Arg('clusterId', () => ID, { description: 'Cluster of the node.' }) clusterId: string,
    @Arg('name', { description: 'Node name.' }) name: string,
    @Ctx() context: ClustersContext,
  ): Promise<ClusterNode> {
    await requirePermission(context, 'node:operate', clusterId);
    await context.dayTwo.setSchedulable(clusterId, name, false);
    return this.current(context, clusterId, name, { unschedulable: true });
  }

  @Authorized()
  @Mutation(() => ClusterNode, { description: 'Makes a cordoned node schedulable again.' })
  async uncordonNode(
    @Arg('clusterId', () => ID, { description: 'Cluster of the node.' }) clusterId: string,
    @Arg('name', { description: 'Node name.' }) name: string,
    @Ctx() context: ClustersContext,
  ): Promise<ClusterNode> {
    await requirePermission(context, 'node:operate', clusterId);
    await context.dayTwo.setSchedulable(clusterId, name, true);
    return this.current(context, clusterId, name, { unschedulable: false });
  }

  @Authorized()
  @Mutation(() => DrainResult, { description: 'Cordons a node and evicts its pods through the Eviction API, honouring PodDisruptionBudgets, so the node can be removed without interrupting service.' })
  async drainNode(@Arg('input', () => DrainNodeInput, { description: 'The node to drain.' }) input: DrainNodeInput, @Ctx() context: ClustersContext): Promise<DrainResult> {
    const timeoutSeconds = input.timeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS;
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0 || timeoutSeconds > MAX_DRAIN_TIMEOUT_SECONDS) {
      throw new BadInputError('timeoutSeconds', `must be between 0 and ${MAX_DRAIN_TIMEOUT_SECONDS}`);
    }
    await requirePermission(context, 'node:operate', input.clusterId);
    const report = await context.dayTwo.drain(input.clusterId, input.name, { timeoutMs: timeoutSeconds * 1000, ignoreDaemonSets: input.ignoreDaemonSets ?? true });
    const pod = (projection: Parameters<typeof toPod>[1]) => toPod(input.clusterId, projection);
    return {
      node: await this.current(context, input.clusterId, input.name, { unschedulable: true }),
      evicted: report.evicted.map(pod),
      skipped: report.skipped.map((skipped) => ({ pod: pod(skipped.pod), reason: skipped.reason })),
      blocked: report.blocked.map(pod),
      complete: report.blocked.length === 0,
    };
  }

  /** The node as cached, with the flag the API server just accepted (the watch may not have caught up yet). */
  private async current(context: ClustersContext, clusterId: string, name: string, accepted: { unschedulable: boolean }): Promise<ClusterNode> {
    const live = await context.clusters.liveView(clusterId);
    const node = live.nodes().find((candidate) => candidate.name === name);
    if (node === undefined) throw new NotFoundError('Node', name);
    const podCount = live.pods().filter((pod) => pod.nodeName === name).length;
    return toNode(clusterId, { ...node, unschedulable: accepted.unschedulable }, podCount);
  }
}
