/**
 * The HTTP and websocket edge as browsers and operators meet it: CORS for listed origins only,
 * CSRF prevention for everything else, websocket origins, 401 with a Bearer challenge, masked
 * internal errors, and the limits set through configuration.
 */
import { request as httpRequest } from 'node:http';
import WebSocket from 'ws';
import { CORS_ALLOWED_HEADERS } from '../src/graphql/cors.js';
import type { LogFields, Logger } from '../src/shared/logger.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { collect } from './support/subscription.js';

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function send(url: string, options: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

function postJson(url: string, body: unknown, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return send(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
}

function corsHeaders(answer: HttpAnswer): Record<string, unknown> {
  return Object.fromEntries(Object.entries(answer.headers).filter(([name]) => name.startsWith('access-control-')));
}

/** Opens a raw websocket with the graphql-ws subprotocol; resolves 'open' or the HTTP status it was refused with. */
function openSocket(url: string, origin: string | undefined): Promise<{ outcome: 'open'; socket: WebSocket } | { outcome: 'refused'; status: number }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', origin === undefined ? {} : { origin });
    socket.once('open', () => resolve({ outcome: 'open', socket }));
    socket.once('unexpected-response', (_request, response) => {
      resolve({ outcome: 'refused', status: response.statusCode ?? 0 });
      socket.terminate();
    });
    socket.once('error', (error) => {
      if (socket.readyState !== WebSocket.CLOSED) reject(error);
    });
  });
}

const APP_ORIGIN = 'http://app.test:3000';
const OTHER_ORIGIN = 'http://evil.test:3000';

