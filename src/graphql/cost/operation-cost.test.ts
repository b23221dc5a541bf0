import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { Kind, parse, type GraphQLSchema } from 'graphql';
import { DEFAULT_LIMITS } from '../../config/limits.js';
import { buildGatewaySchema } from '../schema.js';
import { DEFAULT_LIST_SIZE, estimateOperationCost } from './operation-cost.js';

const CLUSTERS = 3;
let schema: GraphQLSchema;

beforeAll(async () => {
  schema = await buildGatewaySchema();
});

function costOf(query: string, variables: Record<string, unknown> = {}, operationName?: string): number {
  return estimateOperationCost({
    schema,
    document: parse(query),
    operationName,
    variables,
    defaultPageSize: 50,
    maxPageSize: 500,
    listSizeOf: (type, field) => (type === 'Query' && field === 'clusters' ? CLUSTERS : undefined),
  });
}

describe('what an operation costs before it runs', () => {
  test('an object costs one, a scalar nothing, introspection nothing', () => {
    expect(costOf('{ me { id name } }')).toBe(1);
    expect(costOf('{ __schema { types { name fields { name } } } }')).toBe(0);
    expect(costOf('{ __typename }')).toBe(0);
  });

  test('a plain list multiplies what is under it by what the gateway knows of its length', () => {
    // Three clusters, each with its capacity object.
    expect(costOf('{ clusters { name capacity { pods } } }')).toBe(CLUSTERS * 2);
    // A list the gateway knows nothing about counts as DEFAULT_LIST_SIZE.
    expect(costOf('{ cluster(id: "c") { storageClasses { name } } }')).toBe(1 + DEFAULT_LIST_SIZE);
  });

  test('a connection multiplies its edges by the page asked for, or the default page', () => {
    const page = (first: string) => `{ cluster(id: "c") { pods${first} { totalCount edges { cursor node { name } } } } }`;
    // cluster 1 + connection 1 + page × (edge 1 + pod 1)
    expect(costOf(page('(first: 10)'))).toBe(1 + 1 + 10 * 2);
    expect(costOf(page(''))).toBe(1 + 1 + 50 * 2);
    expect(costOf(page('(last: 5)'))).toBe(1 + 1 + 5 * 2);
    expect(costOf('query($n: Int) { cluster(id: "c") { pods(first: $n) { edges { node { name } } } } }', { n: 7 })).toBe(1 + 1 + 7 * 2);
    // Above the maximum page the field refuses; what could run is the maximum.
    expect(costOf(page('(first: 100000)'))).toBe(1 + 1 + 500 * 2);
  });

  test('nesting multiplies and aliases add, as execution would', () => {
    const nested = '{ clusters { nodes { edges { node { pods { edges { node { name } } } } } } } }';
    const one = costOf(nested);
    expect(one).toBe(CLUSTERS * (1 + 1 + 50 * (1 + 1 + 1 + 50 * 2)));
    const aliased = `{ ${[1, 2, 3, 4, 5, 6].map((n) => `a${n}: clusters { nodes { edges { node { pods { edges { node { name } } } } } } }`).join(' ')} }`;
    expect(costOf(aliased)).toBe(6 * one);
  });

  test('fragments count where they are spread, inline fragments of each possible type add up', () => {
    const spread = 'query { cluster(id: "c") { ...Pods ...Pods } } fragment Pods on Cluster { pods(first: 10) { edges { node { name } } } }';
    expect(costOf(spread)).toBe(1 + 2 * (1 + 10 * 2));
    const inline = '{ node(id: "x") { id ... on Cluster { capacity { pods } } ... on Pod { cluster { name } } } }';
    expect(costOf(inline)).toBe(1 + 1 + 1);
  });

  test('nodes(ids:) costs one per id', () => {
    expect(costOf('{ nodes(ids: ["a", "b", "c"]) { id } }')).toBe(3);
    expect(costOf('query($ids: [ID!]!) { nodes(ids: $ids) { id ... on Pod { cluster { name } } } }', { ids: ['a', 'b'] })).toBe(2 * 2);
  });

  test('a field that calls out declares its own price (registry tags: a call, and one per tag of the page)', () => {
    const tags = '{ node(id: "r") { ... on RegistryRepository { tags(first: 4) { edges { node { name } } } } } }';
    // node 1 + tags: weight 5 + (1 + 2 × 4 + 4 × 2)
    expect(costOf(tags)).toBe(1 + 5 + 1 + 2 * 4 + 4 * 2);
  });

  test('only the named operation is priced', () => {
    const document = 'query Small { me { id } } query Large { clusters { nodes { edges { node { name } } } } }';
    expect(costOf(document, {}, 'Small')).toBe(1);
    expect(costOf(document, {}, 'Large')).toBe(CLUSTERS * (1 + 1 + 50 * 2));
  });

  test('the shipped example operations cost far less than the default limit', async () => {
    const priced: Record<string, number> = {};
    for (const file of ['clusters', 'pod-events', 'workloads']) {
      const document = parse(await readFile(`examples/operations/${file}.graphql`, 'utf8'));
      for (const definition of document.definitions) {
        if (definition.kind !== Kind.OPERATION_DEFINITION || definition.name === undefined) continue;
        priced[definition.name.value] = costOf(await readFile(`examples/operations/${file}.graphql`, 'utf8'), { first: 100 }, definition.name.value);
      }
    }
    expect(Object.keys(priced).sort()).toEqual(['Clusters', 'NodeById', 'PodEvents', 'PodsPage', 'ScaleWorkload']);
    for (const cost of Object.values(priced)) expect(cost).toBeLessThan(DEFAULT_LIMITS.maxQueryCost / 50);
  });
});
