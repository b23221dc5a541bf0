import DataLoader from 'dataloader';
import { UnauthenticatedError } from '../../shared/errors.js';
import type { PagingContext } from '../../shared/pagination.js';
import { isAllotted, type AppMapService } from './app-map-service.js';
import type { ClusterFacts } from './objects.js';
import { drawPicture, type Picture } from './picture.js';
import type { PrincipalLike } from './ports.js';
import type { AppMapRecord } from './records.js';

/** The part of the per-request context this domain reads. */
export interface AppMapsContext extends PagingContext {
  readonly principal: PrincipalLike | null;
  readonly appMaps: AppMapService;
}

export interface AppMapLoaders {
  readonly mapById: DataLoader<string, AppMapRecord | null>;
  /** Whether the caller may read a workspace's maps, for every workspace a response names at once. */
  readonly workspaceReadable: DataLoader<string, boolean>;
  /** The clusters of every map of a response, in one statement. */
  readonly clusterFacts: DataLoader<string, ClusterFacts | null>;
  /** What is allotted to each workspace of a response, in one statement. */
  readonly allotments: DataLoader<string, ReadonlyMap<string, readonly string[] | null>>;
}

const loadersByContext = new WeakMap<AppMapsContext, AppMapLoaders>();
const picturesByContext = new WeakMap<AppMapsContext, Map<AppMapRecord, Promise<Picture>>>();

export function appMapLoadersOf(context: AppMapsContext): AppMapLoaders {
  let loaders = loadersByContext.get(context);
  if (loaders === undefined) {
    const { appMaps } = context;
    loaders = {
      mapById: new DataLoader(async (ids: readonly string[]) => {
        const found = new Map((await appMaps.getMany(ids)).map((record) => [record.id, record]));
        return ids.map((id) => found.get(id) ?? null);
      }),
      workspaceReadable: new DataLoader(async (workspaceIds: readonly string[]) => {
        const readable = await appMaps.readableWorkspaces(callerOf(context), workspaceIds);
        return workspaceIds.map((id) => readable.has(id));
      }),
      clusterFacts: new DataLoader(async (clusterIds: readonly string[]) => {
        const found = await appMaps.clusterFacts(clusterIds);
        return clusterIds.map((id) => found.get(id) ?? null);
      }),
      allotments: new DataLoader(async (workspaceIds: readonly string[]) => {
        const found = await appMaps.allotments(workspaceIds);
        return workspaceIds.map((id) => found.get(id) ?? new Map());
      }),
    };
    loadersByContext.set(context, loaders);
  }
  return loaders;
}

export function callerOf(context: AppMapsContext): PrincipalLike {
  if (context.principal === null) throw new UnauthenticatedError();
  return context.principal;
}

/** A map the caller may read, through the batched loaders; else null. */
export async function visibleMap(context: AppMapsContext, record: AppMapRecord | null): Promise<AppMapRecord | null> {
  callerOf(context);
  if (record === null) return null;
  return (await appMapLoadersOf(context).workspaceReadable.load(record.workspaceId)) ? record : null;
}

/** A map's picture, drawn once per request however many of its fields are asked for. */
export function pictureOf(context: AppMapsContext, map: AppMapRecord): Promise<Picture> {
  let pictures = picturesByContext.get(context);
  if (pictures === undefined) {
    pictures = new Map();
    picturesByContext.set(context, pictures);
  }
  let picture = pictures.get(map);
  if (picture === undefined) {
    const loaders = appMapLoadersOf(context);
    picture = Promise.all([loaders.clusterFacts.load(map.clusterId), loaders.allotments.load(map.workspaceId)]).then(([cluster, allotments]) =>
      drawPicture({ map, cluster, allotted: isAllotted(allotments, map.clusterId, map.namespace), objects: context.appMaps.objectsIn(map.clusterId, map.namespace) }),
    );
    pictures.set(map, picture);
  }
  return picture;
}

/** The map's workloads now (kind, name, images), from its picture: what other domains join on. */
export async function mapWorkloadsOf(context: AppMapsContext, map: AppMapRecord): Promise<Array<{ kind: string; name: string; images: readonly string[] }>> {
  return (await pictureOf(context, map)).workloads.map((entry) => ({ kind: entry.object.kind, name: entry.object.name, images: entry.object.images }));
}

/** The nodes the map's pods run on now, from the request's picture. */
export async function mapNodeNames(context: AppMapsContext, map: AppMapRecord): Promise<Set<string>> {
  return new Set((await pictureOf(context, map)).pods.flatMap((entry) => (entry.object.nodeName === undefined ? [] : [entry.object.nodeName])));
}

/** The names of the pods a map draws now (its usage sums them), from the request's picture. */
export async function mapPodNames(context: AppMapsContext, map: AppMapRecord): Promise<string[]> {
  return (await pictureOf(context, map)).pods.map((entry) => entry.object.name);
}
