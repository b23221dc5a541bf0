/**
 * The GraphiQL page and the two small files it needs besides the vendor bundles.
 * Kept apart from the request handler so the browser-side code reads as one piece.
 */

/** Asset URLs are relative to the page, so the page keeps working behind a path-prefixing proxy. */
export interface GraphiqlPageAssets {
  readonly stylesheets: readonly string[];
  readonly scripts: readonly string[];
}

export interface GraphiqlPageConfig {
  /** JSON text pre-filled in the headers editor, or undefined for an empty editor. */
  readonly defaultHeaders: string | undefined;
  /** The first tab's query, shown instead of GraphiQL's welcome text. */
  readonly defaultQuery: string;
}

/** JSON inside a `<script type="application/json">` must not be able to close the element. */
function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function renderGraphiqlPage(assets: GraphiqlPageAssets, config: GraphiqlPageConfig): string {
  const links = assets.stylesheets.map((href) => `    <link rel="stylesheet" href="${escapeAttribute(href)}">`);
  // Order matters: React and ReactDOM globals must exist before the GraphiQL bundle runs.
  const scripts = assets.scripts.map((src) => `    <script src="${escapeAttribute(src)}"></script>`);
  return [
    '<!doctype html>',
    '<html lang="en">',
    '  <head>',
    '    <meta charset="utf-8">',
    '    <meta name="viewport" content="width=device-width, initial-scale=1">',
    '    <meta name="robots" content="noindex">',
    '    <title>KDA Gateway · GraphiQL</title>',
    // An empty data: icon stops the browser asking the server for /favicon.ico.
    '    <link rel="icon" href="data:,">',
    ...links,
    `    <script type="application/json" id="graphiql-config">${jsonForScriptElement(config)}</script>`,
    '  </head>',
    '  <body>',
    '    <div id="graphiql"><noscript>GraphiQL needs JavaScript.</noscript></div>',
    ...scripts,
    '  </body>',
    '</html>',
    '',
  ].join('\n');
}

/** Full-viewport layout; a file rather than an inline style so the CSP needs no exception for it. */
export const GRAPHIQL_PAGE_CSS = `html, body { height: 100%; margin: 0; }
#graphiql { height: 100vh; }
`;

/**
 * Runs in the browser after react, react-dom, graphiql and graphql-ws UMD bundles.
 * Plain ES2017 so it is served as is, without a build step.
 *
 * Websocket auth: the server reads `connectionParams.authorization`, which only exists at connect
 * time, so the client is built for the Authorization header currently in the headers editor and
 * rebuilt when that header changes (pasting a new token takes effect on the next subscription).
 */
export const GRAPHIQL_INIT_SCRIPT = `(function () {
  'use strict';
  var configElement = document.getElementById('graphiql-config');
  var config = JSON.parse(configElement ? configElement.textContent || '{}' : '{}');
  var httpUrl = new URL(window.location.pathname, window.location.href);
  var wsUrl = new URL(httpUrl.href);
  wsUrl.protocol = httpUrl.protocol === 'https:' ? 'wss:' : 'ws:';

  /** The headers editor content as GraphiQL last passed it to the fetcher. */
  var latestHeaders = {};

  function authorizationOf(headers) {
    for (var name in headers) {
      if (Object.prototype.hasOwnProperty.call(headers, name) && name.toLowerCase() === 'authorization') {
        return String(headers[name]);
      }
    }
    return undefined;
  }

  var current = null;
  function websocketClientFor(authorization) {
    if (current !== null && current.authorization === authorization) return current.client;
    if (current !== null) void current.client.dispose();
    var client = window.graphqlWs.createClient({
      url: wsUrl.href,
      lazy: true,
      retryAttempts: 0,
      connectionParams: function () {
        return authorization === undefined ? {} : { authorization: authorization };
      },
    });
    current = { authorization: authorization, client: client };
    return client;
  }

  /** What GraphiQL's toolkit calls for a subscription; only subscribe() is used. */
  var websocketClient = {
    subscribe: function (payload, sink) {
      return websocketClientFor(authorizationOf(latestHeaders)).subscribe(payload, sink);
    },
  };

  var toolkitFetcher = window.GraphiQL.createFetcher({
    url: httpUrl.href,
    wsClient: websocketClient,
    // graphql 16 has no @defer/@stream, so multipart responses never come back.
    enableIncrementalDelivery: false,
  });

  // GraphiQL re-parses the editor on a debounce, so a run right after an edit carries the previous
  // document, and a just-typed subscription would go over HTTP. Parse what is actually sent.
  function withCurrentDocument(params, options) {
    if (typeof params.query !== 'string') return options;
    try {
      return Object.assign({}, options, { documentAST: window.GraphiQL.GraphQL.parse(params.query) });
    } catch (syntaxError) {
      return options;
    }
  }

  function fetcher(params, options) {
    latestHeaders = (options && options.headers) || {};
    return toolkitFetcher(params, withCurrentDocument(params, options));
  }

  var props = { fetcher: fetcher, defaultEditorToolsVisibility: 'headers' };
  if (typeof config.defaultHeaders === 'string') props.defaultHeaders = config.defaultHeaders;
  if (typeof config.defaultQuery === 'string') props.defaultQuery = config.defaultQuery;
  var root = window.ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(window.React.createElement(window.GraphiQL, props));
})();
`;
