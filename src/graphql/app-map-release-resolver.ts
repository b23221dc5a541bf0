import DataLoader from 'dataloader';
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppMap, toAppMap, type AppMapRecord } from '../domains/app-maps/index.js';
import { Release, toRelease, visibleRelease } from '../domains/catalog/index.js';
import type { GatewayContext } from './context.js';

const mapsByContext = new WeakMap<GatewayContext, DataLoader<string, AppMapRecord | null>>();

/** The maps of every release in a response, in one statement. */
function mapOfRelease(context: GatewayContext): DataLoader<string, AppMapRecord | null> {
  let loader = mapsByContext.get(context);
  if (loader === undefined) {
    loader = new DataLoader(async (releaseIds: readonly string[]) => {
      const found = new Map((await context.appMaps.mapsOfReleases(releaseIds)).map((map) => [map.releaseId, map]));
      return releaseIds.map((id) => found.get(id) ?? null);
    });
    mapsByContext.set(context, loader);
  }
  return loader;
}

/** Where application maps meet the releases deployed into them: no domain imports the other, so the edge owns these fields. */
@Resolver(() => AppMap)
export class AppMapReleaseResolver {
  @FieldResolver(() => Release, {
    nullable: true,
    description: 'The release deployed into the map, with its version, status and history; null for a map drawn around running workloads.',
  })
  async release(@Root() map: AppMap, @Ctx() context: GatewayContext): Promise<Release | null> {
    if (map.releaseId === null) return null;
    const record = await visibleRelease(context, map.releaseId);
    return record === null ? null : toRelease(record);
  }

  @FieldResolver(() => String, {
    nullable: true,
    description: 'The catalog package version its release runs now (its current revision’s semantic version); null for a map drawn around running workloads.',
  })
  async packageVersion(@Root() map: AppMap, @Ctx() context: GatewayContext): Promise<string | null> {
    if (map.releaseId === null) return null;
    return (await visibleRelease(context, map.releaseId))?.version ?? null;
  }
}

@Resolver(() => Release)
export class ReleaseAppMapResolver {
  @FieldResolver(() => AppMap, {
    nullable: true,
    description: 'The application map the release draws (or adopted), with its picture and health; null once the release is uninstalled.',
  })
  async appMap(@Root() release: Release, @Ctx() context: GatewayContext): Promise<AppMap | null> {
    // A release's readers are its workspace's members, who read the workspace's maps too.
    const map = await mapOfRelease(context).load(release.id);
    return map === null || map.workspaceId !== release.workspaceId ? null : toAppMap(map);
  }
}
