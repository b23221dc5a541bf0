import { collect } from './support/subscription.js';
import { startTestGateway, type TestGateway } from './support/gateway.js';
import { waitFor } from './support/wait.js';

describe('health, readiness, metrics and a clean stop', () => {
  let gateway: TestGateway;

  beforeAll(async () => {
    gateway = await startTestGateway();
  });

  afterAll(async () => {
    await gateway?.stop();
  });

  test('/healthz, /readyz and /metrics answer without a token', async () => {
    expect((await fetch(`${gateway.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${gateway.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ ready: true, checks: { database: { ok: true }, bus: { ok: true } } });
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^# TYPE kda_websocket_connections gauge$/m);
    expect((await fetch(`${gateway.url}/nope`)).status).toBe(404);
  });

  test('oversized and malformed request bodies are refused before they run', async () => {
    const huge = await fetch(`${gateway.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: `{ me { id } }`, padding: 'x'.repeat(2 * 1024 * 1024) }),
    });
    expect(huge.status).toBe(413);
    const broken = await fetch(`${gateway.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(broken.status).toBe(400);
  });
});

describe('stopping', () => {
  test('open subscriptions are closed as "going away" and the port is released', async () => {
    const gateway = await startTestGateway();
    const subscription = collect(gateway.websocket(), `subscription { clusterStatus { id } }`);
    await waitFor('the socket to be open', async () => /^kda_websocket_connections 1$/m.test(await (await fetch(`${gateway.url}/metrics`)).text()));
    await gateway.stop();
    await expect(subscription.done).rejects.toMatchObject({ code: 1001 });
    await expect(fetch(`${gateway.url}/healthz`)).rejects.toThrow();
  });
});

describe('per-caller rate limit', () => {
  test('a caller over its budget gets RATE_LIMITED (HTTP 429) on HTTP and websocket; others are not affected', async () => {
    const gateway = await startTestGateway({}, { rateLimit: { burst: 3, perSecond: 0.001 } });
    try {
      for (let request = 0; request < 3; request += 1) expect((await gateway.request(`{ me { id } }`)).errors).toBeUndefined();
      const limited = await gateway.request(`{ me { id } }`);
      expect(limited.status).toBe(429);
      expect(limited.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
      const overSocket = collect(gateway.websocket(), `{ me { id } }`);
      await expect(overSocket.done).rejects.toMatchObject({ errors: [expect.objectContaining({ extensions: expect.objectContaining({ code: 'RATE_LIMITED' }) })] });
      // An anonymous caller has a budget of its own (and is then refused for want of a token).
      expect((await gateway.request(`{ me { id } }`, {}, null)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      // Counted by the budget that ran out (the caller's own), never by who the caller is.
      const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
      expect(metrics).toMatch(/^kda_rate_limit_rejections_total\{budget="principal"\} 2$/m);
      expect(metrics).toMatch(/^kda_http_requests_total\{operation_type="unknown",outcome="RATE_LIMITED"\} 1$/m);
    } finally {
      await gateway.stop();
    }
  });
});
