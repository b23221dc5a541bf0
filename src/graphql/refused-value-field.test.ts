import { DateTimeResolver } from 'graphql-scalars';
import { buildSchema, graphql, type GraphQLError } from 'graphql';
import { fieldOfRefusedValue } from './refused-value-field.js';

const schema = buildSchema(`
  scalar DateTime
  enum Scope { READ WRITE }
  input TokenInput { name: String! scopes: [Scope!]! expiresAt: DateTime }
  input Filter { from: DateTime }
  type Query { log(filter: Filter): Int }
  type Mutation { createToken(input: TokenInput!): Int }
`);
Object.assign(schema.getType('DateTime')!, { parseValue: DateTimeResolver.parseValue, parseLiteral: DateTimeResolver.parseLiteral, serialize: DateTimeResolver.serialize });

async function fieldOf(source: string, variableValues?: Record<string, unknown>): Promise<string | undefined> {
  const result = await graphql({ schema, source, variableValues });
  expect(result.errors?.length).toBeGreaterThan(0);
  return fieldOfRefusedValue(result.errors![0] as GraphQLError);
}

describe('fieldOfRefusedValue', () => {
  test('a variable refused deep inside the input: the path inside input', async () => {
    const mutation = 'mutation ($input: TokenInput!) { createToken(input: $input) }';
    expect(await fieldOf(mutation, { input: { name: 'x', scopes: ['READ'], expiresAt: 'tomorrow' } })).toBe('expiresAt');
    expect(await fieldOf(mutation, { input: { name: 'x', scopes: ['READ', 'ROOT'] } })).toBe('scopes[1]');
  });

  test('a variable used inside an inline object, and a literal', async () => {
    expect(await fieldOf('mutation ($at: DateTime) { createToken(input: { name: "x", scopes: [READ], expiresAt: $at }) }', { at: 'soon' })).toBe('expiresAt');
    expect(await fieldOf('mutation { createToken(input: { name: "x", scopes: [READ, ROOT] }) }')).toBe('scopes[1]');
    expect(await fieldOf('mutation { createToken(input: { name: "x", scopes: [READ], expiresAt: "2030-01-01" }) }')).toBe('expiresAt');
  });

  test('outside a mutation input, the path starts at the argument', async () => {
    expect(await fieldOf('query ($from: DateTime) { log(filter: { from: $from }) }', { from: 'yesterday' })).toBe('filter.from');
    expect(await fieldOf('{ log(filter: { from: "yesterday" }) }')).toBe('filter.from');
  });

  test('errors that are not about one value name nothing', async () => {
    expect(await fieldOf('mutation ($input: TokenInput!) { createToken(input: $input) }', {})).toBeUndefined();
    expect(await fieldOf('{ nope }')).toBeUndefined();
  });
});
