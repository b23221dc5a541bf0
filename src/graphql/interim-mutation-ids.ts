import { defaultFieldResolver, getNullableType, GraphQLID, isInputObjectType, isListType, type GraphQLArgument, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { decodeGlobalId } from '../shared/global-id.js';

/**
 * INTERIM, until every mutation takes `input` and decodes its ids with `localKeyOf` itself (the
 * mutation part of issue 8): the ID arguments of mutations (top level and inside inputs) are turned
 * from global ids back into local keys here, so the ids the queries hand out work in today's
 * mutations. Raw local keys pass unchanged, so decoding again in the resolvers is harmless; delete
 * this file once they do.
 */
export function decodeMutationIdArguments(schema: GraphQLSchema): void {
  const mutation = schema.getMutationType();
  if (!mutation) return;
  for (const field of Object.values(mutation.getFields())) {
    const resolve = field.resolve ?? defaultFieldResolver;
    const argumentsOf = field.args;
    field.resolve = (source, args: Record<string, unknown>, context, info) => resolve(source, decodeArguments(argumentsOf, args), context, info);
  }
}

function decodeArguments(definitions: readonly GraphQLArgument[], args: Record<string, unknown>): Record<string, unknown> {
  const decoded: Record<string, unknown> = { ...args };
  for (const definition of definitions) {
    if (definition.name in args) decoded[definition.name] = decodeValue(definition.type, args[definition.name]);
  }
  return decoded;
}

function decodeValue(type: GraphQLInputType, value: unknown): unknown {
  if (value === null || value === undefined) return value;
  const nullable = getNullableType(type);
  if (nullable === GraphQLID) return typeof value === 'string' ? (decodeGlobalId(value)?.localKey ?? value) : value;
  if (isListType(nullable)) return Array.isArray(value) ? value.map((item) => decodeValue(nullable.ofType, item)) : value;
  if (isInputObjectType(nullable) && typeof value === 'object') {
    const fields = nullable.getFields();
    // Keep the input's class instance (type-graphql resolvers may rely on it): change only ID fields.
    const copy = Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as Record<string, unknown>, value);
    for (const [name, field] of Object.entries(fields)) {
      if (name in copy) copy[name] = decodeValue(field.type, copy[name]);
    }
    return copy;
  }
  return value;
}
