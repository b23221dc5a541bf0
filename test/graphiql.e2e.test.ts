/**
 * GraphiQL served from local assets, exercised in headless Chromium: the page renders with no
 * request leaving the machine, a query runs with the token pasted into the headers editor, and a
 * subscription runs over the websocket with that token in connectionParams; on the embedded default
 * (headers pre-filled), a clusterMetrics subscription ticks.
 */
import 'reflect-metadata';
import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApp, GRAPHQL_PATH, type App } from '../src/app.js';
import { EMBEDDED_ADMIN_TOKEN, loadConfig } from '../src/config/config.js';
import { silentLogger } from '../src/shared/logger.js';

import { launchChromium, type ChromiumPage, type HeadlessChromium } from './support/chromium.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { startMinimalGraphqlServer, type MinimalGraphqlServer } from './support/minimal-graphql-server.js';

const SCREENSHOT_FILE = '/tmp/graphiql.png';

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

function httpGet(url: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

const RESPONSE_TEXT = `document.querySelector('.graphiql-response .CodeMirror').CodeMirror.getValue()`;

/** Drives GraphiQL's CodeMirror editors the way a user's typing ends up: through the editor API. */
class GraphiqlScreen {
  constructor(private readonly page: ChromiumPage) {}

  async waitUntilReady(): Promise<void> {
    await this.page.waitFor<boolean>(
      `document.querySelector('.graphiql-query-editor .CodeMirror') !== null && document.querySelector('.graphiql-execute-button') !== null`,
      'the GraphiQL editor to render',
    );
  }

  async setHeaders(headers: Record<string, string>): Promise<void> {
    await this.page.evaluate(`(() => {
      const tab = Array.from(document.querySelectorAll('.graphiql-editor-tools button')).find((b) => b.textContent.trim() === 'Headers');
      if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click();
      return true;
    })()`);
    const json = JSON.stringify(JSON.stringify(headers, null, 2));
    await this.page.waitFor<boolean>(
      `(() => {
        const editor = document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror');
        if (!editor) return false;
        editor.CodeMirror.setValue(${json});
        return true;
      })()`,
      'the headers editor',
    );
  }

  async setQuery(query: string): Promise<void> {
    await this.page.evaluate(`document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.setValue(${JSON.stringify(query)})`);
  }

  async clearResponse(): Promise<void> {
    await this.page.evaluate(`document.querySelector('.graphiql-response .CodeMirror').CodeMirror.setValue('')`);
  }

  async run(): Promise<void> {
    await this.page.evaluate(`document.querySelector('.graphiql-execute-button').click()`);
  }

  /** Waits until the result pane holds text containing `expected`, and returns that text. */
  async waitForResponseContaining(expected: string): Promise<string> {
    try {
      return await this.page.waitFor<string>(
        `(() => {
          const text = ${RESPONSE_TEXT};
          return text.includes(${JSON.stringify(expected)}) ? text : '';
        })()`,
        `the result pane to show ${expected}`,
      );
    } catch (error) {
      const shown = await this.page.evaluate<string>(RESPONSE_TEXT);
      const logs = JSON.stringify(this.page.logEntries);
      throw new Error(`${error instanceof Error ? error.message : String(error)}; it shows ${JSON.stringify(shown)}; page log: ${logs}`, { cause: error });
    }
  }
}

function isLocal(url: string, origin: string): boolean {
  const wsOrigin = origin.replace(/^http/, 'ws');
  return url.startsWith(`${origin}/`) || url.startsWith(`${wsOrigin}/`) || url.startsWith('data:') || url === 'about:blank';
}

let browser: HeadlessChromium;

beforeAll(async () => {
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
});

describe('GraphiQL handler over HTTP', () => {
  let server: MinimalGraphqlServer;

  beforeAll(async () => {
    server = await startMinimalGraphqlServer();
  });
  afterAll(async () => {
    await server.stop();
  });

  it('serves the page to a browser GET, with a CSP allowing only this origin for scripts', async () => {
    const page = await httpGet(`${server.url}/graphql`, { Accept: 'text/html,application/xhtml+xml' });
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-store');
    const csp = String(page.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-eval');
    expect(page.body).not.toMatch(/https?:\/\//);
    expect(page.body).toContain('./graphiql/assets/graphiql.min.js?v=');
  });

  it('leaves GraphQL GETs and non-browser requests to the GraphQL server', async () => {
    const withQuery = await httpGet(`${server.url}/graphql?query=%7B__typename%7D`, { Accept: 'text/html' });
    expect(withQuery.status).toBe(404);
    const jsonClient = await httpGet(`${server.url}/graphql`, { Accept: 'application/json' });
    expect(jsonClient.status).toBe(404);
  });

  it('serves allow-listed assets with content type and long caching, and nothing else', async () => {
    const script = await httpGet(`${server.url}/graphiql/assets/graphql-ws.min.js`);
    expect(script.status).toBe(200);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.headers['cache-control']).toContain('immutable');
    expect(script.body).toContain('graphqlWs');

    const revalidated = await httpGet(`${server.url}/graphiql/assets/graphql-ws.min.js`, { 'If-None-Match': String(script.headers.etag) });
    expect(revalidated.status).toBe(304);

    const styles = await httpGet(`${server.url}/graphiql/assets/graphiql.min.css`, { 'Accept-Encoding': 'gzip' });
    expect(styles.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(styles.headers['content-encoding']).toBe('gzip');

    for (const probe of ['package.json', '..%2F..%2Fpackage.json', '%2e%2e/%2e%2e/package.json', 'graphiql.min.js.map']) {
      expect((await httpGet(`${server.url}/graphiql/assets/${probe}`)).status).toBe(404);
    }
  });
});

async function openGraphiql(url: string): Promise<{ page: ChromiumPage; graphiql: GraphiqlScreen }> {
  const page = await browser.newPage();
  const graphiql = new GraphiqlScreen(page);
  await page.goto(`${url}/graphql`);
  await graphiql.waitUntilReady();
  return { page, graphiql };
}

describe('GraphiQL on the gateway, in headless Chromium', () => {
  let gateway: TestGateway;
  let page: ChromiumPage;
  let graphiql: GraphiqlScreen;

  beforeAll(async () => {
    gateway = await startTestGateway();
    ({ page, graphiql } = await openGraphiql(gateway.url));
  }, 60_000);

  afterAll(async () => {
    await page?.close();
    await gateway?.stop();
  });

  it('renders the editor from local assets only, without errors or CSP violations', async () => {
    const scripts = page.requests.filter((entry) => entry.type === 'Script').map((entry) => new URL(entry.url).pathname);
    expect(scripts).toEqual(expect.arrayContaining(['/graphiql/assets/graphiql.min.js', '/graphiql/assets/graphql-ws.min.js']));
    expect(page.requests.filter((entry) => !isLocal(entry.url, gateway.url))).toEqual([]);
    expect(page.exceptions).toEqual([]);
    expect(page.logEntries.filter((entry) => entry.source === 'security')).toEqual([]);
  });

  it('runs a query with the Authorization header typed into the headers editor', async () => {
    await graphiql.setHeaders({ Authorization: `Bearer ${gateway.adminToken}` });
    await graphiql.setQuery('{ clusters { name } }');
    await graphiql.run();
    const text = await graphiql.waitForResponseContaining('clusters');
    expect(JSON.parse(text)).toEqual({ data: { clusters: [] }, extensions: { cost: { requested: 1, maximum: 20_000 } } });
    await page.screenshot(SCREENSHOT_FILE);
  }, 30_000);

  it('authenticates subscriptions with the editor token in connectionParams', async () => {
    await graphiql.clearResponse();
    await graphiql.setHeaders({ Authorization: 'Bearer not-a-token' });
    await graphiql.setQuery('subscription { podEvents(clusterId: "no-such-cluster") { type } }');
    await graphiql.run();
    await graphiql.waitForResponseContaining('4403');

    // With the admin token the socket is accepted and the resolver itself answers.
    await graphiql.clearResponse();
    await graphiql.setHeaders({ Authorization: `Bearer ${gateway.adminToken}` });
    await graphiql.run();
    const text = await graphiql.waitForResponseContaining('no-such-cluster');
    const result = JSON.parse(text) as { errors: Array<{ path: string[]; extensions: { code: string } }> };
    expect(result.errors.map((error) => [error.path, error.extensions.code])).toEqual([[['podEvents'], 'NOT_FOUND']]);

    const sockets = page.requests.filter((entry) => entry.type === 'WebSocket').map((entry) => entry.url);
    expect(sockets).toEqual([`${gateway.url.replace(/^http/, 'ws')}/graphql`, `${gateway.url.replace(/^http/, 'ws')}/graphql`]);
  }, 30_000);
});

describe('GraphiQL subscriptions against a minimal graphql-ws server', () => {
  let server: MinimalGraphqlServer;
  let page: ChromiumPage;
  let graphiql: GraphiqlScreen;

  beforeAll(async () => {
    server = await startMinimalGraphqlServer();
    ({ page, graphiql } = await openGraphiql(server.url));
  }, 60_000);

  afterAll(async () => {
    await page?.close();
    await server?.stop();
  });

  it('streams results, reconnecting with the new token once the headers editor changes', async () => {
    await graphiql.setHeaders({ Authorization: 'Bearer wrong-token' });
    await graphiql.setQuery('subscription { tick(count: 3) }');
    await graphiql.run();
    await graphiql.waitForResponseContaining('4403');

    await graphiql.clearResponse();
    await graphiql.setHeaders({ Authorization: `Bearer ${server.token}` });
    await graphiql.run();
    const text = await graphiql.waitForResponseContaining('"tick": 3');
    expect(JSON.parse(text)).toEqual({ data: { tick: 3 } });

    expect(server.websocketAuthorizations).toEqual(['Bearer wrong-token', `Bearer ${server.token}`]);
    expect(page.requests.filter((entry) => !isLocal(entry.url, server.url))).toEqual([]);
    expect(page.logEntries.filter((entry) => entry.source === 'security')).toEqual([]);
  }, 30_000);
});

describe('GraphiQL on the embedded default, as `npm start` runs it', () => {
  let folder: string;
  let app: App;
  let page: ChromiumPage;
  let graphiql: GraphiqlScreen;

  beforeAll(async () => {
    folder = await mkdtemp(path.join(tmpdir(), 'kda-graphiql-'));
    app = await createApp(loadConfig({ PORT: '0', KDA_DATA_DIR: folder, KDA_METRICS_INTERVAL_SECONDS: '1' }), { logger: silentLogger });
    ({ page, graphiql } = await openGraphiql(app.url));
  }, 60_000);

  afterAll(async () => {
    await page?.close();
    await app?.stop();
    if (folder) await rm(folder, { recursive: true, force: true });
  });

  it('a clusterMetrics subscription typed into the editor ticks with the pre-filled token', async () => {
    // The list from outside the page; the subscription below runs on the token GraphiQL pre-filled.
    const listed = await fetch(`${app.url}${GRAPHQL_PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${EMBEDDED_ADMIN_TOKEN}` },
      body: JSON.stringify({ query: '{ clusters { id name } }' }),
    });
    const clusters = ((await listed.json()) as { data: { clusters: Array<{ id: string; name: string }> } }).data.clusters;
    const cluster = clusters.find((entry) => entry.name === 'acorn-demo-cluster');
    if (cluster === undefined) throw new Error(`no demo cluster in ${JSON.stringify(clusters)}`);
    await graphiql.clearResponse();
    await graphiql.setQuery(`subscription { clusterMetrics(clusterId: "${cluster.id}") { clusterId sampledAt cpuCores nodes { name } } }`);
    await graphiql.run();
    const first = JSON.parse(await graphiql.waitForResponseContaining('sampledAt')) as { data: { clusterMetrics: { clusterId: string; sampledAt: string; cpuCores: number } } };
    expect(first.data.clusterMetrics.clusterId).toBe(cluster.id);
    expect(first.data.clusterMetrics.cpuCores).toBeGreaterThan(0);
    // The pane shows the newest tick: a later sample replaces the first one.
    const later = await page.waitFor<string>(
      `(() => {
        const text = ${RESPONSE_TEXT};
        return text.includes('sampledAt') && !text.includes(${JSON.stringify(first.data.clusterMetrics.sampledAt)}) ? text : '';
      })()`,
      'a second tick',
    );
    expect(Date.parse((JSON.parse(later) as typeof first).data.clusterMetrics.sampledAt)).toBeGreaterThan(Date.parse(first.data.clusterMetrics.sampledAt));
    expect(page.requests.filter((entry) => !isLocal(entry.url, app.url))).toEqual([]);
  }, 60_000);
});
