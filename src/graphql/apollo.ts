import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApolloServer, HeaderMap } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { GraphQLError, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import { DomainError } from '../shared/errors.js';
import { bearerChallenge, unauthenticatedStatusPlugin } from './auth-challenge.js';
import type { ContextFactory, GatewayContext } from './context.js';
import { costPlugin, type OperationTicket } from './cost/cost-plugin.js';
import { OperationDeadline } from './cost/deadline.js';
import type { OperationGuard } from './cost/operation-guard.js';
import { readJsonBody, RequestBodyError } from './http-body.js';
import { introspectionGuardPlugin } from './introspection-guard.js';
import { queryLimitRules, type QueryLimits } from './limits.js';
import { payerOf, rateLimitKeys, type RateLimiter } from './rate-limit.js';

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
}

export interface ApolloHandler {
  handle(request: IncomingMessage, response: ServerResponse): Promise<void>;
  stop(): Promise<void>;
}

function toHeaderMap(request: IncomingMessage): HeaderMap {
  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  return headers;
}

/** Apollo Server 5 on a plain node:http server (GraphQL-over-HTTP: POST and GET). */
export async function createApolloHandler(options: ApolloHandlerOptions): Promise<ApolloHandler> {
  // Apollo hands plugins a copy of the context, so the ticket is found by the deadline it carries.
  const tickets = new WeakMap<OperationDeadline, OperationTicket>();
  const apollo = new ApolloServer<GatewayContext>({
    schema: options.schema,
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
    ],
    // Apollo pretty-prints by default: slower and a third larger on the wire.
    stringifyResult: (result) => options.guard.capSerialized(JSON.stringify(result)),
  });
  await apollo.start();

  const contextFor = async (request: IncomingMessage, ticket: OperationTicket): Promise<GatewayContext> => {
    try {
      const principal = await options.contexts.authenticate(request.headers.authorization).catch((error: unknown) => {
        // A refused credential spends the address's budget: guessing tokens is rate limited like anything else.
        options.rateLimiter.takeEach(rateLimitKeys(null, request.socket.remoteAddress));
        throw error;
      });
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

  return {
    async handle(request, response) {
      let body: unknown;
      try {
        body = request.method === 'POST' ? await readJsonBody(request, options.maxBodyBytes) : undefined;
      } catch (error) {
        if (!(error instanceof RequestBodyError)) throw error;
        response.writeHead(error.status, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ errors: [{ message: error.message, extensions: { code: 'BAD_REQUEST' } }] }));
        return;
      }
      const ticket: OperationTicket = { deadline: options.guard.deadline() };
      const execution = apollo
        .executeHTTPGraphQLRequest({
          httpGraphQLRequest: { method: request.method ?? 'GET', headers: toHeaderMap(request), search: new URL(request.url ?? '/', 'http://gateway').search, body },
          context: () => contextFor(request, ticket),
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
        return;
      }
      for (const [name, value] of result.headers) response.setHeader(name, value);
      response.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        response.end(result.body.string);
        return;
      }
      for await (const chunk of result.body.asyncIterator) response.write(chunk);
      response.end();
    },
    stop: () => apollo.stop(),
  };
}
