import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { UnauthenticatedError } from '../../shared/errors.js';
import { localKeyOf } from '../../shared/global-id.js';
import { RegisterClusterInput, RemoveClusterInput, UpdateClusterInput } from './cluster-inputs.js';
import { Cluster } from './cluster-type.js';
import { namespaceScopeOf, narrowToAllotment, requireAllotments, requireVisibleCluster, visibleCluster, type ClustersContext } from './context.js';
import { guardStream } from './guarded-stream.js';
import { toCluster } from './mappers.js';
import { RegisterClusterPayload, RemoveClusterPayload, UpdateClusterPayload } from './payloads.js';
import type { ClusterStatusEvent, StreamedEvent } from './ports.js';

@Resolver(() => Cluster)
export class ClusterResolver {
  @Authorized()
  @Query(() => [Cluster], {
    description:
      'Every cluster the caller may see. A cluster that cannot answer still appears, with its status; its live fields are null with an UNAVAILABLE error naming it in `extensions.clusterId`.',
  })
  async clusters(
    @Ctx() context: ClustersContext,
    @Arg('workspaceId', () => ID, { nullable: true, description: 'Only the clusters allotted to this workspace, narrowed to its namespaces.' }) workspaceId?: string | null,
  ): Promise<Cluster[]> {
    const visible = await Promise.all((await context.clusters.list()).map((snapshot) => visibleCluster(context, snapshot)));
    const clusters = visible.filter((cluster): cluster is Cluster => cluster !== null);
    if (workspaceId == null) return clusters;
    const allotments = new Map((await requireAllotments(context, localKeyOf(workspaceId, 'Workspace'))).map((allotment) => [allotment.clusterId, allotment]));
    return clusters.flatMap((cluster) => {
      const allotment = allotments.get(cluster.id);
      return allotment === undefined ? [] : [narrowToAllotment(cluster, allotment)];
    });
  }

  @Authorized()
  @Query(() => Cluster, { nullable: true, description: 'One cluster by id; null when it does not exist.' })
  async cluster(@Arg('id', () => ID, { description: 'Cluster id.' }) id: string, @Ctx() context: ClustersContext): Promise<Cluster | null> {
    const snapshot = await context.clusters.get(localKeyOf(id, 'Cluster'));
    return snapshot === null ? null : visibleCluster(context, snapshot);
  }

  @Authorized('ADMIN')
  @Mutation(() => RegisterClusterPayload, {
    description: 'Connects a cluster: checks that it answers, stores its kubeconfig encrypted, and starts watching it. System administrators only.',
  })
  async registerCluster(
    @Arg('input', () => RegisterClusterInput, { description: 'The cluster to connect.' }) input: RegisterClusterInput,
    @Ctx() context: ClustersContext,
  ): Promise<RegisterClusterPayload> {
    const snapshot = await context.clusters.register(input);
    return { cluster: toCluster(snapshot, context.clusters.liveStatus(snapshot), 'ALL') };
  }

  @Authorized('ADMIN')
  @Mutation(() => UpdateClusterPayload, {
    description: "Changes a cluster's name, provider, region or connection. A new kubeconfig is checked first, then the watches reconnect with it. System administrators only.",
  })
  async updateCluster(
    @Arg('input', () => UpdateClusterInput, { description: 'The cluster and the fields to change; omitted fields stay as they are.' }) input: UpdateClusterInput,
    @Ctx() context: ClustersContext,
  ): Promise<UpdateClusterPayload> {
    const { id, ...changes } = input;
    const snapshot = await context.clusters.update(localKeyOf(id, 'Cluster'), changes);
    return { cluster: toCluster(snapshot, context.clusters.liveStatus(snapshot), 'ALL') };
  }

  @Authorized('ADMIN')
  @Mutation(() => RemoveClusterPayload, {
    description: 'Stops watching a cluster and forgets it (its kubeconfig included). Nothing in the cluster changes. System administrators only.',
  })
  async removeCluster(
    @Arg('input', () => RemoveClusterInput, { description: 'The cluster to remove.' }) input: RemoveClusterInput,
    @Ctx() context: ClustersContext,
  ): Promise<RemoveClusterPayload> {
    return { removedClusterId: (await context.clusters.remove(localKeyOf(input.id, 'Cluster'))).id };
  }

  @Authorized()
  @Subscription(() => Cluster, {
    description: 'A cluster each time its connection status changes (RUNNING, DEGRADED, UNREACHABLE…).',
    subscribe: async ({ context, args }) => {
      const clustersContext = context as ClustersContext;
      if (clustersContext.principal === null) throw new UnauthenticatedError();
      const { workspaceId } = args as { workspaceId?: string | null };
      const inWorkspace =
        workspaceId == null ? null : new Set((await requireAllotments(clustersContext, localKeyOf(workspaceId, 'Workspace'))).map((allotment) => allotment.clusterId));
      // Status changes of clusters the caller cannot see (now) are not theirs to know.
      return guardStream(await clustersContext.clusters.statusEvents(), async (message) => {
        const { clusterId } = message.event;
        if (inWorkspace !== null && !inWorkspace.has(clusterId)) return 'skip';
        return namespaceScopeOf(await clustersContext.access(), clusterId) === null ? 'skip' : 'deliver';
      });
    },
  })
  async clusterStatus(
    @Root() message: StreamedEvent<ClusterStatusEvent>,
    @Ctx() context: ClustersContext,
    @Arg('workspaceId', () => ID, { nullable: true, description: 'Only the clusters allotted to this workspace.' }) _workspaceId?: string | null,
  ): Promise<Cluster> {
    const cluster = await requireVisibleCluster(context, message.event.clusterId);
    const { state, reason, lastSeenAt } = message.event;
    // The status as it was when the event was published, not as it is when it is delivered.
    return { ...cluster, status: state, statusReason: reason ?? null, lastSeenAt: lastSeenAt ?? null };
  }
}
