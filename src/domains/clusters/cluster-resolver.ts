import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { RegisterClusterInput } from './cluster-inputs.js';
import { BadInputError, UnauthenticatedError } from '../../shared/errors.js';
import { compileLabelSelector, LabelSelectorSyntaxError, type LabelMatcher } from '../../shared/label-selector.js';
import type { ClusterService } from './cluster-service.js';
import type { ClusterLoaders } from './loaders.js';
import { Cluster } from './cluster-type.js';
import { Node, PodConnection, PodEvent, Resources } from './graphql-types.js';
import { requestedResources, sumResources, toCluster, toNode, toPod, toWatchEventKind } from './mappers.js';
import type { ClusterObjectEvent, PodProjection } from './model.js';
import { pagePods } from './pod-pages.js';
import type { StreamedEvent } from './ports.js';

/** The part of the per-request context this domain reads. */
export interface ClustersContext {
  readonly principal: unknown;
  readonly clusters: ClusterService;
  readonly loaders: ClusterLoaders;
}

const NAMESPACE_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function labelMatcher(selector: string | undefined): LabelMatcher {
  try {
    return compileLabelSelector(selector);
  } catch (error) {
    if (error instanceof LabelSelectorSyntaxError) throw new BadInputError('labelSelector', error.message);
    throw error;
  }
}

@Resolver(() => Cluster)
export class ClusterResolver {
  @Authorized()
  @Query(() => [Cluster], { description: 'Every cluster the caller may see.' })
  async clusters(@Ctx() context: ClustersContext): Promise<Cluster[]> {
    const snapshots = await context.clusters.list();
    return snapshots.map((snapshot) => toCluster(snapshot, context.clusters.liveStatus(snapshot)));
  }

  @Authorized()
  @Query(() => Cluster, { nullable: true, description: 'One cluster by id; null when it does not exist.' })
  async cluster(@Arg('id', () => ID, { description: 'Cluster id.' }) id: string, @Ctx() context: ClustersContext): Promise<Cluster | null> {
    const snapshot = await context.clusters.get(id);
    return snapshot === null ? null : toCluster(snapshot, context.clusters.liveStatus(snapshot));
  }

  @Authorized('ADMIN')
  @Mutation(() => Cluster, { description: 'Connects a cluster: checks that it answers, stores its kubeconfig encrypted, and starts watching it. System administrators only.' })
  async registerCluster(@Arg('input', () => RegisterClusterInput, { description: 'The cluster to connect.' }) input: RegisterClusterInput, @Ctx() context: ClustersContext): Promise<Cluster> {
    const snapshot = await context.clusters.register(input);
    return toCluster(snapshot, context.clusters.liveStatus(snapshot));
  }

  @FieldResolver(() => [Node], { description: 'Nodes of the cluster, by name.' })
  nodes(@Root() cluster: Cluster): Node[] {
    if (cluster.live === undefined) return [];
    const podsPerNode = new Map<string, number>();
    for (const pod of cluster.live.pods()) {
      if (pod.nodeName !== undefined) podsPerNode.set(pod.nodeName, (podsPerNode.get(pod.nodeName) ?? 0) + 1);
    }
    return cluster.live
      .nodes()
      .map((node) => toNode(node, podsPerNode.get(node.name) ?? 0))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  @FieldResolver(() => [String], { description: 'Names of the namespaces of the cluster.' })
  namespaces(@Root() cluster: Cluster): string[] {
    return (cluster.live?.namespaces() ?? []).map((namespace) => namespace.name).sort();
  }

  @FieldResolver(() => Resources, { nullable: true, description: 'Total resources of all nodes; null until the nodes are known.' })
  capacity(@Root() cluster: Cluster): Resources | null {
    const nodes = cluster.live?.nodes() ?? [];
    return nodes.length === 0 ? null : sumResources(nodes.map((node) => node.capacity));
  }

  @FieldResolver(() => Resources, { nullable: true, description: 'Resources of all nodes available to pods; null until the nodes are known.' })
  allocatable(@Root() cluster: Cluster): Resources | null {
    const nodes = cluster.live?.nodes() ?? [];
    return nodes.length === 0 ? null : sumResources(nodes.map((node) => node.allocatable));
  }

  @FieldResolver(() => Resources, { nullable: true, description: 'Resources requested by the running and pending pods (what the scheduler has handed out).' })
  requested(@Root() cluster: Cluster): Resources | null {
    return cluster.live === undefined ? null : requestedResources(cluster.live.pods());
  }

  @FieldResolver(() => Int, { description: 'Number of pods in the cluster.' })
  podCount(@Root() cluster: Cluster): number {
    return cluster.live?.pods().length ?? 0;
  }

  @FieldResolver(() => PodConnection, { description: 'Pods of the cluster, ordered by namespace and name, paged.' })
  pods(
    @Root() cluster: Cluster,
    @Arg('namespace', () => String, { nullable: true, description: 'Only pods of this namespace.' }) namespace?: string,
    @Arg('labelSelector', () => String, { nullable: true, description: 'Kubernetes label selector, e.g. "app=web,tier in (front,back)".' }) labelSelector?: string,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 1000).' }) first?: number,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last pod of the previous page.' }) after?: string,
  ): PodConnection {
    const matches = labelMatcher(labelSelector);
    const pods = (cluster.live?.pods(namespace ?? undefined) ?? []).filter((pod) => matches(pod.labels));
    const page = pagePods(pods, first ?? undefined, after ?? undefined);
    const edges = page.items.map(({ cursor, item }) => ({ cursor, node: toPod(cluster.id, item) }));
    return { totalCount: page.totalCount, edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Authorized()
  @Subscription(() => PodEvent, {
    description: 'Pods added, changed and deleted in a cluster, live. Pass `after` (a cursor of an earlier event) to resume right after it, with nothing lost.',
    subscribe: async ({ args, context }) => {
      const { clusters, principal } = context as ClustersContext;
      if (principal === null) throw new UnauthenticatedError();
      const { clusterId, namespace, after } = args as { clusterId: string; namespace?: string | null; after?: string | null };
      if (namespace != null && !NAMESPACE_NAME.test(namespace)) throw new BadInputError('namespace', 'is not a valid namespace name');
      await clusters.require(clusterId);
      return clusters.podEvents(clusterId, namespace ?? undefined, after ?? undefined);
    },
  })
  podEvents(
    @Root() message: StreamedEvent<ClusterObjectEvent<PodProjection>>,
    @Arg('clusterId', () => ID, { description: 'Cluster to watch.' }) _clusterId: string,
    @Arg('namespace', () => String, { nullable: true, description: 'Only pods of this namespace.' }) _namespace?: string,
    @Arg('after', () => String, { nullable: true, description: 'Resume right after the event with this cursor.' }) _after?: string,
  ): PodEvent {
    return { type: toWatchEventKind(message.event.type), pod: toPod(message.event.clusterId, message.event.object), cursor: message.cursor };
  }
}
