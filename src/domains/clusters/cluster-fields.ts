import { Arg, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { BadInputError } from '../../shared/errors.js';
import { Cluster } from './cluster-type.js';
import { checkNamespace, labelMatcher, scopedLiveView, type ClustersContext } from './context.js';
import { ClusterNode, PodConnection, Resources } from './graphql-types.js';
import { requestedResources, sumResources, toNode, toPod } from './mappers.js';
import type { WorkloadKind } from './model.js';
import { summarizeStorage, toClusterEvent, toPersistentVolume, toPersistentVolumeClaim, toService, toStorageClass, toWorkload } from './object-mappers.js';
import { pagePods } from './pod-pages.js';
import type { ClusterLiveView } from './ports.js';
import { ClusterEvent, PersistentVolume, PersistentVolumeClaim, Service, StorageClass, StorageSummary } from './storage-types.js';
import { Workload, WorkloadKindEnum } from './workload-types.js';

const MAX_EVENTS = 1000;

function byNamespaceAndName<T extends { namespace: string; name: string }>(a: T, b: T): number {
  return a.namespace === b.namespace ? a.name.localeCompare(b.name) : a.namespace.localeCompare(b.namespace);
}

/**
 * The live fields of a cluster, all read from its watch caches. Each throws UNAVAILABLE (with the
 * cluster's id) when the cluster cannot answer, so only that cluster's fields come back null.
 */
@Resolver(() => Cluster)
export class ClusterFieldsResolver {
  private live(cluster: Cluster, context: ClustersContext): ClusterLiveView {
    return scopedLiveView(context, cluster);
  }

  @FieldResolver(() => [ClusterNode], { nullable: true, description: 'Nodes of the cluster, by name.' })
  nodes(@Root() cluster: Cluster, @Ctx() context: ClustersContext): ClusterNode[] {
    const live = this.live(cluster, context);
    const podsPerNode = new Map<string, number>();
    for (const pod of live.pods()) {
      if (pod.nodeName !== undefined) podsPerNode.set(pod.nodeName, (podsPerNode.get(pod.nodeName) ?? 0) + 1);
    }
    return live
      .nodes()
      .map((node) => toNode(cluster.id, node, podsPerNode.get(node.name) ?? 0))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  @FieldResolver(() => [String], { nullable: true, description: 'Names of the namespaces of the cluster.' })
  namespaces(@Root() cluster: Cluster, @Ctx() context: ClustersContext): string[] {
    return this.live(cluster, context)
      .namespaces()
      .map((namespace) => namespace.name)
      .sort();
  }

  @FieldResolver(() => Resources, { nullable: true, description: 'Total resources of all nodes.' })
  capacity(@Root() cluster: Cluster, @Ctx() context: ClustersContext): Resources {
    return sumResources(this.live(cluster, context).nodes().map((node) => node.capacity));
  }

  @FieldResolver(() => Resources, { nullable: true, description: 'Resources of all nodes available to pods after system reservations.' })
  allocatable(@Root() cluster: Cluster, @Ctx() context: ClustersContext): Resources {
    return sumResources(this.live(cluster, context).nodes().map((node) => node.allocatable));
  }

  @FieldResolver(() => Resources, { nullable: true, description: 'Resources requested by running and pending pods (what the scheduler has handed out).' })
  requested(@Root() cluster: Cluster, @Ctx() context: ClustersContext): Resources {
    return requestedResources(this.live(cluster, context).pods());
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Number of pods in the cluster.' })
  podCount(@Root() cluster: Cluster, @Ctx() context: ClustersContext): number {
    return this.live(cluster, context).pods().length;
  }

  @FieldResolver(() => Int, { nullable: true, description: 'Number of services in the cluster.' })
  serviceCount(@Root() cluster: Cluster, @Ctx() context: ClustersContext): number {
    return this.live(cluster, context).services().length;
  }

  @FieldResolver(() => PodConnection, { nullable: true, description: 'Pods of the cluster, ordered by namespace and name, paged.' })
  pods(
    @Root() cluster: Cluster,
    @Ctx() context: ClustersContext,
    @Arg('namespace', () => String, { nullable: true, description: 'Only pods of this namespace.' }) namespace?: string | null,
    @Arg('labelSelector', () => String, { nullable: true, description: 'Kubernetes label selector, e.g. "app=web,tier in (front,back)".' }) labelSelector?: string | null,
    @Arg('nodeName', () => String, { nullable: true, description: 'Only pods placed on this node.' }) nodeName?: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'Page size (default 50, at most 1000).' }) first?: number | null,
    @Arg('after', () => String, { nullable: true, description: 'Cursor of the last pod of the previous page.' }) after?: string | null,
  ): PodConnection {
    const matches = labelMatcher(labelSelector);
    const pods = this.live(cluster, context)
      .pods(checkNamespace(namespace))
      .filter((pod) => matches(pod.labels) && (nodeName == null || pod.nodeName === nodeName));
    const page = pagePods(pods, first ?? undefined, after ?? undefined);
    const edges = page.items.map(({ cursor, item }) => ({ cursor, node: toPod(cluster.id, item) }));
    return { totalCount: page.totalCount, edges, pageInfo: { hasNextPage: page.hasNextPage, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @FieldResolver(() => [Workload], { nullable: true, description: 'Deployments, StatefulSets, DaemonSets, Jobs and CronJobs, by namespace and name.' })
  workloads(
    @Root() cluster: Cluster,
    @Ctx() context: ClustersContext,
    @Arg('namespace', () => String, { nullable: true, description: 'Only workloads of this namespace.' }) namespace?: string | null,
    @Arg('kind', () => WorkloadKindEnum, { nullable: true, description: 'Only workloads of this kind.' }) kind?: WorkloadKind | null,
    @Arg('labelSelector', () => String, { nullable: true, description: 'Kubernetes label selector on the workloads\' labels.' }) labelSelector?: string | null,
  ): Workload[] {
    const matches = labelMatcher(labelSelector);
    return this.live(cluster, context)
      .workloads(checkNamespace(namespace))
      .filter((workload) => (kind == null || workload.kind === kind) && matches(workload.labels))
      .sort(byNamespaceAndName)
      .map((workload) => toWorkload(cluster.id, workload));
  }

  @FieldResolver(() => [Service], { nullable: true, description: 'Services, by namespace and name.' })
  services(
    @Root() cluster: Cluster,
    @Ctx() context: ClustersContext,
    @Arg('namespace', () => String, { nullable: true, description: 'Only services of this namespace.' }) namespace?: string | null,
  ): Service[] {
    return this.live(cluster, context)
      .services(checkNamespace(namespace))
      .sort(byNamespaceAndName)
      .map((service) => toService(cluster.id, service));
  }

  @FieldResolver(() => StorageSummary, { nullable: true, description: 'Persistent storage at a glance.' })
  storage(@Root() cluster: Cluster, @Ctx() context: ClustersContext): StorageSummary {
    const live = this.live(cluster, context);
    return summarizeStorage(live.persistentVolumes(), live.persistentVolumeClaims());
  }

  @FieldResolver(() => [PersistentVolume], { nullable: true, description: 'Persistent volumes, by name.' })
  persistentVolumes(@Root() cluster: Cluster, @Ctx() context: ClustersContext): PersistentVolume[] {
    return this.live(cluster, context)
      .persistentVolumes()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((volume) => toPersistentVolume(cluster.id, volume));
  }

  @FieldResolver(() => [PersistentVolumeClaim], { nullable: true, description: 'Persistent volume claims, by namespace and name.' })
  persistentVolumeClaims(
    @Root() cluster: Cluster,
    @Ctx() context: ClustersContext,
    @Arg('namespace', () => String, { nullable: true, description: 'Only claims of this namespace.' }) namespace?: string | null,
  ): PersistentVolumeClaim[] {
    return this.live(cluster, context)
      .persistentVolumeClaims(checkNamespace(namespace))
      .sort(byNamespaceAndName)
      .map((claim) => toPersistentVolumeClaim(cluster.id, claim));
  }

  @FieldResolver(() => [StorageClass], { nullable: true, description: 'Storage classes, by name.' })
  storageClasses(@Root() cluster: Cluster, @Ctx() context: ClustersContext): StorageClass[] {
    return this.live(cluster, context)
      .storageClasses()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((storageClass) => toStorageClass(cluster.id, storageClass));
  }

  @FieldResolver(() => [ClusterEvent], { nullable: true, description: 'Kubernetes events, newest first.' })
  events(
    @Root() cluster: Cluster,
    @Ctx() context: ClustersContext,
    @Arg('namespace', () => String, { nullable: true, description: 'Only events of this namespace.' }) namespace?: string | null,
    @Arg('type', () => String, { nullable: true, description: 'Only events of this type: Normal or Warning.' }) type?: string | null,
    @Arg('first', () => Int, { nullable: true, description: 'How many (default 50, at most 1000).' }) first?: number | null,
  ): ClusterEvent[] {
    const count = first ?? 50;
    if (!Number.isInteger(count) || count < 0 || count > MAX_EVENTS) throw new BadInputError('first', `must be between 0 and ${MAX_EVENTS}`);
    return this.live(cluster, context)
      .events(checkNamespace(namespace))
      .filter((event) => type == null || event.type === type)
      .slice(0, count)
      .map((event) => toClusterEvent(cluster.id, event));
  }
}
