import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { DomainError } from '../shared/errors.js';
import { failSpan, inServerSpan } from '../shared/tracing.js';
import { bearerChallenge, unauthenticatedStatusPlugin } from './auth-challenge.js';
import type { ContextFactory, GatewayContext } from './context.js';
import { compiledExecutionGateway } from './compiled-execution.js';
import { costPlugin, type OperationTicket } from './cost/cost-plugin.js';
import { OperationDeadline } from './cost/deadline.js';
import type { OperationGuard } from './cost/operation-guard.js';
import { readJsonBody, RequestBodyError } from './http-body.js';
import { introspectionGuardPlugin } from './introspection-guard.js';
import { queryLimitRules, type QueryLimits } from './limits.js';
import { outcomeOf, type OperationTelemetry } from './operation-telemetry.js';
import { payerOf, rateLimitKeys, type RateLimiter } from './rate-limit.js';
import { telemetryPlugin, type RequestRecord } from './telemetry-plugin.js';

export interface ApolloHandlerOptions {
  readonly schema: GraphQLSchema;
  readonly contexts: ContextFactory;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly limits: QueryLimits;
  readonly maxBodyBytes: number;
  readonly rateLimiter: RateLimiter;
  /** Cost, turns per caller, deadline and answer size (shared with the websocket). */
  readonly guard: OperationGuard;
  /** KDA_DEBUG_ERRORS: stack traces in responses; never inferred from NODE_ENV. */
  readonly debugErrors?: boolean;
  /** The embedded default only: introspection without credentials. */
  readonly allowAnonymousIntrospection?: boolean;
  /** Told of every operation once its answer is sent (metrics and the request's log line). */
  readonly telemetry?: OperationTelemetry;
}

