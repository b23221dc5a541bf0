import { Arg, Args, Authorized, Ctx, Extensions, FieldResolver, ID, Mutation, Query, Resolver, Root, Subscription } from 'type-graphql';
import { ConnectionArgs } from '../../shared/connection-types.js';
import { fieldCost } from '../../shared/field-cost.js';
import { localKeyOf } from '../../shared/global-id.js';
import { paginate } from '../../shared/pagination.js';
import {
  AppMapConnection,
  AppMapKubernetesEventConnection,
  AppMapPodConnection,
  AppMapServiceConnection,
  AppMapVolumeConnection,
  AppMapWorkloadConnection,
  BY_OBJECT_NAME,
  EVENTS_NEWEST_FIRST,
  MAPS_BY_NAME,
  WORKLOADS_BY_KIND_AND_NAME,
} from './connections.js';
import { appMapLoadersOf, callerOf, pictureOf, type AppMapsContext } from './context.js';
import { AppMap, AppMapEvent, AppMapGroup, AppMapHealthEnum, AppMapImage, AppMapReplicas } from './graphql-types.js';
import type { HealthStatus } from './health.js';
import { CreateAppMapInput, CreateAppMapPayload, DeleteAppMapInput, DeleteAppMapPayload, UpdateAppMapInput, UpdateAppMapPayload } from './inputs.js';
import type { AppMapUpdate } from './live-stream.js';
import { toAppMap, toAppMapEvent, toGroup, toKubernetesEvent, toPod, toService, toVolume, toWorkload, type ObjectKeyOf } from './mappers.js';
import { imagesOf } from './images.js';

// Drawing a picture reads the namespace's objects from the caches and judges each: a few times an object's price.
const PICTURE_COST = fieldCost({ weight: 3 });

function keysOf(context: AppMapsContext, map: AppMap): ObjectKeyOf {
  return (name, uid) => context.appMaps.objectKey(map.clusterId, map.namespace, name, uid);
}

@Resolver(() => AppMap)
export class AppMapResolver {
  @Authorized()
  @Query(() => AppMapConnection, {
    description:
      'Application maps, by name: of one workspace, or of every workspace the caller belongs to (administrators: every workspace). With `name`, the same application wherever it runs, side by side: its clusters, versions (images) and health.',
  })
  async appMaps(
    @Arg('workspaceId', () => ID, { nullable: true, description: 'Only this workspace’s maps (NOT_FOUND unless the caller belongs to it).' })
    workspaceId: string | null | undefined,
    @Arg('clusterId', () => ID, { nullable: true, description: 'Only the maps on this cluster.' }) clusterId: string | null | undefined,
    @Arg('name', () => String, { nullable: true, description: 'Only the maps of this name (on every cluster and namespace they are drawn on).' }) name: string | null | undefined,
    @Args(() => ConnectionArgs) page: ConnectionArgs,
    @Ctx() context: AppMapsContext,
  ): Promise<AppMapConnection> {
    const records = await context.appMaps.list(callerOf(context), {
      workspaceId: workspaceId === null || workspaceId === undefined ? null : localKeyOf(workspaceId, 'Workspace'),
      clusterId: clusterId === null || clusterId === undefined ? null : localKeyOf(clusterId, 'Cluster'),
      name,
    });
    return paginate(context, 'Query.appMaps', page, records.map(toAppMap), MAPS_BY_NAME, (map) => map);
  }

  @Authorized()
  @Query(() => AppMap, { nullable: true, description: 'An application map of a workspace the caller belongs to (NOT_FOUND otherwise).' })
  async appMap(@Arg('id', () => ID, { description: 'Map id.' }) id: string, @Ctx() context: AppMapsContext): Promise<AppMap> {
    return toAppMap(await context.appMaps.get(callerOf(context), localKeyOf(id, 'AppMap')));
  }

