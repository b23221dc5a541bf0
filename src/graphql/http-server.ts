import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../shared/logger.js';
import { requestIdOf } from './request-id.js';

/** Handles the request and returns true, or returns false to let the next route try. */
export type Route = (request: IncomingMessage, response: ServerResponse) => boolean | Promise<boolean>;

export interface ReadinessReport {
  readonly ready: boolean;
  readonly checks: Readonly<Record<string, { readonly ok: boolean; readonly detail?: string }>>;
}

export interface HttpServerOptions {
  readonly graphqlPath: string;
  /** `requestId` is also in the answer's `x-request-id` header already. */
  readonly graphql: (request: IncomingMessage, response: ServerResponse, requestId: string) => Promise<void>;
  /** Tried before the GraphQL endpoint (GraphiQL's page and assets). */
  readonly routes: readonly Route[];
  readonly readiness: () => Promise<ReadinessReport>;
  /** Whether this `Authorization` header may see the checks' details (system administrators only). */
  readonly readinessDetailFor: (authorization: string | undefined) => Promise<boolean>;
  /** The Prometheus exposition and its content type. */
  readonly metrics: () => Promise<{ readonly contentType: string; readonly body: string }>;
  readonly logger: Logger;
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(body);
}

/** The verdict of each required check, without names of clusters or reasons. */
function summaryOf(report: ReadinessReport): ReadinessReport {
  const required = Object.entries(report.checks).filter(([name]) => !name.startsWith('cluster:'));
  return { ready: report.ready, checks: Object.fromEntries(required.map(([name, check]) => [name, { ok: check.ok }])) };
}

/**
 * The single HTTP server: GraphQL, GraphiQL, health, readiness and metrics on one port. Given the
 * server that answered while the gateway was starting, it takes over that one (same port).
 */
export function createHttpServer(options: HttpServerOptions, starting?: Server): Server {
  const dispatch = async (request: IncomingMessage, response: ServerResponse, requestId: string): Promise<void> => {
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path === '/healthz') return send(response, 200, 'text/plain; charset=utf-8', 'ok\n');
    if (path === '/readyz') {
      const report = await options.readiness();
      // Cluster names and connection errors are for administrators; a load balancer needs only the verdict.
      const shown = (await options.readinessDetailFor(request.headers.authorization)) ? report : summaryOf(report);
      return send(response, report.ready ? 200 : 503, 'application/json', JSON.stringify(shown));
    }
    if (path === '/metrics') {
      const { contentType, body } = await options.metrics();
      return send(response, 200, contentType, body);
    }
    for (const route of options.routes) {
      if (await route(request, response)) return;
    }
    if (path === options.graphqlPath) return options.graphql(request, response, requestId);
    send(response, 404, 'text/plain; charset=utf-8', `Not found. The GraphQL endpoint is ${options.graphqlPath}\n`);
  };

  const server = starting ?? createServer();
  server.removeAllListeners('request');
  return server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    const requestId = requestIdOf(request.headers);
    response.setHeader('x-request-id', requestId);
    dispatch(request, response, requestId).catch((error: unknown) => {
      const errorId = randomUUID();
      options.logger.error('request failed', { errorId, requestId, url: request.url, error: error instanceof Error ? error.stack : String(error) });
      const body = { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', errorId } }] };
      if (!response.headersSent) send(response, 500, 'application/json', JSON.stringify(body));
      else response.destroy();
    });
  });
}

/**
 * What answers while the gateway starts (waiting for NATS, say): alive on /healthz, not ready on
 * /readyz with the verdict of each dependency so far (no details: nobody can authenticate yet),
 * 503 for everything else. createHttpServer takes this server over once the gateway is up.
 */
export function createStartingServer(checks: () => ReadinessReport['checks']): Server {
  return createServer((request, response) => {
    response.setHeader('x-request-id', requestIdOf(request.headers));
    response.setHeader('retry-after', '5');
    const path = new URL(request.url ?? '/', 'http://gateway').pathname;
    if (path === '/healthz') return send(response, 200, 'text/plain; charset=utf-8', 'starting\n');
    if (path === '/readyz') return send(response, 503, 'application/json', JSON.stringify(summaryOf({ ready: false, checks: checks() })));
    const body = { errors: [{ message: 'The gateway is starting; try again shortly', extensions: { code: 'UNAVAILABLE' } }] };
    send(response, 503, 'application/json', JSON.stringify(body));
  });
}

export async function listen(server: Server, host: string, port: number): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return (server.address() as AddressInfo).port;
}

/** Stops accepting, lets in-flight requests finish for `graceMs`, then cuts what is left. */
export async function closeServer(server: Server, graceMs: number): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}