export interface ApolloHandler {
  handle(request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void>;
  stop(): Promise<void>;
}

function toHeaderMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Errors raised before Apollo's plugins run (credentials, rate limit) are only in the answer's body. */
function outcomeOfBody(status: number, body: string): string {
  if (status === 200) return 'ok';
  try {
    return outcomeOf((JSON.parse(body) as { errors?: Array<{ extensions?: Record<string, unknown> }> }).errors);
  } catch {
    return `HTTP_${status}`;
  }
}

/** Apollo Server 5 on a plain node:http server (GraphQL-over-HTTP: POST and GET). */
export async function createApolloHandler(options: ApolloHandlerOptions): Promise<ApolloHandler> {
  // Apollo hands plugins a copy of the context, so the ticket is found by the deadline it carries.
  const tickets = new WeakMap<OperationDeadline, OperationTicket>();
  const records = new WeakMap<OperationDeadline, RequestRecord>();
  const apollo = new ApolloServer<GatewayContext>({
    // Queries run compiled (graphql-jit), parsed and validated once per document.
    gateway: compiledExecutionGateway(options.schema),
    formatError: options.formatError,
    validationRules: queryLimitRules(options.limits),
    introspection: true,
    // Refuses GETs and simple POSTs that carry no preflight-forcing header: a page on another
    // origin cannot make a browser run an operation with the user's credentials unasked.
    csrfPrevention: true,
    // Apollo would include them whenever NODE_ENV is unset; only the explicit switch may.
    includeStacktraceInErrorResponses: options.debugErrors === true,
    // GraphiQL is served from local assets by our own route; Apollo's page would load from a CDN.
    // Cache-control hints are unused, and the plugin wraps every field resolver (measured: ~10% of a large query).
    plugins: [
      ApolloServerPluginLandingPageDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      introspectionGuardPlugin<GatewayContext>({ allowAnonymous: options.allowAnonymousIntrospection === true }),
      unauthenticatedStatusPlugin<GatewayContext>(),
      costPlugin<GatewayContext>(options.guard, (context) => (context.deadline === undefined ? undefined : tickets.get(context.deadline))),
      telemetryPlugin<GatewayContext>((context) => (context.deadline === undefined ? undefined : records.get(context.deadline))),
    ],
    // Apollo pretty-prints by default: slower and a third larger on the wire.
    stringifyResult: (result) => options.guard.capSerialized(JSON.stringify(result)),
  });
  await apollo.start();

  const contextFor = async (request: IncomingMessage, ticket: OperationTicket, record: RequestRecord): Promise<GatewayContext> => {
    try {
      const principal = await options.contexts.authenticate(request.headers.authorization).catch((error: unknown) => {
        // A refused credential spends the address's budget: guessing tokens is rate limited like anything else.
        options.rateLimiter.takeEach(rateLimitKeys(null, request.socket.remoteAddress));
        throw error;
      });
      record.callerId = principal?.id ?? null;
      options.rateLimiter.takeEach(rateLimitKeys(principal, request.socket.remoteAddress));
      ticket.caller = payerOf(principal, request.socket.remoteAddress);
      tickets.set(ticket.deadline, ticket);
      return options.contexts.create(principal, ticket.deadline);
    } catch (error) {
      if (error instanceof DomainError) {
        // Context errors skip Apollo's plugins, so the challenge travels in the error's http head.
        const http =
          error.code === 'UNAUTHENTICATED'
            ? { status: 401, headers: new HeaderMap([['www-authenticate', bearerChallenge(request.headers.authorization !== undefined)]]) }
            : { status: 400 };
        throw new GraphQLError(error.message, { extensions: { code: error.code, http } });
      }
      throw error;
    }
  };

  const answer = async (request: IncomingMessage, response: ServerResponse, record: RequestRecord): Promise<string> => {
    let body: unknown;
    try {
      body = request.method === 'POST' ? await readJsonBody(request, options.maxBodyBytes) : undefined;
    } catch (error) {
      if (!(error instanceof RequestBodyError)) throw error;
      response.writeHead(error.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] }));
      return 'BAD_REQUEST';
    }
    const ticket: OperationTicket = { deadline: options.guard.deadline() };
    records.set(ticket.deadline, record);
    const execution = apollo
      .executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: request.method ?? 'GET', headers: toHeaderMap(request), search: new URL(request.url ?? '/', 'http://gateway').search, body },
        context: () => contextFor(request, ticket, record),
      })
      // The turn is given back when the work has stopped, not when the caller was answered.
      .finally(() => {
        ticket.deadline.stop();
        ticket.leave?.();
      });
    const deadlinePassed = ticket.deadline.reached.then(() => ticket.deadline);
    const result = await Promise.race([execution, deadlinePassed]);
    if (result instanceof OperationDeadline) {
      const { message, extensions } = result.error();
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ errors: [{ message, extensions }] }));
      return outcomeOf([{ extensions }]);
    }
    for (const [name, value] of result.headers) response.setHeader(name, value);
    response.statusCode = result.status ?? 200;
    if (result.body.kind === 'complete') {
      response.end(result.body.string);
      return record.outcome ?? outcomeOfBody(response.statusCode, result.body.string);
    }
    for await (const chunk of result.body.asyncIterator) response.write(chunk);
    response.end();
    return record.outcome ?? 'ok';
  };

  return {
    async handle(request, response, requestId) {
      const started = performance.now();
      const record: RequestRecord = { type: 'unknown', callerId: null };
      const report = (outcome: string) =>
        options.telemetry?.httpOperation({ requestId, type: record.type, name: record.name, callerId: record.callerId, durationMs: performance.now() - started, outcome });
      await inServerSpan('graphql', request.headers, { 'kda.request_id': requestId }, async (span) => {
        let outcome: string;
        try {
          outcome = await answer(request, response, record);
        } catch (error) {
          report('INTERNAL_SERVER_ERROR');
          throw error;
        }
        report(outcome);
        span.updateName(record.name === undefined ? `graphql ${record.type}` : `graphql ${record.type} ${record.name}`);
        span.setAttributes({ 'graphql.operation.type': record.type, 'graphql.operation.name': record.name ?? '', 'kda.outcome': outcome });
        if (outcome !== 'ok') failSpan(span, outcome);
      });
    },
    stop: () => apollo.stop(),
  };
}