  @Authorized()
  @Mutation(() => CreateAppMapPayload, {
    description:
      'Draws an application map around workloads of a namespace allotted to the workspace, by label selector. DEVOPS and MANAGER members. Nothing in the cluster changes. A cluster or namespace not allotted is BAD_USER_INPUT; a name the workspace already uses there is CONFLICT.',
  })
  async createAppMap(@Arg('input', () => CreateAppMapInput, { description: 'The map.' }) input: CreateAppMapInput, @Ctx() context: AppMapsContext): Promise<CreateAppMapPayload> {
    const record = await context.appMaps.create(callerOf(context), {
      ...input,
      workspaceId: localKeyOf(input.workspaceId, 'Workspace'),
      clusterId: localKeyOf(input.clusterId, 'Cluster'),
    });
    return { appMap: toAppMap(record) };
  }

  @Authorized()
  @Mutation(() => UpdateAppMapPayload, { description: 'Changes the name, stage, selector, groups or description of an application map. The same rights as creating it.' })
  async updateAppMap(
    @Arg('input', () => UpdateAppMapInput, { description: 'The map and its changes.' }) input: UpdateAppMapInput,
    @Ctx() context: AppMapsContext,
  ): Promise<UpdateAppMapPayload> {
    return { appMap: toAppMap(await context.appMaps.update(callerOf(context), { ...input, id: localKeyOf(input.id, 'AppMap') })) };
  }

  @Authorized()
  @Mutation(() => DeleteAppMapPayload, {
    description: 'Deletes an application map. Its workloads, pods, services and volumes keep running: nothing in the cluster is deleted. The same rights as creating it.',
  })
  async deleteAppMap(@Arg('input', () => DeleteAppMapInput, { description: 'The map.' }) input: DeleteAppMapInput, @Ctx() context: AppMapsContext): Promise<DeleteAppMapPayload> {
    return { deletedAppMapId: (await context.appMaps.delete(callerOf(context), localKeyOf(input.id, 'AppMap'))).id };
  }

  @Authorized()
  @Subscription(() => AppMapEvent, {
    description:
      'Rollouts and health changes of application maps on any number of clusters, live: an event whenever a map’s verdict, its reason or a workload’s replica counts change. Every map must be one the caller may read (NOT_FOUND otherwise); leaving the map’s workspace ends the stream with FORBIDDEN. Pass `after` (the cursor of an event, same appMapIds) to resume: each map whose state changed since is sent first, with its current state.',
    subscribe: ({ args, context }) => {
      const { appMapIds, after } = args as { appMapIds: string[]; after?: string | null };
      const appMaps = context as AppMapsContext;
      return appMaps.appMaps.events(
        callerOf(appMaps),
        appMapIds.map((id) => localKeyOf(id, 'AppMap')),
        after,
      );
    },
  })
  appMapEvents(
    @Root() update: AppMapUpdate,
    @Arg('appMapIds', () => [ID], { description: 'The maps to follow (1-50), on any clusters.' }) _appMapIds: string[],
    @Arg('after', () => String, { nullable: true, description: 'Resume after the event with this cursor.' }) _after?: string,
  ): AppMapEvent {
    return toAppMapEvent(update);
  }

  @FieldResolver(() => String, { description: 'The name of its cluster.' })
  async clusterName(@Root() map: AppMap, @Ctx() context: AppMapsContext): Promise<string> {
    return (await appMapLoadersOf(context).clusterFacts.load(map.clusterId))?.name ?? '';
  }

  @FieldResolver(() => String, { description: 'The region of its cluster (Seoul, Tokyo…).' })
  async region(@Root() map: AppMap, @Ctx() context: AppMapsContext): Promise<string> {
    return (await appMapLoadersOf(context).clusterFacts.load(map.clusterId))?.region ?? '';
  }

  @Extensions(PICTURE_COST)
  @FieldResolver(() => AppMapHealthEnum, {
    description:
      'Its verdict: the worst of its workloads, pods, services and claims (HEALTHY < SUSPENDED < PROGRESSING < MISSING < DEGRADED). MISSING when no workload matches, or when its cluster cannot be read.',
  })
  async health(@Root() map: AppMap, @Ctx() context: AppMapsContext): Promise<HealthStatus> {
    return (await pictureOf(context, map.record)).health.status;
  }

