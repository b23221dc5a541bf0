import { Ctx, Extensions, FieldResolver, Resolver, Root } from 'type-graphql';
import { AppMap, mapNodeNames, toAppMap, type AppMapRecord } from '../domains/app-maps/index.js';
import { ClusterNode } from '../domains/clusters/graphql-types.js';
import { UnauthenticatedError } from '../shared/errors.js';
import { fieldCost } from '../shared/field-cost.js';
import type { GatewayContext } from './context.js';

/** Per request and cluster: the caller's maps there, read once however many nodes ask. */
const mapsByContext = new WeakMap<GatewayContext, Map<string, Promise<AppMapRecord[]>>>();

function mapsOnCluster(context: GatewayContext, clusterId: string): Promise<AppMapRecord[]> {
  if (context.principal === null) throw new UnauthenticatedError();
  let byCluster = mapsByContext.get(context);
  if (byCluster === undefined) {
    byCluster = new Map();
    mapsByContext.set(context, byCluster);
  }
  let maps = byCluster.get(clusterId);
  if (maps === undefined) {
    maps = context.appMaps.list(context.principal, { clusterId });
    byCluster.set(clusterId, maps);
  }
  return maps;
}

/** Where nodes meet application maps: no domain imports the other, so the edge owns the field. */
@Resolver(() => ClusterNode)
export class NodeAppMapsResolver {
  // Draws the picture of each of the caller's maps on the cluster (once per request).
  @Extensions(fieldCost({ weight: 10 }))
  @FieldResolver(() => [AppMap], {
    description: 'The application maps (of the workspaces the caller belongs to) with a pod running on this node now, by name.',
  })
  async appMaps(@Root() node: ClusterNode, @Ctx() context: GatewayContext): Promise<AppMap[]> {
    const maps = await mapsOnCluster(context, node.clusterId);
    const running = await Promise.all(maps.map(async (map) => ((await mapNodeNames(context, map)).has(node.name) ? map : null)));
    return running.filter((map): map is AppMapRecord => map !== null).map(toAppMap);
  }
}
