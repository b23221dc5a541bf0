import type { IncomingMessage } from 'node:http';
import type { Route } from './http-server.js';

/**
 * Cross-origin access for browser apps on the origins in KDA_CORS_ORIGINS, and nothing for any
 * other origin. Credentials (the Authorization header) are allowed, so only exact origins are ever
 * echoed. Apollo's CSRF prevention still applies to every request: a cross-origin GET or simple
 * POST without a preflight-forcing header (a JSON content type, `apollo-require-preflight`) is
 * refused before it runs, whatever its origin.
 */
export const CORS_ALLOWED_METHODS = 'GET, POST, OPTIONS';
export const CORS_ALLOWED_HEADERS = 'authorization, content-type, apollo-require-preflight, x-apollo-operation-name, x-request-id, traceparent';
/** How long a browser may reuse a preflight answer (Chromium caps it at 2 hours). */
export const CORS_MAX_AGE_SECONDS = 600;

export interface CorsOptions {
  /** The GraphQL endpoint's path; other paths (health, metrics, GraphiQL assets) get no CORS headers. */
  readonly path: string;
  /** Exact origins, as browsers send them (`https://app.example.com`, `http://localhost:3000`). */
  readonly allowedOrigins: readonly string[];
}

function pathOf(request: IncomingMessage): string {
  return new URL(request.url ?? '/', 'http://gateway').pathname;
}

/** A route tried before the GraphQL endpoint: adds the headers, and answers preflights itself. */
export function createCorsRoute(options: CorsOptions): Route {
  const allowed = new Set(options.allowedOrigins);
  return (request, response) => {
    if (pathOf(request) !== options.path) return false;
    const origin = request.headers.origin;
    const listed = typeof origin === 'string' && allowed.has(origin);
    // The answer depends on the Origin header whenever some origin is allowed: tell caches so.
    if (allowed.size > 0) response.setHeader('Vary', 'Origin');
    if (listed) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Credentials', 'true');
      response.setHeader('Access-Control-Expose-Headers', 'WWW-Authenticate, X-Request-Id');
    }
    const preflight = request.method === 'OPTIONS' && request.headers['access-control-request-method'] !== undefined;
    if (!preflight) return false;
    if (listed) {
      response.setHeader('Access-Control-Allow-Methods', CORS_ALLOWED_METHODS);
      response.setHeader('Access-Control-Allow-Headers', CORS_ALLOWED_HEADERS);
      response.setHeader('Access-Control-Max-Age', String(CORS_MAX_AGE_SECONDS));
    }
    // An origin not on the list gets an empty answer without CORS headers: the browser stops there.
    response.writeHead(204);
    response.end();
    return true;
  };
}

/**
 * Browsers send cookies and reach loopback from any page, but no CORS check guards a websocket:
 * a page on another site could open one (cross-site websocket hijacking). So a websocket upgrade
 * that carries an Origin must come from the gateway's own origin or a listed one. Tools that are
 * not browsers send no Origin and are let through; they authenticate like everyone else.
 */
export function isWebsocketOriginAllowed(origin: string | undefined, hostHeader: string | undefined, allowedOrigins: readonly string[]): boolean {
  if (origin === undefined || origin === '') return true;
  if (allowedOrigins.includes(origin)) return true;
  if (hostHeader === undefined || hostHeader === '') return false;
  try {
    const page = new URL(origin);
    // The Host header read with the page's scheme, so default ports compare equal (example.com == example.com:443).
    return page.host === new URL(`${page.protocol}//${hostHeader}`).host;
  } catch {
    return false;
  }
}
