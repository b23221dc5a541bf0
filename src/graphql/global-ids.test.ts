import 'reflect-metadata';
import { graphql, GraphQLID, GraphQLInterfaceType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString } from 'graphql';
import { toGlobalId } from '../shared/global-id.js';
import { encodeGlobalIds } from './global-ids.js';

const Node = new GraphQLInterfaceType({ name: 'Node', fields: { id: { type: new GraphQLNonNull(GraphQLID) } } });

function schemaWith(extraFields: Record<string, { type: typeof GraphQLID | GraphQLList<typeof GraphQLID>; extensions?: Record<string, unknown> }>): GraphQLSchema {
  const Thing = new GraphQLObjectType({
    name: 'Thing',
    interfaces: [Node],
    fields: { id: { type: new GraphQLNonNull(GraphQLID) }, name: { type: GraphQLString }, ...extraFields },
  });
  const Query = new GraphQLObjectType({
    name: 'Query',
    fields: { thing: { type: Thing, resolve: () => ({ id: 'row-1', name: 'one', ownerId: 'user-7', memberIds: ['a', 'b'], opaque: 'as-is' }) } },
  });
  return new GraphQLSchema({ query: Query, types: [Thing] });
}

describe('encodeGlobalIds', () => {
  it("outputs a Node's id and marked references as global ids, leaving the resolvers' local ids alone", async () => {
    const schema = schemaWith({
      ownerId: { type: GraphQLID, extensions: { globalId: 'User' } },
      memberIds: { type: new GraphQLList(GraphQLID), extensions: { globalId: 'Member' } },
      opaque: { type: GraphQLID, extensions: { globalId: '*encoded*' } },
    });
    encodeGlobalIds(schema);
    const result = await graphql({ schema, source: '{ thing { id name ownerId memberIds opaque } }' });
    expect(result).toEqual({
      data: {
        thing: {
          id: toGlobalId('Thing', 'row-1'),
          name: 'one',
          ownerId: toGlobalId('User', 'user-7'),
          memberIds: [toGlobalId('Member', 'a'), toGlobalId('Member', 'b')],
          opaque: 'as-is',
        },
      },
    });
  });

  it('refuses a schema with an ID output that says nothing about its type, so no local id can leak', () => {
    expect(() => encodeGlobalIds(schemaWith({ ownerId: { type: GraphQLID } }))).toThrow(/Thing\.ownerId/);
  });
});
