import type { Server } from 'node:http';
import {
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  OperationTypeNode,
  specifiedRules,
  type ExecutionArgs,
  type ExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Attributes } from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import type { Context as GraphqlWsContext } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Principal } from '../domains/identity/index.js';
import type { ContextFactory } from './context.js';
import { isWebsocketOriginAllowed } from './cors.js';
import type { OperationDeadline } from './cost/deadline.js';
import type { OperationCost, OperationGuard } from './cost/operation-guard.js';
import { CheckedDocuments } from './document-cache.js';
import { queryLimitRules, type QueryLimits } from './limits.js';
import { outcomeOf, type OperationTelemetry } from './operation-telemetry.js';
import { payerOf, rateLimitKeys, type RateLimiter } from './rate-limit.js';
import { requestIdOf } from './request-id.js';
import { SubscriptionBudget } from './subscription-budget.js';
import { failSpan, inSpan, SpanKind } from '../shared/tracing.js';
import type { FrameChannel, SharedSubscriptions } from './shared-subscriptions.js';
import { serveGraphqlWs, type SocketExtra } from './ws-transport.js';

/** A socket's graphql-ws context: its upgrade request is not kept, only what ws-transport.ts copies. */
type Context = GraphqlWsContext<Record<string, unknown> | undefined, SocketExtra>;

/** graphql-ws's own default: a socket that has not sent `connection_init` by then is closed with 4408. */
const CONNECTION_INIT_WAIT_MS = 3_000;

export interface WebsocketOptions {
  readonly httpServer: Server;
  readonly path: string;
  readonly schema: GraphQLSchema;
  readonly contexts: ContextFactory;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly limits: QueryLimits;
  readonly maxPayloadBytes: number;
  readonly onConnectionCountChange?: (open: number) => void;
  /** How often open sockets re-present their credentials: a revoked or expired token is cut off. */
  readonly credentialRecheckMs: number;
  readonly rateLimiter: RateLimiter;
  /** Cost, turns per caller, deadline and answer size (shared with HTTP). */
  readonly guard: OperationGuard;
  readonly sharedSubscriptions: SharedSubscriptions;
  /** Operations open at once on one socket; the next subscribe gets SUBSCRIPTION_LIMIT_EXCEEDED. */
  readonly maxSubscriptionsPerSocket: number;
  /** Subscriptions one user may have open at once across its sockets; the next gets SUBSCRIPTION_LIMIT_EXCEEDED. */
  readonly maxSubscriptionsPerUser: number;
  /** Bytes a socket may hold unsent before a query's or mutation's answer to it is replaced by a short refusal (KDA_SUBSCRIPTION_BUFFER_BYTES). */
  readonly maxBufferedBytes: number;
  /** An answer was replaced by that refusal (for /metrics). */
  readonly onAnswerWithheld?: () => void;
  /** How often each socket is pinged, and how long its pong may take before it is dropped as dead (its subscriptions end). */
  readonly keepAliveMs: number;
  /** Browser origins besides the gateway's own that may open a socket (KDA_CORS_ORIGINS). */
  readonly allowedOrigins: readonly string[];
  /** KDA_DEBUG_ERRORS: graphql-ws then puts internal error messages in close reasons. */
  readonly debugErrors?: boolean;
  /** Subscriptions opened and ended, events delivered (metrics and log lines). */
  readonly telemetry?: OperationTelemetry;
}

export interface WebsocketEndpoint {
  /** The most bytes one open socket holds that the network has not taken yet (for /metrics). */
  maxBufferedBytes(): number;
  /** Ends every subscription and closes every socket with 1001 (going away). */
  stop(): Promise<void>;
}

/** A websocket subscription between its start and its end, for its metrics and log lines. */
interface TrackedSubscription {
  readonly field: string;
  readonly name: string | undefined;
  /** performance.now() once it runs; 0 until then (a refused one never starts). */
  started: number;
  delivered: number;
  outcome: string;
}

/**
 * The `payload` of a graphql-ws `next` message as JSON, exactly as graphql-ws would write it
 * through our `onNext` (errors formatted for clients): shared subscriptions serialize once per
 * event with it and write the same bytes to every socket.
 */
export function nextPayloadSerializer(formatError: WebsocketOptions['formatError']): (result: ExecutionResult) => string {
  return (result) => JSON.stringify(result.errors === undefined ? result : { ...result, errors: result.errors.map((error) => formatError(error.toJSON(), error)) });
}

