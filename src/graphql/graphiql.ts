import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';

import { GRAPHIQL_INIT_SCRIPT, GRAPHIQL_PAGE_CSS, renderGraphiqlPage } from './graphiql-page.js';

/**
 * GraphiQL served from the installed packages: the product runs air-gapped, so nothing may come
 * from a CDN (Apollo's default landing page does).
 */
export interface GraphiqlHandlerOptions {
  /** Where GraphQL is served, e.g. '/graphql'; a browser GET there gets the page. */
  readonly endpointPath: string;
  /** Pre-filled in the headers editor (the embedded dev mode puts its admin token here). */
  readonly defaultHeaders?: Record<string, string>;
  /** Told why a vendor file could not be served; the response itself names no path. */
  readonly onAssetError?: (error: unknown) => void;
}

/** Returns true when it answered the request; false leaves the request to the next handler. */
export type GraphiqlHandler = (req: IncomingMessage, res: ServerResponse) => boolean;

type AssetSource = { readonly kind: 'package'; readonly packageName: string; readonly file: string } | { readonly kind: 'inline'; readonly text: string };

interface AssetSpec {
  readonly name: string;
  readonly contentType: string;
  readonly source: AssetSource;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

/** The allow-list: only these names are ever served, so a request path never reaches the file system. */
const STYLESHEETS: readonly AssetSpec[] = [
  { name: 'graphiql.min.css', contentType: CSS, source: { kind: 'package', packageName: 'graphiql', file: 'graphiql.min.css' } },
  { name: 'graphiql-page.css', contentType: CSS, source: { kind: 'inline', text: GRAPHIQL_PAGE_CSS } },
];
const SCRIPTS: readonly AssetSpec[] = [
  { name: 'react.production.min.js', contentType: JS, source: { kind: 'package', packageName: 'react', file: 'umd/react.production.min.js' } },
  { name: 'react-dom.production.min.js', contentType: JS, source: { kind: 'package', packageName: 'react-dom', file: 'umd/react-dom.production.min.js' } },
  { name: 'graphiql.min.js', contentType: JS, source: { kind: 'package', packageName: 'graphiql', file: 'graphiql.min.js' } },
  { name: 'graphql-ws.min.js', contentType: JS, source: { kind: 'package', packageName: 'graphql-ws', file: 'umd/graphql-ws.min.js' } },
  { name: 'graphiql-init.js', contentType: JS, source: { kind: 'inline', text: GRAPHIQL_INIT_SCRIPT } },
];

interface LoadedAsset {
  readonly contentType: string;
  readonly body: Buffer;
  readonly gzipped: Buffer;
  /** Content hash: the cache-busting `v` parameter and the ETag. */
  readonly version: string;
}

const gzipAsync = promisify(gzip);
const requireFromHere = createRequire(import.meta.url);

/** Some packages (graphql-ws, react) do not export their UMD files, but all export package.json. */
function resolvePackageFile(packageName: string, file: string): string {
  return path.join(path.dirname(requireFromHere.resolve(`${packageName}/package.json`)), file);
}

/** Source maps are not shipped; without the comment, open DevTools would request them and log 404s. */
function withoutSourceMapComment(text: string): string {
  return text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n').replace(/\n\/\*# sourceMappingURL=\S+?\s*\*\/\s*$/, '\n');
}

async function loadAsset(spec: AssetSpec): Promise<LoadedAsset> {
  const text = spec.source.kind === 'inline' ? spec.source.text : await readFile(resolvePackageFile(spec.source.packageName, spec.source.file), 'utf8');
  const body = Buffer.from(withoutSourceMapComment(text), 'utf8');
  return {
    contentType: spec.contentType,
    body,
    gzipped: await gzipAsync(body),
    version: createHash('sha256').update(body).digest('hex').slice(0, 16),
  };
}

let assetsOnce: Promise<ReadonlyMap<string, LoadedAsset>> | undefined;

/** Read and compressed once per process, on first use, then served from memory. */
function loadAssets(): Promise<ReadonlyMap<string, LoadedAsset>> {
  if (assetsOnce === undefined) {
    const loading = Promise.all([...STYLESHEETS, ...SCRIPTS].map(async (spec) => [spec.name, await loadAsset(spec)] as const)).then(
      (entries): ReadonlyMap<string, LoadedAsset> => new Map(entries),
    );
    assetsOnce = loading;
    // A failed read (e.g. a package missing from node_modules) is retried on the next request.
    loading.catch(() => {
      if (assetsOnce === loading) assetsOnce = undefined;
    });
  }
  return assetsOnce;
}

/**
 * 'unsafe-inline' styles: GraphiQL's dialogs inject a <style> element (react-remove-scroll) and
 * CodeMirror's search dialog uses style attributes. Scripts are 'self' only (no inline script,
 * no eval): the page's own code is a served file too.
 */
function contentSecurityPolicy(): string {
  return [
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data:",
    "font-src 'self' data:",
    // 'self' covers ws:/wss: to the same host in CSP level 3 browsers.
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

function acceptsHtml(req: IncomingMessage): boolean {
  return (req.headers.accept ?? '').toLowerCase().includes('text/html');
}

function acceptsGzip(req: IncomingMessage): boolean {
  return /\bgzip\b/i.test(req.headers['accept-encoding'] ?? '');
}

function endWithBody(req: IncomingMessage, res: ServerResponse, body: Buffer | string): void {
  res.end(req.method === 'HEAD' ? undefined : body);
}

function sendError(req: IncomingMessage, res: ServerResponse, status: number, message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' });
  endWithBody(req, res, message);
}

/** What a first-time visitor sees: the clusters at a glance, and how to watch them live. */
export const DEFAULT_QUERY = `# KDA Gateway: one graph over all your clusters. Press the run button.
# The Docs pane (book icon, top left) describes every type and field.
{
  clusters {
    id
    name
    provider
    region
    status
    version
    capacity { cpuCores memoryBytes pods }
    nodes { totalCount edges { node { name roles ready } } }
    pods(first: 5) {
      totalCount
      edges { cursor node { namespace name phase restarts } }
      pageInfo { hasNextPage endCursor }
    }
  }
}

# The next page of pods: pods(first: 5, after: "<endCursor>"); backwards: last/before.
# Live pod changes: paste a cluster id from the answer, then run this instead.
# subscription {
#   podEvents(clusterId: "<id>") { type cursor pod { namespace name phase restarts } }
# }
`;

async function servePage(req: IncomingMessage, res: ServerResponse, assetsUrlPrefix: string, defaultHeaders: string | undefined): Promise<void> {
  const assets = await loadAssets();
  const urlOf = (spec: AssetSpec): string => `${assetsUrlPrefix}${spec.name}?v=${assets.get(spec.name)?.version ?? ''}`;
  const html = renderGraphiqlPage({ stylesheets: STYLESHEETS.map(urlOf), scripts: SCRIPTS.map(urlOf) }, { defaultHeaders, defaultQuery: DEFAULT_QUERY });
  res.writeHead(200, {
    'Content-Type': 'text/html; charset=utf-8',
    // The page may carry a token in its default headers: never store it.
    'Cache-Control': 'no-store',
    'Content-Security-Policy': contentSecurityPolicy(),
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
  });
  endWithBody(req, res, html);
}

async function serveAsset(req: IncomingMessage, res: ServerResponse, name: string): Promise<void> {
  const asset = (await loadAssets()).get(name);
  if (asset === undefined) {
    sendError(req, res, 404, 'Not found');
    return;
  }
  const etag = `"${asset.version}"`;
  const headers: Record<string, string> = {
    'Content-Type': asset.contentType,
    // URLs carry the content hash, so a changed file is a new URL.
    'Cache-Control': 'public, max-age=31536000, immutable',
    ETag: etag,
    Vary: 'Accept-Encoding',
    'X-Content-Type-Options': 'nosniff',
  };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  const gzipped = acceptsGzip(req);
  const body = gzipped ? asset.gzipped : asset.body;
  if (gzipped) headers['Content-Encoding'] = 'gzip';
  headers['Content-Length'] = String(body.length);
  res.writeHead(200, headers);
  endWithBody(req, res, body);
}

function answer(req: IncomingMessage, res: ServerResponse, work: Promise<void>, onAssetError: ((error: unknown) => void) | undefined): true {
  work.catch((error: unknown) => {
    // Only reached when a vendor file cannot be read: the install is broken. The reason (a file
    // path) goes to the log, not to whoever asked.
    onAssetError?.(error);
    sendError(req, res, 500, 'GraphiQL is unavailable: its files cannot be read (reinstall the dependencies; the server log says which)');
  });
  return true;
}

export function createGraphiqlHandler(options: GraphiqlHandlerOptions): GraphiqlHandler {
  const { endpointPath } = options;
  // Next to the endpoint: '/graphql' -> '/graphiql/assets/'.
  const assetsPath = `${endpointPath.slice(0, endpointPath.lastIndexOf('/') + 1)}graphiql/assets/`;
  // Relative to the page URL, so a proxy that mounts the gateway under a prefix keeps it working.
  const assetsUrlPrefix = './graphiql/assets/';
  const defaultHeaders = options.defaultHeaders === undefined ? undefined : JSON.stringify(options.defaultHeaders, null, 2);

  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    if (req.headers.upgrade !== undefined) return false;
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return false;
    }
    if (url.pathname === endpointPath) {
      // A GraphQL GET (query in the URL) stays with the GraphQL server whatever the Accept header says.
      if (!acceptsHtml(req) || url.searchParams.has('query')) return false;
      return answer(req, res, servePage(req, res, assetsUrlPrefix, defaultHeaders), options.onAssetError);
    }
    if (url.pathname.startsWith(assetsPath)) {
      return answer(req, res, serveAsset(req, res, url.pathname.slice(assetsPath.length)), options.onAssetError);
    }
    return false;
  };
}