describe('CORS and CSRF', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ corsOrigins: [APP_ORIGIN] });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  test('a preflight from a listed origin is answered 204 with every header a credentialed JSON request needs', async () => {
    const preflight = await send(gateway.graphqlUrl, {
      method: 'OPTIONS',
      headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers).toMatchObject({
      'access-control-allow-origin': APP_ORIGIN,
      'access-control-allow-credentials': 'true',
      'access-control-allow-methods': 'GET, POST, OPTIONS',
      'access-control-max-age': expect.stringMatching(/^\d+$/),
      vary: 'Origin',
    });
    const allowedHeaders = String(preflight.headers['access-control-allow-headers'])
      .split(',')
      .map((name) => name.trim());
    expect(allowedHeaders).toEqual(expect.arrayContaining(['authorization', 'content-type', 'apollo-require-preflight', 'x-apollo-operation-name']));
    expect(allowedHeaders).toEqual(CORS_ALLOWED_HEADERS.split(', '));
  });

  test('a listed origin’s actual requests carry the allow-origin and credentials headers, errors included', async () => {
    const ok = await postJson(gateway.graphqlUrl, { query: '{ me { id } }' }, { origin: APP_ORIGIN, authorization: `Bearer ${gateway.adminToken}` });
    expect(ok.status).toBe(200);
    expect(corsHeaders(ok)).toMatchObject({ 'access-control-allow-origin': APP_ORIGIN, 'access-control-allow-credentials': 'true' });
    const refused = await postJson(gateway.graphqlUrl, { query: '{ me { id } }' }, { origin: APP_ORIGIN, authorization: 'Bearer not-a-token' });
    expect(refused.status).toBe(401);
    expect(corsHeaders(refused)).toMatchObject({ 'access-control-allow-origin': APP_ORIGIN, 'access-control-expose-headers': 'WWW-Authenticate, X-Request-Id' });
  });

  test('an origin not on the list gets no CORS headers at all, preflight or actual', async () => {
    const preflight = await send(gateway.graphqlUrl, { method: 'OPTIONS', headers: { origin: OTHER_ORIGIN, 'access-control-request-method': 'POST' } });
    expect(corsHeaders(preflight)).toEqual({});
    const actual = await postJson(gateway.graphqlUrl, { query: '{ __typename }' }, { origin: OTHER_ORIGIN });
    expect(actual.status).toBe(200);
    expect(corsHeaders(actual)).toEqual({});
  });

  test('with no origins configured, nothing is ever allowed', async () => {
    const closed = await startTestGateway();
    try {
      const preflight = await send(closed.graphqlUrl, { method: 'OPTIONS', headers: { origin: APP_ORIGIN, 'access-control-request-method': 'POST' } });
      expect(corsHeaders(preflight)).toEqual({});
    } finally {
      await closed.stop();
    }
  });

  test('CSRF prevention: a GET query needs a preflight-forcing header, a simple POST is refused', async () => {
    const url = `${gateway.graphqlUrl}?query=${encodeURIComponent('{ __typename }')}`;
    const bare = await send(url, { headers: { authorization: `Bearer ${gateway.adminToken}` } });
    expect(bare.status).toBe(400);
    expect(bare.body).toMatch(/Cross-Site Request Forgery/);
    const withHeader = await send(url, { headers: { authorization: `Bearer ${gateway.adminToken}`, 'apollo-require-preflight': 'true' } });
    expect(withHeader.status).toBe(200);
    expect(JSON.parse(withHeader.body)).toEqual({ data: { __typename: 'Query' }, extensions: { cost: { requested: 0, maximum: 20_000 } } });
    const withJson = await send(url, { headers: { 'content-type': 'application/json' } });
    expect(withJson.status).toBe(200);
    const simplePost = await send(gateway.graphqlUrl, {
      method: 'POST',
      headers: { 'content-type': 'text/plain', origin: OTHER_ORIGIN },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(simplePost.status).toBe(400);
  });

  test('websocket upgrades: own origin, listed origin and no origin are accepted; another site is refused', async () => {
    const websocketUrl = gateway.graphqlUrl.replace(/^http/, 'ws');
    for (const origin of [undefined, gateway.url, APP_ORIGIN]) {
      const attempt = await openSocket(websocketUrl, origin);
      expect([origin, attempt.outcome]).toEqual([origin, 'open']);
      if (attempt.outcome === 'open') attempt.socket.close();
    }
    expect(await openSocket(websocketUrl, OTHER_ORIGIN)).toEqual({ outcome: 'refused', status: 403 });
    // The gateway's host under another scheme or port is another origin.
    expect(await openSocket(websocketUrl, gateway.url.replace(/:\d+$/, ':1'))).toEqual({ outcome: 'refused', status: 403 });
  });
});

describe('UNAUTHENTICATED over HTTP', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  test('no token: 401 with a Bearer challenge, the GraphQL error body unchanged', async () => {
    const answer = await postJson(gateway.graphqlUrl, { query: '{ me { id } }' });
    expect(answer.status).toBe(401);
    expect(answer.headers['www-authenticate']).toBe('Bearer');
    const body = JSON.parse(answer.body) as { errors: Array<{ message: string; extensions: Record<string, unknown> }> };
    expect(body.errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
  });

  test('a bad token: 401 with error="invalid_token"', async () => {
    for (const authorization of ['Bearer not-a-token', 'Basic dXNlcjpwdw==']) {
      const answer = await postJson(gateway.graphqlUrl, { query: '{ me { id } }' }, { authorization });
      expect(answer.status).toBe(401);
      expect(answer.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
      expect((JSON.parse(answer.body) as { errors: Array<{ extensions: unknown }> }).errors).toEqual([expect.objectContaining({ extensions: { code: 'UNAUTHENTICATED' } })]);
    }
  });

  test('a valid token: 200 and no challenge', async () => {
    const answer = await postJson(gateway.graphqlUrl, { query: '{ me { id } }' }, { authorization: `Bearer ${gateway.adminToken}` });
    expect(answer.status).toBe(200);
    expect(answer.headers['www-authenticate']).toBeUndefined();
  });
});

function recordingLogger(): Logger & { readonly lines: Array<{ message: string; fields: LogFields }> } {
  const lines: Array<{ message: string; fields: LogFields }> = [];
  const record = (message: string, fields: LogFields = {}) => {
    lines.push({ message, fields });
  };
  const logger = { lines, debug: record, info: record, warn: record, error: record, child: () => logger };
  return logger;
}

describe('internal errors', () => {
  const nodeEnv = process.env.NODE_ENV;
  let gateway: TestGateway;
  const logger = recordingLogger();

  beforeAll(async () => {
    // Apollo and graphql-ws both show error detail whenever NODE_ENV is not "production": prove it no longer matters.
    process.env.NODE_ENV = 'development';
    gateway = await startTestGateway({}, { logger });
    // A real fault underneath: the table the query reads is gone.
    await gateway.dataSource.query('RENAME TABLE workspaces TO workspaces_moved_away');
  });

  afterAll(async () => {
    process.env.NODE_ENV = nodeEnv;
    await gateway?.stop();
  });

  test('over HTTP: a generic message and an errorId, no stack, path or SQL; the log has the rest under the same id', async () => {
    const answer = await postJson(gateway.graphqlUrl, { query: '{ workspaces { totalCount } }' }, { authorization: `Bearer ${gateway.adminToken}` });
    const body = JSON.parse(answer.body) as { errors: Array<{ message: string; extensions: { code: string; errorId: string } }> };
    expect(body.errors).toEqual([
      {
        message: 'Internal server error',
        locations: expect.any(Array),
        path: ['workspaces'],
        extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: expect.stringMatching(/^[0-9a-f-]{36}$/) },
      },
    ]);
    expect(answer.body).not.toMatch(/workspaces_moved_away|doesn't exist|ER_NO_SUCH|\/src\/|\.ts:|node_modules|stacktrace/);
    const errorId = body.errors[0]?.extensions.errorId;
    const logged = logger.lines.find((line) => line.fields.errorId === errorId);
    expect(logged?.fields.error).toMatch(/doesn't exist/);
  });

  test('over the websocket: the same masking', async () => {
    const query = collect(gateway.websocket(), '{ workspaces { totalCount } }');
    await query.done;
    expect(query.results).toEqual([
      {
        data: null,
        errors: [expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String) } })],
        extensions: { cost: { requested: 1, maximum: 20_000 } },
      },
    ]);
    expect(JSON.stringify(query.results)).not.toMatch(/workspaces_moved_away|doesn't exist|stack/);
  });

  test('KDA_DEBUG_ERRORS shows the real message and stack, for development', async () => {
    const debugging = await startTestGateway({ debugErrors: true });
    try {
      await debugging.dataSource.query('RENAME TABLE workspaces TO workspaces_moved_away');
      const answer = await postJson(debugging.graphqlUrl, { query: '{ workspaces { totalCount } }' }, { authorization: `Bearer ${debugging.adminToken}` });
      const body = JSON.parse(answer.body) as { errors: Array<{ message: string; extensions: { code: string; errorId: string; stacktrace: string[] } }> };
      expect(body.errors[0]?.message).toMatch(/doesn't exist/);
      expect(body.errors[0]?.extensions).toMatchObject({ code: 'INTERNAL_SERVER_ERROR', errorId: expect.any(String), stacktrace: expect.any(Array) });
    } finally {
      await debugging.stop();
    }
  });
});

describe('limits from the configuration', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway({ limits: { maxBodyBytes: 4096, maxWebsocketPayloadBytes: 2048, maxQueryDepth: 2, maxAliases: 1, maxSubscriptionsPerSocket: 2 } });
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  test('body size, depth and aliases', async () => {
    const big = await postJson(gateway.graphqlUrl, { query: '{ __typename }', padding: 'x'.repeat(8192) });
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toEqual({ errors: [{ message: 'Request body larger than 4096 bytes', extensions: { code: 'BAD_REQUEST' } }] });
    expect((await gateway.request('{ me { id } }')).errors).toBeUndefined();
    const tooDeep = await gateway.request('{ me { workspaces { totalCount } } }');
    expect([tooDeep.status, tooDeep.errors?.[0]?.extensions?.code]).toEqual([400, 'GRAPHQL_VALIDATION_FAILED']);
    expect((await gateway.request('{ a: me { id } }')).errors).toBeUndefined();
    expect((await gateway.request('{ a: me { id } b: me { id } }')).errors?.[0]).toMatchObject({
      message: 'Query uses more than 1 aliases',
      extensions: { code: 'GRAPHQL_VALIDATION_FAILED' },
    });
  });

  test('a websocket message over the payload limit closes the socket with 1009 (message too big)', async () => {
    const attempt = await openSocket(gateway.graphqlUrl.replace(/^http/, 'ws'), undefined);
    if (attempt.outcome !== 'open') throw new Error('the socket was refused');
    const closed = new Promise<number>((resolve) => attempt.socket.once('close', (code) => resolve(code)));
    attempt.socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${gateway.adminToken}`, padding: 'x'.repeat(4096) } }));
    expect(await closed).toBe(1009);
  });

  test('operations open at once on one socket are capped; closing one makes room', async () => {
    const client = gateway.websocket();
    const first = collect(client, 'subscription { clusterStatus { id } }');
    const second = collect(client, 'subscription { clusterStatus { id } }');
    const third = collect(client, '{ me { id } }');
    await expect(third.done).rejects.toMatchObject({ errors: [expect.objectContaining({ extensions: { code: 'SUBSCRIPTION_LIMIT_EXCEEDED', limit: 'perSocket', maximum: 2 } })] });
    first.unsubscribe();
    const fourth = collect<{ me: { id: string } }>(client, '{ me { id } }');
    await fourth.done;
    expect(fourth.results).toEqual([{ data: { me: { id: expect.any(String) } }, extensions: { cost: { requested: 1, maximum: 20_000 } } }]);
    // Another socket has its own allowance.
    const elsewhere = collect(gateway.websocket(), '{ me { id } }');
    await elsewhere.done;
    second.unsubscribe();
  });
});
