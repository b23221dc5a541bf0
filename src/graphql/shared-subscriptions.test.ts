import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { SharedSubscriptions, subscriptionScope } from './shared-subscriptions.js';

/** A schema whose one subscription counts how often its resolver runs and how many sources are open. */
function fixture() {
  const stats = { executions: 0, openSources: 0 };
  const listeners = new Set<(value: number) => void>();
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString, resolve: () => 'ok' } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        ticks: {
          type: new GraphQLNonNull(GraphQLInt),
          args: { after: { type: GraphQLString }, label: { type: GraphQLString } },
          subscribe: () => {
            stats.openSources += 1;
            const queue: number[] = [];
            let wake: (() => void) | undefined;
            const listener = (value: number) => {
              queue.push(value);
              wake?.();
            };
            listeners.add(listener);
            const iterator: AsyncIterableIterator<number> = {
              async next() {
                while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
                return { done: false, value: queue.shift()! };
              },
              async return() {
                listeners.delete(listener);
                stats.openSources -= 1;
                wake?.();
                return { done: true, value: undefined };
              },
              [Symbol.asyncIterator]: () => iterator,
            };
            return iterator;
          },
          resolve: (value: number) => {
            stats.executions += 1;
            return value;
          },
        },
      },
    }),
  });
  return { schema, stats, emit: (value: number) => listeners.forEach((listener) => listener(value)) };
}

const admin = { principal: { systemRole: 'ADMIN', userId: null } };

async function open(shared: SharedSubscriptions, schema: GraphQLSchema, query: string, variableValues: Record<string, unknown> = {}, contextValue: unknown = admin) {
  const result = await shared.subscribe({ schema, document: parse(query), variableValues, contextValue });
  if (!(Symbol.asyncIterator in result)) throw new Error(JSON.stringify(result));
  return result;
}

describe('shared subscriptions', () => {
  test('identical subscriptions run one execution per event; the source closes with the last subscriber', async () => {
    const { schema, stats, emit } = fixture();
    const shared = new SharedSubscriptions(subscriptionScope, (contextValue) => contextValue);
    const subscribers = await Promise.all([1, 2, 3].map(() => open(shared, schema, 'subscription { ticks }')));
    expect(stats.openSources).toBe(1);
    emit(7);
    emit(8);
    for (const subscriber of subscribers) {
      expect((await subscriber.next()).value).toEqual({ data: { ticks: 7 } });
      expect((await subscriber.next()).value).toEqual({ data: { ticks: 8 } });
    }
    expect(stats.executions).toBe(2);

    await subscribers[0]!.return!();
    emit(9);
    expect((await subscribers[1]!.next()).value).toEqual({ data: { ticks: 9 } });
    await subscribers[1]!.return!();
    await subscribers[2]!.return!();
    expect(stats.openSources).toBe(0);
    expect(shared.groupCount()).toBe(0);
  });

  test('different variables, different callers and replays each get their own execution', async () => {
    const { schema, stats } = fixture();
    const shared = new SharedSubscriptions(subscriptionScope, (contextValue) => contextValue);
    const query = 'subscription ($label: String, $after: String) { ticks(label: $label, after: $after) }';
    const opened = [
      await open(shared, schema, query, { label: 'a' }),
      await open(shared, schema, query, { label: 'b' }),
      await open(shared, schema, query, { label: 'a' }, { principal: { systemRole: 'USER', userId: 'u1' } }),
      await open(shared, schema, query, { label: 'a', after: 'cursor-1' }),
      await open(shared, schema, query, { label: 'a', after: 'cursor-1' }),
    ];
    expect(stats.openSources).toBe(5);
    expect(shared.groupCount()).toBe(3);
    await Promise.all(opened.map((iterator) => iterator.return!()));
    expect(stats.openSources).toBe(0);
  });

  test('no caller, no sharing', () => {
    expect(subscriptionScope({ principal: null })).toBeNull();
    expect(subscriptionScope({ principal: { systemRole: 'USER', userId: 'u1' } })).toBe('user:u1');
  });
});
