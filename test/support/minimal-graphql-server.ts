/**
 * A tiny GraphQL server (HTTP POST + graphql-transport-ws on one port) with the GraphiQL handler
 * mounted, for testing that handler in a browser without starting the whole gateway.
 * It checks auth the way the gateway's contract says: `Authorization` on HTTP,
 * `connectionParams.authorization` on the websocket.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { GraphQLError, GraphQLInt, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, graphql } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';

import { createGraphiqlHandler } from '../../src/graphql/graphiql.js';

interface MinimalContext {
  readonly authorization: string | undefined;
}

export interface MinimalGraphqlServer {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The only bearer token it accepts. */
  readonly token: string;
  /** `connectionParams.authorization` of every websocket connection attempt, in order. */
  readonly websocketAuthorizations: readonly (string | undefined)[];
  stop(): Promise<void>;
}

function buildSchema(token: string): GraphQLSchema {
  const requireToken = (context: MinimalContext): string => {
    if (context.authorization !== `Bearer ${token}`) {
      throw new GraphQLError('A valid bearer token is required', { extensions: { code: 'UNAUTHENTICATED' } });
    }
    return 'tester';
  };
  return new GraphQLSchema({
    query: new GraphQLObjectType<unknown, MinimalContext>({
      name: 'Query',
      fields: {
        whoami: { type: new GraphQLNonNull(GraphQLString), resolve: (_root, _args, context) => requireToken(context) },
      },
    }),
    subscription: new GraphQLObjectType<unknown, MinimalContext>({
      name: 'Subscription',
      fields: {
        tick: {
          type: new GraphQLNonNull(GraphQLInt),
          args: { count: { type: GraphQLInt, defaultValue: 3 } },
          subscribe: async function* ticks(_root: unknown, args: { count: number }) {
            for (let tick = 1; tick <= args.count; tick++) yield tick;
          },
          resolve: (tick: unknown) => tick,
        },
      },
    }),
  });
}

interface GraphqlRequestBody {
  query?: unknown;
  variables?: unknown;
  operationName?: unknown;
}

async function readJson(req: IncomingMessage): Promise<GraphqlRequestBody> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8')) as GraphqlRequestBody;
}

async function executePost(schema: GraphQLSchema, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const body = await readJson(req);
  const result = await graphql({
    schema,
    source: typeof body.query === 'string' ? body.query : '',
    variableValues: typeof body.variables === 'object' && body.variables !== null ? (body.variables as Record<string, unknown>) : undefined,
    operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
    contextValue: { authorization: req.headers.authorization } satisfies MinimalContext,
  });
  res.writeHead(200, { 'Content-Type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(result));
}

export async function startMinimalGraphqlServer(options: { defaultHeaders?: Record<string, string> } = {}): Promise<MinimalGraphqlServer> {
  const token = 'minimal-test-token';
  const schema = buildSchema(token);
  const graphiql = createGraphiqlHandler({ endpointPath: '/graphql', defaultHeaders: options.defaultHeaders });
  const websocketAuthorizations: (string | undefined)[] = [];

  const server = createServer((req, res) => {
    if (graphiql(req, res)) return;
    if (req.method === 'POST' && req.url === '/graphql') {
      executePost(schema, req, res).catch((error: unknown) => {
        res.writeHead(400, { 'Content-Type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ errors: [{ message: error instanceof Error ? error.message : String(error) }] }));
      });
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('Not found');
  });

  const websockets = new WebSocketServer({ server, path: '/graphql' });
  const websocketServer = useServer<Record<string, unknown> | undefined>(
    {
      schema,
      onConnect: (ctx) => {
        const authorization = ctx.connectionParams?.authorization;
        websocketAuthorizations.push(typeof authorization === 'string' ? authorization : undefined);
        // false closes the socket with 4403 Forbidden, as the gateway does for a bad token.
        return authorization === `Bearer ${token}`;
      },
      context: (ctx): MinimalContext => {
        const authorization = ctx.connectionParams?.authorization;
        return { authorization: typeof authorization === 'string' ? authorization : undefined };
      },
    },
    websockets,
  );

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    token,
    websocketAuthorizations,
    async stop() {
      await websocketServer.dispose();
      await new Promise<void>((resolve) => websockets.close(() => resolve()));
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
