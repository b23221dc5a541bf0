/**
 * CORS as a browser enforces it: a page served from another loopback origin calls the gateway
 * with `fetch`, an `Authorization: Bearer` header and a JSON body. From an origin in
 * KDA_CORS_ORIGINS the page reads the data; from any other the browser blocks it and the page
 * sees a TypeError. The websocket follows the same list.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { launchChromium, type ChromiumPage, type HeadlessChromium } from './support/chromium.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';

interface PageServer {
  readonly origin: string;
  stop(): Promise<void>;
}

/** A one-page site on its own port, so its origin differs from the gateway's. */
async function startPageServer(): Promise<PageServer> {
  const server: Server = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    response.end('<!doctype html><html><head><title>dashboard</title></head><body>a dashboard on another origin</body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

type FetchOutcome = { readonly data: unknown } | { readonly error: string };

/** Runs in the page: what a front end's own code would see. */
function fetchFromPage(page: ChromiumPage, graphqlUrl: string, token: string): Promise<FetchOutcome> {
  return page.evaluate<FetchOutcome>(`
    fetch(${JSON.stringify(graphqlUrl)}, {
      method: 'POST',
      credentials: 'include',
      headers: { authorization: ${JSON.stringify(`Bearer ${token}`)}, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ me { name } }' }),
    }).then((response) => response.json()).then((body) => ({ data: body.data }), (error) => ({ error: error.name }))
  `);
}

/** Resolves 'open' when the socket opens, 'refused' when it fails first. */
function websocketFromPage(page: ChromiumPage, websocketUrl: string): Promise<string> {
  return page.evaluate<string>(`
    new Promise((resolve) => {
      const socket = new WebSocket(${JSON.stringify(websocketUrl)}, 'graphql-transport-ws');
      socket.onopen = () => { socket.close(); resolve('open'); };
      socket.onerror = () => resolve('refused');
    })
  `);
}

describe('a browser page on another origin', () => {
  let browser: HeadlessChromium;
  let gateway: TestGateway;
  let listed: PageServer;
  let unlisted: PageServer;
  const pages: ChromiumPage[] = [];

  beforeAll(async () => {
    [listed, unlisted] = await Promise.all([startPageServer(), startPageServer()]);
    gateway = await startTestGateway({ corsOrigins: [listed.origin] });
    browser = await launchChromium();
  }, 60_000);

  afterAll(async () => {
    for (const page of pages) await page.close();
    await browser?.close();
    await gateway?.stop();
    await listed?.stop();
    await unlisted?.stop();
  });

  async function openPage(origin: string): Promise<ChromiumPage> {
    const page = await browser.newPage();
    pages.push(page);
    await page.goto(`${origin}/`);
    return page;
  }

  test('from an origin in KDA_CORS_ORIGINS, the page reads the data', async () => {
    const page = await openPage(listed.origin);
    expect(await fetchFromPage(page, gateway.graphqlUrl, gateway.adminToken)).toEqual({ data: { me: { name: expect.any(String) } } });
    expect(await websocketFromPage(page, gateway.graphqlUrl.replace(/^http/, 'ws'))).toBe('open');
  }, 30_000);

  test('from an origin not on the list, the browser blocks the call: the page sees a TypeError', async () => {
    const page = await openPage(unlisted.origin);
    expect(await fetchFromPage(page, gateway.graphqlUrl, gateway.adminToken)).toEqual({ error: 'TypeError' });
    expect(await websocketFromPage(page, gateway.graphqlUrl.replace(/^http/, 'ws'))).toBe('refused');
  }, 30_000);
});