/**
 * graphql-ws on the HTTP server's port and path. graphql-ws runs none of Apollo's rules, so the
 * same limits are applied here. The caller is authenticated when the socket opens, and again every
 * `credentialRecheckMs`, so a socket outlives neither a revoked API token nor an expired JWT.
 */
export function attachWebsocket(options: WebsocketOptions): WebsocketEndpoint {
  const server = new WebSocketServer({
    server: options.httpServer,
    path: options.path,
    maxPayload: options.maxPayloadBytes,
    verifyClient: ({ origin, req }, allow) => {
      if (isWebsocketOriginAllowed(origin, req.headers.host, options.allowedOrigins)) allow(true);
      else allow(false, 403, 'Origin not allowed');
    },
  });
  const principals = new WeakMap<Context, Principal>();
  // A socket's request id is the one of its upgrade request (sent back in the 101's x-request-id).
  const requestIds = new WeakMap<IncomingMessage, string>();
  const requestIdFor = (request: IncomingMessage): string => {
    let id = requestIds.get(request);
    if (id === undefined) {
      id = requestIdOf(request.headers);
      requestIds.set(request, id);
    }
    return id;
  };
  server.on('headers', (headers, request) => headers.push(`X-Request-Id: ${requestIdFor(request)}`));
  const subscriptions = new WeakMap<Context, Map<string, TrackedSubscription>>();
  const trackedOf = (context: Context): Map<string, TrackedSubscription> => {
    let tracked = subscriptions.get(context);
    if (tracked === undefined) {
      tracked = new Map();
      subscriptions.set(context, tracked);
    }
    return tracked;
  };
  const reportOf = (context: Context, id: string, tracked: TrackedSubscription) => ({
    requestId: context.extra.requestId,
    subscriptionId: id,
    field: tracked.field,
    name: tracked.name,
    callerId: principals.get(context)?.id ?? null,
  });
  // Each open socket's credential, presented again every credentialRecheckMs.
  const credentials = new Map<Context, string>();
  const recheck = setInterval(() => {
    // Sockets sharing a credential (a dashboard's thousand viewers with one token) are judged by one check.
    const byCredential = new Map<string, Context[]>();
    for (const [context, authorization] of credentials) {
      const sharing = byCredential.get(authorization);
      if (sharing === undefined) byCredential.set(authorization, [context]);
      else sharing.push(context);
    }
    for (const [authorization, sharing] of byCredential) {
      options.contexts.authenticate(authorization).then(
        (principal) => {
          if (principal === null) throw new Error('no credentials');
        },
        () => {
          for (const context of sharing) {
            if (!credentials.delete(context)) continue;
            context.extra.socket.close(4403, 'Forbidden: the credentials are no longer valid');
          }
        },
      );
    }
  }, options.credentialRecheckMs);
  recheck.unref();
  const documents = new CheckedDocuments(options.schema, [...specifiedRules, ...queryLimitRules(options.limits)]);
  // Queries and mutations admitted to run, by their context: priced, with a turn and a deadline.
  const admitted = new WeakMap<object, { readonly deadline: OperationDeadline; readonly cost: OperationCost; readonly leave: () => void; readonly socket: WebSocket }>();
  const executeAdmitted = async (args: ExecutionArgs) => {
    const running = admitted.get(args.contextValue as object);
    if (running === undefined) return execute(args);
    const { deadline, cost, leave, socket } = running;
    const execution = Promise.resolve(execute(args));
    // The turn is given back when the work has stopped, not when the caller was answered.
    execution
      .finally(() => {
        deadline.stop();
        leave();
      })
      .catch(() => undefined);
    const result: ExecutionResult = await Promise.race([execution, deadline.reached.then(() => ({ errors: [deadline.error()] }))]);
    // A client that does not read its answers would otherwise have up to one per open operation
    // (KDA_MAX_RESPONSE_BYTES each) waiting in the gateway's memory.
    if (socket.bufferedAmount > options.maxBufferedBytes) {
      options.onAnswerWithheld?.();
      return { errors: [unreadAnswersError(socket.bufferedAmount, options.maxBufferedBytes)] };
    }
    return options.guard.capResult({ ...result, extensions: { ...result.extensions, cost } });
  };
  // Where a subscription's shared frames go, by the context its onSubscribe made for it.
  const channels = new WeakMap<object, FrameChannel>();
  // What an operation's span says of it, by the context its onSubscribe made for it.
  const spanTags = new WeakMap<object, { readonly name: string; readonly attributes: Attributes }>();
  /**
   * A server span per websocket operation, as over HTTP: a query's or mutation's whole execution;
   * a subscription's setup (its events are not spans: one per event and subscriber would swamp any
   * collector). Without tracing configured the tracer is a no-op.
   */
  const traced = async <T extends ExecutionResult | AsyncIterableIterator<ExecutionResult>>(contextValue: unknown, work: () => Promise<T>): Promise<T> => {
    const tags = spanTags.get(contextValue as object);
    if (tags === undefined) return work();
    // Needed once, at the start: a subscription's context outlives it by hours.
    spanTags.delete(contextValue as object);
    return inSpan(tags.name, SpanKind.SERVER, tags.attributes, async (span) => {
      const result = await work();
      const outcome = Symbol.asyncIterator in result ? 'ok' : outcomeOf(result.errors?.map((error) => ({ extensions: error.extensions })));
      span.setAttribute('kda.outcome', outcome);
      if (outcome !== 'ok') failSpan(span, outcome);
      return result;
    });
  };
  const budget = new SubscriptionBudget(options.maxSubscriptionsPerUser);
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));

  server.on('connection', () => options.onConnectionCountChange?.(server.clients.size));
  server.on('close', () => options.onConnectionCountChange?.(0));

  const disposable = serveGraphqlWs(server, {
    keepAliveMs: options.keepAliveMs,
    connectionInitWaitMs: CONNECTION_INIT_WAIT_MS,
    debugErrors: options.debugErrors === true,
    extraOf: (socket, request) => ({ socket, remoteAddress: request.socket.remoteAddress, requestId: requestIdFor(request) }),
    graphqlWs: {
      schema: options.schema,
      subscribe: (args) => traced(args.contextValue, () => options.sharedSubscriptions.subscribe(args, channels.get(args.contextValue as object))),
      execute: (args) => traced(args.contextValue, () => executeAdmitted(args)),
      onConnect: async (context) => {
        const authorization = context.connectionParams?.authorization ?? context.connectionParams?.Authorization;
        try {
          const principal = await options.contexts.authenticate(typeof authorization === 'string' ? authorization : undefined);
          if (principal === null || typeof authorization !== 'string') return false;
          principals.set(context, principal);
          credentials.set(context, authorization);
          return true;
        } catch {
          // graphql-ws closes the socket with 4403 Forbidden; the refused credential spends the address's budget.
          try {
            options.rateLimiter.takeEach(rateLimitKeys(null, context.extra.remoteAddress));
          } catch {
            // Over budget: refused all the same.
          }
          return false;
        }
      },
      onSubscribe: async (context, id, payload) => {
        const principal = principals.get(context) ?? null;
        // graphql-ws has registered this operation already, so it is among the open ones.
        const open = Object.keys(context.subscriptions).length;
        if (open > options.maxSubscriptionsPerSocket) {
          return [
            new GraphQLError(
              `At most ${options.maxSubscriptionsPerSocket} operations may be open at once on one websocket (KDA_MAX_SUBSCRIPTIONS_PER_SOCKET); complete one first or open another socket`,
              { extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: 'perSocket', maximum: options.maxSubscriptionsPerSocket } },
            ),
          ];
        }
        try {
          options.rateLimiter.takeEach(rateLimitKeys(principal, context.extra.remoteAddress));
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        // Returned errors go out through onError, which formats them.
        const checked = documents.check(payload.query);
        if ('errors' in checked) return [...checked.errors];
        const { document } = checked;
        // graphql-ws keeps the subscribe message as long as the operation runs: keep the one cached copy of its text, not one per socket.
        if (document.loc !== undefined) (payload as { query: string }).query = document.loc.source.body;
        const execution = { schema: options.schema, document, operationName: payload.operationName ?? null, variableValues: payload.variables ?? null };
        try {
          const cost = options.guard.price(document, payload.operationName, payload.variables);
          // A subscription's events are priced alike but run without a turn or deadline: each is small and its own.
          const operation = getOperationAST(document, payload.operationName ?? undefined);
          if (operation?.operation === OperationTypeNode.SUBSCRIPTION) {
            const overBudget = budget.take(context, id, payerOf(principal, context.extra.remoteAddress));
            if (overBudget !== undefined) return [overBudget];
            const root = operation.selectionSet.selections[0];
            const tracked: TrackedSubscription = {
              field: root?.kind === Kind.FIELD ? root.name.value : 'unknown',
              name: operation.name?.value,
              started: 0,
              delivered: 0,
              outcome: 'ok',
            };
            trackedOf(context).set(id, tracked);
            const contextValue = options.contexts.create(principal);
            spanTags.set(contextValue, spanTagsOf(operation, context.extra.requestId));
            channels.set(contextValue, new SocketChannel(id, context.extra.socket, tracked));
            return { ...execution, contextValue };
          }
          const deadline = options.guard.deadline();
          let leave: () => void;
          try {
            leave = await options.guard.admit(payerOf(principal, context.extra.remoteAddress), cost);
          } catch (error) {
            deadline.stop();
            throw error;
          }
          const contextValue = options.contexts.create(principal, deadline);
          admitted.set(contextValue, { deadline, cost, leave, socket: context.extra.socket });
          if (operation) spanTags.set(contextValue, spanTagsOf(operation, context.extra.requestId));
          return { ...execution, contextValue };
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
      },
      onOperation: (context, id, _payload, _args, result) => {
        const tracked = subscriptions.get(context)?.get(id);
        if (tracked === undefined) return;
        if (!(Symbol.asyncIterator in result)) {
          subscriptions.get(context)?.delete(id);
          return;
        }
        tracked.started = performance.now();
        options.telemetry?.subscriptionStarted(reportOf(context, id, tracked));
      },
      onNext: (context, id, _payload, _args, result) => {
        const tracked = subscriptions.get(context)?.get(id);
        if (tracked !== undefined) {
          tracked.delivered += 1;
          // Alone means a replay (`after`) or no shared scope: replayed events are old by design and not timed.
          options.telemetry?.delivered(tracked.field);
        }
        return result.errors === undefined ? undefined : { ...result, errors: format(result.errors) };
      },
      onError: (context, id, _payload, errors) => {
        const tracked = subscriptions.get(context)?.get(id);
        if (tracked !== undefined) tracked.outcome = outcomeOf(errors.map((error) => ({ extensions: error.extensions })));
        return format(errors);
      },
      onComplete: (context, id) => {
        budget.release(context, id);
        const tracked = subscriptions.get(context)?.get(id);
        if (tracked === undefined) return;
        subscriptions.get(context)?.delete(id);
        if (tracked.started === 0) return;
        options.telemetry?.subscriptionEnded({
          ...reportOf(context, id, tracked),
          durationMs: performance.now() - tracked.started,
          delivered: tracked.delivered,
          outcome: tracked.outcome,
        });
      },
      onClose: (context) => {
        // graphql-ws has ended the socket's subscriptions; whatever did not report its end is given back here.
        budget.releaseAll(context);
        credentials.delete(context);
        options.onConnectionCountChange?.(server.clients.size);
      },
    },
  });

  return {
    maxBufferedBytes() {
      let most = 0;
      for (const client of server.clients) most = Math.max(most, client.bufferedAmount);
      return most;
    },
    async stop() {
      clearInterval(recheck);
      for (const client of server.clients) client.close(1001, 'Server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Where one shared subscription's frames go: its socket, with no closure of its own. */
class SocketChannel implements FrameChannel {
  constructor(
    readonly id: string,
    private readonly socket: WebSocket,
    private readonly tracked: TrackedSubscription,
  ) {}

  send(frame: string, written?: () => void): void {
    // ws calls `written` back once the network took the frame, or with an error once the socket is gone.
    this.socket.send(frame, written);
  }

  bufferedBytes(): number {
    return this.socket.bufferedAmount;
  }

  delivered(): void {
    this.tracked.delivered += 1;
  }
}

/** An answer not sent because the socket already holds more than its client has read. */
function unreadAnswersError(buffered: number, maximum: number): GraphQLError {
  return new GraphQLError(
    `The answer was not sent: this websocket holds ${buffered} bytes its client has not read yet, more than ${maximum} (KDA_SUBSCRIPTION_BUFFER_BYTES); read what was sent, then ask again`,
    { extensions: { code: 'RATE_LIMITED', limit: 'socketBuffer', maximum } },
  );
}

/** A websocket operation's span name and attributes: those of an HTTP operation, with the transport. */
function spanTagsOf(operation: OperationDefinitionNode, requestId: string): { readonly name: string; readonly attributes: Attributes } {
  const name = operation.name?.value;
  return {
    name: name === undefined ? `graphql ${operation.operation}` : `graphql ${operation.operation} ${name}`,
    attributes: { 'kda.request_id': requestId, 'kda.transport': 'websocket', 'graphql.operation.type': operation.operation, 'graphql.operation.name': name ?? '' },
  };
}
