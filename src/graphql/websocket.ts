import type { Server } from 'node:http';
import { GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLFormattedError, type GraphQLSchema } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Principal } from '../domains/identity/index.js';
import type { ContextFactory } from './context.js';
import { queryLimitRules, type QueryLimits } from './limits.js';

export interface WebsocketOptions {
  readonly httpServer: Server;
  readonly path: string;
  readonly schema: GraphQLSchema;
  readonly contexts: ContextFactory;
  readonly formatError: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;
  readonly limits: QueryLimits;
  readonly maxPayloadBytes: number;
  readonly onConnectionCountChange?: (open: number) => void;
}

export interface WebsocketEndpoint {
  /** Ends every subscription and closes every socket with 1001 (going away). */
  stop(): Promise<void>;
}

/**
 * graphql-ws on the HTTP server's port and path. graphql-ws runs none of Apollo's rules, so the
 * same limits are applied here, and the caller is authenticated once, when the socket opens.
 */
export function attachWebsocket(options: WebsocketOptions): WebsocketEndpoint {
  const server = new WebSocketServer({ server: options.httpServer, path: options.path, maxPayload: options.maxPayloadBytes });
  const principals = new WeakMap<Context, Principal>();
  const rules = [...specifiedRules, ...queryLimitRules(options.limits)];
  const format = (errors: readonly GraphQLError[]) => errors.map((error) => options.formatError(error.toJSON(), error));

  server.on('connection', () => options.onConnectionCountChange?.(server.clients.size));
  server.on('close', () => options.onConnectionCountChange?.(0));

  const disposable = useServer(
    {
      schema: options.schema,
      onConnect: async (context) => {
        const authorization = context.connectionParams?.authorization ?? context.connectionParams?.Authorization;
        try {
          const principal = await options.contexts.authenticate(typeof authorization === 'string' ? authorization : undefined);
          if (principal === null) return false;
          principals.set(context, principal);
          return true;
        } catch {
          // graphql-ws closes the socket with 4403 Forbidden.
          return false;
        }
      },
      onSubscribe: (context, _id, payload) => {
        let document: DocumentNode;
        try {
          document = parse(payload.query);
        } catch (error) {
          return [error instanceof GraphQLError ? error : new GraphQLError(String(error))];
        }
        const errors = validate(options.schema, document, rules);
        // Returned errors go out through onError, which formats them.
        if (errors.length > 0) return errors.map((error) => new GraphQLError(error.message, { nodes: error.nodes ?? null, extensions: { code: 'GRAPHQL_VALIDATION_FAILED', ...error.extensions } }));
        return {
          schema: options.schema,
          document,
          operationName: payload.operationName ?? null,
          variableValues: payload.variables ?? null,
          contextValue: options.contexts.create(principals.get(context) ?? null),
        };
      },
      onNext: (_context, _id, _payload, _args, result) =>
        result.errors === undefined ? undefined : { ...result, errors: format(result.errors) },
      onError: (_context, _id, _payload, errors) => format(errors),
      onClose: () => options.onConnectionCountChange?.(server.clients.size),
    },
    server,
  );

  return {
    async stop() {
      for (const client of server.clients) client.close(1001, 'Server shutting down');
      await disposable.dispose();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
