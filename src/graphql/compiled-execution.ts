import type { ApolloServerOptionsWithGateway, BaseContext } from '@apollo/server';
import {
  execute,
  getNamedType,
  GraphQLError,
  isAbstractType,
  OperationTypeNode,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type GraphQLAbstractType,
  type DocumentNode,
  type ExecutionResult,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import { getVariableValues } from 'graphql/execution/values.js';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';

/** How Apollo Server takes a gateway, and what its executor is. */
type GatewayInterface = ApolloServerOptionsWithGateway<BaseContext>['gateway'];
type GatewayExecutor = NonNullable<Awaited<ReturnType<GatewayInterface['load']>>['executor']>;

/** Distinct operations kept compiled per document (a document names few operations). */
const MAX_OPERATIONS_PER_DOCUMENT = 16;

/** A type resolver that answers with a promise (type-graphql's are async functions). */
function resolvesTypeLater(type: GraphQLAbstractType): boolean {
  return type.resolveType?.constructor.name === 'AsyncFunction';
}

/**
 * Mutations and introspection run through graphql-js: the compiler is for the hot path, queries.
 * So do queries reaching an interface or union whose type is resolved asynchronously: graphql-jit
 * cannot resolve a list item's type from a promise.
 */
function runsUncompiled(schema: GraphQLSchema, operation: OperationDefinitionNode, document: DocumentNode): boolean {
  if (operation.operation !== OperationTypeNode.QUERY) return true;
  const typeInfo = new TypeInfo(schema);
  let uncompiled = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        // `__typename` compiles; the introspection fields do not need to.
        if (node.name.value === '__schema' || node.name.value === '__type') uncompiled = true;
        const type = getNamedType(typeInfo.getType());
        if (type !== undefined && type !== null && isAbstractType(type) && resolvesTypeLater(type)) uncompiled = true;
      },
    }),
  );
  return uncompiled;
}

/**
 * A graphql-jit error as graphql-js reports it: a graphql-js GraphQLError with the same message,
 * path, locations and original error, and extensions taken from the original as graphql-js does.
 */
function asGraphqlJsError(error: GraphQLError): GraphQLError {
  const original = error.originalError ?? undefined;
  const normalized = new GraphQLError(error.message, { path: error.path ?? undefined, originalError: original });
  if (error.locations !== undefined) (normalized as { locations?: unknown }).locations = error.locations;
  return normalized;
}

/**
 * Queries run compiled: each distinct operation of a document (Apollo keeps parsed and validated
 * documents, so the same text gives the same DocumentNode) is compiled once with graphql-jit and
 * then runs as plain JavaScript, with the schema's own resolvers. Everything else — mutations,
 * introspection, and any request whose variables graphql-js refuses (so the error is graphql-js'
 * own, word for word) — runs through graphql-js `execute`, as before.
 */
export function createCompiledExecutor(schema: GraphQLSchema): GatewayExecutor {
  const compiled = new WeakMap<DocumentNode, Map<string, CompiledQuery | null>>();
  const compiledFor = (document: DocumentNode, operation: OperationDefinitionNode, operationName: string | undefined): CompiledQuery | null => {
    let byName = compiled.get(document);
    if (byName === undefined) compiled.set(document, (byName = new Map<string, CompiledQuery | null>()));
    const key = operationName ?? '';
    let query = byName.get(key);
    if (query === undefined) {
      if (byName.size >= MAX_OPERATIONS_PER_DOCUMENT) byName.clear();
      if (runsUncompiled(schema, operation, document)) {
        query = null;
      } else {
        const result = compileQuery(schema, document, operationName, { disablingCapturingStackErrors: false });
        query = isCompiledQuery(result) ? result : null;
      }
      byName.set(key, query);
    }
    return query;
  };

  return async (request) => {
    const { document, operation, context } = request;
    const operationName = request.operationName ?? undefined;
    const variables = request.request.variables ?? {};
    const fallback = () => execute({ schema, document, contextValue: context, variableValues: variables, operationName }) as Promise<ExecutionResult> | ExecutionResult;
    const query = compiledFor(document, operation, operationName);
    if (query === null) return fallback();
    if ((operation.variableDefinitions?.length ?? 0) > 0 && getVariableValues(schema, operation.variableDefinitions ?? [], variables).errors !== undefined) return fallback();
    const result = await query.query(undefined, context, variables);
    return result.errors === undefined ? result : { ...result, errors: result.errors.map(asGraphqlJsError) };
  };
}

/** Apollo Server runs a gateway's executor in place of graphql-js: the schema stays ours. */
export function compiledExecutionGateway(schema: GraphQLSchema): GatewayInterface {
  return {
    onSchemaLoadOrUpdate(callback) {
      callback({ apiSchema: schema, coreSupergraphSdl: '' });
      return () => undefined;
    },
    load: () => Promise.resolve({ schema, executor: createCompiledExecutor(schema) }),
    stop: () => Promise.resolve(),
  };
}
