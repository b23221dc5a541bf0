import { createSourceEventStream, execute, getOperationAST, Kind, print, type ExecutionArgs, type ExecutionResult, type ValueNode } from 'graphql';
import { accessScopeKey } from '../domains/workspaces/access-cache.js';
import { ResyncRequiredError } from '../shared/errors.js';
import { eventLagSeconds } from './event-lag.js';
import { FrameSubscriber, type BacklogLimits, type FrameChannel } from './frame-subscriber.js';

export type { BacklogLimits, FrameChannel } from './frame-subscriber.js';

/** Arguments that replay history: a late joiner must get its own replay, so these are never shared. */
const REPLAY_ARGUMENTS = new Set(['after', 'fromLine']);

/** Events fanned out in a row, at most, before the event loop gets a turn (fewer under a small backlog limit). */
const EVENTS_BETWEEN_YIELDS = 32;

/** One event as executed: its result and the source event it came from (which carries its cursor). */
interface ExecutedEvent {
  readonly result: ExecutionResult;
  readonly source: unknown;
}

interface Group {
  readonly key: string;
  readonly members: Set<FrameSubscriber>;
  readonly events: AsyncIterableIterator<ExecutedEvent>;
  /** The top-level field (metrics) and its response key (where the result's `cursor` is). */
  readonly field: string;
  readonly responseKey: string;
  /** The last payload sent, its cursor blanked; null once someone joined (they have seen nothing yet). */
  lastSent: string | null;
  /** How a member leaves: one function for the whole group, not one per member. */
  readonly leave: (member: FrameSubscriber) => Promise<void>;
}

export interface SharedSubscriptionOptions {
  /** The access scope of the operation's context; null means "do not share". */
  readonly scopeOf: (contextValue: unknown) => string | null;
  /**
   * Gives each event a context of its own (same caller, new DataLoaders): a subscription lives for
   * hours, and a loader cache kept that long would serve stale rows.
   */
  readonly freshContext: (contextValue: unknown) => unknown;
  /** A `next` message's payload as JSON, errors formatted for clients: run once per event and group. */
  readonly serializePayload: (result: ExecutionResult) => string;
  readonly backlog: BacklogLimits;
  /** Events lost with a subscriber cut off for falling behind. */
  readonly onDropped?: (count: number) => void;
  /**
   * One event written to `count` subscribers of `field` (one call per event and group), with the
   * seconds since the watch saw its change when the event says (see event-lag.ts).
   */
  readonly onDelivered?: (field: string, count: number, lagSeconds: number | undefined) => void;
  /** A MODIFIED event not sent because nothing its subscribers selected changed. */
  readonly onUnchanged?: (field: string) => void;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isSet(value: ValueNode, variables: Readonly<Record<string, unknown>> | null | undefined): boolean {
  if (value.kind === Kind.NULL) return false;
  if (value.kind === Kind.VARIABLE) return variables?.[value.name.value] != null;
  return true;
}

/** The operation's top-level field and its response key. */
function rootFieldOf(args: ExecutionArgs): { field: string; responseKey: string } {
  const root = getOperationAST(args.document, args.operationName)?.selectionSet.selections[0];
  if (root?.kind !== Kind.FIELD) return { field: 'unknown', responseKey: '' };
  return { field: root.name.value, responseKey: root.alias?.value ?? root.name.value };
}

/** Whether this subscription asks for a replay (then it runs on its own). */
function replays(args: ExecutionArgs): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  return (operation?.selectionSet.selections ?? []).some(
    (selection) =>
      selection.kind === Kind.FIELD && (selection.arguments ?? []).some((argument) => REPLAY_ARGUMENTS.has(argument.name.value) && isSet(argument.value, args.variableValues)),
  );
}

/** The event's cursor: as the subscriber selected it, else the source event's (the same opaque string). */
function cursorOf(event: ExecutedEvent, responseKey: string): string | null {
  const selected = isRecord(event.result.data) ? event.result.data[responseKey] : undefined;
  if (isRecord(selected) && typeof selected.cursor === 'string') return selected.cursor;
  return isRecord(event.source) && typeof event.source.cursor === 'string' ? event.source.cursor : null;
}

/** A change to an object that already existed (a watch's MODIFIED), as opposed to its arrival or removal. */
function isModification(source: unknown): boolean {
  if (!isRecord(source)) return false;
  return source.type === 'MODIFIED' || (isRecord(source.event) && source.event.type === 'MODIFIED');
}

/**
 * Subscribers with the same document, variables and access scope share one execution and one
 * serialization per event, and their sockets get the same payload bytes (DESIGN.md: executing and
 * serializing per subscriber delivers a quarter of a raw broadcast at 5,000 subscribers).
 * A MODIFIED event that changes nothing the group selected (its cursor aside) is not sent. A
 * subscriber whose socket does not keep up is cut off with RESYNC_REQUIRED and its last cursor,
 * so it holds a bounded amount of memory and never holds up the others.
 */
export class SharedSubscriptions {
  private readonly groups = new Map<string, Group>();
  private peakBacklog = 0;

  constructor(private readonly options: SharedSubscriptionOptions) {}

