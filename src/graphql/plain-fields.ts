import { isObjectType, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

/**
 * type-graphql gives every plain `@Field` a resolver that reads the property through its
 * middleware machinery (an object and a closure per field of every result), and every resolver then
 * gets the deadline wrapper on top: on a page of pods that is most of the execution. A field with
 * no field resolver, no `@Authorized` roles, no middleware and its property's own name is a plain
 * property read: graphql-js' default resolver does the same, so its resolver is removed (and, as a
 * property read starts no work, no deadline wraps it). Call before any other wrapper is added.
 */
export function dropPassThroughResolvers(schema: GraphQLSchema): number {
  const storage = getMetadataStorage();
  let dropped = 0;
  for (const objectType of storage.objectTypes) {
    const type = schema.getType(objectType.name);
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    const interfaces = storage.interfaceTypes.filter((candidate) => (objectType.interfaceClasses ?? []).includes(candidate.target));
    const metadata = [...interfaces.flatMap((candidate) => candidate.fields ?? []), ...(objectType.fields ?? [])];
    for (const [name, field] of Object.entries(type.getFields())) {
      if (field.resolve === undefined) continue;
      // As type-graphql decides: the last declaration of the name wins.
      const declared = metadata.filter((candidate) => candidate.schemaName === name).at(-1);
      if (declared === undefined || declared.name !== name) continue;
      if ((declared.roles !== undefined && declared.roles !== null) || (declared.middlewares?.length ?? 0) > 0 || (declared.params?.length ?? 0) > 0) continue;
      if (storage.fieldResolvers.some((resolver) => resolver.methodName === declared.name && resolver.getObjectType?.() === declared.target)) continue;
      field.resolve = undefined;
      dropped += 1;
    }
  }
  return dropped;
}
