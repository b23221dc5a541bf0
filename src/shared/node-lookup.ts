/**
 * How `node(id:)` finds an object of one type from its local key: `null` when it does not exist or
 * the caller may not see it (the two must look the same). Each domain exports its lookups; the one
 * `node`/`nodes` resolver (src/graphql/node-resolver.ts) dispatches on the id's type name.
 */
export type NodeLookup<Context> = (context: Context, localKey: string) => Promise<object | null>;

export type NodeLookups<Context> = Readonly<Record<string, NodeLookup<Context>>>;
