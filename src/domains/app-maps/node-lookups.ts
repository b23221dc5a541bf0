import type { NodeLookups } from '../../shared/node-lookup.js';
import { appMapLoadersOf, visibleMap, type AppMapsContext } from './context.js';
import { toAppMap } from './mappers.js';

/** `node(id:)` for application maps: the same rights as `appMap(id:)`, through the batched loaders. */
export const appMapNodeLookups: NodeLookups<AppMapsContext> = {
  AppMap: async (context, id) => {
    const record = await visibleMap(context, await appMapLoadersOf(context).mapById.load(id));
    return record === null ? null : toAppMap(record);
  },
};
