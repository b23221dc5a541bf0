import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { paginate } from '../../shared/pagination.js';
import { byNamespaceAndName, PodConnection } from './connections.js';
import { BadInputError, NotFoundError } from '../../shared/errors.js';
import { requirePermission, requireVisibleCluster, scopedLiveView, type ClustersContext } from './context.js';
import { ClusterNode } from './graphql-types.js';
import { toNode, toPod } from './mappers.js';
import { localKeyOf } from '../../shared/global-id.js';
import { CordonNodeInput, DrainNodeInput, UncordonNodeInput } from './operation-inputs.js';
import { CordonNodePayload, DrainNodePayload, UncordonNodePayload } from './payloads.js';

const DEFAULT_DRAIN_TIMEOUT_SECONDS = 60;
const MAX_DRAIN_TIMEOUT_SECONDS = 600;

@Resolver(() => ClusterNode)
export class NodeResolver {
  @FieldResolver(() => PodConnection, { description: 'Pods placed on this node, by namespace and name, paged.' })
  async pods(@Root() node: ClusterNode, @Ctx() context: ClustersContext, @Args(() => ConnectionArgs) page: ConnectionArgs): Promise<PodConnection> {
    const live = scopedLiveView(context, await requireVisibleCluster(context, node.clusterId));
    const pods = live.pods().filter((pod) => pod.nodeName === node.name);
    return paginate(context, 'ClusterNode.pods', page, pods, byNamespaceAndName, (pod) => toPod(node.clusterId, pod));
  }

  @Authorized()
  @Mutation(() => CordonNodePayload, { description: 'Marks a node unschedulable: running pods stay, new ones go elsewhere.' })
  async cordonNode(
    @Arg('input', () => CordonNodeInput, { description: 'The node to cordon.' }) input: CordonNodeInput,
    @Ctx() context: ClustersContext,
  ): Promise<CordonNodePayload> {
    const clusterId = localKeyOf(input.clusterId, 'Cluster');
    await requirePermission(context, 'node:operate', clusterId);
    await context.dayTwo.setSchedulable(clusterId, input.name, false);
    return { node: await this.current(context, clusterId, input.name, { unschedulable: true }) };
  }

  @Authorized()
  @Mutation(() => UncordonNodePayload, { description: 'Makes a cordoned node schedulable again.' })
  async uncordonNode(
    @Arg('input', () => UncordonNodeInput, { description: 'The node to uncordon.' }) input: UncordonNodeInput,
    @Ctx() context: ClustersContext,
  ): Promise<UncordonNodePayload> {
    const clusterId = localKeyOf(input.clusterId, 'Cluster');
    await requirePermission(context, 'node:operate', clusterId);
    await context.dayTwo.setSchedulable(clusterId, input.name, true);
    return { node: await this.current(context, clusterId, input.name, { unschedulable: false }) };
  }

  @Authorized()
  @Mutation(() => DrainNodePayload, {
    description: 'Cordons a node and evicts its pods through the Eviction API, honouring PodDisruptionBudgets, so the node can be removed without interrupting service.',
  })
  async drainNode(@Arg('input', () => DrainNodeInput, { description: 'The node to drain.' }) input: DrainNodeInput, @Ctx() context: ClustersContext): Promise<DrainNodePayload> {
    const timeoutSeconds = input.timeoutSeconds ?? DEFAULT_DRAIN_TIMEOUT_SECONDS;
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 0 || timeoutSeconds > MAX_DRAIN_TIMEOUT_SECONDS) {
      throw new BadInputError('timeoutSeconds', `must be between 0 and ${MAX_DRAIN_TIMEOUT_SECONDS}`);
    }
    const clusterId = localKeyOf(input.clusterId, 'Cluster');
    await requirePermission(context, 'node:operate', clusterId);
    const report = await context.dayTwo.drain(clusterId, input.name, { timeoutMs: timeoutSeconds * 1000, ignoreDaemonSets: input.ignoreDaemonSets ?? true });
    const pod = (projection: Parameters<typeof toPod>[1]) => toPod(clusterId, projection);
    return {
      node: await this.current(context, clusterId, input.name, { unschedulable: true }),
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
    if (node === undefined) throw new NotFoundError('Node', name, 'name');
    const podCount = live.pods().filter((pod) => pod.nodeName === name).length;
    return toNode(clusterId, { ...node, unschedulable: accepted.unschedulable }, podCount);
  }
}
