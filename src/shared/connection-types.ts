import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import type { ConnectionValues } from './pagination.js';

/** The GraphQL side of src/shared/pagination.ts: one PageInfo, the four paging arguments, and a factory for `XConnection`/`XEdge`. */

@ObjectType({ description: 'Where a page sits in its list. Every connection of the graph uses it (Relay cursor connections).' })
export class PageInfo {
  @Field({ description: 'Whether items follow the last edge of this page: pass endCursor as `after` to get them.' })
  hasNextPage!: boolean;

  @Field({ description: 'Whether items precede the first edge of this page: pass startCursor as `before` (with `last`) to get them.' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the first edge of this page; null when the page is empty.' })
  startCursor!: string | null;

  @Field(() => String, { nullable: true, description: 'Cursor of the last edge of this page; null when the page is empty.' })
  endCursor!: string | null;
}

const SIZE_RULE = 'default 50; at most the maximum page size, KDA_MAX_PAGE_SIZE, 500 unless set';

/** `first/after` pages forwards, `last/before` backwards; mixing the two directions is refused. */
@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { nullable: true, description: `Page forwards: at most this many items after \`after\` (${SIZE_RULE}).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'Page forwards from this cursor (an endCursor of this list), exclusive.' })
  after?: string | null;

  @Field(() => Int, { nullable: true, description: `Page backwards: at most this many items before \`before\` (${SIZE_RULE}); not with \`first\`.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'Page backwards from this cursor (a startCursor of this list), exclusive; not with `after`.' })
  before?: string | null;
}

export interface ConnectionNaming {
  /** The type name before `Connection`/`Edge`, e.g. `Pod`. */
  readonly name: string;
  /** What one item is, for the descriptions, e.g. `pod`. */
  readonly noun: string;
  /** What the items are, e.g. `pods`. */
  readonly plural: string;
}

/** Declares `<name>Connection { edges pageInfo totalCount }` and `<name>Edge { cursor node }` for a node type. */
export function connectionType<N extends object>(nodeType: ClassType<N>, naming: ConnectionNaming): ClassType<ConnectionValues<N>> {
  @ObjectType(`${naming.name}Edge`, { description: `A ${naming.noun} in a page, with its position in the list.` })
  class Edge {
    @Field({ description: `Opaque position of this ${naming.noun} in its list; pass as \`after\` or \`before\`.` })
    cursor!: string;

    @Field(() => nodeType, { description: `The ${naming.noun}.` })
    node!: N;
  }

  @ObjectType(`${naming.name}Connection`, { description: `A page of ${naming.plural}.` })
  class Connection {
    @Field(() => [Edge], { description: `The ${naming.plural} of this page, in list order.` })
    edges!: Edge[];

    @Field(() => PageInfo, { description: 'Where this page sits in the list.' })
    pageInfo!: PageInfo;

    @Field(() => Int, { description: `Number of ${naming.plural} in the whole list (with its filters), over all pages.` })
    totalCount!: number;
  }

  return Connection as ClassType<ConnectionValues<N>>;
}
