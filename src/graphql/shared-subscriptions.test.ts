import { GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, parse, type ExecutionResult } from 'graphql';
import { ResyncRequiredError } from '../shared/errors.js';
import { SharedSubscriptions, subscriptionScope, type FrameChannel, type SharedSubscriptionOptions } from './shared-subscriptions.js';

/** What a watch-like source emits: a change of some kind, its cursor and the object's two fields. */
interface Change {
  readonly type: 'ADDED' | 'MODIFIED';
  readonly cursor: string;
  readonly value: number;
  readonly label: string;
}

const Tick = new GraphQLObjectType({
  name: 'Tick',
  fields: { type: { type: GraphQLString }, cursor: { type: GraphQLString }, value: { type: GraphQLInt }, label: { type: GraphQLString } },
});

/** A schema whose one subscription counts how often its resolver runs and how many sources are open. */
function fixture() {
  const stats = { executions: 0, openSources: 0 };
  const listeners = new Set<(change: Change) => void>();
  const schema = new GraphQLSchema({
    query: new GraphQLObjectType({ name: 'Query', fields: { ok: { type: GraphQLString, resolve: () => 'ok' } } }),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      fields: {
        ticks: {
          type: new GraphQLNonNull(Tick),
          args: { after: { type: GraphQLString }, label: { type: GraphQLString } },
          subscribe: () => {
            stats.openSources += 1;
            const queue: Change[] = [];
            let wake: (() => void) | undefined;
            const listener = (change: Change) => {
              queue.push(change);
              wake?.();
            };
            listeners.add(listener);
            const iterator: AsyncIterableIterator<Change> = {
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
          resolve: (change: Change) => {
            stats.executions += 1;
            return change;
          },
        },
      },
    }),
  });
  let sequence = 0;
  const emit = (value: number, type: Change['type'] = 'MODIFIED', label = 'a') => {
    sequence += 1;
    listeners.forEach((listener) => listener({ type, cursor: `c${sequence}`, value, label }));
  };
  return { schema, stats, emit };
}

type RecordingChannel = FrameChannel & { readonly frames: string[]; payloads(): unknown[] };

/**
 * A socket stand-in that records frames. A `fast` one hands each frame to the network at once; a
 * `draining` one holds it until the next tick (a busy but healthy socket); a `stalled` one (a
 * reader that stopped) holds every frame and never reports one written.
 */
function recording(id: string, mode: 'fast' | 'draining' | 'stalled' = 'fast'): RecordingChannel {
  const frames: string[] = [];
  let unsentBytes = 0;
  return {
    id,
    frames,
    send(frame, written) {
      frames.push(frame);
      if (mode === 'fast') return;
      unsentBytes += frame.length;
      if (mode === 'stalled') return;
      // As a socket does: the write completes on a later tick, never amid a run of microtasks.
      process.nextTick(() => {
        unsentBytes -= frame.length;
        written?.();
      });
    },
    bufferedBytes: () => unsentBytes,
    delivered: () => undefined,
    payloads: () => frames.map((frame) => (JSON.parse(frame) as { payload: unknown }).payload),
  };
}

const admin = { principal: { systemRole: 'ADMIN', userId: null } };

function sharedWith(overrides: Partial<SharedSubscriptionOptions> = {}) {
  const serialized: ExecutionResult[] = [];
  const shared = new SharedSubscriptions({
    scopeOf: subscriptionScope,
    freshContext: (contextValue) => contextValue,
    serializePayload: (result) => {
      serialized.push(result);
      return JSON.stringify(result);
    },
    backlog: { maxFrames: 1000, maxBufferedBytes: 1 << 20 },
    ...overrides,
  });
  return { shared, serialized };
}

async function open(
  shared: SharedSubscriptions,
  schema: GraphQLSchema,
  query: string,
  channel?: FrameChannel,
  variableValues: Record<string, unknown> = {},
  contextValue: unknown = admin,
) {
  const result = await shared.subscribe({ schema, document: parse(query), variableValues, contextValue }, channel);
  if (!(Symbol.asyncIterator in result)) throw new Error(JSON.stringify(result));
  return result;
}

