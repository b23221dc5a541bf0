import { Arg, Authorized, Ctx, ID, Query, Resolver } from 'type-graphql';
import { BadInputError } from '../shared/errors.js';
import { decodeGlobalId } from '../shared/global-id.js';
import { asNode, Node } from '../shared/node.js';
import type { GatewayContext } from './context.js';
import { NODE_LOOKUPS } from './node-lookups.js';

export const MAX_NODES = 100;

/**
 * Refetches any object by its global id, through the lookups of the domain that owns its type and
 * so through the same access rules as the other fields. Garbage, an id of an unknown type, a deleted
 * object and an object the caller may not see all answer null, without an error.
 */
async function findNode(context: GatewayContext, id: string): Promise<Node | null> {
  const decoded = decodeGlobalId(id);
  const lookup = decoded === null ? undefined : NODE_LOOKUPS[decoded.typeName];
  if (decoded === null || lookup === undefined) return null;
  const found = await lookup(context, decoded.localKey);
  return found === null ? null : (asNode(decoded.typeName, found) as Node);
}

@Resolver()
export class GlobalNodeResolver {
  @Authorized()
  @Query(() => Node, { nullable: true, description: 'Any object with identity, by its global id; null when it does not exist or the caller may not see it.' })
  node(@Arg('id', () => ID, { description: 'A global id, as an `id` field gave it.' }) id: string, @Ctx() context: GatewayContext): Promise<Node | null> {
    return findNode(context, id);
  }

  @Authorized()
  @Query(() => [Node], {
    nullable: 'items',
    description: `Several objects by their global ids, in the same order; null for each one that does not exist or the caller may not see. At most ${MAX_NODES} ids.`,
  })
  nodes(@Arg('ids', () => [ID], { description: `Global ids, at most ${MAX_NODES}.` }) ids: string[], @Ctx() context: GatewayContext): Array<Promise<Node | null>> {
    if (ids.length > MAX_NODES) throw new BadInputError('ids', `at most ${MAX_NODES} ids per call (got ${ids.length})`);
    // One promise per id: the domains' DataLoaders batch the rows of all of them, and an object whose
    // cluster cannot answer nulls only its own entry.
    return ids.map((id) => findNode(context, id));
  }
}
