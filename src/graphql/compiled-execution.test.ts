import 'reflect-metadata';
import {
  buildSchema,
  execute,
  getOperationAST,
  GraphQLError,
  type GraphQLObjectType,
  type GraphQLScalarType,
  parse,
  validate,
  type ExecutionResult,
  type GraphQLSchema,
} from 'graphql';
import { compileQuery, isCompiledQuery } from 'graphql-jit';
import { createCompiledExecutor } from './compiled-execution.js';
import { buildGatewaySchema } from './schema.js';

/** A small schema with what the compiler must get right: interfaces, scalars, errors, non-null. */
function testSchema(): GraphQLSchema {
  const schema = buildSchema(`
    scalar Stamp
    interface Thing { id: ID! }
    type Pod implements Thing { id: ID! name: String! phase: String boom: String crash: String! at: Stamp }
    type Node implements Thing { id: ID! cores: Int! }
    type Query { things(kinds: [String!]): [Thing!]! pod(id: ID!): Pod slow: Int }
    type Mutation { touch(id: ID!): Pod }
  `);
  const stamp = schema.getType('Stamp') as GraphQLScalarType;
  stamp.serialize = (value) => (value instanceof Date ? value.toISOString() : String(value));
  const thing = schema.getType('Thing') as unknown as { resolveType: (value: { kind: string }) => string };
  thing.resolveType = (value) => value.kind;
  const pod = (id: string) => ({ kind: 'Pod', id, name: `pod-${id}`, phase: id === '2' ? null : 'Running', at: new Date(Date.UTC(2026, 0, Number(id))) });
  const fields = (type: string) => (schema.getType(type) as GraphQLObjectType).getFields();
  fields('Query').things!.resolve = (_source, args: { kinds?: string[] }) =>
    [pod('1'), { kind: 'Node', id: 'n1', cores: 8 }, pod('2')].filter((item) => args.kinds === undefined || args.kinds.includes(item.kind));
  fields('Query').pod!.resolve = (_source, args: { id: string }) => Promise.resolve(pod(args.id));
  fields('Query').slow!.resolve = () => new Promise((resolve) => setImmediate(() => resolve(7)));
  fields('Pod').boom!.resolve = (source: { id: string }) => {
    throw new GraphQLError(`no boom for ${source.id}`, { extensions: { code: 'UNAVAILABLE', clusterId: 'c1' } });
  };
  fields('Pod').crash!.resolve = () => Promise.reject(new Error('internal detail'));
  fields('Mutation').touch!.resolve = (_source, args: { id: string }) => pod(args.id);
  return schema;
}

/** What a client sees of a result, plus each error's original error (what errors.ts formats). */
function visible(result: ExecutionResult) {
  return {
    json: JSON.parse(JSON.stringify({ ...result, errors: result.errors?.map((error) => error.toJSON()) })) as unknown,
    originals: result.errors?.map((error) => (error.originalError === undefined || error.originalError === null ? null : error.originalError.message)),
    extensions: result.errors?.map((error) => error.extensions),
    graphqlErrors: result.errors?.every((error) => error instanceof GraphQLError),
  };
}

async function both(schema: GraphQLSchema, query: string, variables: Record<string, unknown> = {}, operationName?: string) {
  const document = parse(query);
  expect(validate(schema, document)).toEqual([]);
  const operation = getOperationAST(document, operationName)!;
  const executor = createCompiledExecutor(schema);
  const request = { document, operation, operationName: operationName ?? null, request: { variables }, context: {} } as unknown as Parameters<typeof executor>[0];
  const compiled = await executor(request);
  // Twice: the second run uses the cached compiled operation.
  const again = await executor(request);
  const reference = await execute({ schema, document, variableValues: variables, operationName, contextValue: {} });
  return { compiled: visible(compiled), again: visible(again), reference: visible(reference) };
}

describe('compiled execution', () => {
  const schema = testSchema();

  it.each([
    ['interfaces, fragments, aliases and scalars', `{ things { __typename id ... on Pod { name phase at } ... on Node { cores } } first: pod(id: "3") { name } }`, {}],
    ['@include and @skip with variables', `query ($full: Boolean!) { things { id ... on Pod { name @include(if: $full) phase @skip(if: $full) } } }`, { full: true }],
    ['list arguments from variables', `query ($kinds: [String!]) { things(kinds: $kinds) { id } }`, { kinds: ['Node'] }],
    ['an error with extensions on a nullable field', `{ pod(id: "1") { name boom } }`, {}],
    ['an internal error on a non-null field, nulling its parent', `{ pod(id: "1") { name crash } slow }`, {}],
    ['errors in list items', `{ things { id ... on Pod { boom } } }`, {}],
  ])('%s: the same data and errors as graphql-js', async (_name, query, variables) => {
    const { compiled, again, reference } = await both(schema, query, variables);
    expect(compiled).toEqual(reference);
    expect(again).toEqual(reference);
  });

  it('refused variables: graphql-js answers, word for word', async () => {
    const { compiled, reference } = await both(schema, `query ($full: Boolean!) { things { id ... on Pod { name @include(if: $full) } } }`, { full: 'yes' });
    expect(reference.json).toMatchObject({ errors: [{ message: expect.stringContaining('$full') as unknown }] });
    expect(compiled).toEqual(reference);
  });

  it('a list of promised items whose interface resolves its type asynchronously (as type-graphql does)', async () => {
    const asyncSchema = testSchema();
    const thing = asyncSchema.getType('Thing') as unknown as { resolveType: (value: { kind: string }) => Promise<string> };
    thing.resolveType = async (value) => Promise.resolve(value.kind);
    const things = (asyncSchema.getType('Query') as GraphQLObjectType).getFields().things!;
    const resolve = things.resolve!;
    things.resolve = (...args) => (resolve(...args) as unknown[]).map((item) => Promise.resolve(item));
    const { compiled, reference } = await both(asyncSchema, `{ things { id } }`);
    expect(reference.json).toEqual({ data: { things: [{ id: '1' }, { id: 'n1' }, { id: '2' }] } });
    expect(compiled).toEqual(reference);
  });

  it('mutations: graphql-js answers', async () => {
    const { compiled, reference } = await both(schema, `mutation { touch(id: "4") { id name } }`);
    expect(reference.json).toEqual({ data: { touch: { id: '4', name: 'pod-4' } } });
    expect(compiled).toEqual(reference);
  });

  it('introspection: graphql-js answers; __typename alone still compiles', async () => {
    const { compiled, reference } = await both(schema, `{ __type(name: "Pod") { name fields { name } } things { __typename } }`);
    expect(reference.json).toMatchObject({ data: { __type: { name: 'Pod' } } });
    expect(compiled).toEqual(reference);
  });

  it('the dashboard query compiles on the gateway schema', async () => {
    const gatewaySchema = await buildGatewaySchema();
    const document = parse(`query Dashboard { clusters { id name status podCount pods(first: 100) { totalCount edges { cursor node { id name namespace phase ready } } } } }`);
    expect(validate(gatewaySchema, document)).toEqual([]);
    expect(isCompiledQuery(compileQuery(gatewaySchema, document, 'Dashboard'))).toBe(true);
  });
});
