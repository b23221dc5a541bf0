import { Field, ID, InterfaceType } from 'type-graphql';

/**
 * Which GraphQL type an object answered by `node`/`nodes` is. The lookups return plain objects (and
 * class instances), so `__resolveType` reads this tag instead of guessing from the shape.
 */
const NODE_TYPE = Symbol('nodeType');

type Tagged = { [NODE_TYPE]?: string };

/** A shallow copy of `object` (same prototype) tagged with its concrete GraphQL type. */
export function asNode<T extends object>(typeName: string, object: T): T {
  const copy = Object.assign(Object.create(Object.getPrototypeOf(object) as object | null) as T, object);
  (copy as Tagged)[NODE_TYPE] = typeName;
  return copy;
}

export function nodeTypeOf(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? (value as Tagged)[NODE_TYPE] : undefined;
}

/**
 * Global object identification (the Relay convention that Apollo Client's and Relay's caches rely
 * on). Inside the gateway an object's `id` is its local key (a row id, or a composite for members,
 * allotments and Kubernetes objects); the schema encodes it as a global id on the way out
 * (src/graphql/global-ids.ts).
 */
@InterfaceType('Node', {
  description: 'An object with identity: its `id` is global (unique across every type), opaque and stable. Fetch any of them again with `node(id:)` or `nodes(ids:)`.',
  resolveType: (value: unknown) => nodeTypeOf(value),
})
export abstract class Node {
  @Field(() => ID, { description: 'Global, opaque, stable id: a cache key for clients, and the argument of `node(id:)`.' })
  id!: string;
}

/**
 * Marks an ID field that is not a Node's own `id` with the type it names, so the schema outputs it
 * as that type's global id: `@Extensions(globalIdOf('Cluster'))`.
 */
export function globalIdOf(typeName: string): { globalId: string } {
  return { globalId: typeName };
}

/** Marks an ID field whose resolver already outputs a global id (its type varies per object). */
export const GLOBAL_ID_ENCODED = { globalId: '*encoded*' } as const;
