import { createSourceEventStream, execute, getOperationAST, Kind, print, type ExecutionArgs, type ExecutionResult, type ValueNode } from 'graphql';
import { accessScopeKey } from '../domains/workspaces/access-cache.js';
import { tagEventTime } from './event-lag.js';

type Source = AsyncGenerator<ExecutionResult, void, void> | AsyncIterableIterator<ExecutionResult>;

/** Arguments that replay history: a late joiner must get its own replay, so these are never shared. */
const REPLAY_ARGUMENTS = new Set(['after', 'fromLine']);

/** Results a subscriber may fall behind by before it is cut off (a stalled socket must not hold memory). */
const MAX_BACKLOG = 1000;

interface Member {
  push(result: ExecutionResult): void;
  end(error?: Error): void;
}

interface Group {
  readonly members: Set<Member>;
  readonly source: Source;
}

function isSet(value: ValueNode, variables: Readonly<Record<string, unknown>> | null | undefined): boolean {
  if (value.kind === Kind.NULL) return false;
  if (value.kind === Kind.VARIABLE) return variables?.[value.name.value] != null;
  return true;
}

/** Whether this subscription asks for a replay (then it runs on its own). */
function replays(args: ExecutionArgs): boolean {
  const operation = getOperationAST(args.document, args.operationName);
  return (operation?.selectionSet.selections ?? []).some(
    (selection) =>
      selection.kind === Kind.FIELD && (selection.arguments ?? []).some((argument) => REPLAY_ARGUMENTS.has(argument.name.value) && isSet(argument.value, args.variableValues)),
  );
}

/**
 * Subscribers with the same document, variables and access scope share one execution per event
 * (DESIGN.md: executing per subscriber delivers a quarter of a raw broadcast at 5,000 subscribers).
 * `scopeOf` names the access scope from the operation's context; null means "do not share".
 */
export class SharedSubscriptions {
  private readonly groups = new Map<string, Group>();

  /**
   * `freshContext` gives each event a context of its own (same caller, new DataLoaders): a
   * subscription lives for hours, and a loader cache kept that long would serve stale rows.
   */
  constructor(
    private readonly scopeOf: (contextValue: unknown) => string | null,
    private readonly freshContext: (contextValue: unknown) => unknown,
    /** Results discarded with a subscriber cut off for falling behind. */
    private readonly onDropped: (count: number) => void = () => undefined,
  ) {}

  async subscribe(args: ExecutionArgs): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const scope = this.scopeOf(args.contextValue);
    // A replay's events are old by design: they would drown the event-lag histogram.
    if (scope === null || replays(args)) return this.execute(args, false);
    const key = JSON.stringify([scope, args.operationName ?? null, args.variableValues ?? null, print(args.document)]);
    let group = this.groups.get(key);
    if (group === undefined) {
      const result = await this.execute(args);
      if (!(Symbol.asyncIterator in result)) return result;
      // Another subscriber may have created the group while this one awaited.
      const raced = this.groups.get(key);
      if (raced !== undefined) {
        await result.return?.();
        group = raced;
      } else {
        group = { members: new Set(), source: result };
        this.groups.set(key, group);
        this.pump(key, group);
      }
    }
    return this.join(key, group);
  }

  /** graphql's `subscribe`, but each event executes with a fresh context. */
  private async execute(args: ExecutionArgs, timed = true): Promise<AsyncIterableIterator<ExecutionResult> | ExecutionResult> {
    const events = await createSourceEventStream(args);
    if (!(Symbol.asyncIterator in events)) return events;
    const source = events as AsyncIterableIterator<unknown>;
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next: async () => {
        const event = await source.next();
        if (event.done) return { done: true, value: undefined };
        const result = await execute({ ...args, rootValue: event.value, contextValue: this.freshContext(args.contextValue) });
        return { done: false, value: timed ? tagEventTime(result, event.value) : result };
      },
      // Straight to the source: graphql-ws's return() must release it at once, even mid-wait.
      return: async () => {
        await source.return?.();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  /** Groups alive now (for /metrics and tests). */
  groupCount(): number {
    return this.groups.size;
  }

  private pump(key: string, group: Group): void {
    void (async () => {
      let failure: Error | undefined;
      try {
        for await (const result of group.source) {
          for (const member of group.members) member.push(result);
        }
      } catch (error) {
        failure = asError(error);
      }
      if (this.groups.get(key) === group) this.groups.delete(key);
      for (const member of group.members) member.end(failure);
    })();
  }

  private join(key: string, group: Group): AsyncIterableIterator<ExecutionResult> {
    const queue: ExecutionResult[] = [];
    let waiting: ((result: IteratorResult<ExecutionResult>) => void) | undefined;
    let failWaiting: ((error: Error) => void) | undefined;
    let ended = false;
    let endError: Error | undefined;
    const leave = async () => {
      group.members.delete(member);
      if (group.members.size === 0 && this.groups.get(key) === group) {
        this.groups.delete(key);
        await group.source.return?.();
      }
    };
    const onDropped = this.onDropped;
    const member: Member = {
      push(result) {
        if (waiting) {
          const resolve = waiting;
          waiting = undefined;
          resolve({ done: false, value: result });
        } else if (queue.length >= MAX_BACKLOG) {
          // What is queued is still handed out before the error; the result that overflowed is not.
          onDropped(1);
          member.end(new Error(`Subscriber fell more than ${MAX_BACKLOG} events behind`));
          void leave();
        } else {
          queue.push(result);
        }
      },
      end(error) {
        if (ended) return;
        ended = true;
        endError = error;
        if (waiting) {
          const [resolve, reject] = [waiting, failWaiting];
          waiting = undefined;
          if (error !== undefined) reject?.(error);
          else resolve({ done: true, value: undefined });
        }
      },
    };
    group.members.add(member);
    const iterator: AsyncIterableIterator<ExecutionResult> = {
      next: () => {
        const next = queue.shift();
        if (next !== undefined) return Promise.resolve({ done: false, value: next });
        if (ended) return endError === undefined ? Promise.resolve({ done: true, value: undefined }) : Promise.reject(endError);
        return new Promise((resolve, reject) => {
          waiting = resolve;
          failWaiting = reject;
        });
      },
      return: async () => {
        member.end();
        await leave();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
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