/** A promise expected to reject later: its rejection is looked at by the test, not left unhandled meanwhile. */
function handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

/** Lets the group's pump run the events emitted so far. */
async function settle(): Promise<void> {
  for (let turn = 0; turn < 20; turn++) await new Promise((resolve) => setImmediate(resolve));
}

describe('shared subscriptions', () => {
  test('identical subscriptions run one execution and one serialization per event; every socket gets the same payload bytes', async () => {
    const { schema, stats, emit } = fixture();
    const { shared, serialized } = sharedWith();
    const channels = ['1', 'a-long-id', '"quoted"'].map((id) => recording(id));
    const subscribers = await Promise.all(channels.map((channel) => open(shared, schema, 'subscription { ticks { cursor value } }', channel)));
    expect(stats.openSources).toBe(1);
    emit(7, 'ADDED');
    emit(8);
    await settle();
    expect(stats.executions).toBe(2);
    expect(serialized).toHaveLength(2);
    for (const channel of channels) {
      expect(channel.frames.map((frame) => JSON.parse(frame) as unknown)).toEqual([
        { id: channel.id, type: 'next', payload: { data: { ticks: { cursor: 'c1', value: 7 } } } },
        { id: channel.id, type: 'next', payload: { data: { ticks: { cursor: 'c2', value: 8 } } } },
      ]);
    }
    // Only the id differs: the payload text is the one serialization, byte for byte.
    const payloadText = (frame: string) => frame.slice(frame.indexOf('"payload":'));
    expect(new Set(channels.map((channel) => payloadText(channel.frames[1]!))).size).toBe(1);

    await subscribers[0]!.return!();
    emit(9);
    await settle();
    expect(channels[0]!.frames).toHaveLength(2);
    expect(channels[1]!.frames).toHaveLength(3);
    await subscribers[1]!.return!();
    await subscribers[2]!.return!();
    expect(stats.openSources).toBe(0);
    expect(shared.groupCount()).toBe(0);
  });

  test('a MODIFIED event that changes nothing selected is not sent; its cursor still counts as seen', async () => {
    const { schema, emit } = fixture();
    const unchanged: string[] = [];
    const { shared } = sharedWith({ onUnchanged: (field) => unchanged.push(field), backlog: { maxFrames: 1, maxBufferedBytes: 1 << 20 } });
    const fast = recording('fast');
    const stalled = recording('stalled', 'stalled');
    await open(shared, schema, 'subscription { ticks { type cursor value } }', fast);
    const slow = await open(shared, schema, 'subscription { ticks { type cursor value } }', stalled);
    emit(1, 'ADDED'); // c1: sent
    emit(2); // c2: sent
    emit(2, 'MODIFIED', 'b'); // c3: only the unselected label changed: not sent
    await settle();
    expect(fast.payloads()).toEqual([{ data: { ticks: { type: 'ADDED', cursor: 'c1', value: 1 } } }, { data: { ticks: { type: 'MODIFIED', cursor: 'c2', value: 2 } } }]);
    expect(unchanged).toEqual(['ticks']);
    // The stalled socket still holds c1, and c2 waits behind it: the next event cuts it off, up to date with c3.
    const ending = handled(slow.next());
    emit(3); // c4
    await settle();
    await expect(ending).rejects.toBeInstanceOf(ResyncRequiredError);
    await expect(ending).rejects.toMatchObject({ code: 'RESYNC_REQUIRED', details: { lastCursor: 'c3' } });
    expect(stalled.frames).toHaveLength(2);
    expect(fast.payloads()).toHaveLength(3);
    expect(shared.backlogPeak()).toBe(1);
  });

  test('a newcomer is sent the next event even when it changes nothing for the others', async () => {
    const { schema, emit } = fixture();
    const { shared } = sharedWith();
    const first = recording('first');
    await open(shared, schema, 'subscription { ticks { value } }', first);
    emit(1);
    await settle();
    const second = recording('second');
    await open(shared, schema, 'subscription { ticks { value } }', second);
    emit(1);
    await settle();
    expect(first.payloads()).toEqual([{ data: { ticks: { value: 1 } } }, { data: { ticks: { value: 1 } } }]);
    expect(second.payloads()).toEqual([{ data: { ticks: { value: 1 } } }]);
  });

  test('a stalled subscriber is cut off with RESYNC_REQUIRED and its last cursor; the others get every event', async () => {
    const { schema, emit } = fixture();
    const dropped: number[] = [];
    const { shared } = sharedWith({ backlog: { maxFrames: 3, maxBufferedBytes: 1 << 20 }, onDropped: (count) => dropped.push(count) });
    const fast = recording('fast');
    const stalled = recording('stalled', 'stalled');
    await open(shared, schema, 'subscription { ticks { value } }', fast);
    const slow = await open(shared, schema, 'subscription { ticks { value } }', stalled);
    const ending = handled(slow.next());
    for (let value = 1; value <= 10; value++) emit(value);
    await settle();
    // The first frame went to the network's side; three more waited behind it, the limit.
    // It never selected `cursor`: the source event's cursor is the one to resume after.
    await expect(ending).rejects.toMatchObject({ code: 'RESYNC_REQUIRED', details: { lastCursor: 'c4' } });
    expect(stalled.frames).toHaveLength(4);
    expect(fast.payloads().map((payload) => (payload as { data: { ticks: { value: number } } }).data.ticks.value)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(dropped).toEqual([1]);
    expect(shared.backlogPeak()).toBe(3);
  });

  test('a burst of events already buffered does not look like a stalled socket', async () => {
    const { schema, emit } = fixture();
    const { shared } = sharedWith({ backlog: { maxFrames: 40, maxBufferedBytes: 1 << 20 } });
    const busy = recording('busy', 'draining');
    const subscriber = await open(shared, schema, 'subscription { ticks { value } }', busy);
    for (let value = 1; value <= 100; value++) emit(value);
    await settle();
    expect(busy.payloads()).toHaveLength(100);
    expect(shared.backlogPeak()).toBeLessThan(40);
    await subscriber.return!();
  });

  test('a socket holding too many bytes is cut off before its next frame', async () => {
    const { schema, emit } = fixture();
    const { shared } = sharedWith({ backlog: { maxFrames: 1000, maxBufferedBytes: 1024 } });
    const full: RecordingChannel = { ...recording('full'), bufferedBytes: () => 4096 };
    const subscriber = await open(shared, schema, 'subscription { ticks { cursor } }', full);
    const ending = handled(subscriber.next());
    emit(1);
    await settle();
    await expect(ending).rejects.toMatchObject({ code: 'RESYNC_REQUIRED', details: { lastCursor: null } });
    expect(full.frames).toEqual([]);
  });

  test('different variables, different callers and replays each get their own execution', async () => {
    const { schema, stats } = fixture();
    const { shared } = sharedWith();
    const query = 'subscription ($label: String, $after: String) { ticks(label: $label, after: $after) { value } }';
    const opened = [
      await open(shared, schema, query, recording('1'), { label: 'a' }),
      await open(shared, schema, query, recording('2'), { label: 'b' }),
      await open(shared, schema, query, recording('3'), { label: 'a' }, { principal: { systemRole: 'USER', userId: 'u1' } }),
      await open(shared, schema, query, recording('4'), { label: 'a', after: 'cursor-1' }),
      await open(shared, schema, query, recording('5'), { label: 'a', after: 'cursor-1' }),
    ];
    expect(stats.openSources).toBe(5);
    expect(shared.groupCount()).toBe(3);
    await Promise.all(opened.map((iterator) => iterator.return!()));
    expect(stats.openSources).toBe(0);
  });

  test('a replay yields its results to graphql-ws, which serializes them', async () => {
    const { schema, emit } = fixture();
    const { shared, serialized } = sharedWith();
    const replay = await open(shared, schema, 'subscription { ticks(after: "c0") { value } }', recording('1'));
    emit(5);
    expect((await replay.next()).value).toEqual({ data: { ticks: { value: 5 } } });
    expect(serialized).toEqual([]);
    await replay.return!();
  });

  test('no caller, no sharing', () => {
    expect(subscriptionScope({ principal: null })).toBeNull();
    expect(subscriptionScope({ principal: { systemRole: 'USER', userId: 'u1' } })).toBe('user:u1');
  });
});