  @Extensions(PICTURE_COST)
  @FieldResolver(() => String, {
    nullable: true,
    description: 'Why, naming the object that decides it ("Deployment web: rolling out: 1 of 3 replicas updated"); null when healthy.',
  })
  async healthReason(@Root() map: AppMap, @Ctx() context: AppMapsContext): Promise<string | null> {
    return (await pictureOf(context, map.record)).health.reason;
  }

  @Extensions(PICTURE_COST)
  @FieldResolver(() => AppMapReplicas, { description: 'Replica counts summed over its workloads.' })
  async replicas(@Root() map: AppMap, @Ctx() context: AppMapsContext): Promise<AppMapReplicas> {
    return { ...(await pictureOf(context, map.record)).replicas };
  }

  @Extensions(PICTURE_COST)
  @FieldResolver(() => [AppMapGroup], { description: 'Its groups (at most 20), each with the workloads in it now and its health.' })
  async groups(@Root() map: AppMap, @Ctx() context: AppMapsContext): Promise<AppMapGroup[]> {
    return (await pictureOf(context, map.record)).groups.map(toGroup);
  }

  @Extensions(PICTURE_COST)
  @FieldResolver(() => [AppMapImage], { description: 'The images its workloads run: which version of the application runs here.' })
  async images(@Root() map: AppMap, @Ctx() context: AppMapsContext): Promise<AppMapImage[]> {
    return imagesOf((await pictureOf(context, map.record)).workloads).map((image) => ({ ...image, workloads: [...image.workloads] }));
  }

  @Extensions(PICTURE_COST)
  @FieldResolver(() => AppMapWorkloadConnection, { description: 'Its workloads with their replicas and health, by kind and name, paged.' })
  async workloads(@Root() map: AppMap, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() context: AppMapsContext): Promise<AppMapWorkloadConnection> {
    const keyOf = keysOf(context, map);
    return paginate(context, 'AppMap.workloads', page, (await pictureOf(context, map.record)).workloads, WORKLOADS_BY_KIND_AND_NAME, (entry) => toWorkload(entry, keyOf));
  }

  @Extensions(PICTURE_COST)
  @FieldResolver(() => AppMapPodConnection, { description: 'Its pods with their containers and images, by name, paged.' })
  async pods(@Root() map: AppMap, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() context: AppMapsContext): Promise<AppMapPodConnection> {
    const keyOf = keysOf(context, map);
    return paginate(context, 'AppMap.pods', page, (await pictureOf(context, map.record)).pods, BY_OBJECT_NAME, (entry) => toPod(entry, keyOf));
  }

  @Extensions(PICTURE_COST)
  @FieldResolver(() => AppMapServiceConnection, { description: 'Its services and the workloads each sends traffic to, by name, paged.' })
  async services(@Root() map: AppMap, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() context: AppMapsContext): Promise<AppMapServiceConnection> {
    const keyOf = keysOf(context, map);
    return paginate(context, 'AppMap.services', page, (await pictureOf(context, map.record)).services, BY_OBJECT_NAME, (entry) => toService(entry, keyOf));
  }

  @Extensions(PICTURE_COST)
  @FieldResolver(() => AppMapVolumeConnection, { description: 'Its volume claims and the workloads that use them, by name, paged.' })
  async volumes(@Root() map: AppMap, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() context: AppMapsContext): Promise<AppMapVolumeConnection> {
    const keyOf = keysOf(context, map);
    return paginate(context, 'AppMap.volumes', page, (await pictureOf(context, map.record)).claims, BY_OBJECT_NAME, (entry) => toVolume(entry, keyOf));
  }

  @Extensions(PICTURE_COST)
  @FieldResolver(() => AppMapKubernetesEventConnection, { description: 'The last Kubernetes events about its objects, newest first (at most 100), paged.' })
  async events(@Root() map: AppMap, @Args(() => ConnectionArgs) page: ConnectionArgs, @Ctx() context: AppMapsContext): Promise<AppMapKubernetesEventConnection> {
    return paginate(context, 'AppMap.events', page, (await pictureOf(context, map.record)).events, EVENTS_NEWEST_FIRST, toKubernetesEvent);
  }
}