  /**
   * With a `channel`, a shareable subscription joins its group and its frames go to the channel;
   * replays, callers without a scope and callers without a channel run on their own.
   */
  async subscribe(args: ExecutionArgs, channel?: FrameChannel): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const scope = this.options.scopeOf(args.contextValue);
    if (channel === undefined || scope === null || replays(args)) return this.executeAlone(args);
    const key = JSON.stringify([scope, args.operationName ?? null, args.variableValues ?? null, args.document.loc?.source.body ?? print(args.document)]);
    let group = this.groups.get(key);
    if (group === undefined) {
      const events = await this.execute(args);
      if (!(Symbol.asyncIterator in events)) return events;
      // Another subscriber may have created the group while this one awaited.
      const raced = this.groups.get(key);
      if (raced !== undefined) {
        await events.return?.();
        group = raced;
      } else {
        const created: Group = { key, members: new Set(), events, ...rootFieldOf(args), lastSent: null, leave: (member) => this.leave(created, member) };
        group = created;
        this.groups.set(key, group);
        this.pump(group);
      }
    }
    return this.join(group, channel);
  }

  /** Groups alive now (for /metrics and tests). */
  groupCount(): number {
    return this.groups.size;
  }

  /** The most frames any subscriber has had waiting on its socket (for /metrics): never above the backlog limit. */
  backlogPeak(): number {
    return this.peakBacklog;
  }

  /** graphql's `subscribe`, but each event executes with a fresh context, and keeps its source event. */
  private async execute(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutedEvent> | ExecutionResult> {
    const stream = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in stream)) return stream;
    const sources = stream as AsyncIterableIterator<unknown>;
    const iterator: AsyncIterableIterator<ExecutedEvent> = {
      next: async () => {
        const event = await sources.next();
        if (event.done) return { done: true, value: undefined };
        const result = await execute({ ...args, rootValue: event.value, contextValue: this.options.freshContext(args.contextValue) });
        return { done: false, value: { result, source: event.value } };
      },
      // Straight to the source: graphql-ws's return() must release it at once, even mid-wait.
      return: async () => {
        await sources.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** One subscriber on its own: graphql-ws serializes and sends its results. */
  private async executeAlone(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const events = await this.execute(args);
    if (!(Symbol.asyncIterator in events)) return events;
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next: async () => {
        const event = await events.next();
        return event.done ? { done: true, value: undefined } : { done: false, value: event.value.result };
      },
      return: async () => {
        await events.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private pump(group: Group): void {
    void (async () => {
      let failure: Error | undefined;
      try {
        // Half the limit: a socket that keeps up has reported its frames written well before it.
        const eventsBetweenYields = Math.max(1, Math.min(EVENTS_BETWEEN_YIELDS, Math.floor(this.options.backlog.maxFrames / 2)));
        let sinceYield = 0;
        for await (const event of group.events) {
          this.fanOut(group, event);
          // Events already buffered arrive as microtasks, during which no socket reports a frame
          // written: let the event loop turn now and then, or a burst would look like a backlog.
          if (++sinceYield >= eventsBetweenYields) {
            sinceYield = 0;
            await new Promise((resolve) => setImmediate(resolve));
          }
        }
      } catch (error) {
        failure = asError(error);
      }
      if (this.groups.get(group.key) === group) this.groups.delete(group.key);
      for (const member of group.members) {
        // The group's source fell behind: each member resumes from what it got itself.
        member.end(failure instanceof ResyncRequiredError ? new ResyncRequiredError(member.lastCursor, 'the shared subscription fell behind its events') : failure);
      }
    })();
  }

  /** The one serialization of an event, written to every member that keeps up. */
  private fanOut(group: Group, event: ExecutedEvent): void {
    const payload = this.options.serializePayload(event.result);
    const cursor = cursorOf(event, group.responseKey);
    const comparable = cursor === null ? payload : payload.replace(JSON.stringify(cursor), '""');
    if (comparable === group.lastSent && isModification(event.source)) {
      // Every member has seen exactly this, so each is up to date with this cursor too.
      if (cursor !== null) for (const member of group.members) member.lastCursor = cursor;
      this.options.onUnchanged?.(group.field);
      return;
    }
    group.lastSent = comparable;
    const { backlog } = this.options;
    let written = 0;
    for (const member of group.members) {
      if (!member.deliver(payload, cursor, backlog)) {
        this.cutOff(group, member);
        continue;
      }
      written += 1;
      if (member.unwritten > this.peakBacklog) this.peakBacklog = member.unwritten;
    }
    if (written > 0) this.options.onDelivered?.(group.field, written, eventLagSeconds(event.source));
  }

  /** What is queued still reaches the subscriber, then the error; the event that did not fit does not. */
  private cutOff(group: Group, member: FrameSubscriber): void {
    group.members.delete(member);
    this.options.onDropped?.(1);
    const { maxFrames, maxBufferedBytes } = this.options.backlog;
    member.end(
      new ResyncRequiredError(member.lastCursor, `the subscriber's socket fell behind (more than ${maxFrames} events or ${maxBufferedBytes} bytes not yet taken by the network)`),
    );
    void this.leave(group, member);
  }

  private join(group: Group, channel: FrameChannel): AsyncIterableIterator<ExecutionResult> {
    const member = new FrameSubscriber(channel, group.leave);
    group.members.add(member);
    group.lastSent = null;
    return member;
  }

  /** The last member out closes the group's source. */
  private async leave(group: Group, member: FrameSubscriber): Promise<void> {
    group.members.delete(member);
    if (group.members.size > 0 || this.groups.get(group.key) !== group) return;
    this.groups.delete(group.key);
    await group.events.return?.();
  }
}

/** What the source threw, as an Error: subscribers' `next()` rejects with Error objects only. */
function asError(error: unknown): Error {
  if (error instanceof Error) return error;
  return new Error(typeof error === 'string' ? error : JSON.stringify(error), { cause: error });
}

/** Callers with the same access scope see the same events: administrators share, users share with themselves. */
export function subscriptionScope(contextValue: unknown): string | null {
  const principal = (contextValue as { principal?: { systemRole: string; userId: string | null } | null }).principal;
  return principal ? accessScopeKey(principal) : null;
}
