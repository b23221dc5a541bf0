import { Arg, Args, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { paginate } from '../../shared/pagination.js';
import { Cluster } from './cluster-type.js';
import {
  ClusterEventConnection,
  ClusterNodeConnection,
  PersistentVolumeClaimConnection,
  PersistentVolumeConnection,
  PodConnection,
  ServiceConnection,
  WorkloadConnection,
  byName,
  byNamespaceAndName,
} from './connections.js';
import { checkNamespace, labelMatcher, scopedLiveView, type ClustersContext } from './context.js';
import { Resources } from './graphql-types.js';
import { requestedResources, sumResources, toNode, toPod } from './mappers.js';
import type { WorkloadKind } from './model.js';
import { summarizeStorage, toClusterEvent, toPersistentVolume, toPersistentVolumeClaim, toService, toStorageClass, toWorkload } from './object-mappers.js';
import type { ClusterLiveView } from './ports.js';
import { StorageClass, StorageSummary } from './storage-types.js';
import { WorkloadKindEnum } from './workload-types.js';

/**
 * The live fields of a cluster, all read from its watch caches. Each throws UNAVAILABLE (with the
 * cluster's id) when the cluster cannot answer, so only that cluster's fields come back null.
 */
@Resolver(() => Cluster)
export class ClusterFieldsResolver {
  private live(cluster: Cluster, context: ClustersContext): ClusterLiveView {
    return scopedLiveView(context, cluster);
  }

  @FieldResolver(() => ClusterNodeConnection, { nullable: true, description: 'Nodes of the cluster, by name, paged.' })
  nodes(@Root() cluster: Cluster, @Ctx() context: ClustersContext, @Args(() => ConnectionArgs) page: ConnectionArgs): ClusterNodeConnection {
    const live = this.live(cluster, context);
    const podsPerNode = new Map<string, number>();
    for (const pod of live.pods()) {
      if (pod.nodeName !== undefined) podsPerNode.set(pod.nodeName, (podsPerNode.get(pod.nodeName) ?? 0) + 1);
    }
    return paginate(context, 'Cluster.nodes', page, live.nodes(), byName, (node) => toNode(cluster.id, node, podsPerNode.get(node.name) ?? 0));
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
    return sumResources(
      this.live(cluster, context)
        .nodes()
        .map((node) => node.capacity),
    );
  }

  @FieldResolver(() => Resources, { nullable: true, description: 'Resources of all nodes available to pods after system reservations.' })
  allocatable(@Root() cluster: Cluster, @Ctx() context: ClustersContext): Resources {
    return sumResources(
      this.live(cluster, context)
        .nodes()
        .map((node) => node.allocatable),
    );
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

  @FieldResolver(() => PodConnection, { nullable: true, description: 'Pods of the cluster, by namespace and name, paged.' })
  pods(
    @Root() cluster: Cluster,
    @Ctx() context: ClustersContext,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Arg('namespace', () => String, { nullable: true, description: 'Only pods of this namespace.' }) namespace?: string | null,
    @Arg('labelSelector', () => String, { nullable: true, description: 'Kubernetes label selector, e.g. "app=web,tier in (front,back)".' }) labelSelector?: string | null,
    @Arg('nodeName', () => String, { nullable: true, description: 'Only pods placed on this node.' }) nodeName?: string | null,
  ): PodConnection {
    const matches = labelMatcher(labelSelector);
    const pods = this.live(cluster, context)
      .pods(checkNamespace(namespace))
      .filter((pod) => matches(pod.labels) && (nodeName == null || pod.nodeName === nodeName));
    return paginate(context, 'Cluster.pods', page, pods, byNamespaceAndName, (pod) => toPod(cluster.id, pod));
  }

  @FieldResolver(() => WorkloadConnection, { nullable: true, description: 'Deployments, StatefulSets, DaemonSets, Jobs and CronJobs, by namespace, name and kind, paged.' })
  workloads(
    @Root() cluster: Cluster,
    @Ctx() context: ClustersContext,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Arg('namespace', () => String, { nullable: true, description: 'Only workloads of this namespace.' }) namespace?: string | null,
    @Arg('kind', () => WorkloadKindEnum, { nullable: true, description: 'Only workloads of this kind.' }) kind?: WorkloadKind | null,
    @Arg('labelSelector', () => String, { nullable: true, description: "Kubernetes label selector on the workloads' labels." }) labelSelector?: string | null,
  ): WorkloadConnection {
    const matches = labelMatcher(labelSelector);
    const workloads = this.live(cluster, context)
      .workloads(checkNamespace(namespace))
      .filter((workload) => (kind == null || workload.kind === kind) && matches(workload.labels));
    // Two workloads of different kinds may share a name: the kind keeps the key unique.
    return paginate(context, 'Cluster.workloads', page, workloads, { key: (workload) => [workload.namespace, workload.name, workload.kind] }, (workload) =>
      toWorkload(cluster.id, workload),
    );
  }

  @FieldResolver(() => ServiceConnection, { nullable: true, description: 'Services, by namespace and name, paged.' })
  services(
    @Root() cluster: Cluster,
    @Ctx() context: ClustersContext,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Arg('namespace', () => String, { nullable: true, description: 'Only services of this namespace.' }) namespace?: string | null,
  ): ServiceConnection {
    const services = this.live(cluster, context).services(checkNamespace(namespace));
    return paginate(context, 'Cluster.services', page, services, byNamespaceAndName, (service) => toService(cluster.id, service));
  }

  @FieldResolver(() => StorageSummary, { nullable: true, description: 'Persistent storage at a glance.' })
  storage(@Root() cluster: Cluster, @Ctx() context: ClustersContext): StorageSummary {
    const live = this.live(cluster, context);
    return summarizeStorage(live.persistentVolumes(), live.persistentVolumeClaims());
  }

  @FieldResolver(() => PersistentVolumeConnection, { nullable: true, description: 'Persistent volumes, by name, paged.' })
  persistentVolumes(@Root() cluster: Cluster, @Ctx() context: ClustersContext, @Args(() => ConnectionArgs) page: ConnectionArgs): PersistentVolumeConnection {
    return paginate(context, 'Cluster.persistentVolumes', page, this.live(cluster, context).persistentVolumes(), byName, (volume) => toPersistentVolume(cluster.id, volume));
  }

  @FieldResolver(() => PersistentVolumeClaimConnection, { nullable: true, description: 'Persistent volume claims, by namespace and name, paged.' })
  persistentVolumeClaims(
    @Root() cluster: Cluster,
    @Ctx() context: ClustersContext,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Arg('namespace', () => String, { nullable: true, description: 'Only claims of this namespace.' }) namespace?: string | null,
  ): PersistentVolumeClaimConnection {
    const claims = this.live(cluster, context).persistentVolumeClaims(checkNamespace(namespace));
    return paginate(context, 'Cluster.persistentVolumeClaims', page, claims, byNamespaceAndName, (claim) => toPersistentVolumeClaim(cluster.id, claim));
  }

  @FieldResolver(() => [StorageClass], { nullable: true, description: 'Storage classes, by name.' })
  storageClasses(@Root() cluster: Cluster, @Ctx() context: ClustersContext): StorageClass[] {
    return this.live(cluster, context)
      .storageClasses()
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((storageClass) => toStorageClass(cluster.id, storageClass));
  }

  @FieldResolver(() => ClusterEventConnection, { nullable: true, description: 'Kubernetes events, newest first (by last occurrence), paged.' })
  events(
    @Root() cluster: Cluster,
    @Ctx() context: ClustersContext,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Arg('namespace', () => String, { nullable: true, description: 'Only events of this namespace.' }) namespace?: string | null,
    @Arg('type', () => String, { nullable: true, description: 'Only events of this type: Normal or Warning.' }) type?: string | null,
  ): ClusterEventConnection {
    const events = this.live(cluster, context)
      .events(checkNamespace(namespace))
      .filter((event) => type == null || event.type === type);
    return paginate(context, 'Cluster.events', page, events, { key: (event) => [event.lastSeen, event.uid], descending: true }, (event) => toClusterEvent(cluster.id, event));
  }
}
