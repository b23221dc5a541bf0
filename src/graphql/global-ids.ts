import { defaultFieldResolver, getNamedType, GraphQLID, isInterfaceType, isObjectType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { toGlobalId } from '../shared/global-id.js';
import { GLOBAL_ID_ENCODED } from '../shared/node.js';

/**
 * Encodes every ID the graph outputs as a global id, at the edge, so resolvers, services, NATS
 * subjects and database rows keep working on local ids.
 *
 * - `id` of a type that implements `Node` becomes `toGlobalId('<that type>', id)`;
 * - any other ID field must say which type it names (`@Extensions(globalIdOf('Cluster'))`), or that
 *   its resolver encodes it already (`GLOBAL_ID_ENCODED`). An ID field with neither fails the
 *   schema build, so no local id can leak through a field added later.
 */
export function encodeGlobalIds(schema: GraphQLSchema): void {
  const node = schema.getType('Node');
  if (!isInterfaceType(node)) throw new Error('the schema has no Node interface');
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const isNode = type.getInterfaces().includes(node);
    for (const [name, field] of Object.entries(type.getFields())) {
      if (getNamedType(field.type) !== GraphQLID) continue;
      const marked = (field.extensions as { globalId?: unknown }).globalId;
      if (marked === GLOBAL_ID_ENCODED.globalId) continue;
      const typeName = isNode && name === 'id' ? type.name : typeof marked === 'string' ? marked : null;
      if (typeName === null) throw new Error(`${type.name}.${name} outputs an ID but is neither a Node's id nor marked with globalIdOf('<Type>')`);
      field.resolve = encoding(typeName, field.resolve ?? defaultFieldResolver);
    }
  }
}

function encoding(typeName: string, resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, unknown> {
  const encode = (value: unknown): unknown => {
    if (value === null || value === undefined) return value;
    if (Array.isArray(value)) return value.map(encode);
    // Local keys are strings (an audit entry's is a bigint id, read as a string).
    return toGlobalId(typeName, typeof value === 'string' ? value : typeof value === 'number' || typeof value === 'bigint' ? value.toString() : JSON.stringify(value));
  };
  return (source, args, context, info) => {
    const value = resolve(source, args, context, info);
    return value instanceof Promise ? value.then(encode) : encode(value);
  };
}
